"""View models: plain, JSON-ready dicts built from the store.

The web pages, the JSON API, the CLI ``story`` command and the HTML report all
render these same dicts, so what a reader sees in one place matches the others.
Every function takes an open :class:`~corroborator.store.Store` (read-only is
enough) and raises :class:`~corroborator.errors.NotFoundError` for unknown ids.

Example:
    >>> with open_store("news.db", readonly=True) as store:
    ...     view = story_view(store, "3f2a")
    >>> sorted(view)
    ['articles', 'claim_groups', 'discrepancies', 'entities', 'fact_checks', 'matrix',
     'schema_version', 'story', 'summary', 'timeline']

Every top-level dict carries ``schema_version`` (see docs/json.md); the same object
comes from the CLI's ``--format json`` and from the web app's ``/api``.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict
from typing import Any

from corroborator.coverage import skipped_in_store
from corroborator.errors import NotFoundError
from corroborator.factcheck import reviews_for_story
from corroborator.models import Article, ClaimGroup
from corroborator.store import Store
from corroborator.storylist import (
    SORT_ORDER,
    StoryFilter,
    filter_choices,
    select_stories,
    story_facts,
)
from corroborator.web.alignment import align_articles

SCHEMA_VERSION = 1
"""Version of the JSON contract (docs/json.md); raised when a field changes meaning or goes."""
SORTS = tuple(SORT_ORDER)
KEY_DISPUTES = 5
SHORT_CLAIM_WORDS = 7
MAX_PAGE_SIZE = 200
UNKNOWN_OUTLET = "(unknown outlet)"
ENTITY_ARTICLE_LIMIT = 100
SEARCH_LIMIT = 20
# How decisive a stance label is when one outlet's articles disagree in a matrix cell.
STANCE_WEIGHT = {"agree": 2, "disagree": 2, "discuss": 1, "unrelated": 0}

__all__ = [
    "SCHEMA_VERSION", "article_view", "compare_view", "entity_view", "search_view",
    "stories_view", "story_summary", "story_view",
]


def story_view(store: Store, story_id: str) -> dict[str, Any]:
    """Everything about one story: articles, claim groups, discrepancies, entities, matrix.

    Args:
        store: an open store.
        story_id: a story id or a unique prefix of one.

    Returns:
        A dict with ``story``, ``articles`` (timeline order), ``claim_groups``,
        ``discrepancies``, ``entities``, ``matrix``, ``timeline``, ``summary`` and
        ``fact_checks`` (published ClaimReviews matching a claim group, see
        :mod:`corroborator.factcheck`).
    """
    story = store.get_story(story_id)
    articles = sorted(store.get_articles(story.article_ids), key=_timeline_key)
    ids = [a.id for a in articles]
    groups, discrepancies = store.load_corroboration(story.id)
    article_dicts = _article_summaries(store, articles)
    found = [asdict(d) for d in discrepancies]
    view = {
        "schema_version": SCHEMA_VERSION,
        "story": _story_summary(store, story.id, story.key_entities),
        "articles": article_dicts,
        "claim_groups": [_group_dict(g) for g in groups],
        "discrepancies": found,
        "entities": merge_named_variants(
            _story_entities(store, ids, {a.id: _outlet(a) for a in articles}), found),
        "matrix": _matrix(articles, groups),
        "timeline": [
            {"article_id": a["id"], "published": a["published"], "outlet": a["outlet"],
             "title": a["title"]} for a in article_dicts
        ],
    }
    view["summary"] = story_summary(view)
    view["fact_checks"] = reviews_for_story(
        store, view["claim_groups"], " ".join([story.title or "", *story.key_entities]))
    return view


def matrix_view(store: Store, story_id: str) -> dict[str, Any]:
    """The coverage matrix of one story with its summary: ``{story, matrix, claim_groups}``."""
    story = store.get_story(story_id)
    articles = store.get_articles(story.article_ids)
    groups, _ = store.load_corroboration(story.id)
    return {
        "schema_version": SCHEMA_VERSION,
        "story": _story_summary(store, story.id, story.key_entities),
        "matrix": _matrix(articles, groups),
        "claim_groups": [_group_dict(g) for g in groups],
    }


def stories_view(store: Store, limit: int = 50, offset: int = 0, sort: str = "recent",
                 query: str | None = None, flt: StoryFilter | None = None) -> dict[str, Any]:
    """One page of story summaries, never more than `limit` rows read.

    Args:
        store: an open store.
        limit, offset: the page.
        sort: ``recent``, ``size`` (independent sources) or ``disputed``.
        query: words in the title (used when `flt` is None).
        flt: which stories (see :class:`~corroborator.storylist.StoryFilter`); by default
            every story of two or more articles.

    Returns:
        ``{stories, total, hidden_singles, filters, choices, limit, offset, sort, query,
        next_offset, prev_offset, skipped}``; each story row adds its outlets (names and
        article counts), languages, claim ``status_counts`` and ``top_dispute``. The offsets
        are None where there is no such page; ``skipped`` counts the articles in no story by
        reason and language (`corroborator.coverage.count_skipped`).
    """
    limit = max(1, min(int(limit), MAX_PAGE_SIZE))
    offset = max(0, int(offset))
    flt = flt or StoryFilter(query=(query or "").strip() or None)
    rows, total, hidden = select_stories(store, flt, sort=sort, limit=limit, offset=offset)
    facts = story_facts(store, [r["id"] for r in rows])
    stories = []
    for row in rows:
        fact = facts[row["id"]]
        stories.append(_story_row(row | {"key_entities": json.loads(row["key_entities"])}) | {
            "outlets": sorted(o["name"] for o in fact["outlet_counts"]), **fact,
            "n_corroborated": fact["status_counts"]["corroborated"]})
    return {
        "schema_version": SCHEMA_VERSION,
        "stories": stories,
        "total": total,
        "hidden_singles": hidden,
        "filters": flt.to_params(),
        "choices": filter_choices(store),
        "limit": limit,
        "offset": offset,
        "sort": sort,
        "query": flt.query,
        "next_offset": offset + limit if offset + limit < total else None,
        "prev_offset": max(0, offset - limit) if offset > 0 else None,
        "skipped": skipped_in_store(store),
    }


def article_view(store: Store, article_id: str) -> dict[str, Any]:
    """One article with its paragraphs of sentences, claims, quotes, entities and signals."""
    article = store.get_article(article_id)
    ext = store.load_extraction(article.id)
    claim_idx = {c.sentence_index for c in ext.claims}
    quote_idx = {q.sentence_index for q in ext.quotes}
    story = store.query(
        "SELECT s.id, s.title FROM story_articles sa JOIN stories s ON s.id = sa.story_id "
        "WHERE sa.article_id = ?", (article.id,))
    return {
        "schema_version": SCHEMA_VERSION,
        "article": _article_fields(article) | {
            "text": article.text, "language": article.language, "format": article.format,
            "duplicate_of": store.duplicates_of([article.id]).get(article.id),
        },
        "story": dict(story[0]) if story else None,
        "paragraphs": _paragraphs(article.text, ext.sentences, claim_idx, quote_idx),
        "claims": [_claim_dict(c) for c in ext.claims],
        "quotes": [asdict(q) for q in ext.quotes],
        "entities": [{"text": e.text, "label": e.label, "canonical": e.canonical}
                     for e in _unique_entities(ext.entities)],
        "mentions": [asdict(m) for m in ext.mentions],
        "signals": [_signal_dict(s) for s in store.load_signals(article.id)],
    }


def entity_view(store: Store, canonical: str) -> dict[str, Any]:
    """How outlets spell one entity: its variants, who uses each, and where it appears."""
    rows = store.query(
        "SELECT e.text, e.label, a.outlet, count(*) AS n FROM entities e "
        "JOIN articles a ON a.id = e.article_id WHERE e.canonical = ? "
        "GROUP BY e.text, e.label, a.outlet ORDER BY n DESC", (canonical,))
    if not rows:
        raise NotFoundError(f"no entity named {canonical!r}")
    variants: dict[str, dict[str, Any]] = {}
    labels: dict[str, int] = defaultdict(int)
    for r in rows:
        v = variants.setdefault(r["text"], {"text": r["text"], "mentions": 0, "outlets": []})
        v["mentions"] += r["n"]
        outlet = r["outlet"] or UNKNOWN_OUTLET
        if outlet not in v["outlets"]:
            v["outlets"].append(outlet)
        labels[r["label"]] += r["n"]
    articles = store.query(
        "SELECT DISTINCT a.id, a.title, a.outlet, a.published, e.text AS variant "
        "FROM entities e JOIN articles a ON a.id = e.article_id WHERE e.canonical = ? "
        "ORDER BY a.published DESC LIMIT ?", (canonical, ENTITY_ARTICLE_LIMIT))
    ordered = sorted(variants.values(), key=lambda v: (-v["mentions"], v["text"]))
    return {
        "schema_version": SCHEMA_VERSION,
        "canonical": canonical,
        "label": max(labels, key=lambda k: labels[k]),
        "variants": ordered,
        "outlets_by_variant": {v["text"]: sorted(v["outlets"]) for v in ordered},
        "articles": [dict(r) | {"outlet": r["outlet"] or UNKNOWN_OUTLET} for r in articles],
    }


def search_view(store: Store, q: str, limit: int = SEARCH_LIMIT) -> dict[str, Any]:
    """Full-text search over articles and claims; the query is FTS-escaped by the store."""
    q = (q or "").strip()
    if not q:
        return {"schema_version": SCHEMA_VERSION, "query": "", "articles": [], "claims": []}
    articles = store.search_articles(q, limit=limit)
    for row in articles:
        row["outlet"] = row["outlet"] or UNKNOWN_OUTLET
        row["snippet_parts"] = _snippet_parts(row.get("snippet") or "")
    claims = [r | {"outlet": r["outlet"] or UNKNOWN_OUTLET}
              for r in store.search_claims(q, limit=limit)]
    return {"schema_version": SCHEMA_VERSION, "query": q, "articles": articles, "claims": claims}


def compare_view(store: Store, article_a: str, article_b: str) -> dict[str, Any]:
    """Two articles side by side: aligned sentences, shared quotes and differing details.

    Returns:
        ``{a, b, rows, shared_quotes, differences}``; each row holds the ``a`` and
        ``b`` sentence (either may be None) and their ``similarity``; sentences
        carry ``segments`` marking shared quotes and differing numbers or names.
    """
    first, second = store.get_article(article_a), store.get_article(article_b)
    ext_a, ext_b = store.load_extraction(first.id), store.load_extraction(second.id)
    aligned = align_articles(first, ext_a, second, ext_b)
    return {"schema_version": SCHEMA_VERSION, "a": _article_fields(first),
            "b": _article_fields(second), **aligned}


# -- helpers ----------------------------------------------------------------------------------


def _timeline_key(article: Article) -> tuple[bool, str, str]:
    return (article.published is None, article.published or "", article.title)


def _outlet(article: Article) -> str:
    return article.outlet or UNKNOWN_OUTLET


def _article_fields(article: Article) -> dict[str, Any]:
    return {"id": article.id, "title": article.title, "outlet": _outlet(article),
            "published": article.published, "url": article.url, "byline": article.byline}


def _story_summary(store: Store, story_id: str, key_entities: list[str]) -> dict[str, Any]:
    row = store.query("SELECT * FROM stories WHERE id = ?", (story_id,))[0]
    return _story_row(dict(row) | {"key_entities": key_entities})


def _story_row(row: dict[str, Any]) -> dict[str, Any]:
    keys = ("id", "title", "first_seen", "last_seen", "key_entities", "n_articles",
            "n_sources", "n_disputed")
    return {k: row.get(k) for k in keys}


def _rows_for_ids(store: Store, sql: str, ids: Sequence[str]) -> Iterable[Any]:
    """Run `sql` (with an ``{marks}`` slot for placeholders) over `ids` in chunks."""
    for start in range(0, len(ids), 500):
        chunk = list(ids[start:start + 500])
        yield from store.query(sql.format(marks=",".join("?" * len(chunk))), chunk)


def _article_summaries(store: Store, articles: list[Article]) -> list[dict[str, Any]]:
    ids = [a.id for a in articles]
    duplicates = store.duplicates_of(ids)
    signals: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in _rows_for_ids(store, "SELECT * FROM signals WHERE article_id IN ({marks}) "
                                  "ORDER BY name", ids):
        signals[r["article_id"]].append({
            "name": r["name"], "value": json.loads(r["value"]),
            "description": r["description"] or "", "evidence": json.loads(r["evidence"]),
        })
    return [_article_fields(a) | {"duplicate_of": duplicates.get(a.id), "signals": signals[a.id]}
            for a in articles]


def _signal_dict(signal: Any) -> dict[str, Any]:
    return {"name": signal.name, "value": signal.value, "description": signal.description,
            "evidence": list(signal.evidence)}


def _claim_dict(claim: Any) -> dict[str, Any]:
    return {"id": claim.id, "article_id": claim.article_id, "text": claim.text,
            "sentence_index": claim.sentence_index, "attribution_kind": claim.attribution.kind,
            "attribution_source": claim.attribution.source}


def _group_dict(group: ClaimGroup) -> dict[str, Any]:
    return {
        "id": group.id, "text": group.text, "status": group.status,
        "independent_sources": group.independent_sources,
        "claims": [_claim_dict(c) for c in group.claims],
        "stances": [{"article_id": s.article_id, "label": s.label, "score": s.score,
                     "evidence": s.evidence} for s in group.stances],
    }


def _story_entities(store: Store, ids: Sequence[str],
                    outlets: dict[str, str]) -> list[dict[str, Any]]:
    """Entities of a story's articles, one entry per canonical name, most widely mentioned
    first, with spelling variants; the label is the one most mentions carry."""
    found: dict[str, dict[str, Any]] = {}
    labels: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    sql = ("SELECT article_id, text, label, canonical, count(*) AS n, min(id) AS first "
           "FROM entities WHERE article_id IN ({marks}) "
           "GROUP BY canonical, article_id, text, label ORDER BY first")
    for r in _rows_for_ids(store, sql, ids):
        labels[r["canonical"]][r["label"]] += r["n"]
        entry = found.setdefault(r["canonical"], {"canonical": r["canonical"], "label": "",
                                                  "variants": {}, "outlets_by_variant": {}})
        forms = entry["variants"].setdefault(r["article_id"], [])
        if r["text"] not in forms:
            forms.append(r["text"])
        users = entry["outlets_by_variant"].setdefault(r["text"], [])
        if outlets[r["article_id"]] not in users:
            users.append(outlets[r["article_id"]])
    for name, entry in found.items():
        entry["label"] = max(labels[name], key=lambda k: labels[name][k])
    return sorted(found.values(), key=lambda e: (-len(e["variants"]), e["canonical"]))


def merge_named_variants(entities: list[dict[str, Any]],
                          discrepancies: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Merge entities that a NAME discrepancy links (one person spelled two ways)."""
    merged = list(entities)
    for d in discrepancies:
        if d["kind"] != "name":
            continue
        values = set(d["values"])
        linked = [e for e in merged
                  if e["canonical"] in values or values & set(e["outlets_by_variant"])]
        if len(linked) < 2:
            continue
        keep = linked[0]
        for other in linked[1:]:
            for aid, forms in other["variants"].items():
                mine = keep["variants"].setdefault(aid, [])
                mine += [f for f in forms if f not in mine]
            for form, users in other["outlets_by_variant"].items():
                mine = keep["outlets_by_variant"].setdefault(form, [])
                mine += [u for u in users if u not in mine]
            merged.remove(other)
    return merged


