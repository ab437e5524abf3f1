"""Property-based fuzzing (hypothesis): no exception escapes ingest, extract, compare or the
web API, each call stays within its time cap, and good inputs mixed with hostile ones are kept.

The example counts are small so the module fits ``make test``; ``bench/fuzz.py`` runs
the large campaign (>= 10,000 hostile inputs) and reports crashes, hangs and memory.
"""

from __future__ import annotations

import gzip
import json
import time
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corroborator.errors import InputError
from corroborator.ingest import read_articles
from corroborator.models import Article

#: Examples per property; raise locally (HYPOTHESIS_PROFILE is not used) to fuzz harder.
EXAMPLES = 20
#: Seconds one hostile input may take to ingest, extract or compare (small inputs).
TIME_CAP_S = 10.0
#: Python memory one small hostile input may take to ingest (tracemalloc peak).
MEMORY_CAP_BYTES = 100_000_000
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                       HealthCheck.data_too_large])
EXTENSIONS = [".txt", ".md", ".html", ".jsonl", ".csv", ".json", ".rss", ".atom", ".xml",
              ".warc", ".warc.gz", ".unknown"]
GOOD_ROW = {"title": "Kept row", "text": "The harbor council approved the budget on Monday."}

# Building blocks that hostile inputs are made of: markup, JSON, CSV and WARC fragments,
# control characters, numbers, deep brackets and encodings that lie.
FRAGMENTS = st.sampled_from([
    "<", ">", "</p>", "<p>", "<html>", "<body>", "<div a=1 b=2>", "<!--", "-->", "<script>",
    "<?xml version='1.0' encoding='utf-16'?>", "<rss>", "<item>", "<![CDATA[", "]]>",
    "{", "}", "[", "]", '"', ",", ":", "null", "1e999", "9" * 400, "\\u0000", "\x00",
    "\r", "\n", "\n\n", "\t", ";", "WARC/1.0\r\n", "Content-Length: 99999\r\n", "\r\n\r\n",
    ".", "." * 200, "\u202e", "\ufeff", "é", "\U0001f600", "title,text\n", "&amp;", "&#0;",
    "[" * 300, "]" * 300, "The council voted. ", "Mr. ", "\"Quote,\" she said. ",
])
HOSTILE_TEXT = st.lists(FRAGMENTS | st.text(max_size=40), max_size=40).map("".join)
HOSTILE_BYTES = st.one_of(
    HOSTILE_TEXT.map(lambda t: t.encode("utf-8", "surrogatepass")),
    HOSTILE_TEXT.map(lambda t: t.encode("utf-16")),
    st.binary(max_size=2000),
    st.binary(max_size=200).map(gzip.compress),
)


def _check_results(results: list[object]) -> None:
    """Every result is an Article or a one-line InputError naming its input."""
    for item in results:
        assert isinstance(item, Article | InputError), item
        if isinstance(item, InputError):
            assert "\n" not in str(item) and item.source


def _ingest(path: Path) -> list[object]:
    """Read `path` within the time cap and the Python-memory cap; check the results."""
    tracemalloc.start()
    started = time.monotonic()
    try:
        results = list(read_articles([path]))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert time.monotonic() - started < TIME_CAP_S
    assert peak < MEMORY_CAP_BYTES, peak
    _check_results(results)
    return results


@FUZZ
@given(data=HOSTILE_BYTES, extension=st.sampled_from(EXTENSIONS))
def test_ingest_any_bytes_in_any_format(tmp_path: Path, data: bytes, extension: str) -> None:
    path = tmp_path / f"input{extension}"
    path.write_bytes(data)
    _ingest(path)


@FUZZ
@given(lines=st.lists(HOSTILE_TEXT.filter(lambda t: "\n" not in t and "\r" not in t),
                      max_size=8))
def test_jsonl_good_rows_survive_hostile_lines(tmp_path: Path, lines: list[str]) -> None:
    rows = []
    for line in lines:
        rows += [json.dumps(GOOD_ROW), line]
    rows.append(json.dumps(GOOD_ROW))
    path = tmp_path / "mixed.jsonl"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8", errors="surrogatepass")
    results = _ingest(path)
    kept = [r for r in results if isinstance(r, Article) and r.title == GOOD_ROW["title"]]
    assert len(kept) >= len(lines) + 1


@FUZZ
@given(cells=st.lists(HOSTILE_TEXT, max_size=6))
def test_csv_good_rows_survive_hostile_rows(tmp_path: Path, cells: list[str]) -> None:
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["title", "text"])
    for cell in cells:
        writer.writerow([GOOD_ROW["title"], GOOD_ROW["text"]])
        writer.writerow(["hostile", cell])
    writer.writerow([GOOD_ROW["title"], GOOD_ROW["text"]])
    path = tmp_path / "mixed.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8", errors="surrogatepass")
    results = _ingest(path)
    kept = [r for r in results if isinstance(r, Article) and r.title == GOOD_ROW["title"]]
    assert len(kept) == len(cells) + 1


@FUZZ
@given(text=HOSTILE_TEXT)
def test_extract_never_raises(text: str) -> None:
    from corroborator.extract import extract

    article = Article(text=text or ".", title="Fuzz")
    started = time.monotonic()
    extraction = extract(article, trained_ner=False)
    assert time.monotonic() - started < TIME_CAP_S
    assert extraction.article_id == article.id


@settings(FUZZ, max_examples=8)
@given(first=HOSTILE_TEXT, second=HOSTILE_TEXT)
def test_compare_never_raises(first: str, second: str) -> None:
    from corroborator.compare import compare

    articles = [Article(text=(first or ".") + " The council voted.", title="A", outlet="One"),
                Article(text=(second or ".") + " The council voted.", title="B", outlet="Two")]
    started = time.monotonic()
    compare(articles)
    assert time.monotonic() - started < TIME_CAP_S


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory):
    pytest.importorskip("starlette")
    from starlette.testclient import TestClient

    from conftest_web import build_fixture_db
    from corroborator.web import create_app

    db = build_fixture_db(tmp_path_factory.mktemp("fuzzweb") / "web.db", filler=3)
    with TestClient(create_app(db), base_url="http://127.0.0.1") as test_client:
        yield test_client


PATHS = st.sampled_from(["/", "/api/stories", "/search", "/api/search", "/compare",
                         "/api/compare", "/story/", "/api/story/", "/article/", "/api/article/",
                         "/entity/", "/api/entity/", "/story/bridge0001/matrix"])
PARAMS = st.dictionaries(st.sampled_from(["q", "a", "b", "offset", "limit", "sort", "x"]),
                         HOSTILE_TEXT | st.integers().map(str), max_size=4)


@settings(FUZZ, max_examples=40)
@given(path=PATHS, tail=HOSTILE_TEXT, params=PARAMS)
def test_web_api_never_answers_500(client, path: str, tail: str, params: dict) -> None:
    from urllib.parse import quote

    url = path + (quote(tail, safe="") if path.endswith("/") and len(path) > 1 else "")
    started = time.monotonic()
    response = client.get(url, params=params)
    assert response.status_code in (200, 400, 404, 503), (url, params, response.status_code)
    assert time.monotonic() - started < TIME_CAP_S
