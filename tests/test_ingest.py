"""Ingest from local inputs: text, Markdown, HTML, JSONL, CSV, feeds, WARC, stdin, folders."""

from __future__ import annotations

import importlib
import io
import shutil
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from corroborator.errors import InputError
from corroborator.ingest import (
    IngestOptions,
    parse_date,
    parse_html,
    parse_text,
    read_article,
    read_articles,
)
from corroborator.models import Article

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"

LONG_BODY = (
    "The regional water board said on Monday that reservoir levels had recovered after a wet "
    "winter, and that restrictions on garden watering would end next week for most towns."
)


def split(results: object) -> tuple[list[Article], list[InputError]]:
    """Separate a list of results into articles and errors."""
    items = list(results)  # type: ignore[call-overload]
    articles = [item for item in items if isinstance(item, Article)]
    errors = [item for item in items if isinstance(item, InputError)]
    assert len(articles) + len(errors) == len(items)
    return articles, errors


def only_error(results: object) -> InputError:
    """The single result, which must be an InputError."""
    items = list(results)  # type: ignore[call-overload]
    assert len(items) == 1 and isinstance(items[0], InputError), items
    return items[0]


# --- plain text ------------------------------------------------------------------------------


def test_text_file_headline_byline_and_paragraphs() -> None:
    article = read_article(FIXTURES / "harbor_bridge.txt")
    assert article.title == "Harbor Bridge Reopens After Eight Months of Repairs"
    assert article.byline == "Ana Ruiz"
    assert article.format == "text"
    assert article.language == "en"
    assert article.published is None and not article.date_reliable
    paragraphs = article.text.split("\n\n")
    assert paragraphs[0].startswith("The Harbor Bridge reopened to traffic on Tuesday morning")
    assert "\n" not in paragraphs[0]  # hard-wrapped lines are joined
    assert len(paragraphs) == 4 and paragraphs[-1] == "Read the original article."
    assert article.source.endswith("harbor_bridge.txt")


def test_markdown_file_with_byline_and_dateline() -> None:
    article = read_article(FIXTURES / "council_vote.md")
    assert article.title == "Council Approves New Bike Lanes on Elm Street"
    assert article.byline == "Priya Natarajan"
    assert article.published == "2022-03-03"
    assert article.date_reliable is False
    assert article.metadata["date_source"] == "text"
    assert article.text.count("\n\n") == 1  # two single-line paragraphs


@pytest.mark.parametrize(
    ("second_line", "byline"),
    [
        ("Matthew Petti", "Matthew Petti"),
        ("By Jane Doe", "Jane Doe"),
        ("by the Metro Desk", "the Metro Desk"),
        ("Ludwig van der Berg", "Ludwig van der Berg"),
        ("The storm hit the coast.", None),
        ("Officials said the storm would pass quickly overnight and clear by morning", None),
        ("Baghdad, Iraq — On Sunday the parliament voted on a motion.", None),
        ("Updated 3 times", None),
    ],
)
def test_byline_detection(second_line: str, byline: str | None) -> None:
    article = parse_text(f"Headline\n{second_line}\n\n{LONG_BODY}")
    assert article.byline == byline
    if byline is None:
        assert article.text.startswith(second_line.split(" — ")[0])


def test_text_without_blank_lines_keeps_each_line_as_paragraph() -> None:
    article = parse_text("Title\r\nFirst paragraph.\r\nSecond paragraph.\r\n")
    assert article.text == "First paragraph.\n\nSecond paragraph."
    assert article.language is None  # fewer than 20 words


@pytest.mark.parametrize("text", ["", "   \n\n  ", "Only a headline\n"])
def test_text_without_body_is_an_error(text: str) -> None:
    with pytest.raises(InputError, match="no article text found"):
        parse_text(text, source="t.txt")


# --- HTML ------------------------------------------------------------------------------------


def test_html_file_metadata_and_main_text() -> None:
    article = read_article(FIXTURES / "library_page.html")
    assert article.format == "html"
    assert article.title == "Riverside Library Extends Weekend Hours"
    assert article.outlet == "The Valley Ledger"
    assert article.byline == "Marcus Bell"
    assert article.published == "2023-05-14T08:30:00-04:00"
    assert article.date_reliable is True
    assert article.url == "https://www.valleyledger.example/news/2023/05/14/library-hours"
    assert article.text.startswith("The Riverside Public Library will stay open")
    assert article.text.count("\n\n") == 2
    assert "Sports" not in article.text and "Copyright" not in article.text
    assert article.language == "en"


