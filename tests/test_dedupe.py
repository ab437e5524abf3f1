"""Exact duplicates, syndicated copies and independent sources, on a real SQLite file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from corroborator.dedupe import (
    DedupeConfig,
    find_duplicates,
    independent_sources,
    is_copy,
    shingles,
)
from corroborator.models import Article
from corroborator.store import open_store

FIXTURE = Path(__file__).parent / "fixtures" / "stories" / "articles.jsonl"


def _articles() -> dict[str, Article]:
    rows = [json.loads(line) for line in FIXTURE.read_text(encoding="utf-8").splitlines()]
    return {r["id"]: Article(text=r["text"], title=r["title"], outlet=r["outlet"],
                             published=r["published"], language=r.get("language"), id=r["id"])
            for r in rows}


@pytest.fixture
def store(tmp_path):
    with open_store(tmp_path / "news.db") as s:
        yield s


def test_exact_duplicate_found(store):
    arts = _articles()
    copy = Article(text=arts["b1"].text, outlet="Other Outlet", id="b1-copy")
    store.add_articles([arts["b1"], copy])
    links = find_duplicates(store, ["b1", "b1-copy"])
    assert [(lk.article_id, lk.original_id, lk.kind) for lk in links] == [
        ("b1-copy", "b1", "exact")]


def test_syndicated_copy_with_edits_and_boilerplate(store):
    arts = _articles()
    store.add_articles([arts["a1"], arts["a1s"], arts["a2"], arts["b1"]])
    links = find_duplicates(store, ["a1", "a1s", "a2", "b1"])
    assert len(links) == 1
    link = links[0]
    assert (link.article_id, link.original_id, link.kind) == ("a1s", "a1", "syndicated")
    assert link.similarity > 0.7
    assert store.duplicates_of(["a1s", "a2"]) == {"a1s": "a1"}


def test_original_is_earliest_published_even_if_ingested_later(store):
    arts = _articles()
    late = Article(text=arts["a1"].text + " Updated at noon.", outlet="Late Wire",
                   published="2024-05-08T00:00:00Z", id="late")
    store.add_articles([late, arts["a1"]])
    find_duplicates(store, ["late"])
    find_duplicates(store, ["a1"])
    assert store.duplicates_of(["late", "a1"]) == {"late": "a1"}


def test_trimmed_copy_found_by_containment():
    text = _articles()["a2"].text
    trimmed = " ".join(text.split()[:40])
    assert is_copy(shingles(text), shingles(trimmed), DedupeConfig()) is not None


def test_related_but_rewritten_article_is_not_a_copy(store):
    arts = _articles()
    store.add_articles([arts["b1"], arts["b2"], arts["b3"]])
    assert find_duplicates(store, ["b1", "b2", "b3"]) == []


def test_find_duplicates_is_idempotent(store):
    arts = _articles()
    store.add_articles([arts["a1"], arts["a1s"]])
    first = find_duplicates(store, ["a1", "a1s"])
    assert find_duplicates(store, ["a1", "a1s"]) == first


def test_independent_sources_counts_a_group_once():
    assert independent_sources(["a", "b", "c", "d"], {"b": "a", "c": "b"}) == 2
    assert independent_sources([], {}) == 0
