"""Cold `corroborator compare` on the two seed articles: median of 5 fresh processes.

Target: under 3 s on 2 cores. Writes docs/benchmarks/compare.md.
Run: .venv/bin/python bench/bench_compare.py
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted((ROOT.parent / "shared" / "seeds").glob("*.txt"))
OUT = ROOT / "docs" / "benchmarks" / "compare.md"
RUNS = 5


def cold_run(extra: list[str]) -> float:
    cli = Path(sys.executable).with_name("corroborator")
    start = time.perf_counter()
    subprocess.run([str(cli), "compare", *map(str, SEEDS), "--format", "json", *extra],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    if len(SEEDS) < 2:
        print("../shared/seeds not found; skipping the compare benchmark")
        return
    default = [cold_run([]) for _ in range(RUNS)]
    trained = [cold_run(["--trained-ner"]) for _ in range(RUNS)]
    lines = ["# Cold `compare` on the seeds", "",
             "Command: `.venv/bin/python bench/bench_compare.py` — 5 fresh processes each, "
             "2 CPU cores, wall time including Python start-up and model loading.", "",
             "| variant | median s | min s | max s | target |", "|---|---|---|---|---|",
             f"| `compare A B` | {statistics.median(default):.2f} | {min(default):.2f} | "
             f"{max(default):.2f} | < 3 s |",
             f"| `compare A B --trained-ner` | {statistics.median(trained):.2f} | "
             f"{min(trained):.2f} | {max(trained):.2f} | |"]
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
