"""Watch feeds, pages and folders: ingest what is new, analyze, alert on what changed.

One :func:`poll` fetches every watched source (in parallel, each under its own
deadline, so a dead or slow feed never holds up the others), stores the new
articles, analyzes incrementally and returns the :class:`Alert` s for what changed:
a new story (two or more independent sources), a claim newly disputed, a claim
newly corroborated, and a new conflict of details (a number, a name, a date).

Politeness: a URL is asked with ``If-None-Match`` / ``If-Modified-Since`` from its
last answer, robots.txt is honoured, a failing source waits twice as long after
each failure (up to ``MAX_BACKOFF_S``), and one poll takes at most
``max_items`` articles from a source.

Exactly once: what was alerted is remembered in the database (``watch_seen`` by
claim, article and conflict, ``watch_alerts`` by key) in the same transaction as
the alert, so a restart never repeats one, and a claim group that grows (its id
changes when a claim joins) is still the same claim. The first poll of a database
that already holds stories takes them as known, without alerting.

Example:
    >>> with open_store("news.db") as store:                     # doctest: +SKIP
    ...     result = poll(store, ["https://example.org/feed.xml", "inbox/"])
    >>> [a.title for a in result.alerts]                        # doctest: +SKIP
"""

from __future__ import annotations

import json
import os
import re
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from corroborator.errors import InputError
from corroborator.models import Article
from corroborator.store import Store
from corroborator.store.database import now_iso

#: Seconds between polls when none is given (15 minutes), and the shortest allowed.
DEFAULT_EVERY_S = 900.0
MIN_EVERY_S = 1.0
#: Longest wait after repeated failures of one source (6 hours).
MAX_BACKOFF_S = 6 * 3600.0
#: Most new articles taken from one source in one poll.
MAX_ITEMS_PER_POLL = 200
#: Sources fetched at once.
FETCH_THREADS = 8
#: A story is alerted as new once it has this many independent sources.
NEW_STORY_SOURCES = 2
ALERT_KINDS = ("new_story", "disputed", "corroborated", "conflict")
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d)?\s*$", re.I)
_UNIT_S = {"s": 1, "m": 60, "h": 3600, "d": 86400}

__all__ = ["Alert", "PollResult", "WatchOptions", "alerts_since", "parse_every", "poll",
           "watch"]


@dataclass
class WatchOptions:
    """How sources are polled.

    Attributes:
        timeout: seconds allowed for one URL in total (connect, redirects, body).
        max_bytes: largest response body accepted.
        max_items: most new articles taken from one source per poll.
        respect_robots: ask each site's robots.txt before fetching.
        workers: processes for analysis (None: all cores).
        user_agent: the ``User-Agent`` header.
        follow_links: fetch the page each new feed entry links to (a fact-check page
            with its ClaimReview, the full article), within ``timeout`` per poll of a
            feed; pages already stored are not fetched again.
    """

    timeout: float = 10.0
    max_bytes: int = 5_000_000
    max_items: int = MAX_ITEMS_PER_POLL
    respect_robots: bool = True
    workers: int | None = None
    user_agent: str = "corroborator-watch/0.1"
    follow_links: bool = False


