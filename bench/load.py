"""Load the web app on 127.0.0.1: N requests over C concurrent connections, every endpoint.

Builds a database from ``examples/`` (ingest + analyze through the public API) unless
``--db`` names one, serves it with uvicorn on a free loopback port in this process,
collects real ids (stories, articles, entities, compare pairs) from the API, then sends
``--requests`` GETs from ``--connections`` threads, each with its own keep-alive
connection, cycling through every page and its ``/api`` twin plus a few hostile
requests (a 64 KB search query, control characters, huge offsets, a foreign Host).

Figures: responses by status (the target is 0 of status 500), latency p50/p95/max
overall and per endpoint, requests per second, and the time a 64 KB query took.
Only 127.0.0.1 is contacted; the run stops after ``--max-seconds``.

Run (2 cores, shared machine):
    nice -n 15 .venv/bin/python bench/load.py --requests 5000 --connections 16
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote

import httpx

from corroborator.web.server import background_server

ROOT = Path(__file__).resolve().parents[1]
#: Concurrent compare requests in the burst (the issue saw 29 failures of 40).
BURST = 40
COMMAND = "nice -n 15 .venv/bin/python bench/load.py --requests {n} --connections {c}"


def build_db(folder: Path) -> Path:
    """A database of the example corpus, ingested and analyzed."""
    from corroborator.pipeline import analyze, ingest
    from corroborator.store import open_store

    path = folder / "load.db"
    store = open_store(path)
    try:
        ingest([ROOT / "examples"], store)
        analyze(store)
    finally:
        store.close()
    return path


def collect_paths(base: str) -> list[tuple[str, str]]:
    """(endpoint name, path) for every page and API twin, with real ids from the app."""
    with httpx.Client(base_url=base, timeout=60) as http:
        stories = http.get("/api/stories", params={"limit": 20}).json()["stories"]
        story_ids = [s["id"] for s in stories][:6]
        articles: list[str] = []
        entities: list[str] = []
        for story_id in story_ids:
            view = http.get(f"/api/story/{story_id}").json()
            articles += _ids(view, "article")
            entities += _names(view)
    pairs = list(zip(articles, articles[1:], strict=False))[:6] or [("x", "y")]
    paths: list[tuple[str, str]] = [("stories", "/?sort=recent"), ("stories", "/?sort=disputed"),
                                    ("stories", "/?offset=20&limit=10"), ("search", "/search?q=bridge"),
                                    ("search", "/search?q=minister%20said")]
    for story_id in story_ids:
        paths += [("story", f"/story/{story_id}"), ("matrix", f"/story/{story_id}/matrix")]
    paths += [("article", f"/article/{a}") for a in articles[:10]]
    paths += [("entity", f"/entity/{quote(name)}") for name in entities[:8]]
    paths += [("compare", f"/compare?a={a}&b={b}") for a, b in pairs]
    twins = [(f"api-{name}", "/api/stories" + path[1:] if path.startswith("/?") else "/api" + path)
             for name, path in paths]
    hostile = [("hostile", "/api/search?q=" + "a%20" * 16_000), ("hostile", "/search?q=%00"),
               ("hostile", "/api/stories?offset=99999999999999999999"),
               ("hostile", "/api/stories?limit=-5"), ("hostile", "/story/%3Cscript%3E"),
               ("hostile", "/static/app.js"), ("hostile", "/nowhere/at/all")]
    return paths + twins + hostile


def _ids(view: object, key: str) -> list[str]:
    """Every ``id`` found under dicts that look like articles in a story view."""
    found: list[str] = []
    stack = [view]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if "id" in node and ("outlet" in node and "title" in node):
                found.append(str(node["id"]))
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return list(dict.fromkeys(found))


def _names(view: object) -> list[str]:
    """Entity names listed in a story view (``people``/``entities`` entries)."""
    names: list[str] = []
    stack = [view]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            for key in ("canonical", "name"):
                if isinstance(node.get(key), str) and node.get("label") in {"PERSON", "ORG",
                                                                            "GPE", None}:
                    names.append(node[key])
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return list(dict.fromkeys(names))[:20]


def run_load(base: str, paths: list[tuple[str, str]], requests: int, connections: int,
             max_seconds: float) -> tuple[Counter, dict[str, list[float]], float]:
    """Send the requests; (status counts, latencies by endpoint, elapsed seconds)."""
    statuses: Counter = Counter()
    latencies: dict[str, list[float]] = defaultdict(list)
    lock = threading.Lock()
    stop = time.monotonic() + max_seconds
    local = threading.local()

    def one(index: int) -> None:
        if time.monotonic() > stop:
            return
        http = getattr(local, "http", None)
        if http is None:
            http = local.http = httpx.Client(base_url=base, timeout=120)
        name, path = paths[index % len(paths)]
        started = time.monotonic()
        try:
            status = http.get(path).status_code
        except Exception as exc:  # noqa: BLE001 - every failure is a figure here
            status = f"error {type(exc).__name__}"
        with lock:
            statuses[status] += 1
            latencies[name].append(time.monotonic() - started)

    started = time.monotonic()
    with ThreadPoolExecutor(connections) as pool:
        list(pool.map(one, range(requests)))
    return statuses, latencies, time.monotonic() - started


def compare_burst(base: str, paths: list[tuple[str, str]], size: int) -> Counter:
    """Statuses of `size` compare requests sent at once, each on its own connection."""
    compares = [path for name, path in paths if name == "api-compare"] or ["/api/compare"]

    def one(index: int) -> object:
        with httpx.Client(base_url=base, timeout=120) as http:
            try:
                return http.get(compares[index % len(compares)]).status_code
            except Exception as exc:  # noqa: BLE001
                return f"error {type(exc).__name__}"

    with ThreadPoolExecutor(size) as pool:
        return Counter(pool.map(one, range(size)))


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", type=Path, help="serve this database instead of the examples")
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--max-seconds", type=float, default=1800.0)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or build_db(Path(tmp))
        with background_server(db) as base:
            paths = collect_paths(base)
            with httpx.Client(base_url=base, timeout=30) as http:
                started = time.monotonic()
                big = http.get("/api/search", params={"q": "a " * 16_000}).status_code
                big_s = time.monotonic() - started
                foreign = http.get("/api/stories", headers={"host": "evil.example"}).status_code
            statuses, latencies, elapsed = run_load(base, paths, args.requests,
                                                    args.connections, args.max_seconds)
            burst = compare_burst(base, paths, BURST)
    everything = [v for values in latencies.values() for v in values]
    done = sum(statuses.values())
    print(f"requests: {done:,} over {args.connections} connections in {elapsed:.1f} s "
          f"({done / elapsed:.1f}/s); {len(paths)} distinct paths")
    print("statuses: " + ", ".join(f"{k}: {v}" for k, v in sorted(statuses.items(), key=str)))
    print(f"latency: p50 {statistics.median(everything) * 1000:.0f} ms, "
          f"p95 {percentile(everything, 0.95) * 1000:.0f} ms, max {max(everything) * 1000:.0f} ms")
    for name in sorted(latencies):
        values = latencies[name]
        print(f"  {name:12s} n={len(values):5d} p50 {statistics.median(values) * 1000:7.0f} ms "
              f"p95 {percentile(values, 0.95) * 1000:7.0f} ms")
    print(f"burst of {BURST} concurrent compare requests: "
          + ", ".join(f"{k}: {v}" for k, v in sorted(burst.items(), key=str)))
    print(f"64 KB search query: status {big} in {big_s * 1000:.0f} ms; "
          f"foreign Host: status {foreign}")
    print("command:", COMMAND.format(n=args.requests, c=args.connections))
    return 0 if statuses[500] == 0 and burst[500] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
