"""Train the whole-article stance model (:mod:`corroborator.corroboration.wholebody`).

Data: FNC-1 split by story and ARC split by debate topic
(:func:`corroborator.evaluation.stance.load_split`). The trees are fitted on the *train*
sides, with early stopping on the *tune* sides; the model is NOT refitted on tune, so
``train/train_verdict.py`` can fit its blend with the verdict model on tune rows this model
never saw. The *test* sides are featurised here (cached for the benchmark) and scored once,
for the record.

Features come from the product's own path: extraction, sentence split and fast embedder
(:func:`corroborator.evaluation.fnc.fnc_jobs`), so training and run time agree. They are
cached as plain arrays under ``train/work/wholebody/`` (no pickle).

Usage::

    .venv/bin/python train/train_wholebody.py            # featurise (cached), fit, write
    .venv/bin/python train/train_wholebody.py --out DIR  # write the model elsewhere
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
WORK = ROOT / "train" / "work" / "wholebody"
CORPORA = ("fnc1", "arc")
SEED = 1
PARAMS = {
    "objective": "multiclass", "num_class": 3, "learning_rate": 0.05, "num_leaves": 15,
    "min_data_in_leaf": 20, "feature_fraction": 0.7, "bagging_fraction": 0.8,
    "bagging_freq": 1, "lambda_l2": 1.0, "num_threads": 2, "deterministic": True,
    "force_row_wise": True, "verbosity": -1, "seed": SEED,
}
MAX_ROUNDS = 1000


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def fit_space(data_dir: Path):
    """The term space: FNC-1 train and tune headlines and bodies (never test)."""
    from corroborator.corroboration.wholebody import TermSpace
    from corroborator.evaluation.stance import load_split

    heads, body_ids, bodies = set(), set(), {}
    for side in ("train", "tune"):
        rows, bodies, _ = load_split("fnc1", side, data_dir)
        heads.update(h for h, _, _ in rows)
        body_ids.update(b for _, b, _ in rows)
    return TermSpace.fit(sorted(heads) + [bodies[b] for b in sorted(body_ids)])


def featurize(corpus: str, side: str, space, data_dir: Path = DATA) -> dict[str, np.ndarray]:
    """Feature rows, labels and stories of one corpus side (cached by space size)."""
    from corroborator.corroboration.judgement import STANCES
    from corroborator.corroboration.wholebody import job_features
    from corroborator.evaluation.fnc import fnc_jobs
    from corroborator.evaluation.stance import load_split

    cache = WORK / f"{corpus}_{side}_{len(space.vocabulary)}_v3.npz"
    if cache.exists():
        with np.load(cache, allow_pickle=False) as data:
            return {k: data[k] for k in data.files}
    rows, bodies, stories = load_split(corpus, side, data_dir)
    started = time.time()
    out = {"x": job_features(fnc_jobs(rows, bodies), space),
           "y": np.array([STANCES.index(s) for _, _, s in rows]), "story": np.array(stories)}
    log(f"{corpus}/{side}: {len(rows)} pairs featurised in {time.time() - started:.0f} s")
    WORK.mkdir(parents=True, exist_ok=True)
    np.savez(cache, **out)
    return out


def sample_weights(y: np.ndarray, power: float) -> np.ndarray:
    """Inverse class frequency to the `power`, normalised to mean 1."""
    counts = np.bincount(y).astype(float)
    w = (counts.sum() / np.maximum(counts, 1)) ** power
    return w[y] / w[y].mean()


def fit_stage(stage: str, x, y, valid):
    """Stage "related" (binary, overlap columns) or "stance" (agree/disagree/discuss),
    early-stopped on `valid`."""
    import lightgbm as lgb

    from corroborator.corroboration.wholebody import (
        FEATURE_NAMES,
        RELATED_COLUMNS,
        RELATED_FEATURES,
    )

    params = dict(PARAMS)
    names = list(FEATURE_NAMES)
    if stage == "related":
        params.update(objective="binary")
        params.pop("num_class")
        x, valid = x[:, RELATED_COLUMNS], (valid[0][:, RELATED_COLUMNS], valid[1])
        names = list(RELATED_FEATURES)
    data = lgb.Dataset(x, y, weight=sample_weights(y, 0.0 if stage == "related" else 1.0),
                       feature_name=names)
    return lgb.train(params, data, num_boost_round=MAX_ROUNDS,
                     valid_sets=[lgb.Dataset(valid[0], valid[1], reference=data)],
                     callbacks=[lgb.early_stopping(50, verbose=False)])


def side_data(side: str, space) -> dict[str, np.ndarray]:
    parts = [featurize(c, side, space) for c in CORPORA]
    return {k: np.concatenate([p[k] for p in parts]) for k in ("x", "y", "story")}


def scores(model, data) -> dict[str, dict]:
    """Argmax figures of `model` on a side, per corpus."""
    from corroborator.corroboration.judgement import STANCES
    from corroborator.evaluation.stance import figures_by_corpus

    pred = model.predict_rows(data["x"]).argmax(axis=1)
    return figures_by_corpus([STANCES[i] for i in data["y"]], [STANCES[i] for i in pred],
                             data["story"])


def export(space, related, stance, meta: dict, folder: Path) -> None:
    """Write the model the product reads: the term space as JSON, each LightGBM stage as
    an ONNX tree ensemble with one output, ``probabilities`` (no LightGBM at run time)."""
    from onnxmltools import convert_lightgbm
    from onnxmltools.convert.common.data_types import FloatTensorType

    from corroborator.corroboration.wholebody import FEATURE_NAMES, OUTPUT, STANCES

    folder.mkdir(parents=True, exist_ok=True)
    for name, booster in (("related", related), ("stance", stance)):
        graph = convert_lightgbm(
            booster, initial_types=[("x", FloatTensorType([None, booster.num_feature()]))],
            zipmap=False, target_opset=15)
        kept = [o for o in graph.graph.output if o.name == OUTPUT]
        del graph.graph.output[:]
        graph.graph.output.extend(kept)
        (folder / f"{name}.onnx").write_bytes(graph.SerializeToString())
    (folder / "space.json").write_text(json.dumps(space.to_json()), encoding="utf-8")
    meta = dict(meta, features=list(FEATURE_NAMES), stances=list(STANCES))
    (folder / "meta.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")


def main() -> None:
    from corroborator.corroboration.wholebody import MODEL_DIR, WholeBodyModel

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=MODEL_DIR, help="model folder to write")
    args = parser.parse_args()
    log("fitting the term space")
    space = fit_space(DATA)
    train, tune, test = (side_data(s, space) for s in ("train", "tune", "test"))
    related_y = (train["y"] != 3).astype(int), (tune["y"] != 3).astype(int)
    related = fit_stage("related", train["x"], related_y[0], (tune["x"], related_y[1]))
    keep, keep_v = train["y"] != 3, tune["y"] != 3
    stance = fit_stage("stance", train["x"][keep], train["y"][keep],
                       (tune["x"][keep_v], tune["y"][keep_v]))
    meta = {
        "name": "wholebody-lgbm.v1",
        "trained_on": "FNC-1 train stories + ARC train topics (load_split), with "
                      "shortened-body copies; early stopping on the tune sides; not refitted "
                      "on tune",
        "rounds": {"related": related.best_iteration, "stance": stance.best_iteration},
        "pairs": int(len(train["y"])), "terms": len(space.vocabulary)}
    export(space, related, stance, meta, args.out)
    model = WholeBodyModel.load(args.out)
    meta["tune (argmax, early-stopping side)"] = scores(model, tune)
    meta["test (held-out, argmax)"] = scores(model, test)
    export(space, related, stance, meta, args.out)
    log(json.dumps(meta, indent=1))
    log(f"wrote {args.out}")


if __name__ == "__main__":
    main()