@dataclass
class Alert:
    """One change worth telling: what, where, and the sentences that show it."""

    key: str
    kind: str
    title: str
    story_id: str | None
    created_at: str
    detail: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The alert as a JSON-ready dict (one line of ``--alerts FILE.jsonl``)."""
        from corroborator.views import SCHEMA_VERSION

        return {"schema_version": SCHEMA_VERSION, **asdict(self)}


@dataclass
class SourceResult:
    """What one source gave in one poll."""

    source: str
    status: str
    articles: list[Article] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    etag: str | None = None
    last_modified: str | None = None
    files: list[tuple[str, int, int]] = field(default_factory=list)


@dataclass
class PollResult:
    """One poll: per-source status, articles added, errors and the alerts raised."""

    sources: dict[str, str] = field(default_factory=dict)
    added: int = 0
    errors: list[str] = field(default_factory=list)
    alerts: list[Alert] = field(default_factory=list)

    def summary(self) -> str:
        """One line for people."""
        return (f"{len(self.sources)} sources polled, {self.added} new articles, "
                f"{len(self.alerts)} alerts, {len(self.errors)} errors")


def parse_every(text: str) -> float:
    """Seconds from a duration like ``15m``, ``90s``, ``1h`` or ``600`` (seconds)."""
    match = _DURATION.match(text or "")
    if not match:
        raise ValueError(f"--every must be a duration like 15m, 90s or 1h, not {text!r}")
    seconds = float(match.group(1)) * _UNIT_S[(match.group(2) or "s").lower()]
    if seconds < MIN_EVERY_S:
        raise ValueError(f"--every must be at least {MIN_EVERY_S:g} s, not {text!r}")
    return seconds


# -- one poll ---------------------------------------------------------------------------------


def poll(store: Store, sources: Sequence[str], options: WatchOptions | None = None,
         analyze: Callable[[Store], Any] | None = None) -> PollResult:
    """Fetch every source, store what is new, analyze, and return the new alerts.

    Args:
        store: an open, writable store.
        sources: feed or page URLs, folders or files.
        options: politeness and limits.
        analyze: the analysis to run when articles were added (default:
            :func:`corroborator.pipeline.analyze` with ``options.workers``).
    """
    from corroborator.pipeline import analyze as run_analyze

    options = options or WatchOptions()
    _baseline(store)
    result = PollResult()
    due = [s for s in sources if _due(store, s)]
    for s in sources:
        if s not in due:
            result.sources[s] = "backing off"
    with ThreadPoolExecutor(max_workers=min(FETCH_THREADS, max(1, len(due)))) as pool:
        fetched = list(pool.map(lambda s: _read_source(store.path, s, options), due))
    for item in fetched:
        result.sources[item.source] = item.status
        result.errors += item.errors
        result.added += _store_articles(store, item)
        _record_source(store, item)
    if result.added or store.stale_stories():
        (analyze or (lambda st: run_analyze(st, workers=options.workers)))(store)
    result.alerts = detect_alerts(store)
    return result


def _due(store: Store, source: str) -> bool:
    rows = store.query("SELECT retry_after FROM watch_sources WHERE source = ?", (source,))
    return not rows or not rows[0][0] or rows[0][0] <= now_iso()


def _store_articles(store: Store, item: SourceResult) -> int:
    from corroborator.factcheck import save_reviews

    added = store.add_articles(item.articles) if item.articles else []
    save_reviews(store, item.articles)
    return sum(1 for flag in added if flag)


def _record_source(store: Store, item: SourceResult) -> None:
    """Remember validators and files on success; back off on failure."""
    with store.transaction() as conn:
        row = conn.execute("SELECT failures, etag, last_modified FROM watch_sources "
                           "WHERE source = ?", (item.source,)).fetchone()
        failures, etag, modified = row if row else (0, None, None)
        failed = item.status.startswith("error")
        failures = failures + 1 if failed else 0
        retry = None
        if failed:
            wait = min(MAX_BACKOFF_S, 30.0 * 2 ** (failures - 1))
            retry = (datetime.now(UTC) + timedelta(seconds=wait)).isoformat(timespec="seconds")
        conn.execute("INSERT OR REPLACE INTO watch_sources VALUES (?,?,?,?,?,?,?)",
                     (item.source, item.etag or (None if item.status == "fetched" else etag),
                      item.last_modified or (None if item.status == "fetched" else modified),
                      now_iso(), item.status, failures, retry))
        conn.executemany("INSERT OR REPLACE INTO watch_files VALUES (?,?,?,?)",
                         [(item.source, *f) for f in item.files])


# -- reading sources (worker threads: no store writes here) ------------------------------------


def _read_source(db_path: Path, source: str, options: WatchOptions) -> SourceResult:
    """Read one source; every failure becomes an ``error: ...`` status, never an exception."""
    try:
        if re.match(r"^https?://", source, re.I):
            return _read_url(db_path, source, options)
        return _read_path(db_path, source, options)
    except InputError as exc:
        return SourceResult(source, f"error: {exc.problem}", errors=[str(exc)])
    except Exception as exc:  # noqa: BLE001 - one broken source must not stop the watch
        return SourceResult(source, f"error: {exc}", errors=[f"{source}: {exc}"])


def _validators(db_path: Path, source: str) -> tuple[str | None, str | None]:
    from corroborator.store import open_store

    with open_store(db_path, readonly=True) as store:
        rows = store.query("SELECT etag, last_modified FROM watch_sources WHERE source = ?",
                           (source,))
    return (rows[0][0], rows[0][1]) if rows else (None, None)


def _read_url(db_path: Path, url: str, options: WatchOptions) -> SourceResult:
    """A conditional GET: 304 means nothing new; otherwise the body's articles."""
    from corroborator.ingest import IngestOptions
    from corroborator.ingest.robots import RobotsRules

    ingest_options = IngestOptions(timeout=options.timeout, max_bytes=options.max_bytes,
                                   user_agent=options.user_agent,
                                   follow_deadline=options.timeout,
                                   respect_robots=options.respect_robots)
    if options.respect_robots:
        refused = RobotsRules(ingest_options).allows(url)
        if refused:
            return SourceResult(url, f"error: {refused}", errors=[f"{url}: {refused}"])
    etag, modified = _validators(db_path, url)
    status, headers, body, final_url = _conditional_get(url, etag, modified, options)
    if status == 304:
        return SourceResult(url, "not modified", etag=etag, last_modified=modified)
    known = _stored_urls(db_path) if options.follow_links else frozenset()
    articles, errors = _parse_body(url, final_url, headers, body, ingest_options,
                                   options.follow_links, known)
    kept, truncated = articles[:options.max_items], len(articles) > options.max_items
    return SourceResult(url, "fetched", kept, errors,
                        etag=None if truncated else headers.get("etag"),
                        last_modified=None if truncated else headers.get("last-modified"))


