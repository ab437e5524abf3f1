"""Desk pages at 2,000 articles: the filtered stories list, a story, outlets, alerts.

Builds a synthetic database through the Store's public write methods: 2,000 articles
from 40 outlets in 400 stories of 1 to 9 articles (a third of them one-article), each
story with claim groups (every status), stances from its articles and a discrepancy,
plus 500 watch alerts and 50 published fact-checks. Then times each page rendered
in-process (the app's ASGI call, no network): the median of several runs after one
warm-up. Target: every page under 300 ms. Writes docs/benchmarks/desk.md.

Run: .venv/bin/python bench/bench_desk.py [--articles 2000] [--repeat 7]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import statistics
import tempfile
import time
from pathlib import Path

from corroborator.models import (
    Article,
    Claim,
    ClaimGroup,
    Discrepancy,
    Extraction,
    Signal,
    Stance,
    Story,
)
from corroborator.store import open_store
from synthetic_store import build_store, claim_sentences, write_story

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "benchmarks" / "desk.md"
BUDGET_MS = 300.0
N_OUTLETS, SENTENCES = 40, 12
STATUSES = ("corroborated", "disputed", "unclear", "single-source")


def _article(i: int, story: int) -> tuple[Article, Extraction, list[Signal]]:
    aid = f"art{i:05d}"
    bodies = [f"Officials in town {story} said {story + s} homes were damaged on day {s}."
              for s in range(SENTENCES)]
    text, sentences = claim_sentences(aid, bodies)
    article = Article(text=text, title=f"Storm in town {story}, report {i}",
                      outlet=f"Outlet {i % N_OUTLETS:02d}", language="en",
                      published=f"2024-{1 + story % 12:02d}-{1 + i % 28:02d}T{i % 24:02d}:00:00",
                      id=aid)
    ext = Extraction(aid, sentences=sentences, version="bench",
                     claims=[Claim(aid, s, b, 0.7) for s, b in enumerate(bodies)])
    signals = [Signal(aid, "sourcing", {"named": 0.5, "anonymous": 0.25, "none": 0.25}, [],
                      "claims by attribution"),
               Signal(aid, "loaded_language", i % 3, [], "loaded words")]
    return article, ext, signals


def build(path: Path, n_articles: int) -> float:
    """Write the benchmark database; return the seconds it took."""
    def fill(store) -> None:
        i, story = 0, 0
        while i < n_articles:
            size = 1 if story % 3 == 0 else 2 + story % 8
            made = [_article(i + k, story) for k in range(min(size, n_articles - i))]
            _story(store, story, made)
            i, story = i + len(made), story + 1
        _alerts_and_reviews(store, story)

    return build_store(path, fill)


def _story(store, story: int, made: list) -> None:
    ids = [a.id for a, _, _ in made]
    sid = f"story{story:05d}"
    dates = sorted(a.published for a, _, _ in made)
    groups = []
    for g in range(min(SENTENCES, 2 + len(ids))):
        gid = f"{sid}-g{g}"
        claims = [made[k % len(made)][1].claims[g] for k in range(2)]
        stances = [Stance(aid, gid, ("agree", "disagree", "discuss")[(g + n) % 3], 0.8,
                          f"Evidence {n} on claim {g}.") for n, aid in enumerate(ids)]
        status = STATUSES[g % 4] if len(ids) > 1 else "single-source"
        groups.append(ClaimGroup(gid, claims[0].text, claims, stances, status, len(ids)))
    found = [Discrepancy("number", "Damaged homes differ", ["3", "4"], ids[:2],
                         {ids[0]: "a"})] if len(ids) > 1 else []
    write_story(store, Story(sid, f"Storm damage in town {story}", ids, [f"Town {story}"],
                             dates[0], dates[-1]), made, groups, found)


def _alerts_and_reviews(store, stories: int) -> None:
    with store.transaction() as conn:
        conn.executemany(
            "INSERT INTO watch_alerts (key, kind, created_at, story_id, title, detail) "
            "VALUES (?,?,?,?,?,?)",
            [(f"disputed:{k}", "disputed", f"2024-06-01T00:{k % 60:02d}:00+00:00",
              f"story{k % stories:05d}", f"Disputed: claim {k}", json.dumps(
                  {"claim": f"claim {k}", "disputed_by": [
                      {"outlet": "Outlet 01", "article_id": "art00001", "sentence": "No."}]}))
             for k in range(500)])
        conn.executemany(
            "INSERT INTO claim_reviews VALUES (?,?,?,?,?,?,?,?,?,?)",
            [(f"rev{k}", None, f"Officials in town {k} said {k + 1} homes were damaged",
              None, "False", "false", "Fact Desk", "2024-06-01", None, None)
             for k in range(50)])


def time_path(app, path: str, repeat: int) -> tuple[float, float, int]:
    """Median wall and CPU milliseconds and the status of `path`, after one warm-up.

    CPU time (all threads of this process) is what a page costs whatever else runs on
    the machine; wall time also counts waiting for a core on a loaded machine.
    """
    from corroborator.web import _request

    status, _ = asyncio.run(_request(app, path))
    wall, cpu = [], []
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        asyncio.run(_request(app, path))
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    return statistics.median(wall), statistics.median(cpu), status


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    from corroborator.web import create_app

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "desk.db"
        seconds = build(db, args.articles)
        app = create_app(db)
        with open_store(db, readonly=True) as store:  # a 9-article story
            biggest = store.query("SELECT id FROM stories ORDER BY n_articles DESC, id "
                                  "LIMIT 1")[0][0]
        pages = ["/", "/?sort=disputed&disputed=1&min_sources=3",
                 "/?outlet=Outlet+07&since=2024-03-01&until=2024-09-30&sort=size",
                 "/?singles=1&language=en&offset=100", "/api/stories?sort=size",
                 f"/story/{biggest}", "/outlets", "/outlets/Outlet%2007", "/alerts",
                 "/alerts.atom"]
        rows = [(page, *time_path(app, page, args.repeat)) for page in pages]
    lines = ["# Desk pages at 2,000 articles", "",
             f"Command: `.venv/bin/python bench/bench_desk.py --articles {args.articles} "
             f"--repeat {args.repeat}`", "",
             f"Synthetic database: {args.articles:,} articles, 40 outlets, stories of 1 to 9 "
             f"articles, 500 alerts, 50 fact-checks (built in {seconds:.1f} s). Pages rendered "
             f"in-process, median of {args.repeat} runs after a warm-up; "
             f"{platform.machine()}, Python {platform.python_version()}, 2 cores shared with "
             f"other jobs (load average {os.getloadavg()[0]:.1f} at the end of the run).", "",
             "| page | median wall ms | median CPU ms | status | CPU under 300 ms |",
             "|---|---|---|---|---|"]
    lines += [f"| `{p}` | {ms:.1f} | {cpu:.1f} | {st} | {'✓' if cpu < BUDGET_MS else '✗'} |"
              for p, ms, cpu, st in rows]
    text = "\n".join(lines) + "\n"
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