def story_summary(view: dict[str, Any]) -> dict[str, Any]:
    """What a reader needs first, from a story view: key disputes with both sentences,
    agreements, and how the outlets split on the key claim.

    Key disputes are the disputed claim groups (at most ``KEY_DISPUTES``, in the order
    given); the key claim is the first of them, else the first corroborated group.
    """
    outlet_of = {a["id"]: a["outlet"] for a in view["articles"]}
    groups = view["claim_groups"]
    cells = view["matrix"]["cells"]
    disputed = [g for g in groups if g["status"] == "disputed"][:KEY_DISPUTES]
    agreed = [g for g in groups if g["status"] == "corroborated"]
    key = (disputed or agreed or groups or [None])[0]
    return {
        "key_disputes": [_dispute(g, outlet_of) for g in disputed],
        "agreements": [{"group_id": g["id"], "claim": g["text"],
                        "independent_sources": g["independent_sources"],
                        "outlets": _outlets_with(cells, g["id"], {"agree"})} for g in agreed],
        "key_claim": _key_claim(key, view["matrix"]) if key else None,
        "status_counts": {status: sum(1 for g in groups if g["status"] == status)
                          for status in ("disputed", "corroborated", "unclear", "single-source")},
    }


def _dispute(group: dict[str, Any], outlet_of: dict[str, str]) -> dict[str, Any]:
    """One disputed claim: the claim sentence and each disputing sentence, with outlets."""
    against = sorted((s for s in group["stances"] if s["label"] == "disagree"),
                     key=lambda s: -(s["score"] or 0.0))
    disputing = {s["article_id"] for s in against}
    claims = [c for c in group["claims"] if c["article_id"] not in disputing] or group["claims"]
    claims = sorted(claims, key=lambda c: c["text"] != group["text"])  # the group's own first
    backers = [c["article_id"] for c in claims]
    backers += [s["article_id"] for s in group["stances"] if s["label"] == "agree"]
    first = claims[0] if claims else None
    return {
        "group_id": group["id"],
        "claim": group["text"],
        "claim_sentence": {"article_id": first["article_id"], "text": first["text"],
                           "outlet": outlet_of.get(first["article_id"], UNKNOWN_OUTLET)}
        if first else None,
        "claimed_by": sorted({outlet_of[a] for a in backers if a in outlet_of}),
        "disputed_by": [{"article_id": s["article_id"], "evidence": s["evidence"],
                         "probability": s["score"],
                         "outlet": outlet_of.get(s["article_id"], UNKNOWN_OUTLET)}
                        for s in against],
    }


