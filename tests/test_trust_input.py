"""Smaller trust boundaries of issue 23, item 7: JSON Lines on stdin, junk after a web
archive's last record, charsets that are no character sets, right-to-left overrides in HTML."""

from __future__ import annotations

import gzip
import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from corroborator import open_store
from corroborator.cli import main
from corroborator.errors import InputError
from corroborator.ingest import read_articles
from corroborator.models import Article

BODY = ("The council voted on the harbor plan after a long debate, officials said on Monday. "
        "The plan costs 12 million dollars and will take two years.")


def run(*args: object, input: bytes | None = None):  # noqa: A002 - click's name
    return CliRunner().invoke(main, [str(a) for a in args], input=input)


# --- JSON Lines on standard input ----------------------------------------------------------


@pytest.mark.parametrize("separator", ["\u2028", "\u0085", "\u2029", "\x1c", "\r"])
def test_stdin_jsonl_lines_end_at_newline_only(tmp_path: Path, separator: str) -> None:
    rows = [{"title": f"Harbor{separator}plan", "text": f"{BODY}{separator}More text.",
             "outlet": "Ledger"},
            {"title": "Second", "text": BODY.replace("12", "14"), "outlet": "Gazette"}]
    data = "\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n"
    db = tmp_path / "news.db"
    result = run("ingest", "-", "--db", db, input=data.encode("utf-8"))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("2 added, 0 already stored, 0 failed")
    with open_store(db, readonly=True) as store:
        titles = {row["title"] for row in store.query("SELECT title FROM articles")}
    assert f"Harbor{separator}plan" in titles or "Harbor plan" in titles


# --- web archives ------------------------------------------------------------------------


def warc_bytes() -> bytes:
    """A gzipped WARC with one HTML page."""
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True)
    html = f"<html><head><title>Harbor plan</title></head><body><article><p>{BODY}</p>" \
           "</article></body></html>"
    headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
    writer.write_record(writer.create_warc_record(
        "http://x.example/1", "response", payload=io.BytesIO(html.encode()),
        http_headers=headers))
    return buffer.getvalue()


@pytest.mark.parametrize(("name", "junk"), [
    ("newlines.warc.gz", gzip.compress(b"\n" * 300_000)),
    ("spaces.warc.gz", gzip.compress((b" " * 1023 + b"\n") * 300)),
    ("raw-blank.warc", b"\r\n" * 150_000),
])
def test_blank_junk_after_the_last_record_is_reported(tmp_path: Path, name: str,
                                                      junk: bytes) -> None:
    archive = warc_bytes()
    path = tmp_path / name
    path.write_bytes((archive if name.endswith(".gz") else gzip.decompress(archive)) + junk)
    items = list(read_articles([path]))
    assert [type(i) for i in items] == [Article, InputError]
    assert items[0].title == "Harbor plan"
    assert "blank space after the last record skipped" in items[1].problem
    result = run("ingest", path, "--db", tmp_path / "news.db")
    assert result.exit_code == 1 and "1 added" in result.stdout


def test_junk_glued_to_a_record_is_reported_not_dropped(tmp_path: Path) -> None:
    raw = gzip.decompress(warc_bytes())
    path = tmp_path / "glued.warc"
    path.write_bytes(raw[:-4] + b"junk \x1b[2J right after the record\n\n")
    result = run("ingest", path, "--db", tmp_path / "news.db")
    assert result.exit_code == 1, result.output
    assert "data after 1 record(s) skipped" in result.output
    assert "\x1b" not in result.output


def test_a_clean_archive_and_its_usual_blank_lines_are_quiet(tmp_path: Path) -> None:
    path = tmp_path / "clean.warc"
    path.write_bytes(gzip.decompress(warc_bytes()) + b"\r\n" * 4)
    assert [type(i) for i in read_articles([path])] == [Article]


# --- declared charsets ---------------------------------------------------------------------


@pytest.mark.parametrize("charset", ["punycode", "undefined", "unicode_escape", "utf-7",
                                     "idna"])
@pytest.mark.parametrize("accent", ["é", ""])
def test_odd_declared_charsets_fall_back_to_detection(tmp_path: Path, charset: str,
                                                     accent: str) -> None:
    path = tmp_path / "page.html"
    page = (f'<html><head><meta charset="{charset}"><title>Caf{accent} opens</title></head>'
            f"<body><article><p>{BODY} A \\x1b escape and +ADw-b+AD4- stay text.</p>"
            "</article></body></html>")
    path.write_bytes(page.encode("utf-8"))
    [article] = read_articles([path])
    assert isinstance(article, Article), article
    assert article.title == f"Caf{accent} opens"
    assert "\\x1b escape and +ADw-b+AD4-" in article.text
    assert article.metadata["encoding"] == "utf-8"


@pytest.mark.parametrize("charset", ["punycode", "undefined"])
def test_odd_charsets_in_a_feed_declaration_fall_back(tmp_path: Path, charset: str) -> None:
    path = tmp_path / "feed.rss"
    path.write_bytes(f'<?xml version="1.0" encoding="{charset}"?><rss version="2.0"><channel>'
                     "<title>T</title><item><title>Café opens</title><link>http://x.example/a"
                     f"</link><description>{BODY}</description></item></channel></rss>"
                     .encode())
    [article] = read_articles([path])
    assert isinstance(article, Article) and article.title == "Café opens"


# --- right-to-left overrides in HTML --------------------------------------------------------

RLO, FSI, PDI = "\u202e", "\u2068", "\u2069"


@pytest.fixture(scope="module")
def rlo_db(hostile_db_factory: Callable[..., Path]) -> Path:
    """Two analyzed articles whose title and outlet carry right-to-left overrides."""
    return hostile_db_factory(BODY, (f"Harbor plan {RLO}gnp.exe", f"Ledger{RLO}"),
                              ("Harbor plan approved", "Gazette"))


def assert_isolated(html: str) -> None:
    """Every override sits inside an isolate that is closed."""
    assert RLO in html
    depth = 0
    for char in html:
        if char == FSI:
            depth += 1
        elif char == PDI:
            assert depth > 0
            depth -= 1
        elif char == RLO:
            assert depth > 0, "right-to-left override outside an isolate"
    assert depth == 0


def test_story_html_isolates_overrides(rlo_db: Path, tmp_path: Path) -> None:
    stories = json.loads(run("stories", "--db", rlo_db, "--format", "json").stdout)["stories"]
    out = tmp_path / "story.html"
    result = run("story", stories[0]["id"], "--db", rlo_db, "--format", "html", "-o", out)
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert_isolated(html)
    assert f"{FSI}Harbor plan {RLO}gnp.exe{PDI}" in html


def test_web_pages_isolate_overrides(rlo_db: Path) -> None:
    pytest.importorskip("starlette")
    from corroborator.web import get_page

    stories = json.loads(get_page(rlo_db, "/api/stories")[1])["stories"]
    status, html = get_page(rlo_db, f"/story/{stories[0]['id']}")
    assert status == 200
    assert_isolated(html)
