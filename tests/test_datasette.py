"""The database as datasette users reach it: real keys, search, views, metadata, migration 0009.

Runs real datasette (its in-process client) over the example database.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from corroborator.cli import main
from corroborator.store import database, open_store
from corroborator.store.datasette import HIDDEN_TABLES, datasette_metadata, write_metadata

datasette_app = pytest.importorskip("datasette.app")
sqlite_utils = pytest.importorskip("sqlite_utils")


def _get(db: Path, path: str, metadata: dict | None = None) -> tuple[int, str]:
    """One GET through datasette's in-process client."""
    ds = datasette_app.Datasette([str(db)], metadata=metadata or datasette_metadata(db))

    async def fetch() -> tuple[int, str]:
        response = await ds.client.get(path)
        return response.status_code, response.text

    return asyncio.run(fetch())


def _json(db: Path, path: str) -> object:
    status, body = _get(db, path)
    assert status == 200, (path, body[:300])
    return json.loads(body)


def test_table_page_lists_articles(examples_db: Path) -> None:
    status, body = _get(examples_db, "/examples/articles")
    assert status == 200
    assert "Articles" in body and "Calloway Minerals" in body


def test_foreign_key_link_resolves(examples_db: Path) -> None:
    claim = _json(examples_db, "/examples/claims.json?_shape=array&_size=1&_labels=on")[0]
    article_id = claim["article_id"]["value"]   # datasette found the foreign key and labelled it
    assert claim["article_id"]["label"]
    row = _json(examples_db, f"/examples/articles/{article_id}.json?_shape=array")
    assert row[0]["id"] == article_id


def test_search_filters_articles_and_claims(examples_db: Path) -> None:
    total = _json(examples_db, "/examples/articles.json?_shape=object&_size=max")
    found = _json(examples_db, "/examples/articles.json?_search=FarePoint&_shape=array")
    assert 0 < len(found) < len(total)
    assert all("FarePoint" in row["text"] or "FarePoint" in row["title"] for row in found)
    claims = _json(examples_db, "/examples/claims.json?_search=smelter&_shape=array")
    assert claims and all("smelter" in row["text"].lower() for row in claims)


def test_views_return_rows(examples_db: Path) -> None:
    stances = _json(examples_db, "/examples/claim_stances.json?_shape=array")
    assert stances
    assert {"claim", "outlet", "stance", "probability", "evidence"} <= set(stances[0])
    disputes = _json(examples_db, "/examples/story_disputes.json?_shape=array")
    assert disputes and all(row["disputing_evidence"] for row in disputes)
    coverage = _json(examples_db, "/examples/outlet_coverage.json?_shape=array")
    assert sum(row["articles"] for row in coverage) == 22
    faceted = _json(examples_db, "/examples/claim_stances.json")
    assert {"stance", "outlet"} <= set(faceted["facet_results"])


def test_internal_tables_hidden_and_metadata_shown(examples_db: Path) -> None:
    data = _json(examples_db, "/examples.json")
    hidden = {t["name"] for t in data["tables"] if t["hidden"]}
    assert {"story_state", "article_vectors", "article_minhashes"} <= hidden
    shown = {t["name"] for t in data["tables"] if not t["hidden"]}
    assert {"articles", "claims", "stories", "stances"} <= shown
    status, body = _get(examples_db, "/examples/stances")
    assert "Calibrated probability" in body and "Apache-2.0" in body


def test_fts_ddl_matches_sqlite_utils(tmp_path: Path) -> None:
    """Our FTS table is what ``enable_fts(create_triggers=True)`` would create."""
    with open_store(tmp_path / "ours.db") as store:
        ours = store.query("SELECT sql FROM sqlite_master WHERE name = 'articles_fts'")[0][0]
    db = sqlite_utils.Database(tmp_path / "theirs.db")
    db.execute("CREATE TABLE articles (id TEXT PRIMARY KEY, title TEXT, text TEXT)")
    db["articles"].enable_fts(["title", "text"], create_triggers=True)
    theirs = db.execute("SELECT sql FROM sqlite_master WHERE name = 'articles_fts'").fetchone()[0]
    assert " ".join(ours.split()) == " ".join(theirs.split())
    assert db["articles"].detect_fts() == "articles_fts"
    assert sqlite_utils.Database(tmp_path / "ours.db")["claims"].detect_fts() == "claims_fts"


