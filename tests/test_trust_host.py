"""The Host allow-list reads the header strictly: a host and a port, nothing else (issue 23,
item 5)."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

pytest.importorskip("starlette")
pytest.importorskip("uvicorn")
from starlette.testclient import TestClient  # noqa: E402

from conftest_web import build_fixture_db  # noqa: E402
from corroborator.web import create_app  # noqa: E402
from corroborator.web.host_header import parse_host  # noqa: E402
from corroborator.web.server import background_server  # noqa: E402

SMUGGLED = ["[::1]evil.example", "[::1]:80@evil.example", "[::1]:80evil", "[::1]]",
            "127.0.0.1:80@evil.example", "localhost:80:80", "localhost:", "localhost:99999",
            "[::1", "::1", "[evil.example]", "localhost evil", "local\x00host", "@localhost",
            "user@localhost", "localhost/x", "localhost?x", "[::1]:", "[]"]


@pytest.mark.parametrize(("value", "host"), [
    ("localhost", "localhost"), ("LOCALHOST:8000", "localhost"), ("127.0.0.1:1", "127.0.0.1"),
    ("[::1]", "[::1]"), ("[::1]:8000", "[::1]"), ("news.lan:65535", "news.lan"),
])
def test_well_formed_hosts_are_read(value: str, host: str) -> None:
    assert parse_host(value) == host


@pytest.mark.parametrize("value", SMUGGLED)
def test_anything_more_than_host_and_port_is_no_host(value: str) -> None:
    assert parse_host(value) is None


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_fixture_db(tmp_path_factory.mktemp("host") / "web.db", filler=1)


@pytest.mark.parametrize("host", SMUGGLED[:8])
def test_smuggled_hosts_are_refused_by_the_app(db: Path, host: str) -> None:
    with TestClient(create_app(db), base_url="http://127.0.0.1") as client:
        response = client.get("/api/stories", headers={"host": host})
    assert response.status_code == 421


def raw_get(base: str, host: str) -> bytes:
    """Send one GET with exactly this Host header; the status line of the answer."""
    address, port = base.removeprefix("http://").split(":")
    with socket.create_connection((address, int(port)), timeout=10) as sock:
        sock.sendall(f"GET /api/stories HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
                     .encode("latin-1"))
        return sock.recv(4096).split(b"\r\n", 1)[0]


def test_real_server_refuses_the_reported_variants(db: Path) -> None:
    with background_server(db) as base:
        assert raw_get(base, "[::1]:8000").endswith(b"200 OK")
        for host in ("[::1]evil.example", "[::1]:80@evil.example"):
            assert b" 421 " in raw_get(base, host)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.text(alphabet="[]:@.-_/?#% \tabcLH0123456789:fx\x00é"))
def test_any_accepted_host_is_exactly_a_name_or_address(value: str) -> None:
    host = parse_host(value)
    if host is not None:
        assert not set(host) & set("@/?#% \t\x00é:") or host.startswith("[")
        assert parse_host(host) == host
        assert value.strip(" \t").lower().startswith(host)
