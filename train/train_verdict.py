"""Fit the verdict model: logistic weights over the verdict features, and its thresholds.

Data: FNC-1 rows of the *tune* stories (``corroborator.evaluation.stance.story_split``),
headline as the claim and body as the article, features from the product's own
align → infer path (:func:`corroborator.corroboration.judgement.judge_features`). The inference model
never trained on these stories; the *test* stories stay untouched for the benchmark.
Thresholds are chosen on story-grouped cross-validated predictions of the same rows.
Writes ``src/corroborator/resources/verdict/model.json``.

Usage::

    .venv/bin/python train/train_verdict.py [--cache train/work/verdict_features.npz]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

from corroborator.corroboration.judgement import (
    FEATURES,
    MODEL_PATH,
    STANCES,
    VerdictModel,
    decide,
    judge_features,
)
from corroborator.evaluation.fnc import fnc_jobs
from corroborator.evaluation.stance import (
    read_bodies,
    read_stances,
    score_predictions,
    story_components,
    story_split,
)

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))     # the conflict pairs are the benchmark's own
DATA = ROOT.parent / "shared" / "data" / "fnc1"
C = 1.0
FOLDS = 5
CLASS_WEIGHT = {"agree": 1.0, "disagree": 2.5, "discuss": 1.0, "unrelated": 1.0}


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def load_part(part: str) -> tuple[list[tuple[str, str, str]], dict[str, str], list[str]]:
    bodies = read_bodies(DATA / "train_bodies.csv")
    rows = read_stances(DATA / "train_stances.csv", bodies)
    sides = story_split(rows)
    stories, _ = story_components(rows)
    keep = [i for i, s in enumerate(sides) if s == part]
    return [rows[i] for i in keep], bodies, [stories[i] for i in keep]


def featurize(rows, bodies, cache: Path | None):
    if cache and cache.exists():
        data = np.load(cache, allow_pickle=True)
        return data["x"], list(data["cands"])
    jobs = fnc_jobs(rows, bodies)
    log(f"{len(jobs)} jobs prepared; inferring")
    x, cands = judge_features(jobs)
    x = np.vstack(x)
    if cache:
        cache.parent.mkdir(parents=True, exist_ok=True)
        np.savez(cache, x=x, cands=np.array(cands, dtype=object))
    return x, cands


def fit(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    from sklearn.linear_model import LogisticRegression

    weights = np.array([CLASS_WEIGHT[STANCES[k]] for k in y])
    lr = LogisticRegression(C=C, fit_intercept=False, max_iter=5000)
    lr.fit(x, y, sample_weight=weights)
    full = np.zeros((len(STANCES), x.shape[1]), dtype=np.float32)
    full[lr.classes_] = lr.coef_
    return full


def cross_validated(x: np.ndarray, y: np.ndarray, groups: list[str]) -> np.ndarray:
    from sklearn.model_selection import GroupKFold

    probs = np.zeros((len(y), len(STANCES)))
    for train, test in GroupKFold(FOLDS).split(x, y, groups):
        model = VerdictModel(fit(x[train], y[train]))
        probs[test] = model.probabilities(x[test])
    return probs


def choose_thresholds(probs: np.ndarray, y: np.ndarray, cands) -> tuple[float, float, float]:
    """The dispute and agree thresholds with the best macro-F1 on CV predictions."""
    gold = [STANCES[k] for k in y]
    best = (-1.0, 0.5, 0.5)
    for dispute in np.arange(0.2, 0.81, 0.05):
        for agree in np.arange(0.3, 0.71, 0.05):
            model = VerdictModel(np.zeros((4, len(FEATURES))), float(dispute),
                                 float(dispute) * 0.6, float(agree))
            pred = [decide(p, c, model).label for p, c in zip(probs, cands, strict=True)]
            f1 = score_predictions(gold, pred)["macro_f1"]
            if f1 > best[0]:
                best = (f1, float(dispute), float(agree))
    return round(best[1], 2), round(best[1] * 0.6, 2), round(best[2], 2)


TARGET_FALSE_ALARM = 0.15     # on tune-story agree/agree pairs, as in the benchmark


def pair_scores(pairs, bodies) -> list[tuple[float, bool]]:
    """For each body pair: the highest P(disagree) of any claim group, and whether the
    aligner found a negation, number or date discrepancy on its own."""
    from bench_verdicts import pair_comparisons

    out = []
    for result in pair_comparisons(pairs, bodies):
        top = max((s.probabilities.get("disagree", 0.0) for g in result.claim_groups
                   for s in g.stances), default=0.0)
        aligned = any(d.kind in ("negation", "number", "date") for d in result.discrepancies)
        out.append((top, aligned))
    return out


def choose_status_threshold(conflict, agreeing) -> float:
    """The lowest group-dispute threshold whose false-alarm rate on agreeing pairs stays
    within TARGET_FALSE_ALARM (highest recall on conflicting pairs)."""
    best = 0.95
    for t in np.arange(0.95, 0.19, -0.025):
        fa = np.mean([p >= t or aligned for p, aligned in agreeing])
        recall = np.mean([p >= t or aligned for p, aligned in conflict])
        log(f"  t={t:.3f} recall {recall:.3f} false alarm {fa:.3f}")
        if fa <= TARGET_FALSE_ALARM:
            best = float(t)
    recall = np.mean([p >= best or aligned for p, aligned in conflict])
    fa = np.mean([p >= best or aligned for p, aligned in agreeing])
    log(f"status threshold {best:.3f}: tune conflict recall {recall:.3f}, false alarm {fa:.3f}")
    return round(best, 3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cache", type=Path, default=None)
    parser.add_argument("--limit", type=int, default=0, help="first N rows (smoke test)")
    parser.add_argument("--dry-run", action="store_true", help="do not write the model")
    parser.add_argument("--status", action="store_true",
                        help="also choose the group-dispute threshold on tune conflict pairs")
    args = parser.parse_args()
    rows, bodies, stories = load_part("tune")
    if args.limit:
        rows, stories = rows[:args.limit], stories[:args.limit]
    log(f"{len(rows)} tune rows")
    x, cands = featurize(rows, bodies, args.cache)
    y = np.array([STANCES.index(s) for _, _, s in rows])
    probs = cross_validated(x, y, stories)
    dispute, unclear, agree = choose_thresholds(probs, y, cands)
    model = VerdictModel(fit(x, y), dispute, unclear, agree, name="verdict-lr.v1")
    cv_model = VerdictModel(model.weights, dispute, unclear, agree)
    cv_pred = [decide(p, c, cv_model).label for p, c in zip(probs, cands, strict=True)]
    cv = score_predictions([s for _, _, s in rows], cv_pred)
    log(f"CV on tune stories: fnc {cv['fnc_score']:.3f} macro-F1 {cv['macro_f1']:.3f} "
        f"per class {cv['per_class_f1']}")
    model.meta = {"data": "FNC-1 tune stories (story_split seed 1)", "rows": len(rows),
                  "C": C, "class_weight": CLASS_WEIGHT,
                  "cv_on_tune": {k: cv[k] for k in ("fnc_score", "macro_f1", "per_class_f1")}}
    if args.status:
        from bench_verdicts import conflict_pairs

        conflict, agreeing, bodies = conflict_pairs("tune", 120)
        model.status_threshold = choose_status_threshold(pair_scores(conflict, bodies),
                                                         pair_scores(agreeing, bodies))
    if args.dry_run:
        return
    MODEL_PATH.parent.mkdir(parents=True, exist_ok=True)
    MODEL_PATH.write_text(json.dumps(model.to_json(), indent=1) + "\n", encoding="utf-8")
    log(f"wrote {MODEL_PATH} (dispute {dispute}, unclear {unclear}, agree {agree})")


if __name__ == "__main__":
    main()
