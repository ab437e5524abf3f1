"""Ingest over HTTP, against a real server on 127.0.0.1 started by the tests."""

from __future__ import annotations

import contextlib
import gzip
import socket
import threading
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from corroborator.errors import InputError
from corroborator.ingest import IngestOptions, fetch, read_article, read_articles
from corroborator.models import Article, article_id

BODY = (
    "The port authority said on Thursday that container traffic rose for the third month in "
    "a row, and that a second crane would be installed before the end of the year."
)
PAGE = (
    "<html><head><title>{title}</title>"
    '<meta property="og:site_name" content="Harbor Times">{extra}</head>'
    "<body><nav>Home | Sports</nav><article><h1>{title}</h1><p>{body}</p></article></body></html>"
)
DATED = '<meta name="date" content="2020-03-04">'
ROWS = b'{"title": "A", "text": "One."}\n{"title": "B", "text": "Two."}\n'
FEED = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Harbor Times Feed</title>
<item><title>Cranes Arrive</title><link>{base}/posts/1.html</link>
<pubDate>Thu, 05 Mar 2020 10:00:00 GMT</pubDate><description>Teaser one.</description></item>
<item><title>Traffic Rises</title><link>/posts/2.html</link>
<pubDate>Fri, 06 Mar 2020 08:00:00 GMT</pubDate><description>Teaser two.</description></item>
<item><title>Lost Post</title><link>{base}/posts/missing.html</link>
<description>Teaser three.</description></item>
</channel></rss>"""


@dataclass
class Route:
    """A canned response."""

    status: int = 200
    content_type: str | None = "text/html; charset=utf-8"
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    send_length: bool = True
    delay: float = 0.0
    declared_length: int | None = None  # a Content-Length other than the body's
    drip_s: float = 0.0  # send the body one byte at a time, this many seconds apart


ROUTES: dict[str, Route] = {}
SEEN_AGENTS: list[str] = []


class Handler(BaseHTTPRequestHandler):
    """Serve `ROUTES`; unknown paths are 404."""

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        SEEN_AGENTS.append(self.headers.get("User-Agent", ""))
        route = ROUTES.get(self.path) or Route(404, "text/plain", b"not found")
        if route.delay:
            time.sleep(route.delay)
        self.send_response(route.status)
        if route.content_type:
            self.send_header("Content-Type", route.content_type)
        if route.send_length:
            length = route.declared_length or len(route.body)
            self.send_header("Content-Length", str(length))
        for name, value in route.headers.items():
            self.send_header(name, value)
        self.end_headers()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            if route.drip_s:
                self._drip(route)
            else:
                self.wfile.write(route.body)
        if route.declared_length:
            self.close_connection = True

    def _drip(self, route: Route) -> None:
        """Send the body a byte at a time (for at most 30 s)."""
        stop = time.monotonic() + 30
        for byte in route.body:
            if time.monotonic() > stop:
                return
            self.wfile.write(bytes([byte]))
            self.wfile.flush()
            time.sleep(route.drip_s)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        """Keep test output quiet."""


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    """A running loopback server; yields its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    _install_routes(url)
    yield url
    server.shutdown()
    server.server_close()


