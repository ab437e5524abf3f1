"""The web app under hostile requests and concurrency (issue 15): Host allow-list, caps on
query parameters, FTS escaping, 503 with Retry-After when saturated, thread-safe models."""

from __future__ import annotations

import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

pytest.importorskip("starlette")
pytest.importorskip("uvicorn")
import httpx  # noqa: E402
from starlette.testclient import TestClient  # noqa: E402

from conftest_web import STORY_ID, build_fixture_db  # noqa: E402
from corroborator import views  # noqa: E402
from corroborator.concurrency import Guarded, PerThread, Pool  # noqa: E402
from corroborator.errors import BusyError  # noqa: E402
from corroborator.web import app as web_app  # noqa: E402
from corroborator.web import create_app  # noqa: E402
from corroborator.web.server import background_server  # noqa: E402

ENDPOINTS = [
    "/", "/api/stories", f"/story/{STORY_ID}", f"/api/story/{STORY_ID}",
    f"/story/{STORY_ID}/matrix", f"/api/story/{STORY_ID}/matrix", "/compare?a=a1&b=a2",
    "/api/compare?a=a1&b=a2", "/compare?a=a2&b=a3", "/entity/Ana%20Souza",
    "/api/entity/Ana%20Souza", "/article/a1", "/api/article/a1", "/search?q=bridge",
    "/api/search?q=cracks", "/?q=Story&sort=disputed", "/api/stories?offset=10&limit=5",
    "/static/app.js", "/nowhere",
]


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_fixture_db(tmp_path_factory.mktemp("hard") / "web.db", filler=12)


@pytest.fixture(scope="module")
def client(db: Path):
    with TestClient(create_app(db, hosts=("news.lan",)), base_url="http://127.0.0.1") as tc:
        yield tc


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8000", "127.0.0.1.evil.example",
                                  "localhost.evil", ""])
def test_foreign_host_is_refused(client, host: str) -> None:
    response = client.get("/api/stories", headers={"host": host})
    assert response.status_code == 421
    assert "evil" not in response.text or "answers only to" in response.text


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.1:8000", "localhost:9", "[::1]:8000",
                                  "LOCALHOST", "news.lan:8000"])
def test_loopback_and_named_hosts_are_served(client, host: str) -> None:
    assert client.get("/api/stories", headers={"host": host}).status_code == 200


@pytest.mark.parametrize("query", ["offset=99999999999999999999", "offset=-1", "limit=0",
                                   "limit=100000", "offset=1e5", "limit=abc", "offset=%00"])
def test_integer_parameters_out_of_range_are_400(client, query: str) -> None:
    response = client.get(f"/api/stories?{query}")
    assert response.status_code == 400, response.text
    assert response.json()["error"] == "Bad request"
    assert client.get(f"/?{query}").status_code == 400


@pytest.mark.parametrize("q", ["%00", "%00%00abc", "%22", "a%22b%00", "%01%02", "NEAR(", "*",
                                "bridge%00cracks"])
def test_search_control_characters_and_fts_syntax_are_harmless(client, q: str) -> None:
    for path in (f"/api/search?q={q}", f"/search?q={q}", f"/api/stories?q={q}"):
        response = client.get(path)
        assert response.status_code == 200, (path, response.text)


def test_64kb_search_query_is_refused_within_a_second(client) -> None:
    query = "a " * 32_000
    for path in ("/api/search", "/search", "/api/stories"):
        started = time.monotonic()
        response = client.get(path, params={"q": query})
        assert response.status_code == 400
        assert time.monotonic() - started <= 1.0
    many_terms = " ".join(f"w{i}" for i in range(40))
    response = client.get("/api/search", params={"q": many_terms})
    assert response.status_code == 400 and "terms" in response.json()["detail"]


def test_search_at_the_term_cap_is_answered(client) -> None:
    query = " ".join(["bridge"] * web_app.MAX_QUERY_TERMS)
    started = time.monotonic()
    assert client.get("/api/search", params={"q": query}).status_code == 200
    assert time.monotonic() - started <= 1.0


def test_saturated_heavy_gate_answers_503_with_retry_after(db: Path, monkeypatch) -> None:
    monkeypatch.setattr(web_app, "HEAVY_SLOTS", 1)
    monkeypatch.setattr(web_app, "HEAVY_QUEUE", 1)
    monkeypatch.setattr(web_app, "HEAVY_WAIT_S", 0.3)
    slow = views.compare_view

    def compare_slowly(*args, **kwargs):
        time.sleep(1.0)
        return slow(*args, **kwargs)

    monkeypatch.setattr(views, "compare_view", compare_slowly)
    with background_server(db) as base, ThreadPoolExecutor(6) as pool:
        responses = list(pool.map(lambda _: httpx.get(f"{base}/api/compare?a=a1&b=a2",
                                                      timeout=30), range(6)))
        light = httpx.get(f"{base}/api/stories", timeout=30)
    statuses = Counter(r.status_code for r in responses)
    assert set(statuses) <= {200, 503} and statuses[200] >= 1 and statuses[503] >= 1
    busy = next(r for r in responses if r.status_code == 503)
    assert busy.headers["retry-after"] == str(web_app.RETRY_AFTER_S)
    assert busy.json()["error"] == "Busy"
    assert light.status_code == 200  # the light gate is not blocked by heavy work


def test_concurrent_requests_against_running_app_never_500(db: Path) -> None:
    """Regression: the embedder's tokenizer shared across threads gave 'Already borrowed'."""
    with background_server(db) as base, httpx.Client(timeout=60) as http:
        urls = [base + ENDPOINTS[i % len(ENDPOINTS)] for i in range(240)]
        with ThreadPoolExecutor(16) as pool:
            statuses = Counter(pool.map(lambda url: http.get(url).status_code, urls))
    assert statuses[500] == 0, statuses
    assert set(statuses) <= {200, 404, 503}, statuses
    assert statuses[200] >= 200


def test_embedder_is_safe_from_many_threads() -> None:
    from corroborator.embed import get_embedder

    embedder = get_embedder("fast")
    sentences = [f"The council voted {i} times on the harbor budget." for i in range(64)]
    expected = embedder.encode(sentences)
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda _: embedder.encode(sentences), range(32)))
    assert all(abs(r - expected).max() < 1e-5 for r in results)


def test_pool_lends_each_instance_to_one_thread() -> None:
    built: list[object] = []
    pool = Pool(lambda: built.append(object()) or built[-1], size=2)
    in_use: set[int] = set()
    clash = threading.Event()

    def work(_: int) -> None:
        with pool.borrow(wait_s=10) as model:
            if id(model) in in_use:
                clash.set()
            in_use.add(id(model))
            time.sleep(0.01)
            in_use.discard(id(model))

    with ThreadPoolExecutor(6) as executor:
        list(executor.map(work, range(30)))
    assert len(built) == 2 and not clash.is_set()


def test_pool_and_guard_report_busy() -> None:
    pool = Pool(object, size=1)
    guard = Guarded(object())
    with pool.borrow(), pytest.raises(BusyError), pool.borrow(wait_s=0.05):
        pass
    with guard.use(), pytest.raises(BusyError), guard.use(wait_s=0.05):
        pass


def test_per_thread_builds_one_instance_per_thread() -> None:
    local = PerThread(object)
    with ThreadPoolExecutor(4) as pool:
        ids = set(pool.map(lambda _: (threading.get_ident(), id(local.get())), range(40)))
    assert len({instance for _, instance in ids}) == len({thread for thread, _ in ids})
