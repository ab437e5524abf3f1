"""Score the sentence-pair inference model on a JSONL file of labelled pairs.

Each line: ``{"premise", "hypothesis", "label"}`` with label ``entailment``, ``neutral``
or ``contradiction`` (3-way) or ``entailment`` / ``not_entailment`` (2-way; also
``SUPPORT`` / ``UNDERMINE`` read as entailment / contradiction). A file whose labels
include neutral or contradiction is scored 3-way, otherwise 2-way (entailment vs not).

Example:
    >>> result = evaluate_nli("rte3_dev.jsonl")
    >>> sorted(result)
    ['accuracy', 'macro_f1', 'mode', 'model', 'n', 'per_class_f1']
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from corroborator.errors import InputError

THREE_WAY = ("entailment", "neutral", "contradiction")
TWO_WAY = ("entailment", "not_entailment")
ALIASES = {"support": "entailment", "undermine": "contradiction", "supports": "entailment",
           "refutes": "contradiction", "not entailment": "not_entailment"}


def read_pairs(path: str | Path) -> list[tuple[str, str, str]]:
    """(premise, hypothesis, label) rows, each line checked on its own."""
    source = str(path)
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(source, f"cannot read file ({exc})") from exc
    out = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            premise, hypothesis = str(row["premise"]), str(row["hypothesis"])
            label = str(row["label"]).strip().lower()
        except (ValueError, KeyError, TypeError) as exc:
            raise InputError(source, f"not a {{premise, hypothesis, label}} object ({exc})",
                             line=number) from exc
        label = ALIASES.get(label, label)
        if label not in THREE_WAY + TWO_WAY:
            raise InputError(source, f"unknown label {label!r}", line=number)
        out.append((premise, hypothesis, label))
    if not out:
        raise InputError(source, "no labelled pairs")
    return out


def f1_scores(gold: Sequence[str], pred: Sequence[str], labels: Sequence[str]) -> dict[str, float]:
    """Per-class F1."""
    out = {}
    for label in labels:
        tp = sum(g == label and p == label for g, p in zip(gold, pred, strict=True))
        fp = sum(g != label and p == label for g, p in zip(gold, pred, strict=True))
        fn = sum(g == label and p != label for g, p in zip(gold, pred, strict=True))
        out[label] = 0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn)
    return out


def evaluate_nli(path: str | Path, model=None) -> dict[str, Any]:
    """Accuracy, macro-F1 and per-class F1 of the inference model on one file."""
    from corroborator.corroboration.inference import LABELS, get_nli_model

    rows = read_pairs(path)
    model = model or get_nli_model()
    probs = model.predict([(p, h) for p, h, _ in rows])
    three_way = any(label in ("neutral", "contradiction") for _, _, label in rows)
    if three_way:
        gold = [label if label != "not_entailment" else "contradiction" for _, _, label in rows]
        pred = [LABELS[i] for i in probs.argmax(axis=1)]
        labels = THREE_WAY
    else:
        gold = [label for _, _, label in rows]
        pred = ["entailment" if p[0] >= 0.5 else "not_entailment" for p in probs]
        labels = TWO_WAY
    per_class = f1_scores(gold, pred, labels)
    present = [label for label in labels if label in gold]
    return {
        "accuracy": round(sum(g == p for g, p in zip(gold, pred, strict=True)) / len(gold), 4),
        "macro_f1": round(sum(per_class[label] for label in present) / len(present), 4),
        "per_class_f1": {k: round(v, 4) for k, v in per_class.items()},
        "n": len(rows),
        "mode": "3-way" if three_way else "2-way",
        "model": model.name,
    }
