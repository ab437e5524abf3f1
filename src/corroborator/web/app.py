"""The Starlette application: HTML pages and a JSON API over the same view models.

Every page ``/x`` has a twin ``/api/x`` that returns the dict the page renders.
The database is opened read-only, one connection per worker thread, and each
query runs under a time limit. Views are built on worker threads, never on the
event loop, through two gates (light pages and CPU-heavy ones) that bound how
many run at once; a request that cannot get a slot in time is answered 503 with
``Retry-After``. Only requests whose ``Host`` is a loopback name (or the host the
server was started on) are answered, so a DNS-rebinding page cannot read the data.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import anyio
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from corroborator import views
from corroborator.errors import BusyError, NotFoundError, StoreError
from corroborator.store import Store, open_store
from corroborator.storylist import StoryFilter
from corroborator.web.host_header import parse_host
from corroborator.web.render import render

STATIC_DIR = Path(__file__).parent / "static"
QUERY_TIME_LIMIT_S = 5.0
PAGE_SIZE = 50
#: Largest ``limit`` and ``offset`` accepted in a query string.
MAX_LIMIT = 500
MAX_OFFSET = 1_000_000
#: Longest search query (characters) and most search terms; longer ones are refused (400).
MAX_QUERY_CHARS = 500
MAX_QUERY_TERMS = 32
#: Views built at once and requests allowed to wait, per gate; seconds a request may wait.
HEAVY_SLOTS, HEAVY_QUEUE, HEAVY_WAIT_S = 2, 64, 20.0
LIGHT_SLOTS, LIGHT_QUEUE, LIGHT_WAIT_S = 8, 256, 10.0
#: Seconds a client is told to wait after a 503.
RETRY_AFTER_S = 2
#: Host names always served (the port is ignored).
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "[::1]", "::1"})
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


class HostAllowList:
    """ASGI middleware answering 421 to requests whose ``Host`` is not an allowed name."""

    def __init__(self, app: ASGIApp, hosts: Iterable[str]) -> None:
        self.app = app
        self.hosts = frozenset(host.lower() for host in hosts)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and parse_host(_header(scope, b"host")) not in self.hosts:
            response = Response("Misdirected request: this server answers only to "
                                f"{', '.join(sorted(self.hosts))}\n", status_code=421,
                                media_type="text/plain")
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)


def host_name(value: str) -> str:
    """The host part of a ``Host`` header, lower case, without the port."""
    value = value.strip().lower()
    if value.startswith("["):
        return value.split("]", 1)[0] + "]"
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value


def allowed_hosts(extra: Iterable[str] = ()) -> frozenset[str]:
    """The loopback names plus `extra` (what ``--host`` names), ports stripped."""
    names = {host_name(name) for name in extra if name and name not in ("0.0.0.0", "::")}
    names |= {f"[{name}]" for name in names if ":" in name and not name.startswith("[")}
    return LOOPBACK_HOSTS | names


def _header(scope: Scope, name: bytes) -> str:
    """One request header from an ASGI scope, decoded ("" when absent)."""
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return value.decode("latin-1")
    return ""


class Gate:
    """Bounded concurrency for building views on worker threads, with a bounded queue.

    At most `slots` builders run at once; at most `queue` requests wait for a slot, each
    for up to `wait_s` seconds. Past either bound the request gets `BusyError` (503).
    """

    def __init__(self, slots: int, queue: int, wait_s: float) -> None:
        self.slots, self.queue, self.wait_s = slots, queue, wait_s
        self._semaphore: anyio.Semaphore | None = None
        self.waiting = 0

    async def run(self, function: Callable[[], Any]) -> Any:
        """Run `function` on a worker thread once a slot is free."""
        semaphore = self._semaphore = self._semaphore or anyio.Semaphore(self.slots)
        if self.waiting >= self.queue:
            raise BusyError(f"{self.queue} requests already waiting")
        acquired = False
        self.waiting += 1
        try:
            with anyio.move_on_after(self.wait_s):
                await semaphore.acquire()
                acquired = True
        finally:
            self.waiting -= 1
        if not acquired:
            raise BusyError(f"no worker free within {self.wait_s:g} s")
        try:
            return await anyio.to_thread.run_sync(function)
        finally:
            semaphore.release()


# -- builders: request -> view dict ------------------------------------------------------------


def _int_param(request: Request, name: str, default: int, low: int, high: int) -> int:
    """An integer query parameter within [low, high]; BadRequest (400) otherwise."""
    raw = request.query_params.get(name, "").strip()
    if not raw:
        return default
    if not raw.lstrip("-").isdigit() or len(raw) > 12:
        raise BadRequest(f"{name} must be a whole number from {low} to {high}, "
                         f"not {raw[:40]!r}")
    value = int(raw)
    if not low <= value <= high:
        raise BadRequest(f"{name} must be from {low} to {high}, not {value}")
    return value


def _query_param(request: Request, name: str = "q") -> str:
    """A free-text query parameter within the length and term caps; BadRequest otherwise."""
    text = request.query_params.get(name, "")
    if len(text) > MAX_QUERY_CHARS:
        raise BadRequest(f"query too long ({len(text)} characters; at most {MAX_QUERY_CHARS})")
    terms = len(text.split())
    if terms > MAX_QUERY_TERMS:
        raise BadRequest(f"query has {terms} terms; at most {MAX_QUERY_TERMS}")
    return "".join(char for char in text if char.isprintable() or char.isspace())


def build_stories(store: Store, request: Request) -> dict[str, Any]:
    """The stories list for ``?q=&sort=&limit=&offset=`` and the filters of
    :class:`~corroborator.storylist.StoryFilter` (``min_sources``, ``outlet``, ``since``,
    ``until``, ``disputed``, ``language``, ``singles``)."""
    sort = request.query_params.get("sort", "recent")
    if sort not in views.SORTS:
        raise BadRequest(f"unknown sort {sort!r}; choose one of {', '.join(views.SORTS)}")
    _query_param(request)  # length and term caps
    flt = StoryFilter.from_params(request.query_params)
    return views.stories_view(store, limit=_int_param(request, "limit", PAGE_SIZE, 1, MAX_LIMIT),
                              offset=_int_param(request, "offset", 0, 0, MAX_OFFSET), sort=sort,
                              flt=flt)


def build_story(store: Store, request: Request) -> dict[str, Any]:
    return views.story_view(store, request.path_params["story_id"])


def build_matrix(store: Store, request: Request) -> dict[str, Any]:
    return views.matrix_view(store, request.path_params["story_id"])


def build_article(store: Store, request: Request) -> dict[str, Any]:
    return views.article_view(store, request.path_params["article_id"])


def build_entity(store: Store, request: Request) -> dict[str, Any]:
    return views.entity_view(store, request.path_params["name"])


def build_search(store: Store, request: Request) -> dict[str, Any]:
    return views.search_view(store, _query_param(request))


def build_outlets(store: Store, request: Request) -> dict[str, Any]:
    from corroborator.outlets import outlets_view

    return outlets_view(store)


def build_outlet(store: Store, request: Request) -> dict[str, Any]:
    from corroborator.outlets import outlet_view

    return outlet_view(store, request.path_params["name"])


def build_alerts(store: Store, request: Request) -> dict[str, Any]:
    """The latest alerts of ``corroborator watch`` (``?limit=``)."""
    from corroborator.watch import alerts_view

    return alerts_view(store, limit=_int_param(request, "limit", 100, 1, MAX_LIMIT))


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
    if isinstance(exc, BusyError):
        return 503, "Busy", f"the server is busy ({exc}); try again in a moment"
    if isinstance(exc, ValueError):  # BadRequest included
        return 400, "Bad request", str(exc)
    if isinstance(exc, sqlite3.OperationalError) and "interrupt" in str(exc):
        return 503, "Too slow", "the query took too long; try a narrower request"
    if isinstance(exc, StoreError | sqlite3.Error):
        return 503, "Database unavailable", str(exc)
    if isinstance(exc, MemoryError | RecursionError):
        return 503, "Too large", "the request needs more memory than the server allows"
    raise exc


def _endpoints(stores: ReadOnlyStores, builder: Builder, template: str,
               gate: Gate) -> tuple[Callable, Callable]:
    """An HTML endpoint and its JSON twin for one builder, built through `gate`."""

    async def build(request: Request) -> dict[str, Any]:
        return await gate.run(lambda: builder(stores.get(), request))

    async def html(request: Request) -> Response:
        try:
            data = await build(request)
        except Exception as exc:  # noqa: BLE001 - _failure re-raises what it does not know
            status, title, message = _failure(exc)
            return HTMLResponse(render("error.html", title=title, message=message,
                                       status=status, request=request, api_url=None),
                                status_code=status, headers=_retry_after(status))
        api_path = "/api/stories" if request.url.path == "/" else "/api" + request.url.path
        api_url = api_path + (f"?{request.url.query}" if request.url.query else "")
        return HTMLResponse(render(template, data=data, request=request, api_url=api_url))

    async def api(request: Request) -> Response:
        try:
            data = await build(request)
        except Exception as exc:  # noqa: BLE001
            status, title, message = _failure(exc)
            return JSONResponse({"error": title, "detail": message}, status_code=status,
                                headers=_retry_after(status))
        return JSONResponse(data)

    return html, api


def _atom_endpoint(stores: ReadOnlyStores, gate: Gate) -> Callable:
    """``/alerts.atom``: the latest alerts as an Atom feed."""
    from corroborator.report.atom import alerts_atom
    from corroborator.store.database import now_iso

    async def atom(request: Request) -> Response:
        try:
            data = await gate.run(lambda: build_alerts(stores.get(), request))
        except Exception as exc:  # noqa: BLE001
            status, title, message = _failure(exc)
            return Response(f"{title}: {message}\n", status_code=status,
                            media_type="text/plain", headers=_retry_after(status))
        base = f"{request.url.scheme}://{request.url.netloc}"
        return Response(alerts_atom(data["alerts"], base, now_iso()),
                        media_type="application/atom+xml")

    return atom


def _retry_after(status: int) -> dict[str, str]:
    """A ``Retry-After`` header for 503 answers."""
    return {"retry-after": str(RETRY_AFTER_S)} if status == 503 else {}


#: Every page: path, builder, template, and whether building it is CPU-heavy.
PAGES: list[tuple[str, Builder, str, bool]] = [
    ("/", build_stories, "stories.html", False),
    ("/story/{story_id}", build_story, "story.html", True),
    ("/story/{story_id}/matrix", build_matrix, "matrix.html", True),
    ("/compare", build_compare, "compare.html", True),
    ("/entity/{name:path}", build_entity, "entity.html", False),
    ("/article/{article_id}", build_article, "article.html", False),
    ("/search", build_search, "search.html", False),
    ("/alerts", build_alerts, "alerts.html", False),
    ("/outlets", build_outlets, "outlets.html", False),
    ("/outlets/{name:path}", build_outlet, "outlet.html", False),
]


def build_app(db_path: str | Path, hosts: Iterable[str] = ()) -> Starlette:
    """The application over the database at `db_path` (StoreError if it cannot be read).

    Args:
        db_path: The database, opened read-only.
        hosts: Host names answered besides the loopback ones (e.g. what ``--host`` names).
    """
    stores = ReadOnlyStores(Path(db_path))
    heavy = Gate(HEAVY_SLOTS, HEAVY_QUEUE, HEAVY_WAIT_S)
    light = Gate(LIGHT_SLOTS, LIGHT_QUEUE, LIGHT_WAIT_S)
    routes: list[Route | Mount] = []
    for path, builder, template, is_heavy in PAGES:
        html, api = _endpoints(stores, builder, template, heavy if is_heavy else light)
        api_path = "/api/stories" if path == "/" else "/api" + path
        routes += [Route(path, html, methods=["GET"]), Route(api_path, api, methods=["GET"])]
    routes.append(Route("/alerts.atom", _atom_endpoint(stores, light), methods=["GET"]))
    routes.append(Mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static"))
    app = Starlette(routes=routes, middleware=[Middleware(HostAllowList,
                                                          hosts=allowed_hosts(hosts)),
                                               Middleware(SecurityHeaders)],
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