def _install_routes(base: str) -> None:
    """Fill `ROUTES` for a server at `base`."""
    page = PAGE.format(title="Port Traffic Rises", body=BODY, extra="").encode()
    ROUTES.update(
        {
            "/story.html": Route(body=page),
            "/plain.txt": Route(content_type="text/plain", body=f"Plain Title\n\n{BODY}".encode()),
            "/redirect": Route(302, None, headers={"Location": "/story.html"}),
            "/loop": Route(302, None, headers={"Location": "/loop"}),
            "/boom": Route(500, "text/plain", b"server error"),
            "/big.html": Route(body=b"<p>" + b"x" * 5000 + b"</p>"),
            "/big-stream.html": Route(body=b"<p>" + b"y" * 5000 + b"</p>", send_length=False),
            "/image.png": Route(content_type="image/png", body=b"\x89PNG\r\n\x1a\n"),
            "/doc.pdf": Route(content_type="application/pdf", body=b"%PDF-1.4"),
            "/blob": Route(content_type="application/octet-stream", body=b"\x00\x01\x02" * 50),
            "/slow.html": Route(body=page, delay=1.5),
            "/empty.html": Route(body=b""),
            "/feed.xml": Route(content_type="application/rss+xml",
                               body=FEED.format(base=base).encode()),
            "/feed-as-xml": Route(content_type="text/xml", body=FEED.format(base=base).encode()),
            "/posts/1.html": Route(body=_post("Cranes Arrive", DATED)),
            "/posts/2.html": Route(body=_post("Traffic Rises", "")),
            "/rows.jsonl": Route(content_type="application/x-ndjson",
                                 body=ROWS),
            "/rows.json": Route(content_type="application/json",
                                body=b'{"articles": [{"title": "C", "body": "Three."}]}'),
            "/legacy.html": Route(content_type="text/html; charset=windows-1252",
                                  body=f"<p>Caf\xe9 \x93news\x94. {BODY}</p>".encode("latin-1")),
        }
    )  # fmt: skip


def _post(title: str, extra: str) -> bytes:
    """A linked article page."""
    return PAGE.format(title=title, body=f"{title}: {BODY}", extra=extra).encode()


