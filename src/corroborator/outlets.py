"""Outlet pages: what one outlet covered and how its claims fared with the others.

Descriptive, never a score: counts, the claims others corroborated or disputed with
the sentences that show it, what the outlet alone reported, and its sourcing mix and
writing signals per month. Nothing here ranks outlets or rolls them into one number.

Example:
    >>> with open_store("news.db", readonly=True) as store:     # doctest: +SKIP
    ...     view = outlet_view(store, "Daily Ledger")
    >>> sorted(view)                                            # doctest: +SKIP
    ['alone', 'corroborated', 'disputed', 'outlet', 'schema_version', 'signals_by_month',
     'stories']
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

from corroborator.errors import NotFoundError
from corroborator.store import Store

UNKNOWN_OUTLET = "(unknown outlet)"
#: Most stories and claims listed per section of an outlet page.
SECTION_LIMIT = 50
_OUTLET = "coalesce(a.outlet, '(unknown outlet)')"

__all__ = ["outlet_view", "outlets_view"]


def outlets_view(store: Store, only: str | None = None) -> dict[str, Any]:
    """Every outlet with its article, story and claim counts, most articles first.

    Returns:
        ``{schema_version, outlets}``; each outlet has ``name``, ``articles``, ``stories``,
        ``first_published``, ``last_published``, ``claims_corroborated``,
        ``claims_disputed`` (its claims in groups with that status) and ``disputes_raised``
        (stances of its articles disputing others' claims). `only` restricts the list to
        one outlet (an outlet page's header).
    """
    from corroborator.views import SCHEMA_VERSION

    where, params = _where(only)
    rows = {r["name"]: dict(r) for r in store.query(
        f"SELECT {_OUTLET} AS name, count(*) AS articles, "
        "count(DISTINCT sa.story_id) AS stories, min(a.published) AS first_published, "
        "max(a.published) AS last_published FROM articles a LEFT JOIN story_articles sa "
        f"ON sa.article_id = a.id WHERE {where} GROUP BY 1", params)}
    for row in rows.values():
        row |= {"claims_corroborated": 0, "claims_disputed": 0, "disputes_raised": 0}
    for r in store.query(
            f"SELECT {_OUTLET} AS name, g.status, count(DISTINCT g.id) FROM claim_groups g "
            "JOIN claim_group_members m ON m.group_id = g.id JOIN claims c INDEXED BY "
            "claims_id_article ON c.id = m.claim_id JOIN articles a INDEXED BY articles_id_outlet "
            f"ON a.id = c.article_id WHERE {where} AND g.status IN "
            "('corroborated', 'disputed') GROUP BY 1, 2", params):
        rows[r[0]][f"claims_{r[1]}"] = r[2]
    for r in store.query(f"SELECT {_OUTLET}, count(*) FROM stances s JOIN articles a "
                         "INDEXED BY articles_id_outlet ON a.id = s.article_id WHERE "
                         f"{where} AND s.label = 'disagree' GROUP BY 1", params):
        rows[r[0]]["disputes_raised"] = r[1]
    ordered = sorted(rows.values(), key=lambda r: (-r["articles"], r["name"]))
    return {"schema_version": SCHEMA_VERSION, "outlets": ordered}


def outlet_view(store: Store, name: str) -> dict[str, Any]:
    """One outlet: its stories, its claims others corroborated or disputed (with the
    evidence), what it alone reported, and its sourcing and signals per month.

    Raises:
        NotFoundError: no article has this outlet name.
    """
    from corroborator.views import SCHEMA_VERSION

    summary = outlets_view(store, only=name)["outlets"]
    if not summary:
        raise NotFoundError(f"no outlet named {name!r} (run 'corroborator outlet' to list them)")
    groups = _outlet_groups(store, name)
    return {
        "schema_version": SCHEMA_VERSION,
        "outlet": summary[0],
        "stories": _stories(store, name),
        "corroborated": [g for g in groups if g["status"] == "corroborated"][:SECTION_LIMIT],
        "disputed": [g for g in groups if g["status"] == "disputed"][:SECTION_LIMIT],
        "alone": _alone(store, name),
        "signals_by_month": _signals_by_month(store, name),
    }


def _where(name: str | None, alias: str = "a") -> tuple[str, list[Any]]:
    """SQL selecting one outlet's articles (through the outlet index), or all."""
    if name is None:
        return "1", []
    if name == UNKNOWN_OUTLET:
        return f"{alias}.outlet IS NULL", []
    return f"{alias}.outlet = ?", [name]


def _stories(store: Store, name: str) -> list[dict[str, Any]]:
    rows = store.query(
        "SELECT s.id, s.title, s.first_seen, s.last_seen, s.n_sources, s.n_disputed, "
        "count(*) AS its_articles FROM stories s JOIN story_articles sa ON sa.story_id = s.id "
        f"JOIN articles a ON a.id = sa.article_id WHERE {_where(name)[0]} GROUP BY s.id "
        "ORDER BY s.last_seen DESC LIMIT ?", (*_where(name)[1], SECTION_LIMIT))
    return [dict(r) for r in rows]


def _outlet_groups(store: Store, name: str) -> list[dict[str, Any]]:
    """Corroborated or disputed claim groups holding a claim of this outlet, with the
    outlet's sentence and the other outlets' agreeing or disputing sentences."""
    found: dict[str, dict[str, Any]] = {}
    for r in store.query(
            "SELECT g.id, g.text, g.status, g.story_id, s.title, c.text AS sentence, "
            "c.article_id FROM claim_groups g JOIN stories s ON s.id = g.story_id "
            "JOIN claim_group_members m ON m.group_id = g.id JOIN claims c ON c.id = m.claim_id "
            f"JOIN articles a ON a.id = c.article_id WHERE {_where(name)[0]} AND g.status IN "
            "('corroborated', 'disputed') ORDER BY s.last_seen DESC, g.rank", _where(name)[1]):
        found.setdefault(r["id"], {
            "group_id": r["id"], "claim": r["text"], "status": r["status"],
            "story_id": r["story_id"], "story": r["title"],
            "its_sentence": {"article_id": r["article_id"], "text": r["sentence"]},
            "others": []})
    if not found:
        return []
    marks = ",".join("?" * len(found))
    for r in store.query(
            f"SELECT s.group_id, s.label, s.score, s.evidence, s.article_id, {_OUTLET} AS outlet "
            "FROM stances s JOIN articles a ON a.id = s.article_id WHERE s.group_id IN "
            f"({marks}) AND s.label IN ('agree', 'disagree') AND {_OUTLET} != ? "
            "ORDER BY s.score DESC", [*found, name]):
        group = found[r["group_id"]]
        wanted = "disagree" if group["status"] == "disputed" else "agree"
        if r["label"] == wanted:
            group["others"].append({"outlet": r["outlet"], "article_id": r["article_id"],
                                    "label": r["label"], "evidence": r["evidence"],
                                    "probability": r["score"]})
    return list(found.values())


def _alone(store: Store, name: str) -> list[dict[str, Any]]:
    """Single-source claim groups whose every claim comes from this outlet."""
    where, params = _where(name)
    rows = store.query(
        "SELECT DISTINCT g.id, g.text, g.story_id, s.title, s.last_seen, g.rank FROM articles a "
        "JOIN claims c ON c.article_id = a.id JOIN claim_group_members m ON m.claim_id = c.id "
        "JOIN claim_groups g ON g.id = m.group_id JOIN stories s ON s.id = g.story_id "
        f"WHERE {where} AND g.status = 'single-source' AND NOT EXISTS (SELECT 1 FROM "
        "claim_group_members m2 JOIN claims c2 ON c2.id = m2.claim_id JOIN articles a2 ON "
        f"a2.id = c2.article_id WHERE m2.group_id = g.id AND NOT ({_where(name, 'a2')[0]})) "
        "ORDER BY s.last_seen DESC, g.rank LIMIT ?", (*params, *params, SECTION_LIMIT))
    return [{"group_id": r[0], "claim": r[1], "story_id": r[2], "story": r[3]} for r in rows]


def _signals_by_month(store: Store, name: str) -> list[dict[str, Any]]:
    """Per month of publication: articles, the mean sourcing mix, and the mean of every
    number or yes/no signal (a yes/no mean is the share of articles with it)."""
    months: dict[str, dict[str, Any]] = defaultdict(lambda: {
        "articles": set(), "sourcing": defaultdict(float), "sourced": 0,
        "signals": defaultdict(float)})
    for r in store.query(
            "SELECT coalesce(substr(a.published, 1, 7), 'undated') AS month, a.id, sg.name, "
            "sg.value FROM articles a JOIN signals sg ON sg.article_id = a.id WHERE "
            f"{_where(name)[0]} ORDER BY 1", _where(name)[1]):
        month = months[r["month"]]
        month["articles"].add(r["id"])
        value = json.loads(r["value"]) if r["value"] else None
        if r["name"] == "sourcing" and isinstance(value, dict):
            month["sourced"] += 1
            for kind, share in value.items():
                month["sourcing"][kind] += float(share or 0)
        elif isinstance(value, int | float):
            month["signals"][r["name"]] += float(value)
    return [_month_row(key, month) for key, month in sorted(months.items())]


def _month_row(key: str, month: dict[str, Any]) -> dict[str, Any]:
    n = len(month["articles"])
    sourced = month["sourced"] or 1
    return {"month": key, "articles": n,
            "sourcing": {k: round(v / sourced, 3) for k, v in month["sourcing"].items()},
            "signals": {k: round(v / n, 3) for k, v in month["signals"].items()}}