def _conditional_get(url: str, etag: str | None, modified: str | None,
                     options: WatchOptions) -> tuple[int, dict[str, str], bytes, str]:
    """GET with validators, under one total deadline and a body size cap."""
    import httpx

    from corroborator.ingest.deadline import DeadlineTransport
    from corroborator.ingest.http import tls_context
    from corroborator.ingest.limits import CONNECT_RETRIES
    from corroborator.ingest.options import input_error

    headers = {"User-Agent": options.user_agent, "Accept-Encoding": "gzip, deflate"}
    if etag:
        headers["If-None-Match"] = etag
    if modified:
        headers["If-Modified-Since"] = modified
    tls = tls_context()
    deadline = time.monotonic() + options.timeout
    transport = DeadlineTransport(deadline, verify=tls, retries=CONNECT_RETRIES)  # headers too
    try:
        with httpx.Client(transport=transport, timeout=options.timeout, follow_redirects=True,
                          max_redirects=5, headers=headers) as client, \
                client.stream("GET", url) as response:
            if response.status_code == 304:
                return 304, {}, b"", str(response.url)
            if response.status_code >= 400:
                raise input_error(url, f"HTTP {response.status_code} "
                                       f"{response.reason_phrase}".strip())
            body = bytearray()
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > options.max_bytes:
                    raise input_error(url, f"response larger than {options.max_bytes} bytes")
                if time.monotonic() > deadline:
                    raise input_error(url, f"timed out after {options.timeout:g} s")
            return (response.status_code, {k.lower(): v for k, v in response.headers.items()},
                    bytes(body), str(response.url))
    except httpx.TimeoutException:
        raise input_error(url, f"timed out after {options.timeout:g} s") from None
    except httpx.HTTPError as exc:
        raise input_error(url, f"cannot fetch ({type(exc).__name__})") from None


def _stored_urls(db_path: Path) -> frozenset[str]:
    """The URLs of the stored articles (pages a followed feed need not fetch again)."""
    from corroborator.store import open_store

    with open_store(db_path, readonly=True) as store:
        return frozenset(r[0] for r in store.query(
            "SELECT url FROM articles WHERE url IS NOT NULL"))


def _parse_body(url: str, final_url: str, headers: dict[str, str], body: bytes,
                options: Any, follow_links: bool = False,
                known: frozenset[str] = frozenset()) -> tuple[list[Article], list[str]]:
    """Articles (and one line per bad entry) from a fetched feed, page, JSON or CSV."""
    from corroborator.ingest.decode import decode_bytes
    from corroborator.ingest.feeds import looks_like_feed, read_feed
    from corroborator.ingest.sources import read_text_content

    content_type = headers.get("content-type", "").split(";")[0].strip().lower()
    head = body[:2048].decode("utf-8", errors="replace")
    if "rss" in content_type or "atom" in content_type or looks_like_feed(head):
        results = read_feed(body, url, options, follow_links, base_url=final_url,
                            known_links=known)
    else:
        decoded = decode_bytes(body, url)
        kind = "html" if "html" in content_type else None
        results = read_text_content(decoded, url, kind, options, False, final_url)
    articles, errors = [], []
    for item in results:
        (errors.append(str(item)) if isinstance(item, InputError) else articles.append(item))
    return articles, errors


