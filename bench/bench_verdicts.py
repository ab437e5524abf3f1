"""Verdict quality and speed: the figures of the "verdicts" issue.

Held-out data only (never trained or tuned on):
* the inference model on every NLI file it did not train or calibrate on;
* FNC-1 stance on the *test* stories of ``story_split`` (headline = claim, body = article);
* conflict pairs from those test stories: (agree body, disagree body) under one headline
  must be flagged by ``compare`` (a negation/claim/number/date discrepancy or a disputed
  claim group); (agree, agree) pairs must not.
Speed on this machine: cold ``compare`` of the two seeds (median of 5 fresh processes),
a 20-article story corroborated, inference pairs per second.

Candidate curve (``--only candidates --part tune``, issue 20): how the FNC-1 figures fall
as the sentences inferred per (claim, article) and per article shrink. Measured on the
*tune* stories only (the verdict model was fitted on them: read it as a relative curve,
never as a held-out figure); the held-out test stories are not touched by it.

Run: .venv/bin/python bench/bench_verdicts.py [--quick] [--only nli,fnc,conflict,speed]
     .venv/bin/python bench/bench_verdicts.py --only cascade --part tune|test
     .venv/bin/python bench/bench_verdicts.py --only looks --part tune
     .venv/bin/python bench/bench_verdicts.py --only candidates --part tune
Writes bench/out/verdicts.json; paste the table into docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
NLI_HELD_OUT = (
    "rte_pascal_rte3/dev.jsonl", "rte_glue/dev.jsonl", "snli/dev.jsonl",
    "cad_snli_original/dev.jsonl", "cad_snli_original/test.jsonl",
    "cad_snli_revised_hypothesis/test.jsonl", "cad_snli_revised_premise/test.jsonl",
    "mnli_binary/dev.jsonl", "fever_nli_binary/dev.jsonl", "fever_symmetric/v02_dev.jsonl",
    "fever_symmetric/v02_test.jsonl", "perspectrum/dev.jsonl", "perspectrum/test.jsonl",
    "breaking_nli/test.jsonl#test", "wikifactcheck_contrastive/dev.jsonl#test",
    "climate_fever/dev.jsonl", "recast/negation_dev.jsonl", "recast/quantifier_dev.jsonl",
    "recast/counting_dev.jsonl", "recast/comparative_dev.jsonl", "recast/lexical_dev.jsonl",
    "recast/syntactic_variation_dev.jsonl", "recast/monotonicity_infer_dev.jsonl",
)
PREVIOUS_STACK = "f3dd8c6"   # the commit whose inference and verdict models came before
PREVIOUS_DIR = ROOT / "bench" / "out" / "previous-stack"
CONFLICT_PAIRS = 120     # per kind (agree/disagree and agree/agree), sampled with a seed
OUT = ROOT / "bench" / "out" / "verdicts.json"


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def nli_figures(quick: bool, files: str = "") -> dict:
    """Accuracy and macro-F1 on each held-out NLI file (RTE/GLUE pairs seen in training
    are removed first)."""
    import tempfile

    sys.path.insert(0, str(ROOT / "train"))
    from corroborator.evaluation.nli import evaluate_nli
    from train_nli import nli_rows, nli_training_rows, pair_key

    seen = {pair_key(r) for r in nli_training_rows(random.Random(13))}
    out = {}
    for name in (files.split(",") if files else NLI_HELD_OUT):
        rows = [r for r in nli_rows(name) if pair_key(r) not in seen]
        if quick:
            rows = rows[:300]
        with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as handle:
            for r in rows:
                handle.write(json.dumps(r) + "\n")
        start = time.perf_counter()
        result = evaluate_nli(handle.name)
        result["pairs_per_second"] = round(len(rows) / (time.perf_counter() - start), 1)
        out[name] = result
        log(f"nli {name}: {result['mode']} acc {result['accuracy']} "
            f"macro-F1 {result['macro_f1']} n={result['n']}")
    return out


def fnc_rows(part: str):
    from corroborator.evaluation.stance import read_bodies, read_stances, story_split

    bodies = read_bodies(SHARED / "data" / "fnc1" / "train_bodies.csv")
    rows = read_stances(SHARED / "data" / "fnc1" / "train_stances.csv", bodies)
    sides = story_split(rows)
    return [r for r, s in zip(rows, sides, strict=True) if s == part], bodies


def fnc_figures(part: str) -> dict:
    from corroborator.evaluation.fnc import verdict_stances
    from corroborator.evaluation.stance import score_predictions

    rows, bodies = fnc_rows(part)
    start = time.perf_counter()
    verdicts = verdict_stances(rows, bodies)
    labels = [v.label for v in verdicts]
    result = score_predictions([s for _, _, s in rows], labels)
    result["expected_calibration_error"] = calibration_error(
        [v.probability for v in verdicts], [v.label == s for v, (_, _, s) in
                                            zip(verdicts, rows, strict=True)])
    result["seconds"] = round(time.perf_counter() - start, 1)
    log(f"fnc {part}: relative {result['fnc_score']:.3f} macro-F1 {result['macro_f1']:.3f} "
        f"disagree F1 {result['per_class_f1']['disagree']:.3f} n={result['n']}")
    return result


CANDIDATE_KS = (3, 2, 1)                     # sentences per (claim, article); 3 is shipped
ARTICLE_BUDGETS = (None, 12, 8, 6, 4, 2)     # pairs inferred per article over its claims


def candidate_curve(part: str, max_bodies: int = 0) -> list[dict]:
    """FNC-1 figures for each (sentences per claim-article, pairs per article) cut.

    Every body is judged on all its headlines in one call (as the fold judges one new
    article), with `budget` capping the pairs sent to the inference model; a cache shares
    the inferred pairs between the cuts, so each pair is inferred once. `max_bodies`
    (0: all) keeps a seeded sample of the part's bodies, with all their headlines.
    """
    from functools import partial

    from corroborator.corroboration import judgement
    from corroborator.corroboration.inference import PairCache, caching
    from corroborator.evaluation.fnc import fnc_jobs
    from corroborator.evaluation.stance import score_predictions

    if part == "test":
        raise SystemExit("the candidate curve is for tuning: use --part tune")
    rows, bodies = fnc_rows(part)
    if max_bodies:
        ids = sorted({b for _, b, _ in rows})
        keep = set(random.Random(5).sample(ids, min(max_bodies, len(ids))))
        rows = [r for r in rows if r[1] in keep]
    jobs = fnc_jobs(rows, bodies)
    by_body: dict[str, list[int]] = {}
    for i, (_, body, _) in enumerate(rows):
        by_body.setdefault(body, []).append(i)
    gold = [s for _, _, s in rows]
    real, out = judgement.candidates_for, []
    with caching(PairCache()):
        for k in CANDIDATE_KS:
            judgement.candidates_for = partial(real, k=k)
            try:
                out.extend(_cut(k, b, jobs, by_body, gold, score_predictions, judgement)
                           for b in ARTICLE_BUDGETS)
            finally:
                judgement.candidates_for = real
    return out


def _cut(k, budget, jobs, by_body, gold, score_predictions, judgement) -> dict:
    labels: list[str] = [""] * len(gold)
    pairs = 0
    for indices in by_body.values():
        mine = [jobs[i] for i in indices]
        wanted = sum(len(judgement.candidates_for(c, a)) for c, a in mine)
        pairs += wanted if budget is None else min(budget, wanted)
        for i, verdict in zip(indices, judgement.judge(mine, budget=budget), strict=True):
            labels[i] = verdict.label
    r = score_predictions(gold, labels)
    row = {"per_claim_article": k, "per_article": budget or "all",
           "pairs_per_article": round(pairs / len(by_body), 1),
           "fnc_score": round(r["fnc_score"], 3), "macro_f1": round(r["macro_f1"], 3),
           "disagree_f1": round(r["per_class_f1"]["disagree"], 3)}
    log(f"candidates {row}")
    return row


def cascade_figures(part: str) -> dict:
    """FNC-1 stories and ARC topics of `part` judged with and without the fold's cascade
    (the stance head's close look only where the whole-article model or a rejecting word
    makes agreement or disagreement plausible), with the share of pairs looked at."""
    from corroborator.corroboration import judgement
    from corroborator.corroboration.inference import PairCache, caching
    from corroborator.evaluation.fnc import fnc_jobs
    from corroborator.evaluation.stance import load_split, score_predictions

    out: dict = {}
    for corpus in ("fnc1", "arc"):
        rows, bodies, _ = load_split(corpus, part, SHARED / "data")
        jobs, gold = fnc_jobs(rows, bodies), [s for _, _, s in rows]
        looks = []
        real = judgement.passage_stances

        def counting(pairs, cands, nli=None, _real=real, looks=looks):
            looks.append((sum(bool(c) for c in cands), len(cands)))
            return _real(pairs, cands, nli)

        with caching(PairCache()):
            for cascade in (False, True):
                looks.clear()
                judgement.passage_stances = counting
                try:
                    labels = [v.label for v in judgement.judge(jobs, cascade=cascade)]
                finally:
                    judgement.passage_stances = real
                r = score_predictions(gold, labels)
                name = f"{corpus}, {'cascade' if cascade else 'every pair looked at'}"
                out[name] = {"relative": round(r["fnc_score"], 4),
                             "macro_f1": round(r["macro_f1"], 4),
                             "disagree_f1": round(r["per_class_f1"]["disagree"], 4),
                             "n": r["n"], "looked_at": sum(a for a, _ in looks)}
                log(f"cascade ({part}): {name}: {out[name]}")
    return out


LOOK_BUDGETS = (None, 8, 6, 4, 3, 2, 1)    # close looks per article (cascade on)


def looks_curve(part: str) -> list[dict]:
    """FNC-1 and ARC figures for each cap on the stance head's close looks per article,
    every body judged on all its headlines in one call with the cascade on (as the fold
    judges one new article)."""
    from corroborator.corroboration import judgement
    from corroborator.corroboration.inference import PairCache, caching
    from corroborator.evaluation.fnc import fnc_jobs
    from corroborator.evaluation.stance import load_split, score_predictions

    if part == "test":
        raise SystemExit("the close-look curve is for tuning: use --part tune")
    out = []
    for corpus in ("fnc1", "arc"):
        rows, bodies, _ = load_split(corpus, part, SHARED / "data")
        jobs, gold = fnc_jobs(rows, bodies), [s for _, _, s in rows]
        by_body: dict[str, list[int]] = {}
        for i, (_, body, _) in enumerate(rows):
            by_body.setdefault(body, []).append(i)
        with caching(PairCache()):
            for cap in LOOK_BUDGETS:
                labels = [""] * len(gold)
                for indices in by_body.values():
                    verdicts = judgement.judge([jobs[i] for i in indices], cascade=True,
                                               looks=cap)
                    for i, v in zip(indices, verdicts, strict=True):
                        labels[i] = v.label
                r = score_predictions(gold, labels)
                row = {"corpus": corpus, "looks_per_article": cap or "all",
                       "relative": round(r["fnc_score"], 4), "macro_f1": round(r["macro_f1"], 4),
                       "disagree_f1": round(r["per_class_f1"]["disagree"], 4)}
                log(f"looks ({part}): {row}")
                out.append(row)
    return out


def calibration_error(confidence: list[float], correct: list[bool], bins: int = 10) -> float:
    """Expected calibration error of the probability given with each label."""
    total, n = 0.0, len(confidence)
    for b in range(bins):
        inside = [i for i, c in enumerate(confidence)
                  if b / bins <= c < (b + 1) / bins or (b == bins - 1 and c == 1.0)]
        if inside:
            gap = abs(sum(confidence[i] for i in inside) / len(inside)
                      - sum(correct[i] for i in inside) / len(inside))
            total += gap * len(inside) / n
    return round(total, 4)


def conflict_pairs(part: str, limit: int) -> tuple[list, list, dict]:
    """(agree, disagree) and (agree, agree) body pairs under one headline."""
    rows, bodies = fnc_rows(part)
    by_head: dict[str, dict[str, list[str]]] = {}
    for head, body, stance in rows:
        by_head.setdefault(head, {}).setdefault(stance, []).append(body)
    conflict, agreeing = [], []
    for head, stances in sorted(by_head.items()):
        agree = sorted(set(stances.get("agree", [])))
        for a, d in itertools.product(agree, sorted(set(stances.get("disagree", [])))):
            conflict.append((head, a, d))
        agreeing.extend((head, a, b) for a, b in itertools.combinations(agree, 2))
    rng = random.Random(7)
    rng.shuffle(conflict)
    rng.shuffle(agreeing)
    return conflict[:limit], agreeing[:limit], bodies


def flagged(comparison) -> bool:
    return (any(g.status == "disputed" for g in comparison.claim_groups)
            or any(d.kind in ("negation", "claim", "number", "date")
                   for d in comparison.discrepancies))


def pair_comparisons(pairs, bodies):
    """The comparison of each (headline, body, body) pair, bodies extracted once."""
    from corroborator.corroboration.story import corroborate_articles
    from corroborator.embed import get_embedder
    from corroborator.extract import extract
    from corroborator.models import Article

    embedder = get_embedder("fast")
    cache: dict[str, tuple] = {}

    def article(body_id: str):
        if body_id not in cache:
            a = Article(text=bodies[body_id], title="", outlet=f"body {body_id}")
            cache[body_id] = (a, extract(a))
        return cache[body_id]

    for _, x, y in pairs:
        (a, ea), (b, eb) = article(x), article(y)
        yield corroborate_articles([a, b], {a.id: ea, b.id: eb}, embedder)


def conflict_figures(part: str, limit: int) -> dict:
    conflict, agreeing, bodies = conflict_pairs(part, limit)

    def rate(pairs) -> float:
        hits = sum(flagged(c) for c in pair_comparisons(pairs, bodies))
        return hits / len(pairs) if pairs else 0.0

    start = time.perf_counter()
    result = {"conflict_recall": round(rate(conflict), 3), "n_conflict": len(conflict),
              "false_alarm": round(rate(agreeing), 3), "n_agreeing": len(agreeing)}
    result["seconds"] = round(time.perf_counter() - start, 1)
    log(f"conflict pairs ({part}): recall {result['conflict_recall']} "
        f"false alarm {result['false_alarm']}")
    return result


def previous_stack() -> tuple[Path, object]:
    """The previous inference model directory and verdict model, read from git."""
    from corroborator.corroboration.judgement import VerdictModel

    PREVIOUS_DIR.mkdir(parents=True, exist_ok=True)
    for name in ("model.onnx", "meta.json", "tokenizer.json"):
        target = PREVIOUS_DIR / name
        if not target.exists():
            target.write_bytes(subprocess.run(
                ["git", "show", f"{PREVIOUS_STACK}:src/corroborator/resources/nli/{name}"],
                cwd=ROOT, check=True, capture_output=True).stdout)
    verdict = subprocess.run(
        ["git", "show", f"{PREVIOUS_STACK}:src/corroborator/resources/verdict/model.json"],
        cwd=ROOT, check=True, capture_output=True).stdout
    data = json.loads(verdict)
    thresholds = (data["dispute_threshold"], data["unclear_threshold"],
                  data["agree_threshold"])
    return PREVIOUS_DIR, (VerdictModel.from_json(data | {"status_threshold": thresholds[0]}),
                          thresholds)


def threshold_labels(probs: np.ndarray, denial: np.ndarray,
                     thresholds: tuple[float, float, float]) -> list[str]:
    """The previous stack's decision (replaced by weighted argmax): an explicit denial or
    P(disagree) over the dispute threshold disputes; P(agree) over the agree threshold
    agrees; else the likeliest other stance, "discuss" where P(disagree) beats it above
    the unclear threshold."""
    from corroborator.corroboration.judgement import STANCES

    dispute, unclear, agree = thresholds
    out = []
    for p, d in zip(probs, denial, strict=True):
        probs_of = dict(zip(STANCES, p, strict=True))
        if d or probs_of["disagree"] >= dispute:
            out.append("disagree")
        elif probs_of["agree"] >= agree:
            out.append("agree")
        else:
            label = max(("agree", "discuss", "unrelated"), key=lambda s: probs_of[s])
            if probs_of["disagree"] > probs_of[label] and probs_of["disagree"] >= unclear:
                label = "discuss"
            out.append(label)
    return out


def ablation_figures() -> dict:
    """Held-out FNC-1 test stories and ARC test topics for each verdict variant (each
    fitted on the tune sides only, as train/train_verdict.py does), the previous stack and
    the rebuilt whole-body baseline."""
    sys.path.insert(0, str(ROOT / "train"))
    from train_verdict import (
        CORPORA,
        VARIANTS,
        combined,
        featurize,
        fit_variant,
        labels,
        per_corpus,
        wholebody_probs,
    )

    out = {}
    old_dir, (old_model, thresholds) = previous_stack()
    old_test = combined([featurize(c, "test", old_dir) for c in CORPORA])
    old_denial = old_test.get("denial_v1", old_test["denial"])
    out["previous stack (sentence model v1 + verdict-lr.v1)"] = per_corpus(
        old_test, threshold_labels(old_model.probabilities(old_test["x"]), old_denial,
                                   thresholds))
    tune = combined([featurize(c, "tune") for c in CORPORA])
    test = combined([featurize(c, "test") for c in CORPORA])
    tune["whole"], test_whole = wholebody_probs("tune"), wholebody_probs("test")
    for name in VARIANTS:
        model, _ = fit_variant(name, tune)
        out[name] = per_corpus(test, labels(model, test["x"], test["denial"], test_whole))
    try:
        out.update(wholebody_figures(tune, test))
    except ImportError as exc:   # the baseline needs the bench extra (lightgbm)
        out["whole-body LightGBM baseline (rebuilt)"] = {"error": str(exc)}
    for name, figures in out.items():
        log(f"ablation, held-out: {name}: {figures}")
    return out


def wholebody_figures(tune: dict, test: dict) -> dict:
    """The rebuilt whole-body model of ef8a138 alone (FNC-1 + ARC training, fitted on
    train + tune): the model the issue asks the verdicts to beat."""
    sys.path.insert(0, str(ROOT / "bench"))
    from baseline_wholebody import baseline_predictions
    from corroborator.evaluation.stance import score_predictions
    from train_verdict import CORPORA

    alone = baseline_predictions("test", variant="fnc+arc")
    gold = {c: [r["gold"] for r in alone[c]] for c in CORPORA}
    pred = {c: [r["label"] for r in alone[c]] for c in CORPORA}
    return {"whole-body LightGBM baseline (rebuilt, FNC-1 + ARC)": {
        c: {"relative": round(s["fnc_score"], 4), "macro_f1": round(s["macro_f1"], 4),
            "disagree_f1": round(s["per_class_f1"]["disagree"], 4), "n": s["n"]}
        for c in CORPORA for s in [score_predictions(gold[c], pred[c])]}}


def speed_figures() -> dict:
    """Cold compare of the seeds in fresh processes; a 20-article story; pairs/s."""
    seeds = sorted((SHARED / "seeds").glob("*.txt"))
    cli = ROOT / ".venv" / "bin" / "corroborator"
    times = []
    for _ in range(5):
        start = time.perf_counter()
        subprocess.run([str(cli), "compare", *map(str, seeds), "--format", "json"],
                       check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    from corroborator.corroboration.inference import get_nli_model

    model = get_nli_model()
    rows, bodies = fnc_rows("test")
    pairs = [(bodies[b][:300], h) for h, b, _ in rows[:256]]
    start = time.perf_counter()
    model.predict(pairs)
    pps = len(pairs) / (time.perf_counter() - start)
    story = story_seconds(rows, bodies)
    result = {"cold_compare_median_s": round(statistics.median(times), 2),
              "cold_compare_runs_s": [round(t, 2) for t in times],
              "nli_pairs_per_second": round(pps, 1), "story20_corroborate_s": story}
    log(f"speed: {result}")
    return result


def story_seconds(rows, bodies) -> float:
    """Corroborate the 20 bodies of one test story (extraction not counted)."""
    from corroborator.corroboration.story import corroborate_articles
    from corroborator.embed import get_embedder
    from corroborator.extract import extract
    from corroborator.models import Article

    counts: dict[str, list[str]] = {}
    for head, body, stance in rows:
        if stance != "unrelated":
            counts.setdefault(head, []).append(body)
    head = max(counts, key=lambda h: len(set(counts[h])))
    ids = sorted(set(counts[head]))[:20]
    articles = [Article(text=bodies[i], title="", outlet=f"body {i}") for i in ids]
    extractions = {a.id: extract(a) for a in articles}
    embedder = get_embedder("fast")
    start = time.perf_counter()
    corroborate_articles(articles, extractions, embedder)
    return round(time.perf_counter() - start, 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small samples")
    parser.add_argument("--only", default="nli,fnc,ablation,conflict,speed")
    parser.add_argument("--part", default="test", help="FNC-1 story part (test or tune)")
    parser.add_argument("--files", default="", help="NLI files to score (default: all held out)")
    parser.add_argument("--bodies", type=int, default=0,
                        help="candidate curve: a seeded sample of this many bodies (0: all)")
    args = parser.parse_args()
    if not (SHARED / "data").exists():
        print(f"skipped: {SHARED / 'data'} is absent")
        return
    wanted = set(args.only.split(","))
    results = json.loads(OUT.read_text()) if OUT.exists() else {}
    if "nli" in wanted:
        results["nli_held_out"] = results.get("nli_held_out", {}) | nli_figures(
            args.quick, args.files)
    if "fnc" in wanted:
        results[f"fnc_{args.part}_stories"] = fnc_figures(args.part)
    if "ablation" in wanted:
        results["ablation_held_out"] = ablation_figures()
    if "conflict" in wanted:
        results[f"conflict_{args.part}_stories"] = conflict_figures(
            args.part, 30 if args.quick else CONFLICT_PAIRS)
    if "speed" in wanted:
        results["speed"] = speed_figures()
    if "cascade" in wanted:
        results[f"cascade_{args.part}"] = cascade_figures(args.part)
    if "looks" in wanted:
        results[f"looks_curve_{args.part}"] = looks_curve(args.part)
    if "candidates" in wanted:
        results[f"candidate_curve_{args.part}_stories"] = candidate_curve(args.part, args.bodies)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