def _old_database(path: Path, database_before) -> None:
    """A database at the schema before 0009, holding one article, claim and story."""
    conn = database_before(path, "0009_datasette")
    conn.execute("INSERT INTO articles (rowid, id, content_hash, outlet, title, published, text, "
                 "ingested_at) VALUES (7, 'art1', 'h', 'Daily Ledger', 'Bridge falls', "
                 "'2024-05-01T09:30:00+01:00', 'The Harbor Bridge collapsed.', 'then')")
    conn.execute("INSERT INTO claims (id, article_id, sentence_idx, text) VALUES "
                 "('c1', 'art1', 0, 'The Harbor Bridge collapsed.')")
    conn.execute("INSERT INTO stories (id, title, first_seen, last_seen) VALUES "
                 "('s1', 'Bridge', '2024-05-01T09:30:00+01:00', '2024-05-01T09:30:00+01:00')")
    conn.execute("INSERT INTO story_articles VALUES ('art1', 's1', 1.0, 1)")
    conn.execute("INSERT INTO claim_groups VALUES ('g1', 's1', 'The bridge fell.', 'disputed', 1)")
    conn.execute("INSERT INTO claim_group_members VALUES ('g1', 'c1')")
    conn.execute("INSERT INTO stances VALUES ('art1', 'g1', 'agree', 0.9, 'It fell.', 'm')")
    conn.close()


def test_migration_upgrades_in_place_without_losing_data(tmp_path: Path, database_before) -> None:
    path = tmp_path / "old.db"
    _old_database(path, database_before)
    with open_store(path) as store:
        article = store.get_article("art1")
        assert article.published == "2024-05-01T08:30:00+00:00"
        assert store.ingest_order(["art1"]) == {"art1": 7}          # rowid kept for the index
        assert [r["id"] for r in store.search_articles("harbor")] == ["art1"]
        assert [r["id"] for r in store.search_claims("bridge")] == ["c1"]
        groups, _ = store.load_corroboration("s1")
        assert [c.id for c in groups[0].claims] == ["c1"] and groups[0].stances
        assert store.query("SELECT last_seen FROM stories")[0][0] == "2024-05-01T08:30:00+00:00"
        pk = [r["name"] for r in store.query("PRAGMA table_info(articles)") if r["pk"]]
        assert pk == ["id"]
        assert store.query("PRAGMA foreign_key_check") == []
    with open_store(path) as store:                                 # applied once only
        assert store.count_articles() == 1


def test_new_articles_get_utc_timestamps(db_path: Path) -> None:
    from corroborator.models import Article

    with open_store(db_path) as store:
        store.add_articles([Article(text="A body.", published="2024-05-01T23:30:00-02:00"),
                            Article(text="Another body.", published="2024-05-02")])
        rows = [r[0] for r in store.query("SELECT published FROM articles ORDER BY rowid")]
    assert rows == ["2024-05-02T01:30:00+00:00", "2024-05-02"]


def test_datasette_metadata_command(db_path: Path) -> None:
    runner = CliRunner()
    missing = runner.invoke(main, ["datasette-metadata", "--db", str(db_path)])
    assert missing.exit_code == 1 and "no such database" in missing.output
    open_store(db_path).close()
    result = runner.invoke(main, ["datasette-metadata", "--db", str(db_path)])
    assert result.exit_code == 0, result.output
    written = db_path.with_name("news.metadata.json")
    assert str(written) in result.output
    data = json.loads(written.read_text())
    tables = data["databases"]["news"]["tables"]
    assert all(tables[t]["hidden"] for t in HIDDEN_TABLES)
    assert data["license"].startswith("Apache-2.0")
    assert write_metadata(db_path, tmp := db_path.with_name("m.json")) == tmp


def test_read_only_commands_upgrade_an_old_database_once(tmp_path: Path,
                                                        database_before) -> None:
    path = tmp_path / "old.db"
    _old_database(path, database_before)
    out = tmp_path / "stances.csv"
    result = CliRunner().invoke(main, ["export", "--db", str(path), "--what", "stances",
                                       "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "upgrading database" in result.output
    assert database.pending_migrations(path) == []
    again = CliRunner().invoke(main, ["stories", "--db", str(path)])
    assert again.exit_code == 0 and "upgrading" not in again.output
