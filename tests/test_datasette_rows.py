"""What a datasette user meets on row pages and in ``stances`` (issue 22), with real
datasette: no row page links into a hidden table, every stance shows its outlet, and
migration 0015 upgrades an existing database without losing a row."""

from __future__ import annotations

import asyncio
import json
import re
import sqlite3
from pathlib import Path

import pytest

from corroborator.store import database, open_store
from corroborator.store.datasette import HIDDEN_TABLES, TABLES, datasette_metadata

datasette_app = pytest.importorskip("datasette.app")
datasette_utils = pytest.importorskip("datasette.utils")

INTERNAL = ("article_vectors", "article_minhashes", "story_state", "story_corroboration",
            "corroboration_state")


def _client_get(db: Path, paths: list[str]) -> list[tuple[int, str]]:
    """GET each path through one datasette instance's in-process client."""
    ds = datasette_app.Datasette([str(db)], metadata=datasette_metadata(db))

    async def fetch() -> list[tuple[int, str]]:
        answers = []
        for path in paths:
            response = await ds.client.get(path)
            answers.append((response.status_code, response.text))
        return answers

    return asyncio.run(fetch())


def _row_page_links(db: Path) -> dict[str, set[str]]:
    """For every shown table with rows: the tables its first row's page links to."""
    name = db.stem
    ((_, listing),) = _client_get(db, [f"/{name}.json"])
    shown = [t["name"] for t in json.loads(listing)["tables"] if not t["hidden"]]
    firsts = _client_get(db, [f"/{name}/{t}.json?_shape=objects&_size=1" for t in shown])
    paths = {}
    for table, (status, body) in zip(shown, firsts, strict=True):
        data = json.loads(body)
        if status == 200 and data["rows"]:
            pks = data["primary_keys"]
            key = datasette_utils.path_from_row_pks(data["rows"][0], pks, not pks)
            paths[table] = f"/{name}/{table}/{key}"
    pages = _client_get(db, list(paths.values()))
    links = {}
    for (table, path), (status, html) in zip(paths.items(), pages, strict=True):
        assert status == 200, (path, html[:300])
        links[table] = set(re.findall(rf'href="/{name}/([^/?"#]+)', html))
    return links


def _hidden(db: Path) -> set[str]:
    ((_, listing),) = _client_get(db, [f"/{db.stem}.json"])
    return {t["name"] for t in json.loads(listing)["tables"] if t["hidden"]}


def test_row_pages_link_to_no_hidden_table(examples_db: Path) -> None:
    links = _row_page_links(examples_db)
    assert {"articles", "stories", "claims", "stances", "claim_groups"} <= set(links)
    assert "stances" in links["articles"] and "claim_groups" in links["stories"]  # links stay
    hidden = _hidden(examples_db)
    assert set(INTERNAL) <= hidden
    assert {table: found & hidden for table, found in links.items() if found & hidden} == {}


def test_every_table_is_described_or_hidden(examples_db: Path) -> None:
    with open_store(examples_db, readonly=True) as store:
        tables = {r[0] for r in store.query(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "AND name NOT LIKE '%_fts%'")}
    assert tables - set(TABLES) - set(HIDDEN_TABLES) == set()


def test_stances_show_the_outlet(examples_db: Path) -> None:
    name = examples_db.stem
    (page, rows) = _client_get(examples_db, [
        f"/{name}/stances", f"/{name}/stances.json?_shape=array&_size=max"])
    assert page[0] == 200
    assert 'data-column="outlet"' in page[1] and "The outlet of the article" in page[1]
    assert 'id="facet-outlet"' in page[1]  # the facet box at the top
    stances = json.loads(rows[1])
    with open_store(examples_db, readonly=True) as store:
        outlets = dict(store.query("SELECT id, outlet FROM articles"))
    assert stances and all(s["outlet"] == outlets[s["article_id"]] for s in stances)
    assert all(s["outlet"] for s in stances)


def _database_before_0015(path: Path, database_before) -> None:
    """A database at the schema just before 0015, with a row in every table it rebuilds."""
    conn = database_before(path, "0015_datasette_rows")
    for number, outlet in ((1, "Daily Ledger"), (2, "Coast Radio")):
        conn.execute("INSERT INTO articles (id, content_hash, outlet, title, text, ingested_at) "
                     "VALUES (?, 'h', ?, 'Bridge falls', 'The bridge fell.', 'then')",
                     (f"art{number}", outlet))
        conn.execute("INSERT INTO article_vectors VALUES (?, 'm', x'00')", (f"art{number}",))
        conn.execute("INSERT INTO article_minhashes VALUES (?, 'v', x'01')", (f"art{number}",))
    for story in ("s1", "s2"):
        conn.execute("INSERT INTO stories (id, title) VALUES (?, 'Bridge')", (story,))
        conn.execute("INSERT INTO story_state VALUES (?, 2, 2, x'02', '{}', '{}', NULL, NULL, 1)",
                     (story,))
        conn.execute("INSERT INTO story_corroboration VALUES (?, 'k', 'then')", (story,))
        conn.execute("INSERT INTO corroboration_state VALUES (?, x'03')", (story,))
    conn.execute("INSERT INTO claim_groups (id, story_id, text, status, independent_sources) "
                 "VALUES ('g1', 's1', 'The bridge fell.', 'disputed', 2)")
    conn.execute("INSERT INTO stances VALUES ('art1', 'g1', 'agree', 0.9, 'It fell.', 'm')")
    conn.execute("INSERT INTO stances VALUES ('art2', 'g1', 'disagree', 0.8, 'It stood.', 'm')")
    conn.close()


def _snapshot(path: Path) -> dict[str, list[tuple]]:
    conn = sqlite3.connect(path)
    try:
        return {t: conn.execute(f"SELECT rowid, * FROM {t} ORDER BY rowid").fetchall()
                for t in INTERNAL}
    finally:
        conn.close()


def test_migration_0015_keeps_every_row(tmp_path: Path, database_before) -> None:
    path = tmp_path / "old.db"
    _database_before_0015(path, database_before)
    before = _snapshot(path)
    assert database.pending_migrations(path)[0] == "0015_datasette_rows"
    with open_store(path) as store:
        assert store.query("PRAGMA foreign_key_check") == []
        stances = [tuple(r) for r in store.query(
            "SELECT article_id, label, outlet FROM stances ORDER BY article_id")]
        assert stances == [("art1", "agree", "Daily Ledger"), ("art2", "disagree", "Coast Radio")]
        for table in INTERNAL:
            assert store.query(f"PRAGMA foreign_key_list({table})") == []
    after = _snapshot(path)  # same rows, same rowids (columns added by later migrations aside)
    assert {t: [r[:len(before[t][0])] for r in rows] for t, rows in after.items()} == before
    with open_store(path) as store:  # the cascade now runs by trigger
        with store.transaction() as conn:
            conn.execute("DELETE FROM stories WHERE id = 's2'")
            conn.execute("DELETE FROM articles WHERE id = 'art2'")
        left = {t: [r[0] for r in store.query(f"SELECT * FROM {t}")] for t in INTERNAL}
        assert store.query("SELECT count(*) FROM stances")[0][0] == 1
    assert left == {"article_vectors": ["art1"], "article_minhashes": ["art1"],
                    "story_state": ["s1"], "story_corroboration": ["s1"],
                    "corroboration_state": ["s1"]}
    links = _row_page_links(path)
    assert links["articles"] and not links["articles"] & set(INTERNAL)
    assert not links["stories"] & set(INTERNAL)
