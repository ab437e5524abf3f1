"""Rough edges of issue 22: piped width, no empty database from a failed ingest, the
install hint from a clone, datasette metadata, typed Parquet columns."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from corroborator.cli import main
from corroborator.errors import MissingExtraError
from corroborator.store import open_store
from corroborator.store.datasette import datasette_metadata

sys.path.insert(0, str(Path(__file__).parent))
from conftest_web import STORY_ID, build_bridge_story  # noqa: E402


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("edges") / "news.db"
    with open_store(path) as store:
        build_bridge_story(store)
    return path


def test_piped_text_follows_columns(db: Path) -> None:
    wide = CliRunner().invoke(main, ["story", STORY_ID, "--db", str(db)], env={"COLUMNS": "200"})
    narrow = CliRunner().invoke(main, ["story", STORY_ID, "--db", str(db)], env={"COLUMNS": ""})
    assert max(len(line) for line in wide.output.splitlines()) > 100
    assert max(len(line) for line in narrow.output.splitlines()) <= 80


def test_ingest_of_a_missing_file_creates_no_database(tmp_path: Path) -> None:
    target = tmp_path / "new.db"
    result = CliRunner().invoke(main, ["ingest", str(tmp_path / "nope.txt"), "--db", str(target)])
    assert result.exit_code == 1
    assert "nope.txt: no such file or directory" in result.output
    assert not list(tmp_path.glob("new.db*"))


def test_install_hint_works_from_a_clone() -> None:
    message = str(MissingExtraError("parquet", "export --format parquet"))
    root = Path(__file__).resolve().parents[1]
    assert f"pip install -e '{root}[parquet]'" in message


def test_datasette_metadata_shows_reasons_and_calls_checkworthiness_a_rank(tmp_path: Path) -> None:
    tables = datasette_metadata(tmp_path / "news.db")["databases"]["news"]["tables"]
    assert not tables["unclustered"].get("hidden") and "reason" in tables["unclustered"]["facets"]
    assert "not a probability" in tables["claims"]["columns"]["checkworthiness"]
    assert "claim_stances" in tables["stances"]["description"]
    assert tables["watch_seen"]["hidden"] and not tables["watch_alerts"].get("hidden")


def test_parquet_columns_are_typed(db: Path, tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    for what in ("articles", "stories", "discrepancies"):
        out = tmp_path / f"{what}.parquet"
        result = CliRunner().invoke(main, ["export", "--db", str(db), "--what", what, "-o",
                                           str(out)])
        assert result.exit_code == 0, result.output
    articles = pq.read_table(tmp_path / "articles.parquet")
    assert str(articles.schema.field("published").type) == "timestamp[us, tz=UTC]"
    assert str(articles.schema.field("date_reliable").type) == "bool"
    assert articles.column("date_reliable").to_pylist()[0] is True
    stories = pq.read_table(tmp_path / "stories.parquet")
    assert str(stories.schema.field("key_entities").type).startswith("list<")
    assert stories.column("key_entities").to_pylist()[0][0] == "Harbor Bridge"
    assert stories.column("first_seen").to_pylist()[0].year == 2024
    found = pq.read_table(tmp_path / "discrepancies.parquet")
    assert found.column("values").to_pylist()[0] == ["12", "15"]


def test_pages_work_on_a_database_not_yet_upgraded(tmp_path: Path) -> None:
    pytest.importorskip("starlette")
    import sqlite3

    from corroborator.web import get_page

    path = tmp_path / "old.db"
    with open_store(path) as store:
        build_bridge_story(store)
    conn = sqlite3.connect(path)
    for table in ("watch_sources", "watch_files", "watch_seen", "watch_alerts", "claim_reviews"):
        conn.execute(f"DROP TABLE {table}")
    conn.execute("DELETE FROM migrations WHERE name = '0011_desk'")
    conn.execute("PRAGMA user_version = 10")
    conn.commit()
    conn.close()
    assert get_page(path, f"/story/{STORY_ID}")[0] == 200
    assert get_page(path, "/api/alerts") == (200, '{"schema_version":1,"alerts":[]}')
    served = CliRunner().invoke(main, ["serve", "--db", str(path), "--get", "/alerts.atom"])
    assert served.exit_code == 0 and "upgrading database" in served.output
