"""`compare` of two synthetic 1 MB articles: wall time and peak memory (issue 15).

Writes two generated articles (~17,000 sentences each) to a temporary folder, runs the
CLI on them in a child process and prints its wall time and peak resident memory.

Run: .venv/bin/python bench/bench_long_compare.py [--bytes 1000000]
"""

from __future__ import annotations

import argparse
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORDS = ("council river bridge mayor police report said residents city officials storm "
         "flood budget vote court school hospital road minister company workers").split()


def article(seed: int, size: int) -> str:
    """A body of random sentences of about `size` characters."""
    rng, out, length = random.Random(seed), [], 0
    while length < size:
        words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 25)))
        sentence = f"{words.capitalize()} on Monday, {rng.randint(2, 900)} people said."
        out.append(sentence + ("\n\n" if rng.random() < 0.2 else " "))
        length += len(sentence) + 1
    return "Big story\n\n" + "".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bytes", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for seed in (1, 2):
            path = Path(tmp) / f"long{seed}.txt"
            path.write_text(article(seed, args.bytes), encoding="utf-8")
            paths.append(str(path))
        start = time.perf_counter()
        subprocess.run([str(ROOT / ".venv" / "bin" / "corroborator"), "compare", *paths,
                        "--format", "json"], check=True, capture_output=True)
        wall = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"compare of two {args.bytes:,}-byte articles: {wall:.1f} s wall, "
          f"{peak_mb:.0f} MB peak resident memory")
    sys.exit(0)


if __name__ == "__main__":
    main()
