"""`corroborator watch` against a local feed server on 127.0.0.1 that changes between polls:
conditional requests, robots.txt, a dead and a slow feed, alerts exactly once across a
restart, the JSONL file, and the Atom feed the web app serves."""

from __future__ import annotations

import csv
import io
import json
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import UTC, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from click.testing import CliRunner

from corroborator.cli import main
from corroborator.store import open_store
from corroborator.watch import WatchOptions, parse_every, poll

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
SLOW_S = 4.0


def _recount_articles() -> dict[str, tuple[str, str, str, str]]:
    """Three outlets' takes on the Kestrel Bay recount: outlet -> (title, date, url, text)."""
    lines = (EXAMPLES / "txt" / "harbor-ledger-kestrel-recount.txt").read_text().splitlines()
    ledger = ("The Harbor Ledger", lines[0], "2026-03-05T17:00:00Z",
              "https://ledger.example/recount", "\n".join(lines[4:]))
    wire = next(json.loads(line) for line in
                (EXAMPLES / "feeds" / "northgate-newswire.jsonl").read_text().splitlines()
                if "recount" in line)
    rows = csv.DictReader(io.StringIO((EXAMPLES / "feeds" /
                                       "kestrel-tribune-export.csv").read_text()))
    tribune = next(r for r in rows if "recount" in r["url"] or "Whitford" in r["title"])
    return {
        "ledger": ledger,
        "wire": (wire["outlet"], wire["title"], wire["published"], wire["url"], wire["text"]),
        "tribune": (tribune["outlet"], tribune["title"], tribune["published"], tribune["url"],
                    tribune["text"]),
    }


def rss(outlet: str, items: list[tuple[str, str, str, str, str]]) -> bytes:
    """An RSS 2.0 feed whose items carry the full text."""
    parts = [f"<rss version='2.0'><channel><title>{escape(outlet)}</title>"]
    for _, title, published, url, text in items:
        when = format_datetime(datetime.fromisoformat(published.replace("Z", "+00:00"))
                               .astimezone(UTC))
        parts.append(f"<item><title>{escape(title)}</title><link>{escape(url)}</link>"
                     f"<pubDate>{when}</pubDate><description>{escape(text)}</description></item>")
    return ("".join(parts) + "</channel></rss>").encode()


class QuietServer(ThreadingHTTPServer):
    """A threading server that does not print the broken pipes of timed-out clients."""

    def handle_error(self, request: object, client_address: object) -> None:
        pass


class FeedServer:
    """Feeds by path, each with an ETag; /slow.xml answers after SLOW_S seconds."""

    def __init__(self) -> None:
        self.feeds: dict[str, bytes] = {}
        self.hits: dict[str, list[int]] = {}
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                path = self.path
                if path == "/robots.txt":
                    return self._send(200, b"User-agent: *\nDisallow: /private/\n")
                if path == "/slow.xml":
                    time.sleep(SLOW_S)
                body = server.feeds.get(path)
                if body is None:
                    return self._send(404, b"")
                etag = f'"{hash(body) & 0xffffffff:x}"'
                if self.headers.get("If-None-Match") == etag:
                    server.hits.setdefault(path, []).append(304)
                    return self._send(304, b"")
                server.hits.setdefault(path, []).append(200)
                return self._send(200, body, etag)

            def _send(self, status: int, body: bytes, etag: str | None = None) -> None:
                self.send_response(status)
                if etag:
                    self.send_header("ETag", etag)
                self.send_header("Content-Type", "application/rss+xml")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if status != 304:
                    self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = QuietServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def __enter__(self) -> FeedServer:
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with FeedServer() as feeds:
        yield feeds


def _dead_url() -> str:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}/gone.xml"


def _alerts(db: Path) -> list[tuple[str, str]]:
    with open_store(db, readonly=True) as store:
        return [(r[0], r[1]) for r in store.query("SELECT key, kind FROM watch_alerts")]


def test_parse_every() -> None:
    assert parse_every("15m") == 900 and parse_every("90s") == 90 and parse_every("2h") == 7200
    assert parse_every("45") == 45
    for bad in ("soon", "0s", "-5m", ""):
        with pytest.raises(ValueError, match="--every"):
            parse_every(bad)


