"""Benchmark the stance model on its held-out FNC-1 split and on a synthetic 20-article story.

Usage::

    .venv/bin/python bench/bench_stance.py [--data-dir ../shared/data/fnc1]

Recreates the held-out split recorded in the model's meta.json, writes it as FNC-1
CSVs under bench/out/stance/ (ignored by git), scores it with
``corroborator.evaluation.stance.evaluate_stance`` and times the model. Prints the
figures and writes docs/benchmarks/stance.md. Skips where the data is absent.
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = ROOT.parent / "shared" / "data" / "fnc1"
WORK_DIR = ROOT / "bench" / "out" / "stance"
REPORT = ROOT / "docs" / "benchmarks" / "stance.md"
COMMAND = ".venv/bin/python bench/bench_stance.py"
STORY_ARTICLES = 20
STORY_CLAIMS = 15
STORY_SENTENCES = 20


def write_heldout(data_dir: Path, meta: dict[str, Any]) -> tuple[Path, Path]:
    """Write the held-out stances and the bodies they use to WORK_DIR; return both paths."""
    from corroborator.evaluation.stance import read_bodies, read_stances, split_by_headline

    bodies = read_bodies(data_dir / "train_bodies.csv")
    rows = read_stances(data_dir / "train_stances.csv", bodies)
    split = meta["split"]
    held = split_by_headline([h for h, _, _ in rows], split["heldout_fraction"], split["seed"])
    test = [r for r in rows if r[0] in held]
    WORK_DIR.mkdir(parents=True, exist_ok=True)
    stances_csv, bodies_csv = WORK_DIR / "heldout_stances.csv", WORK_DIR / "heldout_bodies.csv"
    with stances_csv.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Headline", "Body ID", "Stance"])
        writer.writerows(test)
    with bodies_csv.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Body ID", "articleBody"])
        writer.writerows((b, bodies[b]) for b in sorted({b for _, b, _ in test}, key=int))
    return stances_csv, bodies_csv


def story_pairs(bodies_csv: Path, seed: int = 0) -> list[tuple[str, str]]:
    """All claims x all articles of a synthetic story built from held-out sentences.

    20 articles of 20 sentences each; each article contributes 15 of its sentences as
    claims, and every claim is paired with every article (300 x 20 = 6,000 pairs).
    """
    from corroborator.evaluation.stance import read_bodies
    from corroborator.stance import split_sentences

    rng = random.Random(seed)
    bodies = [split_sentences(t) for t in read_bodies(bodies_csv).values()]
    long_enough = [b for b in bodies if len(b) >= STORY_SENTENCES]
    articles = [b[:STORY_SENTENCES] for b in rng.sample(long_enough, STORY_ARTICLES)]
    claims = [c for a in articles for c in rng.sample(a, STORY_CLAIMS)]
    texts = [" ".join(a) for a in articles]
    return [(c, t) for c in claims for t in texts]


def time_story(model: Any, pairs: list[tuple[str, str]], repeats: int = 3) -> float:
    """Median seconds to label every pair of the story."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        model.predict(pairs)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def confusion_table(confusion: dict[str, dict[str, int]]) -> list[str]:
    labels = list(confusion)
    lines = ["| gold \\ predicted | " + " | ".join(labels) + " |"]
    lines.append("|---" * (len(labels) + 1) + "|")
    for gold in labels:
        lines.append(f"| {gold} | " + " | ".join(str(confusion[gold][p]) for p in labels) + " |")
    return lines


def render(result: dict[str, Any], extra: dict[str, Any]) -> str:
    f1 = result["per_class_f1"]
    lines = [
        "# Stance benchmark",
        "",
        f"Command: `{COMMAND}`",
        "",
        f"- Model: `{result['model']}`; data: FNC-1 training split, held-out part "
        f"({extra['split']}); {result['n']} pairs.",
        f"- Machine: {extra['machine']}; {extra['threads']} threads.",
        f"- Date: {extra['date']}",
        "",
        "## Held-out scores",
        "",
        "| metric | value |",
        "|---|---|",
        f"| relative FNC-1 score | {result['fnc_score']:.4f} |",
        f"| raw / max FNC-1 score | {result['raw_score']:.2f} / {result['max_score']:.2f} |",
        f"| macro-F1 | {result['macro_f1']:.4f} |",
        *(f"| F1 {lab} | {val:.4f} |" for lab, val in f1.items()),
        "",
        "Confusion matrix (rows gold, columns predicted):",
        "",
        *confusion_table(result["confusion"]),
        "",
        "## Speed",
        "",
        f"- Held-out evaluation, end to end (split, features, model): "
        f"{extra['pairs_per_s']:,.0f} pairs/s ({result['n']} pairs in {extra['eval_s']:.1f} s).",
        f"- Synthetic 20-article story ({extra['story_pairs']:,} pairs: "
        f"{STORY_ARTICLES} articles x {STORY_CLAIMS} claims each, every claim against every "
        f"article, bodies of {STORY_SENTENCES} sentences): {extra['story_s']:.2f} s "
        f"(median of 3; target < 10 s).",
        f"- Model load: {extra['load_s']:.2f} s.",
        "",
    ]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=DATA_DIR)
    args = parser.parse_args()
    if not (args.data_dir / "train_stances.csv").exists():
        print(f"skipped: FNC-1 data not found in {args.data_dir} (needs train_stances.csv "
              "and train_bodies.csv)")
        return 0

    from corroborator.evaluation.stance import evaluate_stance
    from corroborator.stance import StanceModel

    start = time.perf_counter()
    model = StanceModel.load()
    model.predict([("warm-up claim", "Warm-up body. Second sentence.")])
    load_s = time.perf_counter() - start
    stances_csv, bodies_csv = write_heldout(args.data_dir, model.meta)

    start = time.perf_counter()
    result = evaluate_stance(stances_csv, bodies_csv, WORK_DIR / "predictions.csv", model=model)
    eval_s = time.perf_counter() - start
    pairs = story_pairs(bodies_csv)
    split = model.meta["split"]
    extra = {
        "split": f"by headline, {split['heldout_fraction']:.0%} of headlines, seed {split['seed']}",
        "machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs",
        "threads": 2,
        "date": time.strftime("%Y-%m-%d"),
        "eval_s": eval_s,
        "pairs_per_s": result["n"] / eval_s,
        "story_pairs": len(pairs),
        "story_s": time_story(model, pairs),
        "load_s": load_s,
    }
    text = render(result, extra)
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(text, encoding="utf-8")
    print(text)
    print(f"wrote {REPORT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
