"""Train the check-worthiness model on CLEF 2019 CheckThat! Task 1 (training split only).

Model: logistic regression (class-weighted) over the readable features, the static sentence
embedding and the mean readable features of the two sentences either side (see
``corroborator.extract.checkworthy.model_inputs``). The regularisation strength is chosen by
leave-one-transcript-out cross-validation on the 19 training transcripts (mean average
precision per transcript, as the task scored it); the out-of-fold scores of the chosen
setting fit a Platt calibration. The test split is never read here.

Run: .venv/bin/python train/train_checkworthy.py [--data DIR] [--compare]
Writes: src/corroborator/resources/checkworthy/model.json
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score

from corroborator.embed import get_embedder
from corroborator.extract.checkworthy import (
    CONTEXT_WINDOW,
    FEATURE_NAMES,
    MODEL_PATH,
    feature_matrix,
    model_inputs,
    neighbour_mean,
    readable_inputs,
)

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "clef2019_checkworthy"
C_GRID = (0.001, 0.002, 0.005)


@dataclass
class Transcript:
    """One debate transcript: sentences in order and their 0/1 labels."""

    name: str
    texts: list[str]
    labels: np.ndarray


def load_split(directory: Path) -> list[Transcript]:
    """Read every TSV of a split (line number, speaker, text, label); speaker is unused."""
    out = []
    for path in sorted(directory.glob("*.tsv")):
        texts, labels = [], []
        for line in path.read_text(encoding="utf-8").splitlines():
            parts = line.split("\t")
            if len(parts) < 4 or not parts[3].strip().isdigit():
                continue
            texts.append(parts[2])
            labels.append(int(parts[3]))
        out.append(Transcript(path.stem, texts, np.asarray(labels, dtype=np.int8)))
    return out


def transcript_inputs(transcripts: list[Transcript]) -> list[np.ndarray]:
    """Model input matrix of each transcript (its sentences as one document)."""
    embedder = get_embedder("fast")
    out = []
    for t in transcripts:
        feats = feature_matrix(t.texts)
        nbr = neighbour_mean(readable_inputs(feats), np.arange(len(t.texts)))
        out.append(model_inputs(feats, embedder.encode(t.texts), nbr))
    return out


def mean_ap(scores: list[np.ndarray], labels: list[np.ndarray]) -> float:
    """Mean over transcripts of the average precision of ranking by score."""
    return float(
        np.mean([average_precision_score(y, s) for s, y in zip(scores, labels, strict=True)])
    )


def precision_at(scores: list[np.ndarray], labels: list[np.ndarray], k: int) -> float:
    """Mean over transcripts of the precision of the top-k sentences."""
    vals = [
        y[np.argsort(-s, kind="stable")[:k]].mean() for s, y in zip(scores, labels, strict=True)
    ]
    return float(np.mean(vals))


class Standardised:
    """Logistic regression on z-scored inputs, exposing raw-input weights for export."""

    def __init__(self, c: float, columns: slice | np.ndarray | None = None) -> None:
        self.c = c
        self.columns = columns if columns is not None else slice(None)

    def fit(self, x: np.ndarray, y: np.ndarray) -> Standardised:
        x = x[:, self.columns]
        self.mean = x.mean(axis=0)
        self.scale = x.std(axis=0) + 1e-6
        self.lr = LogisticRegression(C=self.c, class_weight="balanced", max_iter=2000)
        self.lr.fit((x - self.mean) / self.scale, y)
        return self

    def logits(self, x: np.ndarray) -> np.ndarray:
        return self.lr.decision_function((x[:, self.columns] - self.mean) / self.scale)


def cross_validate(
    xs: list[np.ndarray], ys: list[np.ndarray], c: float, columns: slice | np.ndarray | None = None
) -> list[np.ndarray]:
    """Leave-one-transcript-out out-of-fold logits."""
    out = []
    for i in range(len(xs)):
        x_tr = np.vstack([x for j, x in enumerate(xs) if j != i])
        y_tr = np.concatenate([y for j, y in enumerate(ys) if j != i])
        out.append(Standardised(c, columns).fit(x_tr, y_tr).logits(xs[i]))
    return out


def fit_platt(logits: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Platt scaling p = sigmoid(a * logit + b) on out-of-fold logits."""
    lr = LogisticRegression(C=1e6, max_iter=1000).fit(logits[:, None], y)
    return float(lr.coef_[0, 0]), float(lr.intercept_[0])


def compare(xs: list[np.ndarray], ys: list[np.ndarray]) -> None:
    """Print cross-validated MAP of feature subsets (readable / +embedding / +context)."""
    k = len(FEATURE_NAMES)
    subsets = {
        "readable features only": (slice(0, k), 0.01),
        "readable + embedding": (slice(0, k + 256), 0.002),
        "readable + neighbours' readable": (np.r_[0:k, k + 256 : 2 * k + 256], 0.01),
    }
    for label, (cols, c) in subsets.items():
        oof = cross_validate(xs, ys, c, cols)
        print(
            f"  {label:34s} C={c:<6} MAP={mean_ap(oof, ys):.4f} P@10={precision_at(oof, ys, 10):.3f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--compare", action="store_true", help="also compare feature subsets")
    args = parser.parse_args()
    started = time.time()
    train = load_split(args.data / "training")
    xs, ys = transcript_inputs(train), [t.labels for t in train]
    print(
        f"{len(train)} transcripts, {sum(len(y) for y in ys)} sentences, {sum(int(y.sum()) for y in ys)} positive"
    )
    print("leave-one-transcript-out cross-validation on the training split:")
    if args.compare:
        compare(xs, ys)
    results = {c: cross_validate(xs, ys, c) for c in C_GRID}
    for c, oof in results.items():
        print(
            f"  all inputs C={c:<6} MAP={mean_ap(oof, ys):.4f} P@10={precision_at(oof, ys, 10):.3f}"
        )
    best_c = max(results, key=lambda c: mean_ap(results[c], ys))
    a, b = fit_platt(np.concatenate(results[best_c]), np.concatenate(ys))
    final = Standardised(best_c).fit(np.vstack(xs), np.concatenate(ys))
    export(final, best_c, mean_ap(results[best_c], ys), (a, b), len(ys))
    print(f"chose C={best_c}; wrote {MODEL_PATH} in {time.time() - started:.0f}s")


def export(
    model: Standardised, c: float, cv_map: float, platt: tuple[float, float], n: int
) -> None:
    """Write weights as JSON (no pickle): mean, scale, coef, intercept, Platt a and b."""
    MODEL_PATH.parent.mkdir(parents=True, exist_ok=True)
    data = {
        "model": "logistic regression, class_weight=balanced, z-scored inputs: readable features, "
        "static embedding, mean readable features of neighbours",
        "embedder": get_embedder("fast").name,
        "context_window": CONTEXT_WINDOW,
        "trained_on": f"CLEF 2019 CheckThat! Task 1 training split ({n} transcripts)",
        "C": c,
        "cv_map_leave_one_transcript_out": round(cv_map, 4),
        "feature_names": list(FEATURE_NAMES),
        "mean": _rounded(model.mean),
        "scale": _rounded(model.scale),
        "coef": _rounded(model.lr.coef_[0]),
        "intercept": float(model.lr.intercept_[0]),
        "platt_a": platt[0],
        "platt_b": platt[1],
    }
    MODEL_PATH.write_text(json.dumps(data, indent=0) + "\n", encoding="utf-8")


def _rounded(values: np.ndarray) -> list[float]:
    return [float(f"{v:.6g}") for v in np.asarray(values, dtype=np.float64)]


if __name__ == "__main__":
    main()
