"""Published fact-checks carried by feeds: ClaimReview in an entry's JSON-LD or microdata,
or on the fact-check page an entry links to, stored by ``ingest`` and ``watch`` exactly as
from the page itself. The feeds come from a real server on 127.0.0.1."""

from __future__ import annotations

import json
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from click.testing import CliRunner

from corroborator.cli import main
from corroborator.ingest.feeds import read_feed
from corroborator.store import open_store
from corroborator.views import story_view

sys.path.insert(0, str(Path(__file__).parent))
from conftest_web import STORY_ID, build_bridge_story  # noqa: E402

PAGES = Path(__file__).parent / "fixtures" / "factcheck"
REVIEW_COLUMNS = "claim, claimant, rating, verdict, reviewer, reviewed_at, url"
JSONLD = {
    "@context": "https://schema.org", "@type": "ClaimReview",
    "url": "https://factdesk.example/checks/harbor-bridge-warning",
    "claimReviewed": "Engineers had warned about cracks in the Harbor Bridge",
    "datePublished": "2024-05-03",
    "author": {"@type": "Organization", "name": "Riverton Fact Desk"},
    "itemReviewed": {"@type": "Claim",
                     "author": {"@type": "Organization", "name": "Evening Post"}},
    "reviewRating": {"@type": "Rating", "ratingValue": 1, "bestRating": 5, "worstRating": 1,
                     "alternateName": "False"},
}
JSONLD_BODY = ('<p>The Evening Post said engineers had warned about cracks in 2019. Both the '
               'city and the inspecting firm said no such warning was issued. We rate it False.'
               '</p><script type="application/ld+json">' + json.dumps(JSONLD) + "</script>")


def _microdata_body() -> str:
    """The microdata fact-check page's article element, as an entry's full content."""
    page = (PAGES / "microdata.html").read_text()
    return page[page.index("<article"):page.index("</article>") + len("</article>")]


def rss_with_reviews() -> bytes:
    """Two items carrying ClaimReview (JSON-LD in the description, microdata in
    ``content:encoded``) and one plain news item."""
    items = [
        ("Did engineers warn about the Harbor Bridge?", "https://factdesk.example/a",
         f"<description>{escape(JSONLD_BODY)}</description>"),
        ("Did 15 people die?", "https://coastalchecks.example/b",
         f"<content:encoded><![CDATA[{_microdata_body()}]]></content:encoded>"),
        ("Bridge reopens", "https://ledger.example/reopens",
         "<description>The Harbor Bridge reopened to traffic on Friday.</description>"),
    ]
    body = "".join(f"<item><title>{escape(t)}</title><link>{escape(u)}</link>{x}</item>"
                   for t, u, x in items)
    return (
        "<rss version='2.0' xmlns:content='http://purl.org/rss/1.0/modules/content/'>"
        f"<channel><title>Fact Feeds</title>{body}</channel></rss>").encode()


def atom_with_review() -> bytes:
    """An Atom entry whose HTML content carries the JSON-LD review."""
    return (
        "<feed xmlns='http://www.w3.org/2005/Atom'><title>Fact Desk</title>"
        "<id>urn:x</id><updated>2024-05-03T00:00:00Z</updated><entry><id>urn:1</id>"
        "<title>Warning check</title><updated>2024-05-03T00:00:00Z</updated>"
        "<link href='https://factdesk.example/a'/>"
        f"<content type='html'>{escape(JSONLD_BODY)}</content></entry></feed>").encode()


def links_feed(base: str, checks: list[str]) -> bytes:
    """A feed whose items only link to fact-check pages (``/check/NAME.html``)."""
    items = "".join(f"<item><title>Check {name}</title><link>{base}/check/{name}.html</link>"
                    "<description>Did it happen?</description></item>" for name in checks)
    return ("<rss version='2.0'><channel><title>Riverton Fact Desk</title>"
            f"{items}</channel></rss>").encode()


class FactServer:
    """Serves ``pages`` by path on 127.0.0.1 (robots.txt allows everything)."""

    def __init__(self) -> None:
        self.pages: dict[str, tuple[str, bytes]] = {
            "/robots.txt": ("text/plain", b"User-agent: *\nAllow: /\n")}
        self.hits: dict[str, int] = {}
        pages, hits = self.pages, self.hits

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                hits[self.path] = hits.get(self.path, 0) + 1
                kind, body = pages.get(self.path, ("text/plain", b""))
                self.send_response(200 if self.path in pages else 404)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server() -> Iterator[FactServer]:
    served = FactServer()
    served.pages["/checks.xml"] = ("application/rss+xml", rss_with_reviews())
    served.pages["/desk.atom"] = ("application/atom+xml", atom_with_review())
    served.pages["/check/warning.html"] = ("text/html", (PAGES / "jsonld.html").read_bytes())
    served.pages["/check/toll.html"] = ("text/html", (PAGES / "microdata.html").read_bytes())
    served.pages["/links.xml"] = ("application/rss+xml", links_feed(served.url, ["warning"]))
    yield served
    served.close()


