"""Shared fixtures: offline mode, paths to the example corpus and the shared seeds, hostile
databases."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "seeds"
EXAMPLE_INPUTS = [EXAMPLES / "txt", EXAMPLES / "html", EXAMPLES / "feeds",
                  EXAMPLES / "warc" / "ridgeline-radio.warc.gz"]


@pytest.fixture(scope="session")
def seeds() -> list[Path]:
    """The two seed articles in ../shared/seeds (skipped where ../shared is absent)."""
    files = sorted(SEEDS.glob("*.txt"))
    if len(files) < 2:
        pytest.skip("../shared/seeds is not beside the checkout; seed tests need it")
    return files


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """A fresh SQLite file path per test."""
    return tmp_path / "news.db"


@pytest.fixture(scope="session")
def examples_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database with the whole example corpus ingested and analyzed (built once)."""
    from corroborator import analyze, ingest, open_store

    path = tmp_path_factory.mktemp("examples") / "examples.db"
    with open_store(path) as store:
        report = ingest(EXAMPLE_INPUTS, store)
        assert not report.errors, report.errors
        analyze(store)
    return path


@pytest.fixture(scope="session")
def hostile_db_factory(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Path]:
    """A builder of analyzed two-article databases whose titles and outlets are hostile.

    `build(body, first, second)` ingests two (title, outlet) articles through the CLI as
    JSON Lines, the way a user's file brings them, then analyzes them. The second
    article's body changes "12" to "14", so the pair is one story with a disputed number.
    """
    import json

    from click.testing import CliRunner

    from corroborator import analyze, open_store
    from corroborator.cli import main

    def build(body: str, first: tuple[str, str], second: tuple[str, str]) -> Path:
        folder = tmp_path_factory.mktemp("hostile")
        rows = [{"title": title, "outlet": outlet, "text": text, "published": "2024-01-02"}
                for (title, outlet), text in ((first, body), (second, body.replace("12", "14")))]
        source = folder / "articles.jsonl"
        source.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
        path = folder / "news.db"
        result = CliRunner().invoke(main, ["ingest", str(source), "--db", str(path)])
        assert result.exit_code == 0, result.output
        with open_store(path) as store:
            analyze(store, workers=1)
        return path

    return build


@pytest.fixture
def database_before() -> Callable[[Path, str], sqlite3.Connection]:
    """A builder of a database at the schema just before migration `name`, each earlier
    migration recorded as applied; it returns the open connection (foreign keys on)."""
    from corroborator.store import database
    from corroborator.store.migrations import MIGRATIONS

    def build(path: Path, name: str) -> sqlite3.Connection:
        conn = sqlite3.connect(path, isolation_level=None)
        conn.execute("CREATE TABLE migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
        before = [n for n, _ in MIGRATIONS].index(name)
        for number, (applied, sql) in enumerate(MIGRATIONS[:before], start=1):
            for statement in database._statements(sql):
                conn.execute(statement)
            conn.execute("INSERT INTO migrations VALUES (?, 'then')", (applied,))
            conn.execute(f"PRAGMA user_version={number}")
        conn.execute("PRAGMA foreign_keys=ON")
        return conn

    return build