def closed_port() -> int:
    """A loopback port with nothing listening on it."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def only_error(url: str, **options: object) -> InputError:
    """The single InputError reading `url` gives."""
    items = list(read_articles([url], options=IngestOptions(**options)))  # type: ignore[arg-type]
    assert len(items) == 1 and isinstance(items[0], InputError), items
    return items[0]


def test_html_page_over_http(base: str) -> None:
    article = read_article(f"{base}/story.html")
    assert article.format == "url" and article.url == f"{base}/story.html"
    assert article.title == "Port Traffic Rises" and article.outlet == "Harbor Times"
    assert article.text == BODY and article.language == "en"
    assert article.metadata["content_type"] == "text/html"


def test_user_agent_is_sent(base: str) -> None:
    read_article(f"{base}/story.html", options=IngestOptions(user_agent="corroborator-test/9"))
    assert "corroborator-test/9" in SEEN_AGENTS


def test_plain_text_over_http(base: str) -> None:
    article = read_article(f"{base}/plain.txt")
    assert (article.format, article.title, article.text) == ("url", "Plain Title", BODY)
    assert article.url == f"{base}/plain.txt"
    assert article.id == article_id(BODY, article.url)


def test_redirect_is_followed(base: str) -> None:
    article = read_article(f"{base}/redirect")
    assert article.url == f"{base}/story.html"
    assert article.metadata["requested_url"] == f"{base}/redirect"


def test_redirect_loop_is_an_error(base: str) -> None:
    assert "HTTP 302" in only_error(f"{base}/loop").problem


@pytest.mark.parametrize(
    ("path", "problem"),
    [("/nowhere", "HTTP 404 Not Found"), ("/boom", "HTTP 500 Internal Server Error")],
)
def test_http_error_statuses(base: str, path: str, problem: str) -> None:
    error = only_error(f"{base}{path}")
    assert str(error) == f"{base}{path}: {problem}"


@pytest.mark.parametrize("path", ["/big.html", "/big-stream.html"])
def test_response_over_size_cap(base: str, path: str) -> None:
    assert only_error(f"{base}{path}", max_bytes=1000).problem == "response larger than 1000 bytes"


@pytest.mark.parametrize(
    ("path", "words"),
    [
        ("/image.png", "unsupported content type image/png"),
        ("/doc.pdf", "unsupported content type application/pdf"),
        ("/blob", "binary file, not an article"),
    ],
)
def test_wrong_content_type(base: str, path: str, words: str) -> None:
    assert words in only_error(f"{base}{path}").problem


def test_empty_response(base: str) -> None:
    assert only_error(f"{base}/empty.html").problem == "empty response"


def test_unreachable_host_is_an_error() -> None:
    url = f"http://127.0.0.1:{closed_port()}/story.html"
    assert "connection refused" in only_error(url).problem


def test_timeout_is_an_error(base: str) -> None:
    started = time.monotonic()
    assert "timed out" in only_error(f"{base}/slow.html", timeout=0.3).problem
    assert time.monotonic() - started < 1.4


def test_fetch_returns_type_charset_and_body(base: str) -> None:
    response = fetch(f"{base}/legacy.html", IngestOptions())
    assert (response.status, response.content_type, response.charset) == (
        200, "text/html", "windows-1252",
    )  # fmt: skip
    assert "Café “news”." in response.decode().text


def test_fetch_raises_input_error(base: str) -> None:
    with pytest.raises(InputError, match="HTTP 404 Not Found"):
        fetch(f"{base}/nowhere", IngestOptions())


def test_feed_over_http_uses_entry_text(base: str) -> None:
    items = [item for item in read_articles([f"{base}/feed.xml"]) if isinstance(item, Article)]
    assert [a.text for a in items] == ["Teaser one.", "Teaser two.", "Teaser three."]
    assert items[1].url == f"{base}/posts/2.html"  # a relative link, resolved
    assert {a.format for a in items} == {"rss"}


def test_feed_sniffed_from_generic_xml_type(base: str) -> None:
    items = list(read_articles([f"{base}/feed-as-xml"]))
    assert [a.format for a in items if isinstance(a, Article)] == ["rss"] * 3


def test_feed_follow_links_fetches_pages_on_same_server(base: str) -> None:
    items = list(read_articles([f"{base}/feed.xml"], follow_links=True))
    first, second, lost = items
    assert isinstance(first, Article) and isinstance(second, Article)
    assert first.text == f"Cranes Arrive: {BODY}" and first.url == f"{base}/posts/1.html"
    assert first.format == "url" and first.outlet == "Harbor Times Feed"
    assert first.published == "2020-03-04" and first.date_reliable  # the page's own meta date
    assert second.text == f"Traffic Rises: {BODY}"
    assert second.published == "2020-03-06T08:00:00+00:00" and second.date_reliable  # from feed
    assert second.metadata["date_source"] == "feed"
    assert first.metadata["feed"] == f"{base}/feed.xml"
    assert isinstance(lost, InputError)
    assert str(lost) == f"{base}/posts/missing.html: HTTP 404 Not Found"


def test_fetch_linked_pages_option_follows_links(base: str) -> None:
    options = IngestOptions(fetch_linked_pages=True)
    items = [item for item in read_articles([f"{base}/feed.xml"], options=options)]
    assert isinstance(items[0], Article) and items[0].text.startswith("Cranes Arrive:")


def test_jsonl_and_json_over_http(base: str) -> None:
    rows = [a for a in read_articles([f"{base}/rows.jsonl", f"{base}/rows.json"])]
    assert [a.title for a in rows if isinstance(a, Article)] == ["A", "B", "C"]
    assert {a.format for a in rows if isinstance(a, Article)} == {"jsonl"}


def test_non_http_scheme_is_an_error() -> None:
    with pytest.raises(InputError, match="not an http"):
        fetch("ftp://127.0.0.1/file", IngestOptions())


# -- issue 15: deadlines, redirects, content coding, robots.txt ---------------------------------

HOSTILE_FEED = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Slow Feed</title>
<item><title>Slow One</title><link>{base}/h/slow1.html</link><description>Text one.</description></item>
<item><title>Slow Two</title><link>{base}/h/slow2.html</link><description>Text two.</description></item>
<item><title>Slow Three</title><link>{base}/h/slow3.html</link><description>Text three.</description></item>
</channel></rss>"""
ROBOTS_FEED = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Robots Feed</title>
<item><title>Private</title><link>{base}/private/p.html</link><description>Teaser p.</description></item>
<item><title>Public</title><link>{base}/posts/1.html</link><description>Teaser q.</description></item>
</channel></rss>"""


@pytest.fixture(scope="module")
def hostile(base: str) -> str:
    """Routes for the hostile-server cases, added to the running server."""
    page = PAGE.format(title="Port Traffic Rises", body=BODY, extra="").encode()
    slow = Route(body=page, delay=0.7)
    ROUTES.update(
        {
            "/h/drip.html": Route(body=page * 20, drip_s=0.2),
            "/h/stall.html": Route(body=page, delay=5.0),
            "/h/to-ftp": Route(302, None, headers={"Location": "ftp://127.0.0.1/file.txt"}),
            "/h/to-file": Route(302, None, headers={"Location": "file:///etc/passwd"}),
            "/h/short.html": Route(body=page, declared_length=len(page) + 500),
            "/h/gzip.html": Route(body=gzip.compress(page), headers={"Content-Encoding": "gzip"}),
            "/h/deflate.html": Route(body=zlib.compress(page),
                                     headers={"Content-Encoding": "deflate"}),
            "/h/bomb.html": Route(body=gzip.compress(b"<p>" + b" " * 20_000_000),
                                  headers={"Content-Encoding": "gzip"}),
            "/h/slow1.html": slow, "/h/slow2.html": slow, "/h/slow3.html": slow,
            "/h/slow-feed.xml": Route(content_type="application/rss+xml",
                                      body=HOSTILE_FEED.format(base=base).encode()),
            "/h/robots-feed.xml": Route(content_type="application/rss+xml",
                                        body=ROBOTS_FEED.format(base=base).encode()),
            "/robots.txt": Route(content_type="text/plain",
                                 body=b"User-agent: *\nDisallow: /private/\n"),
            "/private/p.html": Route(body=_post("Private", "")),
        }
    )  # fmt: skip
    return base


def test_dripping_server_obeys_the_total_deadline(hostile: str) -> None:
    started = time.monotonic()
    error = only_error(f"{hostile}/h/drip.html", timeout=1.0)
    assert "timed out after 1 s" in error.problem
    assert time.monotonic() - started < 2.5


def test_stalled_server_obeys_the_total_deadline(hostile: str) -> None:
    started = time.monotonic()
    assert "timed out" in only_error(f"{hostile}/h/stall.html", timeout=0.5).problem
    assert time.monotonic() - started < 1.5


@pytest.mark.parametrize("path", ["/h/to-ftp", "/h/to-file"])
def test_redirect_to_other_schemes_is_refused(hostile: str, path: str) -> None:
    assert "redirect to a non-http(s) URL refused" in only_error(f"{hostile}{path}").problem


def test_body_shorter_than_content_length_is_an_error(hostile: str) -> None:
    problem = only_error(f"{hostile}/h/short.html").problem
    assert "shorter than its Content-Length" in problem or "cut short" in problem


@pytest.mark.parametrize("path", ["/h/gzip.html", "/h/deflate.html"])
def test_content_encoding_is_decoded(hostile: str, path: str) -> None:
    article = read_article(f"{hostile}{path}")
    assert article.title == "Port Traffic Rises" and article.text == BODY


def test_gzip_bomb_body_is_refused_within_the_cap(hostile: str) -> None:
    problem = only_error(f"{hostile}/h/bomb.html", max_bytes=1_000_000).problem
    assert problem == "response larger than 1000000 bytes once decompressed"


def test_follow_links_is_bounded_in_time(hostile: str) -> None:
    options = IngestOptions(follow_deadline=1.0, timeout=5.0)
    started = time.monotonic()
    items = list(read_articles([f"{hostile}/h/slow-feed.xml"], follow_links=True,
                               options=options))
    assert time.monotonic() - started < 3.5
    assert all(isinstance(item, Article) for item in items) and len(items) == 3
    assert items[0].format == "url"  # followed within the budget
    late = items[-1]
    assert late.text == "Text three." and late.format == "rss"  # kept, with its feed text
    assert any("time budget" in warning for warning in late.metadata["warnings"])


def test_follow_links_respects_robots_txt(hostile: str) -> None:
    items = list(read_articles([f"{hostile}/h/robots-feed.xml"], follow_links=True))
    private, public = items
    assert isinstance(private, Article) and private.text == "Teaser p."
    assert "link not followed: disallowed by robots.txt" in private.metadata["warnings"]
    assert isinstance(public, Article) and public.format == "url"
