"""The SQLite store: migrations, idempotent writes, FTS, read-only use and clear errors."""

from __future__ import annotations

import sqlite3

import pytest

from corroborator.errors import NotFoundError, StoreError
from corroborator.models import Article
from corroborator.store import SCHEMA_VERSION, escape_fts, open_store


def test_new_database_is_migrated_and_readable_by_sqlite3(db_path):
    open_store(db_path).close()
    conn = sqlite3.connect(db_path)
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"articles", "sentences", "claims", "stories", "story_articles"} <= tables
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_adding_the_same_article_twice_is_a_noop(db_path):
    article = Article(text="The port closed on Monday after a storm.", title="Port closes")
    with open_store(db_path) as store:
        assert store.add_articles([article]) == [True]
        assert store.add_articles([Article(text=article.text, title="Port closes")]) == [False]
        assert store.count_articles() == 1


def test_full_text_search_finds_words_and_survives_fts_syntax(db_path):
    with open_store(db_path) as store:
        store.add_articles([Article(text="The smelter will close in March.", title="Smelter")])
        assert [r["title"] for r in store.search_articles("smelter close")] == ["Smelter"]
        assert store.search_articles('"unbalanced AND OR NEAR(') == []


def test_escape_fts_quotes_every_term():
    assert escape_fts('memo "wind down" OR') == '"memo" "wind down" "OR"'


def test_unknown_article_raises_not_found(db_path):
    with open_store(db_path) as store, pytest.raises(NotFoundError):
        store.get_article("doesnotexist")


def test_readonly_open_of_missing_file_names_the_file(tmp_path):
    missing = tmp_path / "nope.db"
    with pytest.raises(StoreError, match="nope.db"):
        open_store(missing, readonly=True)
    assert not missing.exists()


def test_newer_schema_is_refused_with_one_line(db_path):
    open_store(db_path).close()
    conn = sqlite3.connect(db_path)
    conn.execute(f"PRAGMA user_version={SCHEMA_VERSION + 5}")
    conn.close()
    with pytest.raises(StoreError, match="newer than this corroborator supports"):
        open_store(db_path)


def test_not_a_database_is_a_clear_error(tmp_path):
    bogus = tmp_path / "bogus.db"
    bogus.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="bogus.db"):
        open_store(bogus)


def test_extraction_round_trips_through_the_store(db_path):
    from corroborator.extract import extract

    article = Article(text="Officials said 1,200 workers will lose their jobs on March 13. "
                           "“We were not told,” union leader Dana Whitcombe said.",
                      title="Plant to close", published="2026-03-02")
    ext = extract(article)
    with open_store(db_path) as store:
        store.add_articles([article])
        store.save_extraction(ext)
        loaded = store.load_extraction(article.id)
    assert [m.context for m in loaded.mentions] == [m.context for m in ext.mentions]
    def brief(sentences):
        return [(s.text, s.type, s.attribution.kind, s.attribution.source) for s in sentences]

    assert brief(loaded.sentences) == brief(ext.sentences)
    assert [(q.text, q.speaker) for q in loaded.quotes] == [(q.text, q.speaker) for q in ext.quotes]
