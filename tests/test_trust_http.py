"""One deadline bounds a whole HTTP exchange, headers included (issue 23, item 2).

The server here answers on 127.0.0.1 only and sends its replies a byte at a time.
"""

from __future__ import annotations

import contextlib
import socket
import socketserver
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from corroborator.cli import main
from corroborator.errors import InputError
from corroborator.ingest import IngestOptions
from corroborator.ingest.http import fetch

#: Seconds between two bytes the server sends.
DRIP_S = 0.5
#: The longest a dripping reply goes on (the tests end well before).
DRIP_FOR_S = 40.0
HEADERS = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nX-Padding: " + b"a" * 200
#: A TLS record header announcing a long handshake message, then its body slowly.
TLS_HELLO = b"\x16\x03\x03\x40\x00\x02\x00\x3f\xfc\x03\x03" + b"\x00" * 200


class DripHandler(socketserver.BaseRequestHandler):
    """Read a request, then answer by path, dripping one byte every `DRIP_S` seconds."""

    def handle(self) -> None:
        request = self._read_request()
        if request.startswith(b"\x16"):  # a TLS ClientHello: drip a never-ending handshake
            self._drip(TLS_HELLO)
        elif b" /hop/" in request:  # a redirect whose headers take ~1.5 s to arrive
            number = int(request.split(b" /hop/", 1)[1].split(b" ", 1)[0])
            self._drip(f"HTTP/1.1 302 Found\r\nLocation: /hop/{number + 1}\r\n"
                       "Content-Length: 0\r\n\r\n".encode(), step=len(b"HTTP/1.1 302 Fo"))
        else:
            self._drip(HEADERS)

    def _read_request(self) -> bytes:
        data = b""
        with contextlib.suppress(OSError):
            self.request.settimeout(5)
            while b"\r\n\r\n" not in data and not data.startswith(b"\x16"):
                chunk = self.request.recv(4096)
                if not chunk:
                    break
                data += chunk
        return data

    def _drip(self, reply: bytes, step: int = 1) -> None:
        stop = time.monotonic() + DRIP_FOR_S
        with contextlib.suppress(OSError):
            for start in range(0, len(reply), step):
                if time.monotonic() > stop:
                    return
                self.request.sendall(reply[start:start + step])
                time.sleep(DRIP_S)


@pytest.fixture(scope="module")
def drip_server() -> Iterator[str]:
    """A dripping server on 127.0.0.1; yields its ``host:port``."""
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), DripHandler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def timed_fetch(url: str, timeout: float) -> tuple[InputError, float]:
    started = time.monotonic()
    with pytest.raises(InputError) as caught:
        fetch(url, IngestOptions(timeout=timeout))
    return caught.value, time.monotonic() - started


def test_headers_dripped_a_byte_at_a_time_hit_the_deadline(drip_server: str) -> None:
    error, took = timed_fetch(f"http://{drip_server}/page.html", timeout=2)
    assert "timed out after 2 s" in error.problem
    assert took < 3


def test_the_deadline_spans_every_redirect(drip_server: str) -> None:
    error, took = timed_fetch(f"http://{drip_server}/hop/1", timeout=2.5)
    assert "timed out after 2.5 s" in error.problem
    assert took < 3.5


def test_a_dripped_tls_handshake_hits_the_deadline(drip_server: str) -> None:
    error, took = timed_fetch(f"https://{drip_server}/page.html", timeout=2)
    assert "timed out after 2 s" in error.problem
    assert took < 3


def test_ingest_with_timeout_fails_in_time_with_one_line(drip_server: str,
                                                         tmp_path: Path) -> None:
    started = time.monotonic()
    result = CliRunner().invoke(main, ["ingest", f"http://{drip_server}/a.html", "--timeout",
                                       "2", "--db", str(tmp_path / "news.db")])
    assert time.monotonic() - started < 3.5
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert errors == [f"error: http://{drip_server}/a.html: timed out after 2 s"]


def test_compare_of_a_dripping_url_fails_within_its_default_deadline(drip_server: str,
                                                                     tmp_path: Path) -> None:
    page = tmp_path / "a.txt"
    page.write_text("Bridge reopens\n\nThe bridge reopened on Monday, the city said.\n")
    started = time.monotonic()
    result = CliRunner().invoke(main, ["compare", str(page), f"http://{drip_server}/b.html"])
    assert time.monotonic() - started < IngestOptions().timeout + 1.5
    assert result.exit_code == 1
    assert result.output.strip() == (f"Error: http://{drip_server}/b.html: timed out after "
                                     f"{IngestOptions().timeout:g} s")


def test_the_server_answers_on_loopback_only(drip_server: str) -> None:
    host, port = drip_server.split(":")
    assert host == "127.0.0.1"
    with socket.create_connection((host, int(port)), timeout=2):
        pass


def test_watch_of_a_dripping_feed_fails_in_time(drip_server: str, tmp_path: Path) -> None:
    def watch(url: str, db: str) -> tuple[str, float]:
        started = time.monotonic()
        result = CliRunner().invoke(main, ["watch", url, "--once", "--ignore-robots",
                                           "--timeout", "2", "--workers", "1",
                                           "--db", str(tmp_path / db)])
        return result.output, time.monotonic() - started

    with socket.socket() as sock:  # a port nobody listens on: the poll's own cost
        sock.bind(("127.0.0.1", 0))
        refused = f"http://127.0.0.1:{sock.getsockname()[1]}/feed.xml"
    _, baseline = watch(refused, "a.db")
    url = f"http://{drip_server}/feed.xml"
    output, took = watch(url, "b.db")
    assert f"error: {url}: timed out after 2 s" in output, output
    assert took < baseline + 2 + 1.5, (took, baseline)