def _read_path(db_path: Path, source: str, options: WatchOptions) -> SourceResult:
    """New or changed article files under a folder (or one file), oldest first."""
    from corroborator.ingest import IngestOptions
    from corroborator.ingest.options import input_error, kind_for_name
    from corroborator.ingest.sources import list_article_files, read_file
    from corroborator.store import open_store

    path = Path(source)
    if not path.exists():
        raise input_error(source, "no such file or directory")
    files = list_article_files(path) if path.is_dir() else [(path, kind_for_name(path.name))]
    with open_store(db_path, readonly=True) as store:
        known = {r[0]: (r[1], r[2]) for r in store.query(
            "SELECT path, mtime_ns, size FROM watch_files WHERE source = ?", (source,))}
    changed = []
    for file, kind in files:
        stat = file.stat()
        if known.get(str(file)) != (stat.st_mtime_ns, stat.st_size):
            changed.append((stat.st_mtime_ns, str(file), kind, stat.st_size))
    changed.sort()
    result = SourceResult(source, "read")
    options_in = IngestOptions(timeout=options.timeout, max_bytes=options.max_bytes)
    for mtime, name, kind, size in changed:
        if len(result.articles) >= options.max_items:
            break
        for item in read_file(Path(name), name, kind, options_in, False):
            if isinstance(item, InputError):
                result.errors.append(str(item))
            else:
                result.articles.append(item)
        result.files.append((name, mtime, size))
    return result


# -- what changed -----------------------------------------------------------------------------


def _baseline(store: Store) -> None:
    """On a database's first watch, take what it already holds as known (no alerts)."""
    started = store.query("SELECT 1 FROM watch_seen WHERE kind = 'baseline'")
    if not started:
        with store.transaction() as conn:
            _mark_seen(conn, _current(store))
            conn.execute("INSERT OR IGNORE INTO watch_seen VALUES ('baseline', ?)", (now_iso(),))


def detect_alerts(store: Store) -> list[Alert]:
    """Alerts for what is in the store but not yet alerted; recorded before returning."""
    current = _current(store)
    with store.transaction() as conn:
        alerts = []
        for kind, items, build in current:
            seen = _seen_any(conn, kind, items)
            if not seen:
                alert = build()
                if conn.execute("INSERT OR IGNORE INTO watch_alerts (key, kind, created_at, "
                                "story_id, title, detail) VALUES (?,?,?,?,?,?)",
                                (alert.key, alert.kind, alert.created_at, alert.story_id,
                                 alert.title, json.dumps(alert.detail, ensure_ascii=False))
                                ).rowcount:
                    alerts.append(alert)
        _mark_seen(conn, current)
    return alerts


def _seen_any(conn: Any, kind: str, items: Sequence[str]) -> bool:
    marks = ",".join("?" * len(items))
    return bool(conn.execute(f"SELECT 1 FROM watch_seen WHERE kind = ? AND item IN ({marks}) "
                             "LIMIT 1", [kind, *items]).fetchone())


def _mark_seen(conn: Any, current: Iterable[tuple[str, list[str], Any]]) -> None:
    conn.executemany("INSERT OR IGNORE INTO watch_seen VALUES (?,?)",
                     [(kind, item) for kind, items, _ in current for item in items])


def _current(store: Store) -> list[tuple[str, list[str], Callable[[], Alert]]]:
    """Every alertable fact now in the store: (kind, identifying items, alert builder)."""
    facts: list[tuple[str, list[str], Callable[[], Alert]]] = []
    outlets = _outlets_by_article(store)
    for row in store.query("SELECT * FROM stories WHERE n_sources >= ?", (NEW_STORY_SOURCES,)):
        ids = [r[0] for r in store.query("SELECT article_id FROM story_articles WHERE "
                                         "story_id = ? ORDER BY seq", (row["id"],))]
        facts.append(("new_story", ids, _story_alert(dict(row), ids, outlets)))
    for group in store.query("SELECT g.id, g.story_id, g.text, g.status, s.title FROM "
                             "claim_groups g JOIN stories s ON s.id = g.story_id WHERE "
                             "g.status IN ('disputed', 'corroborated')"):
        claims = [r[0] for r in store.query("SELECT claim_id FROM claim_group_members WHERE "
                                            "group_id = ?", (group["id"],))]
        if claims:
            facts.append((group["status"], claims, _claim_alert(store, dict(group), claims,
                                                                outlets)))
    for row in store.query("SELECT d.*, s.title FROM discrepancies d JOIN stories s ON "
                           "s.id = d.story_id WHERE d.kind != 'claim'"):
        item = f"{row['story_id']}|{row['kind']}|{sorted(json.loads(row['values']))}"
        facts.append(("conflict", [item], _conflict_alert(dict(row), item, outlets)))
    return facts