def test_html_outlet_falls_back_to_domain_and_url_date_is_unreliable() -> None:
    html = (
        f"<html><body><article><h1>Water limits end</h1><p>{LONG_BODY}</p></article></body></html>"
    )
    article = parse_html(html, url="https://www.riverdaily.example/2021/04/12/water-limits")
    assert article.outlet == "riverdaily.example"
    assert article.published == "2021-04-12"
    assert article.date_reliable is False


def test_html_jsonld_date_is_reliable() -> None:
    html = (
        '<html><head><script type="application/ld+json">{"@graph": [{"@type": "NewsArticle", '
        '"datePublished": "2019-08-01T12:00:00Z"}]}</script></head>'
        f"<body><article><p>{LONG_BODY}</p></article></body></html>"
    )
    article = parse_html(html)
    assert article.published == "2019-08-01T12:00:00+00:00"
    assert article.date_reliable is True


def test_html_outlet_argument_wins(tmp_path: Path) -> None:
    (articles, errors) = split(read_articles([FIXTURES / "library_page.html"], outlet="Ledger"))
    assert not errors and articles[0].outlet == "Ledger"


def test_html_falls_back_to_lxml_when_trafilatura_finds_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(importlib.import_module("trafilatura"), "bare_extraction",
                        lambda *a, **k: None)
    html = (
        "<html><head><title>Fallback</title><style>p {color: red}</style></head><body>"
        f"<nav>Menu</nav><div><p>{LONG_BODY}</p><ul><li>One</li><li>Two</li></ul></div>"
        "</body></html>"
    )
    article = parse_html(html)
    assert article.title == "Fallback"
    assert article.text == f"{LONG_BODY}\n\nOne\n\nTwo"


def test_html_without_text_is_an_error() -> None:
    with pytest.raises(InputError, match="no article text found"):
        parse_html("<html><body><script>var x = 1;</script></body></html>", source="p.html")


def test_html_bytes_use_declared_charset() -> None:
    html = (
        '<html><head><meta charset="windows-1252"></head><body><p>Caf\xe9 owners \x93agree\x94. '
        f"{LONG_BODY}</p></body></html>"
    ).encode("latin-1")
    article = parse_html(html)
    assert "Café owners “agree”." in article.text
    assert article.metadata["encoding"] == "windows-1252"


# --- JSONL, JSON and CSV ---------------------------------------------------------------------


def test_jsonl_fields_aliases_and_metadata() -> None:
    articles, errors = split(read_articles([FIXTURES / "exports.jsonl"]))
    assert not errors and [a.format for a in articles] == ["jsonl"] * 3
    first, second, third = articles
    assert first.outlet == "Tidewater Post" and first.title == "Ferry Workers Walk Out Over Pay"
    assert first.published == "2021-07-09T06:15:00+00:00" and first.date_reliable
    assert first.metadata == {"section": "Transport", "date_source": "field", "line": 1}
    assert first.text.count("\n\n") == 1
    assert second.url == "https://northstar.example/ferry" and second.outlet == "Northstar Daily"
    assert second.title == "Bay Ferries Halted by Strike" and second.published == "2021-07-09"
    assert second.byline == "Lena Park, Omar Haddad"
    assert third.language == "es" and third.outlet == "Diario del Puerto"
    assert third.published is None and not third.date_reliable
    assert third.metadata["unparsed_date"] == "9 de julio"


def test_malformed_jsonl_lines_are_reported_and_the_rest_still_read() -> None:
    path = FIXTURES / "bad_lines.jsonl"
    articles, errors = split(read_articles([path]))
    assert [a.title for a in articles] == ["First Good Line", "Last Good Line"]
    assert [e.line for e in errors] == [2, 3, 5]
    assert str(errors[0]).startswith(f"{path}:2: invalid JSON: ")
    assert "expected a JSON object, got array" in str(errors[1])
    assert "no text field" in str(errors[2]) and "fields found: title, summary" in str(errors[2])
    assert all("\n" not in str(error) for error in errors)


