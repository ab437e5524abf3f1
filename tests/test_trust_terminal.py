"""Escape sequences in article text never reach the terminal raw (issue 23, item 4)."""

from __future__ import annotations

import json
import logging
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from corroborator.cli import main
from corroborator.safe_text import (
    escape_unhandled_logs,
    printable,
    printable_json,
    printable_markup,
)

CLEAR = "\x1b[2J"
TITLE = "\x1b]0;owned\x07"
CSI_8BIT = "\x9b2J"
HOSTILE = f"Bridge{CLEAR} reopens{TITLE} \u202eevil{CSI_8BIT}"
BODY = ("The bridge over the river reopened on Monday after two years of repairs, the city "
        "said. Officials said the work cost 12 million dollars and finished early.")
RAW = ("\x1b", "\x07", "\x9b", "\u202e")


def run(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args])


def assert_no_raw_controls(text: str) -> None:
    for char in RAW:
        assert char not in text, (char, text)


@pytest.fixture(scope="module")
def hostile_db(hostile_db_factory: Callable[..., Path]) -> Path:
    """Two articles whose titles and outlets carry escape sequences, analyzed."""
    return hostile_db_factory(BODY, (HOSTILE, f"Ledger{CLEAR}"),
                              (f"Bridge reopens{CLEAR} after repairs", "Gazette"))


def test_printable_shows_controls_as_escapes() -> None:
    assert printable(f"a{CLEAR}b\tc\nd\re") == "a\\x1b[2Jb\tc\nd\\x0de"
    assert printable("x\u202ey\x85", one_line=True) == "x\\u202ey\\x85"
    assert printable("a\nb", one_line=True) == "a\\x0ab"


def test_printable_json_and_markup_keep_the_value() -> None:
    text = json.dumps({"t": HOSTILE}, ensure_ascii=False)
    safe = printable_json(text)
    assert_no_raw_controls(safe)
    assert json.loads(safe) == {"t": HOSTILE}
    assert printable_markup(f"<p>{CLEAR}</p>") == "<p>&#x1b;[2J</p>"


def test_stories_list_escapes_titles_and_outlets(hostile_db: Path) -> None:
    result = run("stories", "--db", hostile_db)
    assert result.exit_code == 0, result.output
    assert_no_raw_controls(result.output)
    assert "\\x1b[2J" in result.output


@pytest.mark.parametrize("fmt", ["text", "json", "html"])
def test_story_page_escapes_titles(hostile_db: Path, fmt: str) -> None:
    story_id = json.loads(run("stories", "--db", hostile_db, "--format", "json").stdout)
    story_id = story_id["stories"][0]["id"]
    result = run("story", story_id, "--db", hostile_db, "--format", fmt)
    assert result.exit_code == 0, result.output
    assert_no_raw_controls(result.output)
    if fmt == "json":
        assert HOSTILE in {a["title"] for a in json.loads(result.stdout)["articles"]}


def test_search_escapes_titles(hostile_db: Path) -> None:
    result = run("search", "bridge", "--db", hostile_db)
    assert result.exit_code == 0, result.output
    assert_no_raw_controls(result.output)
    assert "\\x1b" in result.output


def test_ingest_error_lines_escape_file_names(tmp_path: Path) -> None:
    bad = tmp_path / f"bad{CLEAR}{TITLE}.txt"
    bad.write_bytes(b"")
    result = run("ingest", bad, "--db", tmp_path / "news.db")
    assert result.exit_code == 1
    assert_no_raw_controls(result.output)
    assert "empty file" in result.output and "\\x1b[2J" in result.output


def test_compare_and_check_escape_article_text(tmp_path: Path) -> None:
    first, second = tmp_path / "a.txt", tmp_path / "b.txt"
    first.write_text(f"{HOSTILE}\n\n{BODY}\n", encoding="utf-8")
    second.write_text(f"Bridge reopens{TITLE}\n\n{BODY.replace('12', '14')}\n", encoding="utf-8")
    for args in (("compare", first, second), ("check", f"The bridge{CLEAR} reopened", first,
                                              second)):
        result = run(*args)
        assert result.exit_code == 0, result.output
        assert_no_raw_controls(result.output)


