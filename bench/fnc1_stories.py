"""Derive a story-clustering gold set from the FNC-1 training split.

Bodies joined by a shared *related* headline (agree, discuss or disagree) report
the same claim; the connected components of that body-headline graph are the
gold stories (191 stories over 1,683 bodies). FNC-1 bodies have no headline and
no date, so every line gets an empty title and no ``published``.

The output goes to ``bench/out/`` (ignored by git); the articles are never
copied into the repository.

Usage:
    .venv/bin/python bench/fnc1_stories.py [--data ../shared/data/fnc1] [--out bench/out]
"""

from __future__ import annotations

import argparse
import csv
import json
import random
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "fnc1"
DEFAULT_OUT = ROOT / "bench" / "out"
RELATED = {"agree", "discuss", "disagree"}
SPLIT_SEED = 13


def read_bodies(data: Path) -> dict[int, str]:
    """Body id -> article body."""
    with (data / "train_bodies.csv").open(encoding="utf-8", newline="") as handle:
        return {int(row["Body ID"]): row["articleBody"] for row in csv.DictReader(handle)}


def related_headlines(data: Path) -> dict[str, set[int]]:
    """Headline -> ids of the bodies it is related to."""
    groups: dict[str, set[int]] = defaultdict(set)
    with (data / "train_stances.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["Stance"] in RELATED:
                groups[row["Headline"]].add(int(row["Body ID"]))
    return groups


def story_components(body_ids: list[int], groups: dict[str, set[int]]) -> dict[int, int]:
    """Union the bodies of each related headline; body id -> smallest body id of its story."""
    parent = {b: b for b in body_ids}

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for members in groups.values():
        first, *rest = sorted(members)
        for other in rest:
            a, b = find(first), find(other)
            if a != b:
                parent[max(a, b)] = min(a, b)
    return {b: find(b) for b in body_ids}


def write_jsonl(path: Path, rows: list[dict]) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")


def build(data: Path, out: Path) -> dict[str, int]:
    """Write ``fnc1_stories.jsonl`` plus a tune/test split by story; return counts."""
    bodies = read_bodies(data)
    story_of = story_components(sorted(bodies), related_headlines(data))
    rows = [
        {"id": f"fnc1-{b}", "title": "", "text": bodies[b], "outlet": None, "published": None,
         "story": f"s{story_of[b]}"}
        for b in sorted(bodies)
    ]
    out.mkdir(parents=True, exist_ok=True)
    write_jsonl(out / "fnc1_stories.jsonl", rows)
    stories = sorted({r["story"] for r in rows})
    random.Random(SPLIT_SEED).shuffle(stories)
    tune = set(stories[: len(stories) // 2])
    write_jsonl(out / "fnc1_stories_tune.jsonl", [r for r in rows if r["story"] in tune])
    write_jsonl(out / "fnc1_stories_test.jsonl", [r for r in rows if r["story"] not in tune])
    return {"articles": len(rows), "stories": len(stories), "tune_stories": len(tune)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()
    print(json.dumps(build(args.data, args.out)))


if __name__ == "__main__":
    main()