def test_jsonl_with_cp1252_line_is_decoded_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "mixed.jsonl"
    good = b'{"title": "Plain", "text": "All ASCII here."}\n'
    legacy = '{"title": "Café", "text": "Señor Núñez said “yes”."}\n'.encode("cp1252")
    path.write_bytes(good + legacy)
    articles, errors = split(read_articles([path]))
    assert not errors
    assert articles[1].text == "Señor Núñez said “yes”."
    assert "cp1252" in articles[1].metadata["warnings"][0]


def test_json_array_file_with_unknown_extension_is_sniffed(tmp_path: Path) -> None:
    path = tmp_path / "dump.data"
    path.write_text('[{"headline": "One", "content": "First body."}, 3]', encoding="utf-8")
    articles, errors = split(read_articles([path]))
    assert [a.title for a in articles] == ["One"]
    assert "item 2: expected a JSON object, got number" in str(errors[0])


def test_csv_semicolon_multiline_fields_and_line_numbers() -> None:
    articles, errors = split(read_articles([FIXTURES / "orchard.csv"]))
    assert not errors and [a.format for a in articles] == ["csv", "csv"]
    first, second = articles
    assert first.title == "Orchard Harvest Hits Record" and first.outlet == "Hill Country News"
    assert first.published == "2020-09-30" and first.date_reliable
    assert first.text.endswith("mild spring.\n\nPrices at the farm gate fell slightly as a result.")
    assert first.metadata["tags"] == "farming" and first.metadata["line"] == 2
    assert second.published == "2020-10-01" and second.metadata["line"] == 5
    assert "one press plans" in second.text  # a semicolon inside a quoted field


