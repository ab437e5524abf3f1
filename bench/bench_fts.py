"""FTS before and after migration 0009 (hand-written triggers vs sqlite-utils conventions).

Builds two databases from generated text: one at the schema before 0009 (rowid primary
key, ``content='articles'`` FTS), one at the current schema (text primary key, FTS and
triggers as ``enable_fts(create_triggers=True)`` writes them). Times inserting articles,
marking them analyzed (an UPDATE that must not re-index) and 200 searches.
Writes docs/benchmarks/fts.md.
Run: .venv/bin/python bench/bench_fts.py
"""

from __future__ import annotations

import random
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

from corroborator.store import database
from corroborator.store.migrations import MIGRATIONS

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "benchmarks" / "fts.md"
ARTICLES = 10_000
ROUNDS = 4
SEARCHES = 200
WORDS = ("council bridge river vote smelter union memo flood recount mayor budget airline "
         "strike hospital school police court storm fire harbor rail market tax").split()


def make_db(path: Path, migrations: list[tuple[str, str]]) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA foreign_keys=OFF")
    for _, sql in migrations:
        conn.execute("BEGIN")
        for statement in database._statements(sql):
            conn.execute(statement)
        conn.execute("COMMIT")
    return conn


def body(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) + str(rng.randrange(50)) for _ in range(300)) + "."


def run(conn: sqlite3.Connection) -> dict[str, float]:
    rng = random.Random(7)
    rows = [(f"id{i}", f"h{i}", f"Outlet {i % 30}", f"Title {i}", body(rng))
            for i in range(ARTICLES)]
    start = time.perf_counter()
    conn.execute("BEGIN")
    conn.executemany("INSERT INTO articles (id, content_hash, outlet, title, text, ingested_at) "
                     "VALUES (?, ?, ?, ?, ?, 'now')", rows)
    conn.execute("COMMIT")
    insert = time.perf_counter() - start
    start = time.perf_counter()
    conn.execute("BEGIN")
    conn.execute("UPDATE articles SET analyzed_at = 'now'")
    conn.execute("COMMIT")
    update = time.perf_counter() - start
    times = []
    for i in range(SEARCHES):
        query = f'"{WORDS[i % len(WORDS)]}{i % 50}" "{WORDS[(i * 7) % len(WORDS)]}{(i * 3) % 50}"'
        start = time.perf_counter()
        conn.execute("SELECT a.id FROM articles_fts JOIN articles a "
                     "ON a.rowid = articles_fts.rowid WHERE articles_fts MATCH ? "
                     "ORDER BY rank LIMIT 20", (query,)).fetchall()
        times.append(time.perf_counter() - start)
    return {"insert": insert, "update": update, "search_ms": statistics.median(times) * 1000}


def main() -> None:
    schemas = {"before": [m for m in MIGRATIONS if m[0] < "0009"],
               "after": [m for m in MIGRATIONS if m[0] <= "0009~"]}
    results: dict[str, list[dict[str, float]]] = {"before": [], "after": []}
    with tempfile.TemporaryDirectory() as tmp:
        for round_ in range(ROUNDS):    # alternate which goes first; best of each (shared CPUs)
            order = list(schemas.items())
            for name, migrations in order if round_ % 2 == 0 else order[::-1]:
                path = Path(tmp) / f"{name}{round_}.db"
                results[name].append(run(make_db(path, migrations)))
    before, after = ({k: min(r[k] for r in results[n]) for k in results[n][0]}
                     for n in ("before", "after"))
    lines = ["# FTS: hand-written (before 0009) vs sqlite-utils conventions (0009)", "",
             f"Command: `.venv/bin/python bench/bench_fts.py` — {ARTICLES:,} generated articles "
             f"of 300 words, {SEARCHES} two-term searches, best of {ROUNDS} rounds, alternating which schema goes first, on a "
             "shared, loaded 2-core machine.", "",
             "| schema | insert s | mark analyzed s | search median ms |", "|---|---|---|---|"]
    for name, r in (("before 0009", before), ("0009 (sqlite-utils DDL)", after)):
        lines.append(f"| {name} | {r['insert']:.2f} | {r['update']:.2f} | {r['search_ms']:.2f} |")
        print(name, r)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
