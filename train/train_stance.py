"""Train the stance model on the FNC-1 training split and write src/corroborator/resources/stance/.

Reproducible: the held-out split, the tuning split and LightGBM all use fixed seeds
and deterministic settings. Usage::

    .venv/bin/python train/train_stance.py [--data-dir ../shared/data/fnc1]
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import random
import time
from pathlib import Path

import lightgbm as lgb
import numpy as np

from corroborator.evaluation.stance import (
    LABELS,
    read_bodies,
    read_stances,
    score_predictions,
    split_by_headline,
)
from corroborator.stance import (
    FEATURE_NAMES,
    MODEL_FILES,
    MODEL_NAME,
    RELATED_COLUMNS,
    RELATED_FEATURES,
    StanceFeaturizer,
    TfidfSpace,
    combine_stages,
    split_sentences,
)

ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = ROOT.parent / "shared" / "data" / "fnc1"
OUT_DIR = ROOT / "src" / "corroborator" / "resources" / "stance"
VERSION = 1
SHORT = "#short"
UNRELATED = LABELS.index("unrelated")
SEED = 1
HELDOUT = 0.2
PARAMS = {
    "objective": "multiclass",
    "num_class": len(LABELS),
    "learning_rate": 0.05,
    "num_leaves": 15,
    "min_data_in_leaf": 20,
    "feature_fraction": 0.7,
    "bagging_fraction": 0.8,
    "bagging_freq": 1,
    "lambda_l2": 1.0,
    "num_threads": 2,
    "deterministic": True,
    "force_row_wise": True,
    "verbosity": -1,
}


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def load(data_dir: Path) -> tuple[list[tuple[str, str, str]], dict[str, str]]:
    bodies = read_bodies(data_dir / "train_bodies.csv")
    rows = read_stances(data_dir / "train_stances.csv", bodies)
    return rows, bodies


def featurize(
    featurizer: StanceFeaturizer, rows: list[tuple[str, str, str]], bodies: dict[str, str]
) -> np.ndarray:
    """Feature rows for every (headline, Body ID) in `rows`."""
    heads = sorted({h for h, _, _ in rows})
    ids = sorted({b for _, b, _ in rows})
    h_idx = {h: i for i, h in enumerate(heads)}
    b_idx = {b: i for i, b in enumerate(ids)}
    pairs = np.array([(h_idx[h], b_idx[b]) for h, b, _ in rows])
    return featurizer.features(heads, [split_sentences(bodies[b]) for b in ids], pairs)


def story_split(
    rows: list[tuple[str, str, str]], fraction: float, seed: int
) -> tuple[list[tuple[str, str, str]], list[tuple[str, str, str]]]:
    """Hold out whole stories: components of headlines and bodies joined by related pairs.

    Pairs that cross the two sides (unrelated pairs of a held-out headline with a
    training body, or the reverse) are dropped, so no text is seen on both sides.
    """
    parent: dict[str, str] = {}

    def find(node: str) -> str:
        while parent.setdefault(node, node) != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for h, b, s in rows:
        find("h:" + h)
        find("b:" + b)
        if s != "unrelated":
            parent[find("h:" + h)] = find("b:" + b)
    stories = sorted({find(n) for n in list(parent)})
    random.Random(seed).shuffle(stories)
    held = set(stories[: round(len(stories) * fraction)])
    side = [(find("h:" + h) in held, find("b:" + b) in held) for h, b, _ in rows]
    train = [r for r, (hh, bb) in zip(rows, side, strict=True) if not hh and not bb]
    test = [r for r, (hh, bb) in zip(rows, side, strict=True) if hh and bb]
    return train, test


def shortened(
    rows: list[tuple[str, str, str]], bodies: dict[str, str], seed: int
) -> tuple[list[tuple[str, str, str]], dict[str, str]]:
    """Copies of `rows` whose bodies keep only their first 3-8 sentences (one cut per body).

    News bodies met at run time are often short; the lead usually carries the stance,
    so the copies keep their labels.
    """
    rng = random.Random(seed)
    cut: dict[str, str] = {}
    for body_id in sorted({b for _, b, _ in rows}):
        sents = split_sentences(bodies[body_id])
        keep = rng.randint(3, 8)
        if len(sents) > keep:
            cut[body_id + SHORT] = "\n".join(sents[:keep])
    extra = [(h, b + SHORT, s) for h, b, s in rows if b + SHORT in cut]
    return extra, {**bodies, **cut}


def sample_weights(y: np.ndarray, power: float) -> np.ndarray:
    """Inverse class frequency to the `power`, normalised to mean 1."""
    counts = np.bincount(y).astype(float)
    w = (counts.sum() / np.maximum(counts, 1)) ** power
    out = w[y]
    return out / out.mean()


def fit_stage(
    stage: str, x: np.ndarray, y: np.ndarray, rounds: int, power: float, valid=None
) -> lgb.Booster:
    """Fit stage "related" (binary, similarity features) or "stance" (3 related classes)."""
    params = {**PARAMS, "seed": SEED}
    if stage == "related":
        params.update(objective="binary")
        params.pop("num_class")
        x, names = x[:, RELATED_COLUMNS], RELATED_FEATURES
        valid = None if valid is None else (valid[0][:, RELATED_COLUMNS], valid[1])
    else:
        params.update(num_class=3)
        names = FEATURE_NAMES
    data = lgb.Dataset(x, y, weight=sample_weights(y, power), feature_name=names)
    if valid is None:
        return lgb.train(params, data, num_boost_round=rounds)
    vdata = lgb.Dataset(valid[0], valid[1], reference=data)
    return lgb.train(
        params, data, num_boost_round=rounds, valid_sets=[vdata],
        callbacks=[lgb.early_stopping(50, verbose=False)],
    )


def fit_both(
    x: np.ndarray, y: np.ndarray, rounds: tuple[int, int], power: float, valid=None
) -> tuple[lgb.Booster, lgb.Booster]:
    """Both stages; with `valid`, each stops early on its part of the validation rows."""
    rel = y != UNRELATED
    v_rel = None if valid is None else (valid[0], (valid[1] != UNRELATED).astype(int))
    v_sta = None if valid is None else (valid[0][valid[1] != UNRELATED],
                                        valid[1][valid[1] != UNRELATED])
    related = fit_stage("related", x, rel.astype(int), rounds[0], 0.0, valid=v_rel)
    stance = fit_stage("stance", x[rel], y[rel], rounds[1], power, valid=v_sta)
    return related, stance


def predict_both(models: tuple[lgb.Booster, lgb.Booster], x: np.ndarray) -> np.ndarray:
    return combine_stages(models[0].predict(x[:, RELATED_COLUMNS]), models[1].predict(x))


def objective(gold: np.ndarray, probs: np.ndarray, weights: np.ndarray) -> float:
    pred = np.argmax(probs * weights, axis=1)
    scores = score_predictions([LABELS[i] for i in gold], [LABELS[i] for i in pred])
    return scores["fnc_score"] + scores["macro_f1"]


def tune_class_weights(gold: np.ndarray, probs: np.ndarray) -> np.ndarray:
    """Coordinate search for per-class probability multipliers maximising FNC + macro-F1."""
    weights = np.ones(len(LABELS))
    grid = [0.5, 0.67, 0.8, 1.0, 1.25, 1.5, 2.0, 2.5, 3.0, 4.0]
    for _ in range(3):
        for k in range(len(LABELS) - 1):
            best = max(grid, key=lambda v, k=k: objective(gold, probs, _with(weights, k, v)))
            weights[k] = best
    return weights


def _with(weights: np.ndarray, k: int, value: float) -> np.ndarray:
    out = weights.copy()
    out[k] = value
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=DATA_DIR)
    parser.add_argument("--out-dir", type=Path, default=OUT_DIR)
    parser.add_argument("--weight-power", type=float, default=1.0)
    parser.add_argument("--learning-rate", type=float, default=PARAMS["learning_rate"])
    parser.add_argument("--num-leaves", type=int, default=PARAMS["num_leaves"])
    parser.add_argument("--max-rounds", type=int, default=1000)
    parser.add_argument(
        "--split", choices=("headline", "story"), default="headline",
        help="story: hold out whole stories (headlines and bodies); a stricter check",
    )
    parser.add_argument("--no-augment", action="store_true", help="no shortened-body copies")
    parser.add_argument("--cache", type=Path, default=None, help="npz cache of features")
    args = parser.parse_args()

    PARAMS.update(learning_rate=args.learning_rate, num_leaves=args.num_leaves)
    rows, bodies = load(args.data_dir)
    if args.split == "story":
        train, test = story_split(rows, HELDOUT, SEED)
        heldout = {h for h, _, _ in test}
    else:
        heldout = split_by_headline([h for h, _, _ in rows], HELDOUT, SEED)
        train = [r for r in rows if r[0] not in heldout]
        test = [r for r in rows if r[0] in heldout]
    train_heads = {h for h, _, _ in train}
    tune = split_by_headline(sorted(train_heads), HELDOUT, SEED + 1)
    log(f"{len(train)} training pairs, {len(test)} held-out pairs ({len(heldout)} headlines)")

    used = sorted({b for _, b, _ in train})
    space = TfidfSpace.fit(sorted(train_heads) + [bodies[b] for b in used])
    featurizer = StanceFeaturizer(space)
    extra, all_bodies = shortened(train, bodies, SEED) if not args.no_augment else ([], bodies)
    short_test, test_bodies = shortened(test, bodies, SEED + 2)
    if args.cache is not None and args.cache.exists():
        cached = np.load(args.cache)
        x_train, x_extra, x_test, x_short = (cached[k] for k in ("train", "extra", "test", "short"))
    else:
        x_train, x_test = featurize(featurizer, train, bodies), featurize(featurizer, test, bodies)
        x_extra = featurize(featurizer, extra, all_bodies)
        x_short = featurize(featurizer, short_test, test_bodies)
        if args.cache is not None:
            np.savez(args.cache, train=x_train, extra=x_extra, test=x_test, short=x_short)
    log(f"features: {x_train.shape[1]}, {len(extra)} shortened-body copies")
    y_train, y_extra, y_test, y_short = (labels_of(r) for r in (train, extra, test, short_test))

    in_tune = np.array([h in tune for h, _, _ in train])
    extra_fit = np.array([h not in tune for h, _, _ in extra], dtype=bool)
    models = fit_both(np.vstack([x_train[~in_tune], x_extra[extra_fit]]),
                      np.concatenate([y_train[~in_tune], y_extra[extra_fit]]),
                      (args.max_rounds, args.max_rounds), args.weight_power,
                      valid=(x_train[in_tune], y_train[in_tune]))
    rounds = tuple(m.best_iteration or args.max_rounds for m in models)
    weights = tune_class_weights(y_train[in_tune], predict_both(models, x_train[in_tune]))
    log(f"tuned: rounds {rounds}, class weights {dict(zip(LABELS, weights, strict=True))}")

    models = fit_both(np.vstack([x_train, x_extra]), np.concatenate([y_train, y_extra]), rounds,
                      args.weight_power)
    scores = report("held-out", models, weights, x_test, y_test)
    scores["shortened_bodies"] = report("held-out, bodies cut to 3-8 sentences", models,
                                        weights, x_short, y_short)
    importance = models[1].feature_importance("gain")
    top = sorted(zip(FEATURE_NAMES, importance, strict=True), key=lambda t: -t[1])[:15]
    log("top stance-stage features: " + ", ".join(f"{n}={v:.0f}" for n, v in top))
    write(args, models, space, weights, rounds, scores, len(train), len(test), len(heldout))


def labels_of(rows: list[tuple[str, str, str]]) -> np.ndarray:
    return np.array([LABELS.index(s) for _, _, s in rows], dtype=np.int64)


def report(what: str, models, weights: np.ndarray, x: np.ndarray, y: np.ndarray):
    pred = [LABELS[i] for i in np.argmax(predict_both(models, x) * weights, axis=1)]
    scores = score_predictions([LABELS[i] for i in y], pred)
    f1 = {k: round(v, 3) for k, v in scores["per_class_f1"].items()}
    log(f"{what}: FNC {scores['fnc_score']:.4f} macro-F1 {scores['macro_f1']:.4f} per-class {f1}")
    log(f"{what} confusion: {json.dumps(scores['confusion'])}")
    return scores


def write(args, models, space, weights, rounds, scores, n_train, n_test, n_heads) -> None:
    out: Path = args.out_dir
    out.mkdir(parents=True, exist_ok=True)
    for model, name in zip(models, MODEL_FILES, strict=True):
        text = model.model_to_string().encode("utf-8")
        (out / name).write_bytes(gzip.compress(text, compresslevel=9, mtime=0))
    (out / "model.txt").unlink(missing_ok=True)
    (out / "tfidf.json").write_text(json.dumps(space.to_json()), encoding="utf-8")
    stances = args.data_dir / "train_stances.csv"
    meta = {
        "name": MODEL_NAME,
        "version": VERSION,
        "labels": list(LABELS),
        "features": FEATURE_NAMES,
        "related_features": RELATED_FEATURES,
        "class_weights": {lab: float(w) for lab, w in zip(LABELS, weights, strict=True)},
        "data": {
            "source": "FNC-1 training split (train_stances.csv, train_bodies.csv)",
            "train_stances_md5": hashlib.md5(stances.read_bytes()).hexdigest(),
        },
        "split": {
            "method": "by headline: seeded shuffle of distinct headlines "
            "(corroborator.evaluation.stance.split_by_headline)"
            if args.split == "headline" else "by story (train/train_stance.py story_split)",
            "heldout_fraction": HELDOUT,
            "seed": SEED,
            "train_pairs": n_train,
            "heldout_pairs": n_test,
            "heldout_headlines": n_heads,
        },
        "training": {
            "seed": SEED, "rounds": {"related": rounds[0], "stance": rounds[1]}, "weight_power": args.weight_power,
            "params": PARAMS,
            "tuning": "rounds and class weights chosen on a further 20% headline split of "
            "the training part, then refit on the whole training part",
        },
        "heldout_scores": scores,
    }
    (out / "meta.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    log(f"wrote {out}")


if __name__ == "__main__":
    main()