def test_csv_with_bom_tabs_and_a_huge_field(tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    huge = "word " * 60_000  # 300 kB, beyond the csv module's default field limit
    path.write_bytes(("url\tbody\nhttps://a.example/x\t" + huge + "\n").encode("utf-8-sig"))
    articles, errors = split(read_articles([path]))
    assert not errors
    assert articles[0].url == "https://a.example/x" and articles[0].outlet == "a.example"
    assert len(articles[0].text) == len(huge.strip())


def test_csv_without_text_column_gives_one_error_naming_columns() -> None:
    error = only_error(read_articles([FIXTURES / "no_text_column.csv"]))
    assert "no text column" in error.problem
    assert "columns found: headline, outlet, published" in error.problem


def test_csv_row_with_empty_text_is_reported_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "rows.csv"
    path.write_text("title,text\nA,Body one.\nB,\nC,Body three.\n", encoding="utf-8")
    articles, errors = split(read_articles([path]))
    assert [a.title for a in articles] == ["A", "C"]
    assert errors[0].line == 3 and "no text field" in errors[0].problem


# --- feeds -----------------------------------------------------------------------------------


def test_rss_feed_entries() -> None:
    articles, errors = split(read_articles([FIXTURES / "gazette.rss"]))
    assert not errors and [a.format for a in articles] == ["rss", "rss"]
    storm, marina = articles
    assert storm.outlet == "Lakeside Gazette" and storm.byline == "Jonas Weber"
    assert storm.text == (
        "A fast-moving storm knocked out power to about 3,000 homes on the east shore on "
        "Wednesday night.\n\nCrews expected to restore service by Thursday afternoon, the "
        "utility said."
    )  # content:encoded wins over the teaser
    assert storm.published == "2022-11-02T21:40:00-05:00" and storm.date_reliable
    assert storm.url == "https://lakeside.example/2022/11/02/storm-power"
    assert storm.metadata["tags"] == ["Weather"]
    assert marina.text.startswith("The marina opened its winter storage a week early")


def test_atom_feed_entry() -> None:
    article = read_article(FIXTURES / "gazette.atom")
    assert article.format == "atom" and article.outlet == "Mountain Wire"
    assert article.byline == "Sofia Brandt"
    assert article.published == "2024-02-10T07:45:00+01:00" and article.date_reliable
    assert article.text.endswith("near the summit.\n\nNo one was hurt.")


def test_feed_outlet_argument_wins() -> None:
    articles, _ = split(read_articles([FIXTURES / "gazette.rss"], outlet="Override"))
    assert {a.outlet for a in articles} == {"Override"}


def test_xml_that_is_not_a_feed_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.xml"
    path.write_text("<note><to>Tove</to><body>Not a feed</body></note>", encoding="utf-8")
    assert "not a valid RSS or Atom feed" in only_error(read_articles([path])).problem


def test_feed_entry_without_text_is_an_error_naming_the_entry(tmp_path: Path) -> None:
    path = tmp_path / "thin.rss"
    path.write_text("<rss><channel><item><title>Only a title</title></item></channel></rss>")
    assert only_error(read_articles([path])).problem == "entry 1: no article text found"


# --- WARC ------------------------------------------------------------------------------------


def write_warc(path: Path) -> None:
    """Write a small gzipped WARC: two HTML pages, a 404, an image and a request record."""
    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        dated = '<meta property="article:published_time" content="2020-02-02">'
        _response(writer, "https://a.example/one", f"<head>{dated}</head><p>{LONG_BODY}</p>")
        _response(writer, "https://a.example/two", "<p>Second page text.</p>")
        _response(writer, "https://a.example/gone", "<p>Not here</p>", status="404 Not Found")
        _response(writer, "https://a.example/pic.png", "PNG", content_type="image/png")
        writer.write_record(
            writer.create_warc_record(
                "https://a.example/one",
                "request",
                payload=io.BytesIO(b"GET /one HTTP/1.1\r\nHost: a.example\r\n\r\n"),
            )
        )


def _response(
    writer: WARCWriter, uri: str, body: str, status: str = "200 OK", content_type: str = ""
) -> None:
    """Append one HTTP response record to a WARC."""
    headers = [("Content-Type", content_type or "text/html; charset=utf-8")]
    http = StatusAndHeaders(status, headers, protocol="HTTP/1.1")
    payload = io.BytesIO(f"<html>{body}</html>".encode())
    record = writer.create_warc_record(uri, "response", payload=payload, http_headers=http)
    writer.write_record(record)


def test_warc_html_responses_only(tmp_path: Path) -> None:
    path = tmp_path / "crawl.warc.gz"
    write_warc(path)
    articles, errors = split(read_articles([path]))
    assert not errors
    assert [a.url for a in articles] == ["https://a.example/one", "https://a.example/two"]
    assert all(a.format == "warc" and a.outlet == "a.example" for a in articles)
    assert articles[0].published == "2020-02-02" and articles[0].date_reliable
    crawled = articles[1].metadata["crawled"]
    assert articles[1].published == crawled[:10] and not articles[1].date_reliable
    assert articles[1].metadata["date_source"] == "warc-record"


def test_truncated_warc_yields_pages_before_the_damage_then_an_error(tmp_path: Path) -> None:
    good = tmp_path / "good.warc.gz"
    write_warc(good)
    data = good.read_bytes()
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(data[: len(data) // 2])
    items = list(read_articles([cut]))
    assert isinstance(items[-1], InputError) and "corrupt" in items[-1].problem


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"\x1f\x8b\x08\x00garbage garbage", "corrupt"),
        (b"hello, not an archive", "not a WARC or ARC archive"),
        (b"", "empty file"),
    ],
)
def test_bad_warc_is_an_error(tmp_path: Path, content: bytes, problem: str) -> None:
    path = tmp_path / "bad.warc.gz"
    path.write_bytes(content)
    error = only_error(read_articles([path]))
    assert problem in error.problem and "\n" not in str(error)


# --- stdin -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "fmt", "title"),
    [
        (f"Stdin Headline\nBy Ana Ruiz\n\n{LONG_BODY}\n", "text", "Stdin Headline"),
        (
            f"<html><head><title>Piped</title></head><body><p>{LONG_BODY}</p></body></html>",
            "html",
            "Piped",
        ),
        (
            '{"title": "Row", "text": "Body."}\n{"title": "Row 2", "text": "More."}\n',
            "jsonl",
            "Row",
        ),
    ],
)
def test_stdin_is_recognised_by_content(content: str, fmt: str, title: str) -> None:
    options = IngestOptions(stdin=io.StringIO(content))
    articles, errors = split(read_articles(["-"], options=options))
    assert not errors and articles[0].format == fmt and articles[0].title == title
    assert articles[0].source == "<stdin>"


def test_stdin_empty_is_an_error() -> None:
    error = only_error(read_articles(["-"], options=IngestOptions(stdin=io.StringIO(""))))
    assert str(error) == "<stdin>: empty input"