def _outlets_by_article(store: Store) -> dict[str, str]:
    return {r[0]: r[1] or "(unknown outlet)" for r in store.query(
        "SELECT a.id, a.outlet FROM articles a JOIN story_articles sa ON sa.article_id = a.id")}


def _story_alert(row: dict[str, Any], ids: list[str], outlets: dict[str, str]) -> Callable:
    def build() -> Alert:
        names = sorted({outlets.get(i, "(unknown outlet)") for i in ids})
        return Alert(f"new_story:{ids[0]}", "new_story", f"New story: {row['title']}",
                     row["id"], now_iso(), {"outlets": names, "n_sources": row["n_sources"],
                                            "n_articles": row["n_articles"],
                                            "first_seen": row["first_seen"]})
    return build


def _claim_alert(store: Store, group: dict[str, Any], claims: list[str],
                 outlets: dict[str, str]) -> Callable:
    def build() -> Alert:
        said = [{"outlet": outlets.get(r[0], "(unknown outlet)"), "article_id": r[0],
                 "sentence": r[1]} for r in store.query(
            f"SELECT article_id, text FROM claims WHERE id IN ({','.join('?' * len(claims))})",
            claims)]
        label = "disagree" if group["status"] == "disputed" else "agree"
        stances = [{"outlet": outlets.get(r[0], "(unknown outlet)"), "article_id": r[0],
                    "sentence": r[1], "probability": r[2]} for r in store.query(
            "SELECT article_id, evidence, score FROM stances WHERE group_id = ? AND label = ? "
            "ORDER BY score DESC", (group["id"], label))]
        verb = "Disputed" if group["status"] == "disputed" else "Corroborated"
        key = f"{group['status']}:{min(claims)}"
        return Alert(key, group["status"], f"{verb}: {group['text']}", group["story_id"],
                     now_iso(), {"claim": group["text"], "story": group["title"],
                                 "claimed_by": said,
                                 ("disputed_by" if label == "disagree" else "agreed_by"): stances})
    return build


def _conflict_alert(row: dict[str, Any], item: str, outlets: dict[str, str]) -> Callable:
    def build() -> Alert:
        evidence = json.loads(row["evidence"])
        return Alert(f"conflict:{item}", "conflict", f"Conflict: {row['description']}",
                     row["story_id"], now_iso(),
                     {"story": row["title"], "kind": row["kind"],
                      "values": json.loads(row["values"]),
                      "evidence": [{"outlet": outlets.get(a, "(unknown outlet)"),
                                    "article_id": a, "sentence": s}
                                   for a, s in evidence.items()]})
    return build


def alerts_since(store: Store, limit: int = 100) -> list[Alert]:
    """The latest alerts recorded in the store, newest first."""
    if not store.query("SELECT 1 FROM sqlite_master WHERE name = 'watch_alerts'"):
        return []  # a database opened read-only before its upgrade
    return [Alert(r["key"], r["kind"], r["title"], r["story_id"], r["created_at"],
                  json.loads(r["detail"])) for r in store.query(
        "SELECT * FROM watch_alerts ORDER BY id DESC LIMIT ?", (limit,))]


# -- the loop ---------------------------------------------------------------------------------


def watch(store: Store, sources: Sequence[str], every: float = DEFAULT_EVERY_S,
          once: bool = False, options: WatchOptions | None = None,
          on_poll: Callable[[PollResult], None] | None = None,
          stop: threading.Event | None = None) -> int:
    """Poll `sources` every `every` seconds until `stop` is set (or once).

    Returns:
        The number of polls made. Setting `stop` (e.g. on Ctrl-C) ends the loop after
        the current poll, never in the middle of one.
    """
    stop = stop or threading.Event()
    polls = 0
    while not stop.is_set():
        result = poll(store, sources, options)
        polls += 1
        if on_poll:
            on_poll(result)
        if once or stop.wait(every):
            break
    return polls


def append_alerts(path: str | os.PathLike[str], alerts: Sequence[Alert]) -> None:
    """Append alerts to a JSONL file, one object per line."""
    if not alerts:
        return
    with open(path, "a", encoding="utf-8") as handle:
        for alert in alerts:
            handle.write(json.dumps(alert.to_dict(), ensure_ascii=False) + "\n")


def alerts_view(store: Store, limit: int = 100) -> dict[str, Any]:
    """The latest alerts as a JSON-ready view (``/api/alerts``), newest first."""
    from corroborator.views import SCHEMA_VERSION

    return {"schema_version": SCHEMA_VERSION,
            "alerts": [asdict(a) for a in alerts_since(store, limit)]}
