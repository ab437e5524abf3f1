"""Fit the verdict model (logistic weights over the verdict features, and its thresholds),
with an ablation of its feature groups.

Data: the *tune* side of FNC-1 (split by story) and of ARC (split by debate topic), see
:func:`corroborator.evaluation.stance.load_split`; claim = headline, article = body.
Features come from the product's own path
(:func:`corroborator.corroboration.judgement.judge_features`: candidate sentences, the
sentence-pair head, the rules, the passage stance head). The inference model never trained
on these rows; the *test* sides are never read here (``bench/bench_verdicts.py`` reports them).

Every variant in :data:`VARIANTS` is scored by story-grouped cross-validation on the tune
rows, thresholds included; the variant with the best mean macro-F1 over the two corpora is
written to ``src/corroborator/resources/verdict/model.json`` with the whole table in its
``meta``.

Usage::

    .venv/bin/python train/train_verdict.py                 # featurize (cached), fit, write
    .venv/bin/python train/train_verdict.py --dry-run       # table only
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
DATA = Path(os.environ.get("CORROBORATOR_SHARED", ROOT.parent / "shared")) / "data"
WORK = ROOT / "train" / "work" / "verdict"
C = 1.0
FOLDS = 5
CLASS_WEIGHT = {"agree": 1.0, "disagree": 2.5, "discuss": 1.0, "unrelated": 1.0}
CORPORA = ("fnc1", "arc")
BLENDS = (0.25, 0.4, 0.5, 0.6, 0.75)   # verdict model's share of the log-probabilities
WEIGHT_GRID = (0.5, 0.67, 0.8, 1.0, 1.25, 1.5, 2.0, 2.5, 3.0)

PASSAGE = ("ps_agree", "ps_disagree", "ps_discuss", "ps_unrelated", "ps_disagree_x_rel",
           "ps_agree_x_plain")
CONTEXT = ("next_rejects", "opposite", "framed")
VARIANTS: dict[str, dict] = {
    # name: features left out, and whether the explicit-denial rule applies
    "sentence pairs + rules (the previous stack's features)": {"drop": PASSAGE + CONTEXT,
                                                              "rule": True},
    "+ context cues": {"drop": PASSAGE, "rule": True},
    "+ passage stance head": {"drop": (), "rule": True},
    "+ passage stance head, no denial rule": {"drop": (), "rule": False},
    "passage stance head + overlap only": {
        "keep": ("bias", "best_cos", "best_shared", "body_frac") + PASSAGE, "rule": False},
    # the same features blended with the whole-article model (wholebody); blend on tune
    "passage stance head + overlap, blended with the whole-article model": {
        "keep": ("bias", "best_cos", "best_shared", "body_frac") + PASSAGE, "rule": False,
        "blend": BLENDS},
    "+ passage stance head, blended with the whole-article model": {
        "drop": (), "rule": False, "blend": BLENDS},
    "whole-article model alone": {"drop": (), "rule": False, "blend": (0.0,)},
}


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


# ---------------------------------------------------------------- features


def featurize(corpus: str, side: str, nli_dir: Path | None = None,
              limit: int = 0) -> dict[str, np.ndarray]:
    """Feature rows of one corpus side with the inference model in `nli_dir` (the bundled
    one by default), cached under train/work/verdict/ (plain arrays, no pickle)."""
    from corroborator.corroboration.inference import MODEL_DIR, NLIModel
    from corroborator.corroboration.judgement import (
        EXPLICIT_MIN_SHARED,
        STANCES,
        _explicit_denial,
        judge_features,
    )
    from corroborator.evaluation.fnc import fnc_jobs
    from corroborator.evaluation.stance import load_split

    nli = NLIModel(nli_dir or MODEL_DIR)
    tag = f"{corpus}_{side}_{nli.name}{'_' + str(limit) if limit else ''}"
    cache = WORK / f"{tag}.npz"
    if cache.exists():
        with np.load(cache, allow_pickle=False) as data:
            return aligned({k: data[k] for k in data.files})
    rows, bodies, stories = load_split(corpus, side, DATA)
    if limit:
        rows, stories = rows[:limit], stories[:limit]
    log(f"{tag}: {len(rows)} rows; extracting and inferring")
    started = time.time()
    x, cands = judge_features(fnc_jobs(rows, bodies), nli)
    from corroborator.corroboration.judgement import FEATURES

    out = {"x": np.vstack(x).astype(np.float32), "features": np.array(FEATURES),
           "y": np.array([STANCES.index(s) for _, _, s in rows]),
           "story": np.array(stories),
           "denial": np.array([_explicit_denial(c) is not None for c in cands]),
           # the previous stack's rule read explicit denials only (no next-sentence cue)
           "denial_v1": np.array([any(x.cue.explicit and x.shared >= EXPLICIT_MIN_SHARED
                                      for x in c)
                                  for c in cands])}
    log(f"{tag}: {time.time() - started:.0f} s")
    WORK.mkdir(parents=True, exist_ok=True)
    np.savez(cache, **out)
    return aligned(out)


def aligned(data: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Cached features mapped onto today's FEATURES by name (a feature the cache lacks is
    zero)."""
    from corroborator.corroboration.judgement import FEATURES

    names = [str(n) for n in data.pop("features")]
    x = np.zeros((len(data["x"]), len(FEATURES)), dtype=np.float32)
    for j, name in enumerate(names):
        if name in FEATURES:
            x[:, FEATURES.index(name)] = data["x"][:, j]
    data["x"] = x
    return data