def test_stdin_bytes_stream_is_decoded() -> None:
    raw = io.BytesIO("Caf\u00e9 News\n\nThe caf\u00e9 reopened.\n".encode("cp1252"))
    article = read_article("-", options=IngestOptions(stdin=raw))  # type: ignore[arg-type]
    assert (article.title, article.metadata["encoding"]) == ("Café News", "cp1252")


def test_stdin_bad_jsonl_line_names_line() -> None:
    stdin = io.StringIO('{"text": "ok"}\n{oops\n')
    _, errors = split(read_articles(["-"], options=IngestOptions(stdin=stdin)))
    assert str(errors[0]).startswith("<stdin>:2: invalid JSON")


# --- folders ---------------------------------------------------------------------------------


def make_tree(root: Path) -> None:
    """A nested folder with article files, hidden entries and files to skip."""
    (root / "b_sub" / "deeper").mkdir(parents=True)
    (root / ".hidden").mkdir()
    shutil.copy(FIXTURES / "harbor_bridge.txt", root / "z_last.txt")
    shutil.copy(FIXTURES / "library_page.html", root / "b_sub" / "page.htm")
    shutil.copy(FIXTURES / "council_vote.md", root / "b_sub" / "deeper" / "vote.md")
    shutil.copy(FIXTURES / "exports.jsonl", root / "a_first.ndjson")
    shutil.copy(FIXTURES / "harbor_bridge.txt", root / ".hidden" / "secret.txt")
    shutil.copy(FIXTURES / "harbor_bridge.txt", root / ".dotfile.txt")
    (root / "notes.docx").write_bytes(b"PK\x03\x04 not read")
    (root / "image.png").write_bytes(b"\x89PNG not read")


def test_folder_is_walked_recursively_in_sorted_order(tmp_path: Path) -> None:
    make_tree(tmp_path)
    articles, errors = split(read_articles([tmp_path]))
    assert not errors
    names = [Path(a.source).relative_to(tmp_path).as_posix() for a in articles]
    assert names == [
        "a_first.ndjson", "a_first.ndjson", "a_first.ndjson",
        "b_sub/deeper/vote.md", "b_sub/page.htm", "z_last.txt",
    ]  # fmt: skip
    again = [a.id for a in read_articles([tmp_path]) if isinstance(a, Article)]
    assert again == [a.id for a in articles]


def test_empty_folder_is_one_error(tmp_path: Path) -> None:
    (tmp_path / "only.docx").write_bytes(b"x")
    error = only_error(read_articles([tmp_path]))
    assert error.problem.startswith("no articles found in folder (looked for .txt, .text, .md")
    assert ".warc.gz" in error.problem