def test_library_logs_without_a_handler_are_escaped(capsys: pytest.CaptureFixture[str]) -> None:
    escape_unhandled_logs()
    record = logging.LogRecord("trafilatura", logging.ERROR, __file__, 1,
                               "parsing failed: %s", (HOSTILE,), None)
    assert logging.lastResort is not None
    logging.lastResort.handle(record)
    err = capsys.readouterr().err
    assert "parsing failed: Bridge\\x1b[2J" in err
    assert_no_raw_controls(err)


PROPERTY = settings(max_examples=200, deadline=None, derandomize=True)


@PROPERTY
@given(st.text(alphabet=st.characters(codec=None, max_codepoint=0x2100 + 0x100)))
def test_printable_never_lets_a_control_through(text: str) -> None:
    shown = printable(text, one_line=True)
    assert not any(unicodedata.category(c) == "Cc" for c in shown)
    assert not any(0x202A <= ord(c) <= 0x202E or 0x2066 <= ord(c) <= 0x2069 for c in shown)
    assert json.loads(printable_json(json.dumps(text, ensure_ascii=False))) == text


def test_stored_dates_cannot_smuggle_rich_markup(hostile_db: Path, tmp_path: Path) -> None:
    """A date rewritten in a shared database is shown as text, not read as a terminal link."""
    import io
    import sqlite3

    from rich.console import Console

    from corroborator import open_store
    from corroborator.report import print_story
    from corroborator.views import story_view

    copy = tmp_path / "shared.db"
    with sqlite3.connect(hostile_db) as source, sqlite3.connect(copy) as target:
        source.backup(target)   # with its write-ahead log, which a file copy would miss
    with sqlite3.connect(copy) as conn:
        conn.execute("UPDATE articles SET published = '[link=x]ab'")
        conn.execute("UPDATE stories SET first_seen = '[link=x]ab'")
    with open_store(copy, readonly=True) as store:
        story_id = store.query("SELECT id FROM stories")[0]["id"]
        data = story_view(store, story_id)
    screen = io.StringIO()
    print_story(data, Console(file=screen, force_terminal=True, width=100))
    assert "\x1b]8;" not in screen.getvalue() and "[link=x]ab" in screen.getvalue()


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_outlet_pages_escape_names_and_titles(hostile_db: Path, fmt: str) -> None:
    for args in (("outlet",), ("outlet", f"Ledger{CLEAR}")):
        result = run(*args, "--db", hostile_db, "--format", fmt)
        assert result.exit_code == 0, result.output
        assert_no_raw_controls(result.output)


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_watch_alerts_escape_titles(tmp_path: Path, fmt: str) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name, title in (("a.txt", HOSTILE), ("b.txt", f"Bridge reopens{TITLE}")):
        (inbox / name).write_text(f"{title}\n\n{BODY}\n", encoding="utf-8")
    (inbox / f"empty{CLEAR}.txt").write_bytes(b"")
    result = run("watch", inbox, "--once", "--workers", "1", "--format", fmt,
                 "--db", tmp_path / "news.db")
    assert "new articles" in result.output, result.output
    assert_no_raw_controls(result.output)
    assert "\\x1b" in result.output


def test_alerts_feed_stays_well_formed_xml_with_controls_in_titles() -> None:
    import xml.etree.ElementTree as ET

    from corroborator.report.atom import alerts_atom

    alert = {"key": "k1", "title": HOSTILE, "created_at": "2024-01-02T00:00:00+00:00",
             "kind": "new_story", "story_id": "s1", "detail": {"outlets": [f"Ledger{CLEAR}"]}}
    feed = ET.fromstring(alerts_atom([alert], "http://127.0.0.1:8000", "2024-01-02"))
    titles = [e.text for e in feed.iter("{http://www.w3.org/2005/Atom}title")]
    assert any(t and t.startswith("Bridge\ufffd[2J") for t in titles)