def _outlets_with(cells: dict[str, dict[str, Any]], group_id: str, labels: set[str]) -> list[str]:
    return [o for o, row in cells.items() if group_id in row and row[group_id]["label"] in labels]


def _key_claim(group: dict[str, Any], matrix: dict[str, Any]) -> dict[str, Any]:
    """Outlets agreeing with, disputing and silent on one claim (the coverage bar)."""
    cells = matrix["cells"]
    agree = _outlets_with(cells, group["id"], {"agree"})
    dispute = _outlets_with(cells, group["id"], {"disagree"})
    silent = [o for o in matrix["outlets"] if o not in agree and o not in dispute]
    return {"group_id": group["id"], "claim": group["text"], "status": group["status"],
            "agree": agree, "dispute": dispute, "silent": silent}


def short_claim(text: str, words: int = SHORT_CLAIM_WORDS) -> str:
    """The first few words of a claim, for column headings."""
    parts = text.split()
    return " ".join(parts[:words]) + ("…" if len(parts) > words else "")


def _matrix(articles: list[Article], groups: list[ClaimGroup]) -> dict[str, Any]:
    """Outlets x claim groups; an outlet with several articles shows its strongest stance."""
    outlet_of = {a.id: _outlet(a) for a in articles}
    cells: dict[str, dict[str, dict[str, Any]]] = {o: {} for o in sorted(set(outlet_of.values()))}
    for group in groups:
        candidates = [(s.article_id, s.label, s.score, s.evidence) for s in group.stances]
        stanced = {s.article_id for s in group.stances}
        candidates += [(c.article_id, "agree", 1.0, c.text) for c in group.claims
                       if c.article_id not in stanced]
        for article_id, label, score, evidence in candidates:
            if article_id not in outlet_of:
                continue
            row = cells[outlet_of[article_id]]
            current = row.get(group.id)
            if current is None or _strength(label, score) > _strength(current["label"],
                                                                      current["score"]):
                row[group.id] = {"label": label, "score": score, "evidence": evidence,
                                 "article_id": article_id}
    return {
        "outlets": list(cells),
        "groups": [{"id": g.id, "text": g.text, "short": short_claim(g.text), "status": g.status}
                   for g in groups],
        "cells": cells,
    }