def test_watch_alerts_each_change_once_across_a_restart(server: FeedServer, tmp_path: Path) -> None:
    takes = _recount_articles()
    server.feeds["/ledger.xml"] = rss("The Harbor Ledger", [takes["ledger"]])
    server.feeds["/wire.xml"] = rss("Northgate Newswire", [])
    server.feeds["/slow.xml"] = rss("Slow Times", [])
    server.feeds["/private/feed.xml"] = rss("Private", [takes["tribune"]])
    db, alerts_file = tmp_path / "news.db", tmp_path / "alerts.jsonl"
    feeds = [f"{server.url}/ledger.xml", f"{server.url}/wire.xml", _dead_url(),
             f"{server.url}/slow.xml", f"{server.url}/private/feed.xml"]
    args = ["watch", *feeds, "--db", str(db), "--once", "--alerts", str(alerts_file),
            "--timeout", "1", "--workers", "1", "--format", "json"]

    started = time.monotonic()
    first = CliRunner().invoke(main, args)
    assert first.exit_code == 0, first.output
    assert time.monotonic() - started < 60
    assert "disallowed by robots.txt" in first.output and "gone.xml" in first.output
    assert "slow.xml" in first.output  # timed out (or its robots.txt did, on a loaded machine)
    assert _alerts(db) == []  # one outlet: no story, nothing disputed yet

    server.feeds["/wire.xml"] = rss("Northgate Newswire", [takes["wire"]])  # the feed changes
    second = CliRunner().invoke(main, args)
    assert second.exit_code == 0, second.output
    kinds = [kind for _, kind in _alerts(db)]
    assert "new_story" in kinds and ("disputed" in kinds or "conflict" in kinds)
    printed = [json.loads(line) for line in second.output.splitlines() if line.startswith("{")]
    assert len(printed) == len(kinds)
    dispute = next(a for a in printed if a["kind"] in ("disputed", "conflict"))
    evidence = dispute["detail"].get("disputed_by") or dispute["detail"].get("evidence")
    assert evidence and all(e["outlet"] and e["sentence"] for e in evidence)

    third = CliRunner().invoke(main, args)  # a restart with nothing new: no alert again
    assert third.exit_code == 0, third.output
    assert not [line for line in third.output.splitlines() if line.startswith("{")]
    assert server.hits["/ledger.xml"][-1] == 304 and server.hits["/wire.xml"][-1] == 304

    before = set(_alerts(db))
    server.feeds["/ledger.xml"] = rss("The Harbor Ledger", [takes["ledger"], takes["tribune"]])
    fourth = CliRunner().invoke(main, args)  # a third outlet joins: only what is new
    assert fourth.exit_code == 0, fourth.output
    new = [json.loads(line) for line in fourth.output.splitlines() if line.startswith("{")]
    assert not {(a["key"], a["kind"]) for a in new} & before
    assert not [a for a in new if a["kind"] == "new_story"]

    lines = [json.loads(line) for line in alerts_file.read_text().splitlines()]
    keys = [a["key"] for a in lines]
    assert len(keys) == len(set(keys)) == len(_alerts(db))
    assert all(a["schema_version"] == 1 for a in lines)


def test_dead_and_slow_feeds_back_off_without_blocking(server: FeedServer, tmp_path: Path) -> None:
    server.feeds["/slow.xml"] = rss("Slow Times", [])
    server.feeds["/ok.xml"] = rss("Quick Post", [_recount_articles()["ledger"]])
    options = WatchOptions(timeout=1.0, workers=1)
    with open_store(tmp_path / "news.db") as store:
        started = time.monotonic()
        result = poll(store, [_dead_url(), f"{server.url}/slow.xml", f"{server.url}/ok.xml"],
                      options, analyze=lambda _: None)
        elapsed = time.monotonic() - started
        assert result.added == 1 and elapsed < SLOW_S
        assert result.sources[f"{server.url}/ok.xml"] == "fetched"
        assert result.sources[f"{server.url}/slow.xml"].startswith("error: timed out")
        again = poll(store, [f"{server.url}/slow.xml"], options, analyze=lambda _: None)
        assert again.sources[f"{server.url}/slow.xml"] == "backing off"


def test_watch_a_folder_reads_only_new_files(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "a.txt").write_text("Council opens bridge\n\nThe council opened the bridge.\n")
    with open_store(tmp_path / "news.db") as store:
        first = poll(store, [str(inbox)], analyze=lambda _: None)
        (inbox / "b.txt").write_text("Mayor resigns\n\nThe mayor resigned on Friday.\n")
        second = poll(store, [str(inbox)], analyze=lambda _: None)
        third = poll(store, [str(inbox)], analyze=lambda _: None)
    assert (first.added, second.added, third.added) == (1, 1, 0)


def test_alerts_page_api_and_atom(tmp_path: Path) -> None:
    pytest.importorskip("starlette")
    from corroborator.web import get_page

    db = tmp_path / "news.db"
    with open_store(db) as store:
        store.conn.execute(
            "INSERT INTO watch_alerts (key, kind, created_at, story_id, title, detail) VALUES "
            "(?,?,?,?,?,?)", ("disputed:c1", "disputed", "2026-03-05T18:00:00+00:00", "s1",
                              "Disputed: <b>the recount</b> found fraud",
                              json.dumps({"claim": "x", "disputed_by": [
                                  {"outlet": "Wire", "article_id": "a", "sentence": "No fraud."}]})))
        store.conn.commit()
    status, body = get_page(db, "/alerts.atom")
    assert status == 200
    feed = ET.fromstring(body)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    entry = feed.find("a:entry", ns)
    assert entry.find("a:title", ns).text == "Disputed: <b>the recount</b> found fraud"
    assert "Wire disputes: “No fraud.”" in entry.find("a:content", ns).text
    assert entry.find("a:link", ns).get("href").endswith("/story/s1")
    status, html = get_page(db, "/alerts")
    assert status == 200 and "&lt;b&gt;the recount" in html and "No fraud." in html
    status, api = get_page(db, "/api/alerts")
    assert json.loads(api)["alerts"][0]["kind"] == "disputed"


def test_stop_ends_the_loop_between_polls(tmp_path: Path) -> None:
    from corroborator.watch import watch

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "a.txt").write_text("Council opens bridge\n\nThe council opened the bridge.\n")
    stop = threading.Event()
    polls: list[int] = []

    def on_poll(result) -> None:
        polls.append(result.added)
        threading.Timer(0.2, stop.set).start()  # Ctrl-C arrives while waiting for the next

    with open_store(tmp_path / "news.db") as store:
        started = time.monotonic()
        count = watch(store, [str(inbox)], every=60, options=WatchOptions(workers=1),
                      on_poll=on_poll, stop=stop)
    assert count == 1 and polls == [1] and time.monotonic() - started < 30