def test_folder_goes_on_after_a_bad_file(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes(b"")
    shutil.copy(FIXTURES / "harbor_bridge.txt", tmp_path / "b.txt")
    items = list(read_articles([tmp_path]))
    assert isinstance(items[0], InputError) and items[0].problem == "empty file"
    assert isinstance(items[1], Article)


# --- bad inputs ------------------------------------------------------------------------------


def test_missing_path(tmp_path: Path) -> None:
    missing = tmp_path / "nope.txt"
    error = only_error(read_articles([missing]))
    assert str(error) == f"{missing}: no such file or directory"


@pytest.mark.parametrize(
    "name", ["empty.txt", "empty.html", "empty.csv", "empty.jsonl", "empty.rss"]
)
def test_empty_file(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"")
    assert only_error(read_articles([path])).problem == "empty file"


@pytest.mark.parametrize(
    "content", [b"abc\x00\x01\x02def" * 20, b"\x89PNG\r\n\x1a\n\x00\x00", b"%PDF-1.7 ..."]
)
@pytest.mark.parametrize("name", ["blob.txt", "blob.html", "blob.jsonl", "blob.bin"])
def test_binary_file(tmp_path: Path, content: bytes, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    assert "binary file, not an article" in only_error(read_articles([path])).problem


def test_whitespace_only_file_has_no_article_text(tmp_path: Path) -> None:
    path = tmp_path / "blank.txt"
    path.write_text(" \n\n \t\n", encoding="utf-8")
    assert only_error(read_articles([path])).problem == "no article text found"


def test_cp1252_file_is_decoded_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "legacy.txt"
    path.write_bytes("Café Reopens\n\nThe “new” café opened – finally.\n".encode("cp1252"))
    article = read_article(path)
    assert article.title == "Café Reopens"
    assert article.text == "The “new” café opened – finally."
    assert article.metadata["encoding"] == "cp1252"
    assert article.metadata["warnings"] == ["not valid UTF-8; decoded as cp1252"]


def test_utf16_file_with_bom(tmp_path: Path) -> None:
    path = tmp_path / "wide.txt"
    path.write_bytes("Zürich Vote\n\nVoters said yes.\n".encode("utf-16"))
    article = read_article(path)
    assert (article.title, article.text) == ("Zürich Vote", "Voters said yes.")


def test_unknown_extension_given_by_name_is_sniffed(tmp_path: Path) -> None:
    path = tmp_path / "page.download"
    shutil.copy(FIXTURES / "library_page.html", path)
    assert read_article(path).format == "html"


def test_batch_goes_on_after_errors_and_errors_are_one_line(tmp_path: Path) -> None:
    inputs = [tmp_path / "missing", FIXTURES / "bad_lines.jsonl", FIXTURES / "harbor_bridge.txt"]
    items = list(read_articles(inputs))
    assert isinstance(items[0], InputError) and isinstance(items[-1], Article)
    assert all("\n" not in str(item) for item in items if isinstance(item, InputError))


def test_unexpected_crash_becomes_an_input_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom\nsecond line")

    monkeypatch.setattr(importlib.import_module("corroborator.ingest.sources"), "parse_text",
                        explode)
    error = only_error(read_articles([FIXTURES / "harbor_bridge.txt"]))
    assert error.problem == "could not read (RuntimeError: boom second line)"


# --- single-article API, ids, dates ----------------------------------------------------------


def test_article_id_is_stable_across_reads(tmp_path: Path) -> None:
    first = read_article(FIXTURES / "harbor_bridge.txt")
    second = read_article(FIXTURES / "harbor_bridge.txt")
    assert first.id == second.id and len(first.id) == 16
    copy = tmp_path / "copy.txt"
    shutil.copy(FIXTURES / "harbor_bridge.txt", copy)
    assert read_article(copy).id == first.id  # the id depends on text and URL, not the path


def test_read_article_requires_exactly_one() -> None:
    with pytest.raises(InputError, match="expected one article, found more than one"):
        read_article(FIXTURES / "exports.jsonl")
    with pytest.raises(InputError, match="no such file or directory"):
        read_article("definitely/not/here.txt")


def test_read_articles_accepts_a_single_path() -> None:
    articles, _ = split(read_articles(FIXTURES / "harbor_bridge.txt"))
    assert len(articles) == 1


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2020-01-06", "2020-01-06"),
        ("2020-01-06T10:00:00Z", "2020-01-06T10:00:00+00:00"),
        ("2020-01-06 10:00", "2020-01-06T10:00:00+00:00"),
        ("Mon, 06 Jan 2020 14:30:00 GMT", "2020-01-06T14:30:00+00:00"),
        ("Tue, 07 Jan 2020 09:00:00 EST", "2020-01-07T09:00:00-05:00"),
        ("January 6, 2020", "2020-01-06"),
        ("6 January 2020", "2020-01-06"),
        ("Jan 6 2020 3:15 pm", "2020-01-06T15:15:00+00:00"),
        (1578320000, "2020-01-06T14:13:20+00:00"),
        ("January 2020", None),
        ("2020", None),
        ("next Tuesday", None),
        ("2020-13-45", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_date(value: object, expected: str | None) -> None:
    assert parse_date(value) == expected


# -- issue 15: every line stands alone, caps, bounded time and memory --------------------------

GOOD_ROW = '{{"title": "Row {n}", "text": "The council met for the {n}th time."}}\n'


def _good_rows(articles: list[Article]) -> list[str]:
    return [a.title for a in articles]


def test_hostile_jsonl_lines_are_one_error_each_and_the_rest_kept(tmp_path: Path) -> None:
    hostile = [
        '{"n": ' + "1" * 5000 + ', "text": "x"}\n',  # over Python's int-digits limit
        "[" * 100_000 + "]" * 100_000 + "\n",  # RecursionError in the json module
        '{"text": ' + "[" * 900 + '"deep"' + "]" * 900 + "}\n",  # recursion in the mapping
        '{"text": 1.' + "5" * 5000 + "}\n",
    ]
    lines = []
    for number, line in enumerate(hostile):
        lines += [GOOD_ROW.format(n=number), line]
    lines.append(GOOD_ROW.format(n=99))
    path = tmp_path / "hostile.jsonl"
    path.write_text("".join(lines))
    articles, errors = split(read_articles([path]))
    assert _good_rows(articles) == ["Row 0", "Row 1", "Row 2", "Row 3", "Row 99"]
    assert [e.line for e in errors] == [2, 4, 6, 8]
    assert "number longer than 100 characters" in errors[0].problem
    assert "nested deeper than 64 levels" in errors[1].problem
    assert "nested deeper than 64 levels" in errors[2].problem


def test_jsonl_line_over_the_line_cap_is_one_error(tmp_path: Path) -> None:
    from corroborator.ingest.limits import MAX_LINE_BYTES

    path = tmp_path / "long.jsonl"
    with path.open("w") as handle:
        handle.write(GOOD_ROW.format(n=1))
        handle.write('{"text": "' + "a" * (MAX_LINE_BYTES + 10) + '"}\n')
        handle.write(GOOD_ROW.format(n=2))
    articles, errors = split(read_articles([path]))
    assert _good_rows(articles) == ["Row 1", "Row 2"]
    assert errors[0].line == 2 and "line cap" in errors[0].problem


def test_deeply_nested_json_document_is_one_error(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    assert "nested deeper" in only_error(read_articles([path])).problem


def test_csv_bad_rows_are_one_error_each_and_the_rest_kept(tmp_path: Path) -> None:
    from corroborator.ingest.limits import MAX_CSV_FIELD_CHARS

    path = tmp_path / "rows.csv"
    path.write_text(
        "title,text\nOne,First body.\n"
        f'Big,"{"x" * (MAX_CSV_FIELD_CHARS + 5)}"\n'
        "Two,Second body.\nThree,Third\x00body.\nFour,Fourth body.\n"
    )
    articles, errors = split(read_articles([path]))
    assert {"One", "Two", "Four"} <= set(_good_rows(articles))
    assert errors and all(e.line for e in errors)
    assert any("field larger than field limit" in e.problem for e in errors)


def test_feed_declaring_utf16_but_written_in_utf8_keeps_its_entries(tmp_path: Path) -> None:
    rss = ('<?xml version="1.0" encoding="utf-16"?><rss version="2.0"><channel><title>G</title>'
           "<item><title>A</title><description>Café body.</description></item>"
           "<item><title>B</title><description>Second body.</description></item>"
           "</channel></rss>")
    (tmp_path / "lying.rss").write_bytes(rss.encode("utf-8"))
    (tmp_path / "real.rss").write_bytes(rss.encode("utf-16"))
    for name in ("lying.rss", "real.rss"):
        articles, errors = split(read_articles([tmp_path / name]))
        assert [a.text for a in articles] == ["Café body.", "Second body."] and not errors


def _zero_member(size: int) -> bytes:
    """A gzip member of `size` zero bytes, compressed in steps (a few hundred KB)."""
    import zlib

    encoder = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = bytes(1 << 20)
    parts = [encoder.compress(block) for _ in range(size >> 20)]
    return b"".join(parts) + encoder.flush()


def test_warc_with_200mb_zero_member_is_refused_fast_in_bounded_memory(tmp_path: Path) -> None:
    import subprocess
    import sys
    import time

    path = tmp_path / "bomb.warc.gz"
    path.write_bytes(_warc_bytes(2) + _zero_member(200_000_000))
    assert path.stat().st_size < 1_000_000
    probe = (
        "import resource, sys, time\n"
        "from corroborator.ingest import read_articles\n"
        "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "t = time.monotonic(); items = list(read_articles([sys.argv[1]]))\n"
        "after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "print(time.monotonic() - t, (after - before) // 1024, items[-1])\n"
    )
    started = time.monotonic()
    out = subprocess.run([sys.executable, "-c", probe, str(path)], capture_output=True,
                         text=True, timeout=120, check=True).stdout.split(" ", 2)
    seconds, grown_mb, last = float(out[0]), int(out[1]), out[2]
    assert "web archive refused" in last and "without a line break" in last
    assert seconds < 5 and grown_mb < 200, (seconds, grown_mb)
    assert time.monotonic() - started < 60


def _warc_bytes(pages: int) -> bytes:
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True)
    for number in range(pages):
        html = (f"<html><head><title>Page {number}</title></head><body><article><p>The council "
                f"voted on item {number} after a long debate about the harbor.</p></article>"
                "</body></html>").encode()
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(
            f"http://x.example/{number}", "response", payload=io.BytesIO(html),
            http_headers=headers))
    return buffer.getvalue()


@pytest.mark.parametrize("gzipped", [True, False])
def test_truncated_warc_gives_a_clear_error_and_keeps_earlier_pages(
    tmp_path: Path, gzipped: bool
) -> None:
    import gzip

    data = _warc_bytes(3) if gzipped else gzip.decompress(_warc_bytes(3))
    seen_kept = False
    for cut in range(30, len(data) - 1, max(1, len(data) // 20)):
        path = tmp_path / ("cut.warc.gz" if gzipped else "cut.warc")
        path.write_bytes(data[:cut])
        articles, errors = split(read_articles([path]))
        assert len(errors) == 1, (cut, errors)
        assert "AttributeError" not in errors[0].problem and "NoneType" not in errors[0].problem
        assert "web archive" in errors[0].problem or "WARC" in errors[0].problem
        seen_kept |= bool(articles)
    assert seen_kept


def test_fifo_named_txt_in_a_folder_is_skipped_not_waited_on(tmp_path: Path) -> None:
    import os
    import threading

    (tmp_path / "a.txt").write_text("Harbor news\n\nThe council met on Monday.")
    os.mkfifo(tmp_path / "pipe.txt")
    results: list[object] = []
    reader = threading.Thread(target=lambda: results.extend(read_articles([tmp_path])),
                              daemon=True)
    reader.start()
    reader.join(timeout=10)
    assert not reader.is_alive(), "ingest waited on a FIFO"
    articles, errors = split(results)
    assert [a.title for a in articles] == ["Harbor news"]
    assert errors[0].problem == "not a regular file (a named pipe); skipped"


def test_dev_zero_is_refused_at_once() -> None:
    error = only_error(read_articles(["/dev/zero"]))
    assert error.problem == "not a regular file (a character device); skipped"


def test_local_file_over_the_size_cap_is_refused(tmp_path: Path) -> None:
    from corroborator.ingest.limits import MAX_FILE_BYTES

    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:  # sparse: no real disk used
        handle.truncate(MAX_FILE_BYTES + 1)
    assert "local file size cap" in only_error(read_articles([path])).problem


def test_html_with_50000_attributes_is_refused_quickly(tmp_path: Path) -> None:
    import time

    attributes = " ".join(f"a{i}='v'" for i in range(50_000))
    path = tmp_path / "attrs.html"
    path.write_text(f"<html><body><div {attributes}><p>The council met.</p></div></body></html>")
    started = time.process_time()
    error = only_error(read_articles([path]))
    assert "50000 attributes (the bound is 1000)" in error.problem
    assert time.process_time() - started < 2.0


def test_csv_with_old_mac_line_endings_is_read(tmp_path: Path) -> None:
    path = tmp_path / "cr.csv"
    path.write_bytes(b"title,text\rA,Body one.\rB,Body two.\r")
    articles, errors = split(read_articles([path]))
    assert [a.text for a in articles] == ["Body one.", "Body two."] and not errors


def test_feed_declaring_utf16_with_a_nul_in_one_entry_keeps_the_others(tmp_path: Path) -> None:
    rss = ('<?xml version="1.0" encoding="utf-16"?><rss version="2.0"><channel><title>G</title>'
           "<item><title>A</title><description>First body.</description></item>"
           "<item><title>B</title><description>Bad\x00body.</description></item>"
           "<item><title>C</title><description>Third body.</description></item>"
           "</channel></rss>")
    (tmp_path / "nul.rss").write_bytes(rss.encode("utf-8"))
    articles, _ = split(read_articles([tmp_path / "nul.rss"]))
    assert {"First body.", "Third body."} <= {a.text for a in articles}