def columns(variant: dict) -> np.ndarray:
    """The feature columns a variant uses (the others are zeroed)."""
    from corroborator.corroboration.judgement import FEATURES

    if "keep" in variant:
        return np.array([f in variant["keep"] for f in FEATURES])
    return np.array([f not in variant["drop"] for f in FEATURES])


# ---------------------------------------------------------------- fitting


def fit(x: np.ndarray, y: np.ndarray, mask: np.ndarray) -> np.ndarray:
    from sklearn.linear_model import LogisticRegression

    from corroborator.corroboration.judgement import STANCES

    weights = np.array([CLASS_WEIGHT[STANCES[k]] for k in y])
    lr = LogisticRegression(C=C, fit_intercept=False, max_iter=5000)
    lr.fit(x[:, mask], y, sample_weight=weights)
    full = np.zeros((len(STANCES), x.shape[1]), dtype=np.float32)   # as wide as x
    full[np.ix_(lr.classes_, np.flatnonzero(mask))] = lr.coef_
    return full


def labels(model, x: np.ndarray, denial: np.ndarray,
           whole: np.ndarray | None = None) -> list[str]:
    """The labels the product gives: the model's probabilities blended with the
    whole-article model's (`whole`), then the weighted decision."""
    return _labels_from_probs(model, model.combine(model.probabilities(x), whole), denial)


def cv_probabilities(x, y, groups, mask) -> np.ndarray:
    from sklearn.model_selection import GroupKFold

    from corroborator.corroboration.judgement import STANCES, VerdictModel

    probs = np.zeros((len(y), len(STANCES)))
    for tr, te in GroupKFold(FOLDS).split(x, y, groups):
        probs[te] = VerdictModel(fit(x[tr], y[tr], mask)).probabilities(x[te])
    return probs


def choose_weights(probs, data, rule: bool) -> tuple[float, ...]:
    """Per-stance decision weights with the best :func:`objective` (coordinate search)."""
    from corroborator.corroboration.judgement import FEATURES, VerdictModel

    weights = [1.0, 1.0, 1.0, 1.0]

    def score(k: int, value: float) -> float:
        trial = tuple(weights[:k] + [value] + weights[k + 1:])
        model = VerdictModel(np.zeros((4, len(FEATURES))), trial, denial_rule=rule)
        return objective(data, _labels_from_probs(model, probs, data["denial"]))

    for _ in range(2):
        for k in range(4):
            weights[k] = max(WEIGHT_GRID, key=lambda v, k=k: score(k, v))
    return tuple(weights)


def _labels_from_probs(model, probs, denial) -> list[str]:
    from corroborator.corroboration.judgement import STANCES, decide_label

    return [decide_label({s: float(v) for s, v in zip(STANCES, p, strict=True)}, bool(d),
                         model)[0] for p, d in zip(probs, denial, strict=True)]


STATUS_PRECISION = 0.7   # a disputed claim should really be disputed this often (issue 19)
CORROBORATE_PRECISION = 0.85   # an article counted as corroborating should really agree


def status_threshold(probs: np.ndarray, y: np.ndarray, stance: str = "disagree",
                     target: float = STATUS_PRECISION, labels: np.ndarray | None = None
                     ) -> float:
    """The lowest P(`stance`) at which the cross-validated predictions on the tune rows
    (those labelled `stance`, where `labels` are given) reach precision `target`: a claim
    group is disputed (P(disagree), 0.70), and a judged article corroborates it (P(agree),
    0.85), only from there. Where no threshold with 20 predictions reaches it, the one with
    the best precision."""
    from corroborator.corroboration.judgement import STANCES

    k = STANCES.index(stance)
    p = probs[:, k]
    gold = y == k
    shown = np.ones(len(y), dtype=bool) if labels is None else labels == k
    best = (-1.0, 0.95)
    for t in np.arange(0.3, 0.96, 0.025):
        chosen = shown & (p >= t)
        if chosen.sum() < 20:
            continue
        precision = float(gold[chosen].mean())
        if precision >= target:
            return round(float(t), 3)
        best = max(best, (precision, round(float(t), 3)))
    return best[1]      # the target is out of reach: the most precise threshold


def per_corpus(data, pred: list[str]) -> dict[str, dict]:
    from corroborator.corroboration.judgement import STANCES
    from corroborator.evaluation.stance import figures_by_corpus

    return figures_by_corpus([STANCES[k] for k in data["y"]], pred, data["story"])


