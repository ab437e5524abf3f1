"""Cold `corroborator compare` on the two seed articles: fresh processes, medians.

Records, for each run, the wall time and the CPU seconds (user+sys of the child process
and its inference threads). On a shared machine the CPU figure is the one to compare:
the wall time includes the wait for a core. Target (issue 20): ≤ 1.0 s wall, median of 5.
Writes docs/benchmarks/compare.md.

Run: .venv/bin/python bench/bench_compare.py [--runs 5] [--no-trained-ner]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted((ROOT.parent / "shared" / "seeds").glob("*.txt"))
OUT = ROOT / "docs" / "benchmarks" / "compare.md"


def cold_run(extra: list[str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one fresh `compare` process."""
    cli = Path(sys.executable).with_name("corroborator")
    before = os.times()
    start = time.perf_counter()
    subprocess.run([str(cli), "compare", *map(str, SEEDS), "--format", "json", *extra],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = os.times()
    cpu = (after.children_user - before.children_user
           + after.children_system - before.children_system)
    return wall, cpu


def _row(name: str, runs: list[tuple[float, float]], target: str) -> str:
    walls, cpus = [w for w, _ in runs], [c for _, c in runs]
    return (f"| {name} | {statistics.median(cpus):.2f} | {min(cpus):.2f}–{max(cpus):.2f} | "
            f"{statistics.median(walls):.2f} | {target} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-trained-ner", action="store_true")
    args = parser.parse_args()
    if len(SEEDS) < 2:
        print("../shared/seeds not found; skipping the compare benchmark")
        return
    rows = [_row("`compare A B`", [cold_run([]) for _ in range(args.runs)], "≤ 1.0 s wall")]
    if not args.no_trained_ner:
        rows.append(_row("`compare A B --trained-ner`",
                         [cold_run(["--trained-ner"]) for _ in range(args.runs)], ""))
    lines = ["# Cold `compare` on the seeds", "",
             f"Command: `.venv/bin/python bench/bench_compare.py --runs {args.runs}` — "
             "fresh processes, 2 CPU cores, Python start-up and model loading included. "
             "CPU is user+sys of the process and its threads; the wall time depends on "
             "what else the machine runs.", "",
             "| variant | median CPU-s | CPU-s range | median wall s | target |",
             "|---|---|---|---|---|", *rows]
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
