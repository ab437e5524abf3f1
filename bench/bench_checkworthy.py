"""Benchmark the check-worthiness scorer and sentence-type classifier.

* CLEF 2019 CheckThat! Task 1 test split (7 transcripts, never used for training or tuning):
  MAP (mean over transcripts of average precision), P@5, P@10, P@20, per-transcript AP.
  Each transcript is scored as one document (its sentences are each other's context).
* Sentence types on ``tests/fixtures/sentence_types.jsonl``: accuracy and confusion on the
  held-out ``test`` half (the ``tune`` half was used to set the rules) and on both halves.
* Throughput of ``score_sentences`` (features, embedding, model, types, reasons).

Run: .venv/bin/python bench/bench_checkworthy.py
Writes: docs/benchmarks/checkworthy.md. Skips the CLEF part, with a message, when
``../shared/data/clef2019_checkworthy`` is absent.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from corroborator.embed import get_embedder
from corroborator.extract.checkworthy import SENTENCE_TYPES, score_sentences

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "clef2019_checkworthy"
FIXTURE = ROOT / "tests" / "fixtures" / "sentence_types.jsonl"
REPORT = ROOT / "docs" / "benchmarks" / "checkworthy.md"
COMMAND = ".venv/bin/python bench/bench_checkworthy.py"


def load_transcript(path: Path) -> tuple[list[str], np.ndarray]:
    """Sentences and 0/1 labels of one CLEF TSV (line, speaker, text, label)."""
    texts, labels = [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) >= 4 and parts[3].strip().isdigit():
            texts.append(parts[2])
            labels.append(int(parts[3]))
    return texts, np.asarray(labels)


def average_precision(scores: np.ndarray, labels: np.ndarray) -> float:
    """Average precision of ranking by descending score (ties keep file order)."""
    order = np.argsort(-scores, kind="stable")
    hits = labels[order]
    if hits.sum() == 0:
        return 0.0
    precision = np.cumsum(hits) / np.arange(1, len(hits) + 1)
    return float((precision * hits).sum() / hits.sum())


def precision_at(scores: np.ndarray, labels: np.ndarray, k: int) -> float:
    """Precision of the k highest-scored sentences."""
    return float(labels[np.argsort(-scores, kind="stable")[:k]].mean())


def bench_clef() -> list[str]:
    """Markdown lines for the CLEF test split."""
    rows, aps, p_at = [], [], {5: [], 10: [], 20: []}
    for path in sorted((DATA / "test_annotated").glob("*.tsv")):
        texts, labels = load_transcript(path)
        scores = np.asarray([s.checkworthiness for s in score_sentences(texts)])
        aps.append(average_precision(scores, labels))
        for k in p_at:
            p_at[k].append(precision_at(scores, labels, k))
        rows.append(
            f"| {path.stem} | {len(texts)} | {int(labels.sum())} | {aps[-1]:.4f} "
            f"| {p_at[10][-1]:.2f} |"
        )
    summary = (
        f"MAP {np.mean(aps):.4f}, P@5 {np.mean(p_at[5]):.3f}, P@10 {np.mean(p_at[10]):.3f}, "
        f"P@20 {np.mean(p_at[20]):.3f}"
    )
    print(f"CLEF 2019 test: {summary}")
    return [
        "## CLEF 2019 CheckThat! Task 1, test split (7 debate transcripts)",
        "",
        f"**{summary}** (best 2019 system: MAP 0.166). Means over transcripts.",
        "",
        "| transcript | sentences | check-worthy | AP | P@10 |",
        "|---|---|---|---|---|",
        *rows,
        "",
    ]


def bench_types() -> list[str]:
    """Markdown lines for sentence-type accuracy on the fixture halves."""
    items = [json.loads(line) for line in FIXTURE.read_text(encoding="utf-8").splitlines()]
    lines = ["## Sentence types (hand-labelled news sentences)", ""]
    for split in ("test", "tune", "all"):
        chosen = [it for it in items if split == "all" or it["split"] == split]
        predicted = [s.type for s in score_sentences([it["text"] for it in chosen], context=[])]
        gold = [it["type"] for it in chosen]
        acc = float(np.mean([p == g for p, g in zip(predicted, gold, strict=True)]))
        print(f"sentence types, {split}: accuracy {acc:.3f} on {len(chosen)}")
        lines.append(
            f"- {split}{' (held out)' if split == 'test' else ''}: accuracy "
            f"**{acc:.3f}** on {len(chosen)} sentences"
        )
        if split == "test":
            confusion = _confusion(gold, predicted)
    return [
        *lines,
        "",
        "Confusion on the held-out half (rows gold, columns predicted):",
        "",
        *confusion,
        "",
    ]


def _confusion(gold: list[str], predicted: list[str]) -> list[str]:
    header = "| gold \\ predicted | " + " | ".join(SENTENCE_TYPES) + " |"
    out = [header, "|---" * (len(SENTENCE_TYPES) + 1) + "|"]
    for g in SENTENCE_TYPES:
        counts = [
            sum(1 for a, b in zip(gold, predicted, strict=True) if a == g and b == p)
            for p in SENTENCE_TYPES
        ]
        out.append(f"| {g} | " + " | ".join(str(c) for c in counts) + " |")
    return out


def bench_throughput() -> list[str]:
    """Markdown lines for sentences per second of score_sentences."""
    items = [json.loads(line)["text"] for line in FIXTURE.read_text(encoding="utf-8").splitlines()]
    texts = [f"{t} ({i})" if i % 3 else t for i, t in enumerate(items * 200)]  # ~23k sentences
    score_sentences(texts[:100])  # load models
    emb = get_embedder("fast").encode(texts)
    full = _rate(lambda: score_sentences(texts), len(texts))
    given = _rate(lambda: score_sentences(texts, embeddings=emb), len(texts))
    load = os.getloadavg()[0]
    print(f"throughput: {full:,.0f} sentences/s; {given:,.0f}/s with precomputed embeddings")
    return [
        "## Throughput",
        "",
        f"`score_sentences` on {len(texts):,} news-like sentences, one process, best of 3 "
        f"({os.cpu_count()} CPUs visible, load average {load:.1f} when measured):",
        "",
        f"- embedding included: **{full:,.0f} sentences/s**",
        f"- embeddings passed in (`embeddings=`, as a pipeline that already embeds does): "
        f"**{given:,.0f} sentences/s**",
        "",
    ]


def _rate(fn: Callable[[], object], n: int) -> float:
    best = float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return n / best


def main() -> int:
    lines = ["# Check-worthiness and sentence types", "", f"Command: `{COMMAND}`", ""]
    if DATA.exists():
        lines += bench_clef()
    else:
        print(f"skipping CLEF 2019 benchmark: {DATA} not found")
        lines += ["CLEF 2019 data not found; CLEF part skipped.", ""]
    lines += bench_types() + bench_throughput()
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text("\n".join(lines), encoding="utf-8")
    print(f"wrote {REPORT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