def mean_macro_f1(data, pred: list[str]) -> float:
    scores = per_corpus(data, pred)
    return float(np.mean([s["macro_f1"] for s in scores.values()]))


def objective(data, pred: list[str]) -> float:
    """What the verdicts are judged on, averaged over the corpora: relative score,
    macro-F1 and disagree F1 (issue 19's held-out figures)."""
    scores = per_corpus(data, pred)
    return float(np.mean([s["relative"] + s["macro_f1"] + s["disagree_f1"]
                          for s in scores.values()]))


def combined(parts: list[dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    keys = set.intersection(*(set(p) for p in parts))
    return {k: np.concatenate([p[k] for p in parts]) for k in sorted(keys)}


def fit_variant(name: str, tune: dict[str, np.ndarray]):
    """The variant's model fitted on all tune rows, blend and weights from CV, and its CV
    scores."""
    variant = VARIANTS[name]
    return fit_masked(tune, columns(variant), variant["rule"], variant.get("blend", (1.0,)))


def fit_masked(tune: dict[str, np.ndarray], mask: np.ndarray, rule: bool,
               blends: tuple[float, ...] = (1.0,)):
    """A model over the `mask` columns of ``tune["x"]`` (which may hold more columns than
    FEATURES, for experiments); the blend with the whole-article model (``tune["whole"]``)
    and the decision weights from story-grouped CV, and its CV scores."""
    from corroborator.corroboration.judgement import VerdictModel, blend_probabilities

    probs = cv_probabilities(tune["x"], tune["y"], tune["story"], mask)
    whole = tune.get("whole")
    best = None
    for blend in blends if whole is not None else (1.0,):
        mixed = blend_probabilities(probs, whole, blend)
        weights = choose_weights(mixed, tune, rule)
        trial = VerdictModel(np.zeros((4, tune["x"].shape[1])), weights, blend=blend,
                             denial_rule=rule)
        score = objective(tune, _labels_from_probs(trial, mixed, tune["denial"]))
        log(f"  blend {blend}: weights {weights}, objective {score:.4f}")
        if best is None or score > best[0]:
            best = (score, blend, weights, mixed)
    _, blend, weights, mixed = best
    status = status_threshold(mixed, tune["y"])
    shown = (mixed * np.array(weights)).argmax(axis=1)
    corroborate = status_threshold(mixed, tune["y"], "agree", CORROBORATE_PRECISION, shown)
    model = VerdictModel(fit(tune["x"], tune["y"], mask), weights,
                         unclear_threshold=round(status * 0.6, 3), status_threshold=status,
                         blend=blend, name="verdict-lr.v3", denial_rule=rule,
                         corroborate_threshold=corroborate)
    cv = per_corpus(tune, _labels_from_probs(model, mixed, tune["denial"]))
    return model, cv


def wholebody_probs(side: str) -> np.ndarray | None:
    """The shipped whole-article model's probabilities on a side's rows (in featurize's
    row order), from train_wholebody's cached features; None where it is not shipped."""
    from corroborator.corroboration.wholebody import get_wholebody_model
    from train_wholebody import featurize as wb_featurize

    model = get_wholebody_model()
    if model is None:
        return None
    parts = [wb_featurize(c, side, model.space) for c in CORPORA]
    return model.predict_rows(np.vstack([p["x"] for p in parts]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--nli-dir", type=Path, default=None,
                        help="inference model directory (default: the bundled one)")
    parser.add_argument("--limit", type=int, default=0, help="first N rows (smoke test)")
    parser.add_argument("--dry-run", action="store_true", help="do not write the model")
    parser.add_argument("--out", type=Path, default=None, help="model.json to write")
    args = parser.parse_args()
    from corroborator.corroboration.judgement import MODEL_PATH

    tune = combined([featurize(c, "tune", args.nli_dir, args.limit) for c in CORPORA])
    whole = None if args.limit else wholebody_probs("tune")
    if whole is not None:
        tune["whole"] = whole
    table, models = {}, {}
    for name in VARIANTS:
        models[name], table[name] = fit_variant(name, tune)
        log(f"CV on tune, {name}: {table[name]}")
    best = max(table, key=lambda n: np.mean([s["relative"] + s["macro_f1"] + s["disagree_f1"]
                                             for s in table[n].values()]))
    model = models[best]
    model.meta = {"data": "FNC-1 tune stories + ARC tune topics (load_split)",
                  "rows": len(tune["y"]), "C": C, "class_weight": CLASS_WEIGHT,
                  "selection": "mean over corpora of relative + macro-F1 + disagree F1",
                  "variant": best, "cv_on_tune": table}
    log(f"chosen: {best}")
    if args.dry_run:
        return
    target = args.out or MODEL_PATH
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(model.to_json(), indent=1) + "\n", encoding="utf-8")
    log(f"wrote {target}")


if __name__ == "__main__":
    main()
