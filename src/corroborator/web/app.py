"""The Starlette application: HTML pages and a JSON API over the same view models.

Every page ``/x`` has a twin ``/api/x`` that returns the dict the page renders.
The database is opened read-only, one connection per worker thread, and each
query runs under a time limit.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from corroborator import views
from corroborator.errors import NotFoundError, StoreError
from corroborator.store import Store, open_store
from corroborator.web.render import render

STATIC_DIR = Path(__file__).parent / "static"
QUERY_TIME_LIMIT_S = 5.0
PAGE_SIZE = 50
SECURITY_HEADERS = {
    "content-security-policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
}

Builder = Callable[[Store, Request], dict[str, Any]]


class BadRequest(ValueError):
    """A request parameter is missing or malformed."""


class ReadOnlyStores:
    """One read-only :class:`Store` per thread, each query bounded by a time limit."""

    def __init__(self, db_path: Path) -> None:
        self.db_path = db_path
        self._local = threading.local()
        open_store(db_path, readonly=True).close()  # fail at startup with a clear StoreError

    def get(self) -> Store:
        """This thread's store, with a fresh query deadline."""
        store = getattr(self._local, "store", None)
        if store is None:
            store = open_store(self.db_path, readonly=True)
            self._local.store = store
        deadline = time.monotonic() + QUERY_TIME_LIMIT_S
        store.conn.set_progress_handler(lambda: int(time.monotonic() > deadline), 10_000)
        return store


class SecurityHeaders:
    """ASGI middleware adding the CSP, nosniff and framing headers to every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [(k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


# -- builders: request -> view dict ------------------------------------------------------------


def _int_param(request: Request, name: str, default: int) -> int:
    raw = request.query_params.get(name, "")
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise BadRequest(f"{name} must be a whole number, not {raw!r}") from None


def build_stories(store: Store, request: Request) -> dict[str, Any]:
    """The stories list for ``?q=&sort=&limit=&offset=``."""
    sort = request.query_params.get("sort", "recent")
    if sort not in views.SORTS:
        raise BadRequest(f"unknown sort {sort!r}; choose one of {', '.join(views.SORTS)}")
    return views.stories_view(store, limit=_int_param(request, "limit", PAGE_SIZE),
                              offset=_int_param(request, "offset", 0), sort=sort,
                              query=request.query_params.get("q"))


def build_story(store: Store, request: Request) -> dict[str, Any]:
    return views.story_view(store, request.path_params["story_id"])


def build_matrix(store: Store, request: Request) -> dict[str, Any]:
    return views.matrix_view(store, request.path_params["story_id"])


def build_article(store: Store, request: Request) -> dict[str, Any]:
    return views.article_view(store, request.path_params["article_id"])


def build_entity(store: Store, request: Request) -> dict[str, Any]:
    return views.entity_view(store, request.path_params["name"])


def build_search(store: Store, request: Request) -> dict[str, Any]:
    return views.search_view(store, request.query_params.get("q", ""))


def build_compare(store: Store, request: Request) -> dict[str, Any]:
    a, b = request.query_params.get("a", ""), request.query_params.get("b", "")
    if not a or not b:
        raise BadRequest("compare needs two article ids: /compare?a=ID&b=ID")
    return views.compare_view(store, a, b)


# -- endpoints --------------------------------------------------------------------------------


def _failure(exc: Exception) -> tuple[int, str, str]:
    """(status, short title, message) for an exception raised while building a view."""
    if isinstance(exc, NotFoundError):
        return 404, "Not found", str(exc)
    if isinstance(exc, ValueError):  # BadRequest included
        return 400, "Bad request", str(exc)
    if isinstance(exc, sqlite3.OperationalError) and "interrupt" in str(exc):
        return 503, "Too slow", "the query took too long; try a narrower request"
    if isinstance(exc, StoreError | sqlite3.Error):
        return 503, "Database unavailable", str(exc)
    raise exc


def _endpoints(stores: ReadOnlyStores, builder: Builder,
               template: str) -> tuple[Callable, Callable]:
    """An HTML endpoint and its JSON twin for one builder."""

    def html(request: Request) -> Response:
        try:
            data = builder(stores.get(), request)
        except Exception as exc:  # noqa: BLE001 - _failure re-raises what it does not know
            status, title, message = _failure(exc)
            return HTMLResponse(render("error.html", title=title, message=message,
                                       status=status, request=request, api_url=None),
                                status_code=status)
        api_path = "/api/stories" if request.url.path == "/" else "/api" + request.url.path
        api_url = api_path + (f"?{request.url.query}" if request.url.query else "")
        return HTMLResponse(render(template, data=data, request=request, api_url=api_url))

    def api(request: Request) -> Response:
        try:
            data = builder(stores.get(), request)
        except Exception as exc:  # noqa: BLE001
            status, title, message = _failure(exc)
            return JSONResponse({"error": title, "detail": message}, status_code=status)
        return JSONResponse(data)

    return html, api


PAGES: list[tuple[str, Builder, str]] = [
    ("/", build_stories, "stories.html"),
    ("/story/{story_id}", build_story, "story.html"),
    ("/story/{story_id}/matrix", build_matrix, "matrix.html"),
    ("/compare", build_compare, "compare.html"),
    ("/entity/{name:path}", build_entity, "entity.html"),
    ("/article/{article_id}", build_article, "article.html"),
    ("/search", build_search, "search.html"),
]


def build_app(db_path: str | Path) -> Starlette:
    """The application over the database at `db_path` (StoreError if it cannot be read)."""
    stores = ReadOnlyStores(Path(db_path))
    routes: list[Route | Mount] = []
    for path, builder, template in PAGES:
        html, api = _endpoints(stores, builder, template)
        api_path = "/api/stories" if path == "/" else "/api" + path
        routes += [Route(path, html, methods=["GET"]), Route(api_path, api, methods=["GET"])]
    routes.append(Mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static"))
    app = Starlette(routes=routes, middleware=[Middleware(SecurityHeaders)],
                    exception_handlers={404: _not_found, 405: _not_found})
    app.state.stores = stores
    return app


async def _not_found(request: Request, exc: Exception) -> Response:
    """Unknown paths: a JSON 404 under /api, an HTML page elsewhere."""
    status = getattr(exc, "status_code", 404)
    message = f"nothing at {request.url.path}"
    if request.url.path.startswith("/api/"):
        return JSONResponse({"error": "Not found", "detail": message}, status_code=status)
    return HTMLResponse(render("error.html", title="Not found", message=message, status=status,
                               request=request, api_url=None), status_code=status)
