"""`corroborator export`: CSV, JSON Lines and Parquet round-trips, slices, errors."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from corroborator.cli import main
from corroborator.errors import InputError, NotFoundError
from corroborator.export import WHAT, export, iter_rows
from corroborator.store import open_store

sys.path.insert(0, str(Path(__file__).parent))
from conftest_web import STORY_ID, build_fixture_db  # noqa: E402

COUNT_SQL = {
    "articles": "SELECT count(*) FROM articles",
    "claims": "SELECT count(*) FROM claims",
    "stances": "SELECT count(*) FROM stances",
    "discrepancies": "SELECT count(*) FROM discrepancies",
    "stories": "SELECT count(*) FROM stories",
}


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_fixture_db(tmp_path_factory.mktemp("export") / "export.db", filler=5)


def _count(db: Path, what: str) -> int:
    with open_store(db, readonly=True) as store:
        return store.query(COUNT_SQL[what])[0][0]


def _read(path: Path, fmt: str) -> list[dict]:
    if fmt == "csv":
        with path.open(encoding="utf-8", newline="") as handle:
            return list(csv.DictReader(handle))
    if fmt == "jsonl":
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    pq = pytest.importorskip("pyarrow.parquet")
    return pq.read_table(path).to_pylist()


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "parquet"])
@pytest.mark.parametrize("what", WHAT)
def test_round_trip_row_counts_equal_the_store(db: Path, tmp_path: Path, what: str,
                                               fmt: str) -> None:
    if fmt == "parquet":
        pytest.importorskip("pyarrow")
    out = tmp_path / f"{what}.{fmt}"
    with open_store(db, readonly=True) as store:
        written = export(store, what, out)
    rows = _read(out, fmt)
    assert written == len(rows) == _count(db, what) > 0


def test_cli_slices_by_story_and_outlet(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "stances.csv"
    result = CliRunner().invoke(main, ["export", "--db", str(db), "--what", "stances",
                                       "--story", STORY_ID, "--outlet", "Evening Post",
                                       "--format", "csv", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert str(out.resolve()) in result.output.replace("\n", "")
    rows = _read(out, "csv")
    assert rows and {r["outlet"] for r in rows} == {"Evening Post"}
    assert {r["story_id"] for r in rows} == {STORY_ID}


def test_jsonl_decodes_json_columns(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "d.jsonl"
    with open_store(db, readonly=True) as store:
        export(store, "discrepancies", out, story=STORY_ID)
    [row] = _read(out, "jsonl")
    assert row["values"] == ["12", "15"] and row["evidence"]["a1"].startswith("At least 12")


def test_outlet_slice_of_discrepancies_and_stories(db: Path) -> None:
    with open_store(db, readonly=True) as store:
        stories = list(iter_rows(store, "stories", outlet="Coast Radio"))
        found = list(iter_rows(store, "discrepancies", outlet="Daily Ledger"))
    assert [s["id"] for s in stories] == [STORY_ID]
    assert len(found) == 1


def test_bad_input_is_one_clear_error_and_writes_nothing(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "x.csv"
    with open_store(db, readonly=True) as store:
        with pytest.raises(InputError, match="choose one of"):
            export(store, "people", out)
        with pytest.raises(InputError, match="unknown export format"):
            export(store, "claims", tmp_path / "x.xlsx")
        with pytest.raises(NotFoundError, match="no articles from outlet"):
            export(store, "claims", out, outlet="Nobody")
        with pytest.raises(NotFoundError, match="no story"):
            export(store, "claims", out, story="ffffffff")
    assert list(tmp_path.iterdir()) == []
    result = CliRunner().invoke(main, ["export", "--db", str(tmp_path / "none.db"), "--what",
                                       "claims", "-o", str(out)])
    assert result.exit_code == 1 and "no such database" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_streams_in_batches(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Rows come from a cursor in fixed-size batches, never one fetchall."""
    import corroborator.export as module

    monkeypatch.setattr(module, "BATCH_ROWS", 2)
    with open_store(db, readonly=True) as store:
        rows = iter_rows(store, "articles")
        first = next(rows)
        assert first["id"]
        assert len(list(rows)) == _count(db, "articles") - 1


def test_parquet_without_pyarrow_names_the_extra(db: Path, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins

    from corroborator.errors import MissingExtraError

    real_import = builtins.__import__

    def no_pyarrow(name, *args, **kwargs):
        if name.startswith("pyarrow"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pyarrow)
    with open_store(db, readonly=True) as store, \
            pytest.raises(MissingExtraError, match=r"\[parquet\]'"):
        export(store, "claims", tmp_path / "c.parquet")
    assert not (tmp_path / "c.parquet").exists()
