"""The web app in-process: pages, JSON API, errors, headers, escaping, paging, serve --get."""

from __future__ import annotations

import re
import sqlite3
import sys
import time
import warnings
from html.parser import HTMLParser
from pathlib import Path

import pytest

pytest.importorskip("starlette")
with warnings.catch_warnings():  # starlette 1.x prefers httpx2; httpx works the same here
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from corroborator import views  # noqa: E402
from corroborator.errors import MissingExtraError, StoreError  # noqa: E402
from corroborator.store import open_store  # noqa: E402
from corroborator.storylist import StoryFilter  # noqa: E402
from corroborator.web import create_app, get_page  # noqa: E402
from corroborator.web.render import safe_url  # noqa: E402

sys.path.insert(0, str(Path(__file__).parent))
from conftest_web import (  # noqa: E402
    STORY_ID,
    XSS_IMG,
    XSS_SCRIPT,
    XSS_STORY_ID,
    build_fixture_db,
)

FILLER = 2500
PAGES = {
    "/": "Stories",
    f"/story/{STORY_ID}": "Harbor Bridge collapse in Riverton",
    f"/story/{STORY_ID}/matrix": "Coverage matrix",
    "/compare?a=a1&b=a2": "Side by side",
    "/entity/Ana%20Souza": "Anna Souza",
    "/article/a1": "Harbor Bridge collapses in Riverton, 12 dead",
    "/search?q=cracks": "Engineers deny warning about Harbor Bridge",
}
XSS_PAGES = [
    "/", "/?q=Story", f"/story/{XSS_STORY_ID}", f"/story/{XSS_STORY_ID}/matrix", "/article/x1",
    "/compare?a=x1&b=x2", "/search?q=alert", "/search?q=minister",
    "/entity/%3Cscript%3Ealert(1)%3C%2Fscript%3E", f"/story/{XSS_SCRIPT}", "/article/%3Cimg",
]


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_fixture_db(tmp_path_factory.mktemp("web") / "web.db", filler=FILLER)


@pytest.fixture(scope="module")
def client(db: Path):
    with TestClient(create_app(db), base_url="http://127.0.0.1") as test_client:
        yield test_client


