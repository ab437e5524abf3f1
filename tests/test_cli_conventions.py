"""CLI conventions: a missing database is one line; every command says where it wrote."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from corroborator.cli import main

sys.path.insert(0, str(Path(__file__).parent))
from conftest_web import STORY_ID, build_fixture_db  # noqa: E402

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "txt"
READERS = [
    ["analyze"], ["stories"], ["story", "abcd"], ["report"], ["search", "bridge"],
    ["export", "--what", "claims", "-o", "x.csv"], ["datasette-metadata"],
    ["serve", "--get", "/api/stories"],
]
NEW_COMMANDS = ["export", "datasette-metadata"]


def run(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.mark.parametrize("command", READERS, ids=lambda c: c[0])
def test_missing_database_is_one_line_and_creates_nothing(command: list[str],
                                                         tmp_path: Path) -> None:
    typo = tmp_path / "typo.db"
    result = run(*command, "--db", typo)
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and str(typo) in lines[0] and "no such database" in lines[0]
    assert not typo.exists()


@pytest.mark.parametrize("command", NEW_COMMANDS)
def test_new_commands_have_help_with_an_example(command: str) -> None:
    result = run(command, "--help")
    assert result.exit_code == 0 and "corroborator " + command in result.output


def test_ingest_creates_the_database_and_says_where(tmp_path: Path) -> None:
    db = tmp_path / "new.db"
    result = run("ingest", EXAMPLE / "cpa-calloway-redfern-memo.txt", "--db", db)
    assert result.exit_code == 0, result.output
    assert f"creating database {db}" in result.output
    assert f"database: {db}" in result.output


def test_default_database_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CORROBORATOR_DB", str(tmp_path / "env.db"))
    result = run("stories")
    assert result.exit_code == 1 and str(tmp_path / "env.db") in result.output


def test_report_html_and_json_say_where_they_wrote(tmp_path: Path) -> None:
    db = build_fixture_db(tmp_path / "r.db")
    html = tmp_path / "out" / "report.html"
    html.parent.mkdir()
    result = run("report", "--db", db, "-o", html)
    assert result.exit_code == 0, result.output
    assert str(html.resolve()) in result.output.replace("\n", "")
    out = tmp_path / "story.json"
    result = run("story", STORY_ID, "--db", db, "--format", "json", "-o", out)
    assert result.exit_code == 0 and str(out.resolve()) in result.output.replace("\n", "")
