"""Cold `corroborator compare` on the two seed articles: fresh processes, medians.

Records, for each run, the wall time and the CPU seconds (user+sys of the child process
and its inference threads). On a shared machine the CPU figure is the one to compare:
the wall time includes the wait for a core. Target (issue 20): ≤ 1.0 s wall, median of 5.
Writes docs/benchmarks/compare.md.

One untimed run comes first, so that Python's bytecode cache of the package exists, as
after ``pip install`` (which compiles it); the child may write that cache even where
``PYTHONDONTWRITEBYTECODE`` is set in the caller's environment.

``--baseline DIR`` also times another source tree (e.g. ``git archive main src | tar -x
-C DIR``), alternating run by run with this one so both see the same load.

Run: .venv/bin/python bench/bench_compare.py [--runs 5] [--no-trained-ner] [--baseline DIR]
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

Run = tuple[float, float]   # (wall seconds, CPU seconds)


def _env(src: Path) -> dict[str, str]:
    """The child's environment: `src` first on the path, bytecode cache allowed."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(src), env.get("PYTHONPATH")) if p)
    env.setdefault("HF_HUB_OFFLINE", "1")
    return env


def cold_run(src: Path, extra: list[str]) -> Run:
    """(wall seconds, CPU seconds) of one fresh `compare` process on the code in `src`."""
    before = os.times()
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "corroborator.cli", "compare", *map(str, SEEDS),
                    "--format", "json", *extra],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   env=_env(src))
    wall = time.perf_counter() - start
    after = os.times()
    cpu = (after.children_user - before.children_user
           + after.children_system - before.children_system)
    return wall, cpu


def _row(name: str, runs: list[Run], target: str) -> str:
    walls, cpus = [w for w, _ in runs], [c for _, c in runs]
    return (f"| {name} | {statistics.median(cpus):.2f} | {min(cpus):.2f}–{max(cpus):.2f} | "
            f"{statistics.median(walls):.2f} | {target} |")


def measure(trees: dict[str, Path], extra: list[str], runs: int) -> dict[str, list[Run]]:
    """`runs` timed runs per tree after one warm-up each, alternating between the trees
    in the order ABBA... so that neither always runs first."""
    for src in trees.values():
        cold_run(src, extra)       # writes the bytecode cache; not timed
    timed: dict[str, list[Run]] = {name: [] for name in trees}
    for i in range(runs):
        order = list(trees.items())
        for name, src in order[::-1] if i % 2 else order:
            timed[name].append(cold_run(src, extra))
    return timed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-trained-ner", action="store_true")
    parser.add_argument("--baseline", type=Path, default=None,
                        help="a source tree (holding corroborator/) to time alternately")
    args = parser.parse_args()
    if len(SEEDS) < 2:
        print("../shared/seeds not found; skipping the compare benchmark")
        return
    trees = {"": ROOT / "src"}
    if args.baseline is not None:
        trees = {" (baseline)": args.baseline.resolve(), "": ROOT / "src"}
    variants = [("`compare A B`", [], "≤ 1.0 s wall")]
    if not args.no_trained_ner:
        variants.append(("`compare A B --trained-ner`", ["--trained-ner"], ""))
    load_before = os.getloadavg()
    rows = []
    for name, extra, target in variants:
        for label, runs in measure(trees, extra, args.runs).items():
            rows.append(_row(name + label, runs, target))
    load_after = os.getloadavg()
    command = f"python bench/bench_compare.py --runs {args.runs}"
    command += " --no-trained-ner" if args.no_trained_ner else ""
    command += f" --baseline {args.baseline}" if args.baseline is not None else ""
    lines = ["# Cold `compare` on the seeds", "",
             f"Command: `{command}` — fresh processes, 2 CPU cores, Python start-up and "
             "model loading included (bytecode cache written by an untimed first run). "
             "CPU is user+sys of the process and its threads; the wall time depends on "
             "what else the machine runs: load average "
             f"{load_before[0]:.1f} at the start, {load_after[0]:.1f} at the end.", "",
             "| variant | median CPU-s | CPU-s range | median wall s | target |",
             "|---|---|---|---|---|", *rows]
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
