"""The local web app: ``corroborator serve``.

Starlette, uvicorn and Jinja2 come with the ``web`` extra and are imported only
when the app is built, so ``import corroborator.web`` always works.

Example:
    >>> status, body = get_page("news.db", "/api/stories?sort=disputed")
    >>> status
    200
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from corroborator.errors import MissingExtraError

__all__ = ["create_app", "get_page", "serve"]


def create_app(db_path: str | Path, hosts: tuple[str, ...] = ()) -> Any:
    """Build the Starlette app over the database at `db_path`, opened read-only.

    Requests are answered only when their ``Host`` is a loopback name or one of `hosts`.

    Raises:
        MissingExtraError: the ``web`` extra is not installed.
        StoreError: the database is missing, locked, or has a newer schema.
    """
    try:
        from corroborator.web.app import build_app
    except ImportError as exc:
        raise MissingExtraError("web", "corroborator serve") from exc
    return build_app(db_path, hosts=hosts)


def serve(db_path: str | Path, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Serve the app with uvicorn until interrupted."""
    app = create_app(db_path, hosts=(host,))
    try:
        import uvicorn
    except ImportError as exc:
        raise MissingExtraError("web", "corroborator serve") from exc
    uvicorn.run(app, host=host, port=port, log_level="info", timeout_graceful_shutdown=5)


def get_page(db_path: str | Path, path: str) -> tuple[int, str]:
    """Render one page or API response in-process, without a server (``serve --get``).

    Args:
        db_path: the database file.
        path: a path with an optional query string, e.g. ``/story/3f2a/matrix``.

    Returns:
        The HTTP status code and the response body as text.
    """
    import asyncio  # here, not at import: views import this package's alignment module

    app = create_app(db_path)
    return asyncio.run(_request(app, path))


async def _request(app: Any, path: str) -> tuple[int, str]:
    """Send one GET request straight to the ASGI `app` and collect the response."""
    import asyncio

    parts = urlsplit(path if path.startswith("/") else "/" + path)
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
        "scheme": "http", "path": unquote(parts.path), "raw_path": parts.path.encode(),
        "root_path": "", "query_string": parts.query.encode(), "client": ("127.0.0.1", 0),
        "server": ("127.0.0.1", 80), "headers": [(b"host", b"127.0.0.1")],
    }
    status, chunks, requested, finished = 500, [], False, asyncio.Event()

    async def receive() -> dict[str, Any]:
        nonlocal requested
        if not requested:
            requested = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await finished.wait()  # streaming responses listen for a disconnect meanwhile
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                finished.set()

    await app(scope, receive, send)
    return status, b"".join(chunks).decode("utf-8", errors="replace")
