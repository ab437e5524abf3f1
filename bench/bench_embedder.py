"""The two embedders side by side: speed and the quality traded for it.

- Speed: sentences per second on this machine (2 cores), and the ratio fast/precise,
  measured in one run.
- Quality 1 (FNC-1, ../shared): ROC AUC of cosine(headline, body) for related vs unrelated
  pairs on a fixed sample; how well each model tells "same topic" from "other topic".
- Quality 2 (examples gold): for every pair of evidence sentences that the gold says state
  the same claim in two articles, is the partner the top-1 most similar sentence of the
  other article? (alignment recall@1)

Writes docs/benchmarks/embedder.md. Run: .venv/bin/python bench/bench_embedder.py
"""

from __future__ import annotations

import csv
import json
import random
import time
from itertools import combinations
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
FNC = ROOT.parent / "shared" / "data" / "fnc1"
OUT = ROOT / "docs" / "benchmarks" / "embedder.md"
SAMPLE_PAIRS = 1000
SEED = 13


def speed(embedder, sentences: list[str]) -> float:
    embedder.encode(sentences[:32])
    start = time.perf_counter()
    embedder.encode(sentences)
    return len(sentences) / (time.perf_counter() - start)


def fnc_pairs() -> list[tuple[str, str, int]]:
    if not FNC.exists():
        return []
    csv.field_size_limit(10**8)
    with open(FNC / "train_bodies.csv", encoding="utf-8") as f:
        bodies = {r["Body ID"]: r["articleBody"] for r in csv.DictReader(f)}
    with open(FNC / "train_stances.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    rng = random.Random(SEED)
    rng.shuffle(rows)
    related = [r for r in rows if r["Stance"] != "unrelated"][:SAMPLE_PAIRS // 2]
    unrelated = [r for r in rows if r["Stance"] == "unrelated"][:SAMPLE_PAIRS // 2]
    return [(r["Headline"], bodies[r["Body ID"]][:1000], int(r["Stance"] != "unrelated"))
            for r in related + unrelated]


def auc(scores: np.ndarray, labels: np.ndarray) -> float:
    order = np.argsort(scores)
    ranks = np.empty(len(scores))
    ranks[order] = np.arange(1, len(scores) + 1)
    pos = labels == 1
    n_pos, n_neg = pos.sum(), (~pos).sum()
    return float((ranks[pos].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def fnc_auc(embedder, pairs) -> float:
    heads = embedder.encode([p[0] for p in pairs])
    bodies = embedder.encode([p[1] for p in pairs])
    return auc((heads * bodies).sum(axis=1), np.array([p[2] for p in pairs]))


def gold_alignment(embedder) -> tuple[float, int]:
    from corroborator.evaluation.corpus import load_keyed_articles
    from corroborator.extract import extract

    gold = json.loads((ROOT / "examples" / "gold" / "corroboration.json").read_text())
    articles = load_keyed_articles(ROOT / "examples")
    sentences = {k: [s.text for s in extract(a).sentences] for k, a in articles.items()}
    vectors = {k: embedder.encode(v) for k, v in sentences.items() if v}
    hits = total = 0
    for story in ("A", "B"):
        for claim in gold[story]["claims"]:
            ev = {k: s for k, s in claim.get("evidence", {}).items() if k in vectors}
            for (ka, sa), (kb, sb) in combinations(ev.items(), 2):
                if sa not in sentences[ka] or sb not in sentences[kb]:
                    continue
                va = vectors[ka][sentences[ka].index(sa)]
                best = int((vectors[kb] @ va).argmax())
                hits += sentences[kb][best] == sb
                total += 1
    return (hits / total if total else 0.0), total


def main() -> None:
    from corroborator.embed import Embedder

    sentences = [f"Officials said {i} people were moved from the district on day {i % 7}."
                 for i in range(2000)]
    pairs = fnc_pairs()
    results = {}
    for kind in ("fast", "precise"):
        start = time.perf_counter()
        embedder = Embedder(kind)
        load = time.perf_counter() - start
        results[kind] = {
            "load_s": round(load, 2),
            "sentences_per_s": round(speed(embedder, sentences[:600] if kind == "precise"
                                           else sentences)),
            "fnc_auc": round(fnc_auc(embedder, pairs), 3) if pairs else None,
            "gold_recall_at_1": [round(x, 3) if isinstance(x, float) else x
                                 for x in gold_alignment(embedder)],
        }
    ratio = results["fast"]["sentences_per_s"] / max(1, results["precise"]["sentences_per_s"])
    write(results, ratio, len(pairs))
    print(json.dumps(results, indent=2), f"\nspeed ratio fast/precise: {ratio:.0f}x")


def write(results: dict, ratio: float, n_pairs: int) -> None:
    lines = ["# Embedders: fast (static, model2vec) vs precise (all-MiniLM-L6-v2)", "",
             "Command: `.venv/bin/python bench/bench_embedder.py` (2 CPU cores, one run).", "",
             "| model | load s | sentences/s | FNC-1 related-vs-unrelated AUC | "
             "examples gold alignment recall@1 (pairs) |", "|---|---|---|---|---|"]
    for kind, r in results.items():
        recall, n = r["gold_recall_at_1"]
        lines.append(f"| {kind} | {r['load_s']} | {r['sentences_per_s']} | {r['fnc_auc']} | "
                     f"{recall} ({n}) |")
    lines += ["", f"Speed ratio fast/precise in this run: **{ratio:.0f}x**. FNC-1 sample: "
              f"{n_pairs} headline–body pairs (half related), seed {SEED}.", "",
              "Choice: the fast model everywhere at run time (candidate search, clustering, "
              "alignment, stance features), with lexical concept overlap added where a "
              "decision is made; the precise model stays available as `Embedder(\"precise\")` "
              "(extra `precise`) and is the teacher the fast one is distilled from."]
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