def _strength(label: str, score: float | None) -> tuple[int, float]:
    return (STANCE_WEIGHT.get(label, 0), score or 0.0)


def _paragraphs(text: str, sentences: Sequence[Any], claim_idx: set[int],
                quote_idx: set[int]) -> list[list[dict[str, Any]]]:
    """Group sentences into the body's paragraphs (a line break between two sentences)."""
    if not sentences:
        return [[{"index": -1, "text": p.strip(), "claim": False, "quote": False}]
                for p in text.split("\n") if p.strip()]
    paragraphs: list[list[dict[str, Any]]] = [[]]
    previous_end = 0
    for s in sentences:
        if paragraphs[-1] and "\n" in text[previous_end:s.start]:
            paragraphs.append([])
        paragraphs[-1].append({"index": s.index, "text": s.text, "claim": s.index in claim_idx,
                               "quote": s.index in quote_idx})
        previous_end = s.end
    return paragraphs


def _unique_entities(entities: Iterable[Any]) -> list[Any]:
    seen, out = set(), []
    for e in entities:
        if (e.text, e.canonical) not in seen:
            seen.add((e.text, e.canonical))
            out.append(e)
    return out


def _snippet_parts(snippet: str) -> list[dict[str, Any]]:
    """Split an FTS snippet with ``[match]`` markers into plain and matched parts."""
    parts, rest = [], snippet
    while "[" in rest and "]" in rest[rest.index("["):]:
        start = rest.index("[")
        end = rest.index("]", start)
        if start:
            parts.append({"text": rest[:start], "match": False})
        parts.append({"text": rest[start + 1:end], "match": True})
        rest = rest[end + 1:]
    if rest:
        parts.append({"text": rest, "match": False})
    return parts