@pytest.mark.parametrize("path", list(PAGES))
def test_pages_render(client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert PAGES[path] in response.text
    assert '<a class="skip-link" href="#main">' in response.text


@pytest.mark.parametrize("path", list(PAGES))
def test_api_twins_return_the_page_dicts(client, db: Path, path: str) -> None:
    api = "/api/stories" if path == "/" else "/api" + path
    response = client.get(api)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    with open_store(db, readonly=True) as store:
        expected = {
            "/": lambda: views.stories_view(store, limit=50),
            f"/story/{STORY_ID}": lambda: views.story_view(store, STORY_ID),
            f"/story/{STORY_ID}/matrix": lambda: views.matrix_view(store, STORY_ID),
            "/compare?a=a1&b=a2": lambda: views.compare_view(store, "a1", "a2"),
            "/entity/Ana%20Souza": lambda: views.entity_view(store, "Ana Souza"),
            "/article/a1": lambda: views.article_view(store, "a1"),
            "/search?q=cracks": lambda: views.search_view(store, "cracks"),
        }[path]()
    assert response.json() == expected


def test_story_page_content(client) -> None:
    html = client.get(f"/story/{STORY_ID}").text
    for text in ("Corroborated", "Disputed", "Single source", "The death toll differs",
                 "At least 15 people died, police said.", "Duplicate of", "hedging",
                 f'href="/story/{STORY_ID}/matrix"', 'action="/compare"',
                 'href="https://ledger.example/bridge"'):
        assert text in html


def test_matrix_cells_are_labelled_buttons(client) -> None:
    html = client.get(f"/story/{STORY_ID}/matrix").text
    assert html.count('<button type="button" class="cell') == 9
    assert 'aria-label="Coast Radio, claim C2: disputes"' in html
    assert 'data-evidence="Engineers denied that they had warned about cracks."' in html
    for word in ("agrees", "disputes", "discusses", "no coverage"):
        assert word in html


def test_compare_page_marks(client) -> None:
    html = client.get("/compare?a=a1&b=a2").text
    assert '<mark class="diff" title="Differs from the other article">12</mark>' in html
    assert '<mark class="quote" title="Quote in both articles">we will rebuild' in html


@pytest.mark.parametrize("path", ["/story/nope-nope", "/story/nope-nope/matrix",
                                  "/article/zzzzzz", "/entity/Nobody", "/compare?a=a1&b=zzzz",
                                  "/no/such/page"])
def test_not_found_pages(client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert '<a href="/">Back to all stories</a>' in response.text
    api = client.get("/api" + path)
    assert api.status_code == 404
    assert api.json()["error"] == "Not found"


@pytest.mark.parametrize("path", ["/?sort=loudest", "/?offset=ten", "/compare?a=a1",
                                  "/?limit=x"])
def test_bad_requests(client, path: str) -> None:
    assert client.get(path).status_code == 400
    api = "/api/stories" + path[1:] if path.startswith("/?") else "/api" + path
    response = client.get(api)
    assert response.status_code == 400 and response.json()["detail"]


@pytest.mark.parametrize("path", ["/", "/api/stories", "/static/style.css", "/nowhere",
                                  "/api/nowhere", f"/story/{STORY_ID}/matrix"])
def test_security_headers(client, path: str) -> None:
    headers = client.get(path).headers
    csp = headers["content-security-policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert headers["x-content-type-options"] == "nosniff"


def test_no_inline_script_or_style(client) -> None:
    for path in PAGES:
        html = client.get(path).text
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), path
        assert " style=" not in html and "<style" not in html, path
        parser = TagCollector()
        parser.feed(html)
        assert not [k for _, attrs in parser.tags for k in attrs if k.startswith("on")], path


def test_static_files(client) -> None:
    assert client.get("/static/app.js").headers["content-type"].startswith(
        ("text/javascript", "application/javascript"))
    assert client.get("/static/style.css").headers["content-type"].startswith("text/css")
    assert client.get("/static/favicon.svg").status_code == 200


class TagCollector(HTMLParser):
    """Every start tag of a page with its attributes, as a browser's parser sees them."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))


@pytest.mark.parametrize("path", XSS_PAGES)
def test_hostile_strings_are_escaped(client, path: str) -> None:
    html = client.get(path).text
    for raw in (XSS_SCRIPT, XSS_IMG, "<img"):
        assert raw not in html, (path, raw)
    assert 'href="javascript:' not in html.lower()
    parser = TagCollector()
    parser.feed(html)
    assert not [t for t, _ in parser.tags if t in ("img", "iframe", "object", "embed")]
    assert [a.get("src") for t, a in parser.tags if t == "script"] == ["/static/app.js"]
    for tag, attrs in parser.tags:
        assert not [k for k in attrs if k.startswith("on")], (tag, attrs)
        for key in ("href", "src", "action", "formaction"):
            assert not attrs.get(key, "").strip().lower().startswith("javascript"), (tag, attrs)


def test_hostile_strings_arrive_as_text(client) -> None:
    html = client.get("/article/x1").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "javascript:alert(1)" in html  # shown as text, never as a link
    assert client.get("/api/article/x1").json()["article"]["title"] == f"Title {XSS_SCRIPT}"


def test_entity_names_with_slashes_round_trip(client) -> None:
    html = client.get(f"/story/{XSS_STORY_ID}").text
    assert 'href="/entity/%3Cscript%3Ealert%281%29%3C%2Fscript%3E"' in html
    api = client.get("/api/entity/%3Cscript%3Ealert%281%29%3C%2Fscript%3E")
    assert api.status_code == 200 and api.json()["canonical"] == XSS_SCRIPT


def test_safe_url() -> None:
    assert safe_url("https://example.org/a?b=1") == "https://example.org/a?b=1"
    assert safe_url("HTTP://EXAMPLE.ORG") == "HTTP://EXAMPLE.ORG"
    for bad in ("javascript:alert(1)", " JavaScript:alert(1)", "java\nscript:alert(1)",
                "data:text/html,x", "//evil.example", "/relative", "http://", "", None, 42,
                "vbscript:x", "https://exa mple.org"):
        assert safe_url(bad) is None, bad


def test_paging_reads_one_page(db: Path) -> None:
    statements: list[str] = []
    with open_store(db, readonly=True) as store:
        store.conn.set_trace_callback(statements.append)
        started = time.perf_counter()
        view = views.stories_view(store, limit=50, offset=1200, sort="size",
                                  flt=StoryFilter(singles=True))
        elapsed = time.perf_counter() - started
    assert view["total"] == FILLER + 2 and len(view["stories"]) == 50
    assert len(statements) <= 12
    story_reads = [s for s in statements if "FROM stories" in s and "count(" not in s]
    assert story_reads and all("LIMIT" in s for s in story_reads)
    assert elapsed < 0.5


def test_stories_page_paging_links(client) -> None:
    html = client.get("/?sort=size&offset=50&singles=1").text
    assert html.count('<a class="story-title"') == 50
    assert "of 2,502 stories" in html and "Page 2 of 51" in html
    assert 'href="/?singles=1&amp;sort=size&amp;offset=100"' in html
    assert 'href="/?singles=1&amp;sort=size"' in html
    last = client.get("/?offset=2500&singles=1").text
    assert last.count('<a class="story-title"') == 2 and 'rel="next"' not in last


def test_database_is_read_only(client) -> None:
    store = client.app.state.stores.get()
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        store.conn.execute("DELETE FROM stories")


def test_get_page_without_server(db: Path) -> None:
    status, body = get_page(db, f"/api/story/{STORY_ID}/matrix")
    assert status == 200 and '"outlets":["Coast Radio"' in body
    status, body = get_page(db, "/static/app.js")
    assert status == 200 and "showEvidence" in body
    assert get_page(db, "/story/unknown-story")[0] == 404


def test_startup_errors_are_one_line(tmp_path: Path, db: Path) -> None:
    with pytest.raises(StoreError, match="no such database"):
        create_app(tmp_path / "missing.db")
    newer = tmp_path / "newer.db"
    newer.write_bytes(db.read_bytes())
    with sqlite3.connect(newer) as conn:
        conn.execute("PRAGMA user_version = 99")
    with pytest.raises(StoreError, match="newer than this corroborator") as info:
        create_app(newer)
    assert "\n" not in str(info.value)


def test_missing_web_extra(monkeypatch: pytest.MonkeyPatch, db: Path) -> None:
    monkeypatch.delitem(sys.modules, "corroborator.web.app", raising=False)
    monkeypatch.setitem(sys.modules, "starlette.applications", None)
    with pytest.raises(MissingExtraError, match="corroborator serve"):
        create_app(db)


def test_story_page_leads_with_disputes_and_coverage(client) -> None:
    page = client.get(f"/story/{STORY_ID}").text
    assert page.index('id="h-disputes"') < page.index('id="h-agree"') < page.index('id="h-timeline"')
    assert "Engineers had warned about cracks in 2019." in page
    legend = re.sub(r"<[^>]+>", "", page.split('class="coverage-legend"', 1)[1].split("</ul>")[0])
    assert "Agree 1 outlet: Evening Post" in legend and "Dispute 1 outlet: Coast Radio" in legend
    assert "Silent 1 outlet: Daily Ledger" in legend
    assert "1 articles" not in page


def test_matrix_columns_show_short_claim_text(client) -> None:
    page = client.get(f"/story/{STORY_ID}/matrix").text
    assert ">The Harbor Bridge collapsed on Tuesday.</a>" in page


def test_article_page_shows_sourcing_shares_not_a_dict(tmp_path: Path) -> None:
    from conftest_web import make_article
    from corroborator.models import Extraction, Signal

    db = tmp_path / "sourcing.db"
    with open_store(db) as store:
        store.add_articles([make_article("s1", "Ledger", "Title", None, None, "Body text.")])
        store.save_extraction(Extraction("s1"),
                              [Signal("s1", "sourcing", {"named": 0.4, "wire": 0.0,
                                                         "anonymous": 0.6}, [], "Who is cited")])
    status, body = get_page(db, "/article/s1")
    assert status == 200
    assert "anonymous 60% · named 40%" in body
    assert "{" not in re.sub(r"<[^>]+>", "", body.split("<main", 1)[1])
