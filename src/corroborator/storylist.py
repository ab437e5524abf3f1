"""The stories list: filters, sorts and the per-story facts a desk scans first.

One :class:`StoryFilter` serves the web app (from the query string), the CLI
(``stories`` and ``report`` options) and the report, so a filtered URL, a
``stories`` call and a ``report`` with the same options select the same stories.
One-article stories are hidden unless ``singles`` is set; the view says how many
the filter hid, so the page can offer them with one click.

Example:
    >>> flt = StoryFilter.from_params({"min_sources": "2", "disputed": "1"})
    >>> flt.to_params()
    {'min_sources': '2', 'disputed': '1'}
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, fields, replace
from datetime import date
from typing import Any

from corroborator.store import Store

#: How the list can be ordered: the SQL ORDER BY of each sort (ties broken by id).
SORT_ORDER = {"recent": "last_seen DESC", "size": "n_sources DESC, n_articles DESC",
              "disputed": "n_disputed DESC, last_seen DESC"}
STATUSES = ("corroborated", "disputed", "unclear", "single-source")
MAX_MIN_SOURCES = 10_000
MAX_NAME_CHARS = 200
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})?$")
#: Most outlets (and languages) offered as filter choices, most articles first.
MAX_CHOICES = 200
UNKNOWN_OUTLET = "(unknown outlet)"

__all__ = ["SORT_ORDER", "StoryFilter", "filter_choices", "select_stories", "story_facts"]


@dataclass(frozen=True)
class StoryFilter:
    """Which stories a list or report covers.

    Attributes:
        query: words in the title (a substring match; ``q`` in a query string).
        min_sources: at least this many independent sources (copies count once).
        outlet: an outlet that covered the story (exact name).
        since: last seen on or after this date (``YYYY-MM-DD``).
        until: first seen on or before this date (``YYYY-MM-DD``).
        disputed: only stories with at least one disputed claim.
        language: an article of the story is in this language (``en``, ``pt-BR``).
        singles: include one-article stories (hidden by default).
    """

    query: str | None = None
    min_sources: int = 1
    outlet: str | None = None
    since: str | None = None
    until: str | None = None
    disputed: bool = False
    language: str | None = None
    singles: bool = False

    def __post_init__(self) -> None:
        _check_date("since", self.since)
        _check_date("until", self.until)
        if self.since and self.until and self.since > self.until:
            raise ValueError(f"since ({self.since}) is after until ({self.until})")
        if not 1 <= self.min_sources <= MAX_MIN_SOURCES:
            raise ValueError(f"min_sources must be from 1 to {MAX_MIN_SOURCES}, "
                             f"not {self.min_sources}")
        if self.language and not _LANGUAGE.match(self.language):
            raise ValueError(f"language must be a code like 'en' or 'pt-BR', "
                             f"not {self.language[:40]!r}")
        for name in ("query", "outlet"):
            value = getattr(self, name)
            if value and len(value) > MAX_NAME_CHARS:
                raise ValueError(f"{name} is too long ({len(value)} characters; "
                                 f"at most {MAX_NAME_CHARS})")

    @classmethod
    def from_params(cls, params: Mapping[str, str]) -> StoryFilter:
        """A filter from query-string parameters; ValueError names a bad one."""
        raw = {f.name: (params.get(f.name) or "").strip() for f in fields(cls)}
        minimum = raw["min_sources"] or "1"
        if not minimum.isdigit() or len(minimum) > 6:
            raise ValueError(f"min_sources must be a whole number, not {minimum[:40]!r}")
        return cls(query=(params.get("q") or "").strip() or None,
                   min_sources=int(minimum), outlet=raw["outlet"] or None,
                   since=raw["since"] or None, until=raw["until"] or None,
                   disputed=_flag(raw["disputed"]), language=raw["language"] or None,
                   singles=_flag(raw["singles"]))

    def to_params(self) -> dict[str, str]:
        """The query-string parameters that differ from the defaults (for links)."""
        out = {}
        for name, value in asdict(self).items():
            if value in (None, False, "") or (name == "min_sources" and value == 1):
                continue
            out["q" if name == "query" else name] = "1" if value is True else str(value)
        return out

    def with_changes(self, **changes: Any) -> StoryFilter:
        """A copy with some fields changed."""
        return replace(self, **changes)

    def where(self) -> tuple[str, list[Any]]:
        """The SQL WHERE clause over ``stories`` (alias ``s``) and its bound values."""
        clauses, params = ["s.n_sources >= ?"], [self.min_sources]
        if not self.singles:
            clauses.append("s.n_articles >= 2")
        if self.query:
            clauses.append("s.title LIKE ? ESCAPE '\\'")
            params.append(f"%{_like(self.query)}%")
        if self.disputed:
            clauses.append("s.n_disputed > 0")
        if self.since:
            clauses.append("substr(s.last_seen, 1, 10) >= ?")
            params.append(self.since)
        if self.until:
            clauses.append("substr(s.first_seen, 1, 10) <= ?")
            params.append(self.until)
        if self.outlet:
            clauses.append("EXISTS (SELECT 1 FROM story_articles sa JOIN articles a "
                           "ON a.id = sa.article_id WHERE sa.story_id = s.id AND "
                           "coalesce(a.outlet, ?) = ?)")
            params += [UNKNOWN_OUTLET, self.outlet]
        if self.language:
            clauses.append("EXISTS (SELECT 1 FROM story_articles sa JOIN articles a "
                           "ON a.id = sa.article_id WHERE sa.story_id = s.id AND "
                           "lower(a.language) = lower(?))")
            params.append(self.language.replace("_", "-"))
        return " AND ".join(clauses), params


def select_stories(store: Store, flt: StoryFilter, sort: str = "recent", limit: int | None = 50,
                   offset: int = 0) -> tuple[list[dict[str, Any]], int, int]:
    """Stories the filter selects, one page of them.

    Returns:
        ``(rows, total, hidden_singles)``: the page's ``stories`` rows, how many stories
        match on all pages, and how many one-article stories the filter hid.
    """
    if sort not in SORT_ORDER:
        raise ValueError(f"unknown sort {sort!r}; choose one of {', '.join(SORT_ORDER)}")
    where, params = flt.where()
    page = "" if limit is None else " LIMIT ? OFFSET ?"
    rows = store.query(f"SELECT s.* FROM stories s WHERE {where} "
                       f"ORDER BY {SORT_ORDER[sort]}, s.id{page}",
                       [*params, *([limit, offset] if limit is not None else [])])
    total = _count(store, flt)
    hidden = 0 if flt.singles else _count(store, flt.with_changes(singles=True)) - total
    return [dict(r) for r in rows], total, hidden


def _count(store: Store, flt: StoryFilter) -> int:
    where, params = flt.where()
    return int(store.query(f"SELECT count(*) FROM stories s WHERE {where}", params)[0][0])


def story_facts(store: Store, story_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    """Per story: its outlets with article counts, languages, claim status counts and
    its top dispute (the first-ranked disputed claim and who disputes it)."""
    ids = list(story_ids)
    facts: dict[str, dict[str, Any]] = {
        i: {"outlet_counts": [], "languages": [], "status_counts": dict.fromkeys(STATUSES, 0),
            "top_dispute": None} for i in ids}
    if not ids:
        return facts
    marks = ",".join("?" * len(ids))
    for r in store.query(
            "SELECT sa.story_id, coalesce(a.outlet, ?) AS outlet, count(*) AS n FROM "
            f"story_articles sa JOIN articles a ON a.id = sa.article_id WHERE sa.story_id IN "
            f"({marks}) GROUP BY sa.story_id, 2 ORDER BY n DESC, 2", [UNKNOWN_OUTLET, *ids]):
        facts[r["story_id"]]["outlet_counts"].append({"name": r["outlet"], "articles": r["n"]})
    for r in store.query(
            "SELECT DISTINCT sa.story_id, a.language FROM story_articles sa JOIN articles a ON "
            f"a.id = sa.article_id WHERE sa.story_id IN ({marks}) AND a.language IS NOT NULL "
            "ORDER BY a.language", ids):
        facts[r[0]]["languages"].append(r[1])
    for r in store.query("SELECT story_id, status, count(*) FROM claim_groups "
                         f"WHERE story_id IN ({marks}) GROUP BY story_id, status", ids):
        facts[r[0]]["status_counts"][r[1]] = r[2]
    for story_id, dispute in _top_disputes(store, ids, marks).items():
        facts[story_id]["top_dispute"] = dispute
    return facts


def _top_disputes(store: Store, ids: list[str], marks: str) -> dict[str, dict[str, Any]]:
    """The first-ranked disputed claim group of each story, with its disputing outlets."""
    top = store.query(
        "SELECT story_id, id, text FROM (SELECT story_id, id, text, row_number() OVER "
        "(PARTITION BY story_id ORDER BY rank, rowid) AS n FROM claim_groups WHERE "
        f"story_id IN ({marks}) AND status = 'disputed') WHERE n = 1", ids)
    found = {r["id"]: {"story_id": r["story_id"], "group_id": r["id"], "claim": r["text"],
                       "disputed_by": [], "evidence": None} for r in top}
    if not found:
        return {}
    group_marks = ",".join("?" * len(found))
    disputes: dict[str, list[tuple[float, str, str]]] = defaultdict(list)
    for r in store.query(
            "SELECT st.group_id, coalesce(a.outlet, ?) AS outlet, st.score, st.evidence FROM "
            "stances st JOIN articles a ON a.id = st.article_id WHERE st.label = 'disagree' "
            f"AND st.group_id IN ({group_marks})", [UNKNOWN_OUTLET, *found]):
        disputes[r["group_id"]].append((r["score"] or 0.0, r["outlet"], r["evidence"] or ""))
    for group_id, items in disputes.items():
        items.sort(reverse=True)
        found[group_id]["disputed_by"] = sorted({outlet for _, outlet, _ in items})
        found[group_id]["evidence"] = items[0][2] or None
    return {d.pop("story_id"): d for d in found.values()}


def filter_choices(store: Store) -> dict[str, list[dict[str, Any]]]:
    """The outlets and languages a filter can pick, most articles first."""
    counts = store.query("SELECT outlet, count(*) FROM articles GROUP BY outlet")  # the index
    outlets = sorted(({"name": r[0] or UNKNOWN_OUTLET, "articles": r[1]} for r in counts),
                     key=lambda o: (-o["articles"], o["name"]))[:MAX_CHOICES]
    languages = store.query("SELECT language AS code, count(*) AS articles FROM articles "
                            "WHERE language IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT ?",
                            (MAX_CHOICES,))
    return {"outlets": outlets, "languages": [dict(r) for r in languages]}


def _check_date(name: str, value: str | None) -> None:
    if value is None:
        return
    try:
        date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{name} must be a date like 2024-05-01, not {value[:40]!r}") from None
    if len(value) != 10:
        raise ValueError(f"{name} must be a date like 2024-05-01, not {value[:40]!r}")


def _flag(value: str) -> bool:
    return value.lower() in ("1", "true", "yes", "on")


def _like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