def _reviews(db: Path) -> list[tuple]:
    with open_store(db, readonly=True) as store:
        return sorted(tuple(r) for r in store.query(
            f"SELECT {REVIEW_COLUMNS} FROM claim_reviews"))


def _page_reviews(tmp_path: Path) -> list[tuple]:
    """What ingesting the two fact-check pages themselves stores."""
    db = tmp_path / "pages.db"
    result = CliRunner().invoke(main, ["ingest", str(PAGES / "jsonld.html"),
                                       str(PAGES / "microdata.html"), "--db", str(db)])
    assert result.exit_code == 0, result.output
    return _reviews(db)


def test_feed_entries_store_reviews_as_pages_do(server: FactServer, tmp_path: Path) -> None:
    db = tmp_path / "news.db"
    with open_store(db) as store:
        build_bridge_story(store)
    result = CliRunner().invoke(main, ["ingest", f"{server.url}/checks.xml", "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert _reviews(db) == _page_reviews(tmp_path)
    with open_store(db, readonly=True) as store:
        rows = store.query("SELECT a.title, c.article_id FROM claim_reviews c "
                           "JOIN articles a ON a.id = c.article_id")
        plain = store.query("SELECT text FROM articles WHERE title = 'Did engineers warn "
                            "about the Harbor Bridge?'")[0][0]
        view = story_view(store, STORY_ID)
    assert {r[0] for r in rows} == {"Did engineers warn about the Harbor Bridge?",
                                    "Did 15 people die?"}
    assert "We rate it False." in plain and "ClaimReview" not in plain  # text stays sanitized
    assert {m["group_id"]: m["review"]["verdict"] for m in view["fact_checks"]} == {
        "g-warned": "false"}


def test_atom_entry_review_and_a_plain_feed(server: FactServer, tmp_path: Path) -> None:
    db = tmp_path / "news.db"
    result = CliRunner().invoke(main, ["ingest", f"{server.url}/desk.atom", "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert [r[0] for r in _reviews(db)] == [JSONLD["claimReviewed"]]
    plain = b"<rss><channel><title>G</title><item><title>T</title><description>" \
            b"The bridge reopened.</description></item></channel></rss>"
    assert "claim_reviews" not in next(read_feed(plain, "plain.rss")).metadata


def test_linked_fact_check_page_is_fetched(server: FactServer, tmp_path: Path) -> None:
    db = tmp_path / "news.db"
    result = CliRunner().invoke(main, ["ingest", f"{server.url}/links.xml", "--db", str(db),
                                       "--follow-links"])
    assert result.exit_code == 0, result.output
    assert _reviews(db) == [r for r in _page_reviews(tmp_path) if r[3] == "false"]
    without = CliRunner().invoke(main, ["ingest", f"{server.url}/links.xml",
                                        "--db", str(tmp_path / "plain.db")])
    assert without.exit_code == 0 and _reviews(tmp_path / "plain.db") == []


def test_watch_stores_reviews_from_a_feed(server: FactServer, tmp_path: Path) -> None:
    db = tmp_path / "news.db"
    result = CliRunner().invoke(main, ["watch", f"{server.url}/checks.xml", "--db", str(db),
                                       "--once", "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert _reviews(db) == _page_reviews(tmp_path)


def test_watch_follows_links_to_fact_checks_once(server: FactServer, tmp_path: Path) -> None:
    db = tmp_path / "news.db"
    args = ["watch", f"{server.url}/links.xml", "--db", str(db), "--once", "--workers", "1",
            "--follow-links"]
    first = CliRunner().invoke(main, args)
    assert first.exit_code == 0, first.output
    assert [r[3] for r in _reviews(db)] == ["false"]
    server.pages["/links.xml"] = ("application/rss+xml",
                                  links_feed(server.url, ["warning", "toll"]))
    second = CliRunner().invoke(main, args)
    assert second.exit_code == 0, second.output
    assert _reviews(db) == _page_reviews(tmp_path)
    assert server.hits["/check/warning.html"] == 1 and server.hits["/check/toll.html"] == 1
