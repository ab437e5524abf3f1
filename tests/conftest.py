"""Shared fixtures: offline mode, paths to the example corpus and the shared seeds."""

from __future__ import annotations

import os
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
