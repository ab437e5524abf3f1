"""Placement at scale (issue 20): the array-based lexical comparison decides exactly as the
former term-by-term one, and the store keeps its document frequencies in step."""

from __future__ import annotations

import json
import math
import random
import sqlite3
from collections import Counter

import numpy as np
import pytest

from corroborator.models import Article
from corroborator.store import database, open_store
from corroborator.store.migrations import MIGRATIONS
from corroborator.stories import cluster_articles
from corroborator.stories.core import Candidate, Clusterer
from corroborator.stories.decision import (
    StoryState,
    candidate_features,
    idf,
    lexical_cosine,
    lexical_cosines,
)
from corroborator.stories.features import ArticleFeatures
from corroborator.stories.memory import MemoryBackend
from corroborator.stories.persist import StoreBackend, pack_terms, unpack_terms


def _terms(rng: random.Random, vocab: list[str], count: int) -> dict[str, float]:
    return {t: 1.0 + math.log(rng.randint(1, 6)) for t in rng.sample(vocab, count)}


def test_lexical_cosines_equal_the_term_by_term_cosine():
    rng = random.Random(3)
    vocab = [f"w{i}" for i in range(400)]
    df = {t: rng.randint(1, 90) for t in vocab[:350]}          # the rest never seen
    for _ in range(30):
        article = _terms(rng, vocab, rng.randint(1, 60))
        stories = [StoryState(f"s{i}", terms=_terms(rng, vocab, rng.randint(0, 300)))
                   for i in range(rng.randint(1, 8))]
        weights = {t: idf(df.get(t, 0), 100) for t in vocab}
        got = lexical_cosines(article, stories, df, 100)
        want = [lexical_cosine(article, s.terms, weights) for s in stories]
        assert got.tolist() == pytest.approx(want, rel=1e-12, abs=1e-15)
    assert lexical_cosines({}, [StoryState("s", terms={"w1": 1.0})], df, 100).tolist() == [0.0]


class _TermByTerm(Clusterer):
    """The clusterer as it was before issue 20: one idf per term of every candidate."""

    def candidates(self, article, forced_story=None):
        nearest: dict[str, float] = {}
        for story_id, sim in self.backend.nearest(article.vector, self.config.neighbours):
            nearest[story_id] = max(sim, nearest.get(story_id, -1.0))
        wanted = sorted(set(nearest) | ({forced_story} if forced_story else set()))
        states = self.backend.states(wanted)
        terms = set(article.terms).union(*(s.terms for s in states.values()))
        df, n_docs = self.backend.document_frequencies()
        weights = {t: idf(df.get(t, 0), n_docs) for t in terms}
        out = []
        for story_id in sorted(nearest):
            if story_id in states:
                row = candidate_features(
                    article, states[story_id], nearest[story_id],
                    lexical_cosine(article.terms, states[story_id].terms, weights),
                    self.config.time_window_days)
                out.append(Candidate(story_id, row, self._probability(row)))
        out.sort(key=lambda c: (-c.probability, c.story_id))
        return out, states


def _synthetic_articles(n: int, seed: int = 0) -> list[ArticleFeatures]:
    """Articles about 12 topics: shared topic words and names, noisy topic vectors."""
    rng = np.random.default_rng(seed)
    vocab = [f"word{i}" for i in range(900)]
    centers = rng.normal(size=(12, 32))
    out = []
    for i in range(n):
        topic = int(rng.integers(0, 12))
        words = list(rng.choice(vocab[topic * 60:topic * 60 + 120], 25)) + list(
            rng.choice(vocab, 15))
        vector = centers[topic] + rng.normal(scale=1.1, size=32)
        out.append(ArticleFeatures(
            id=f"a{i}", vector=(vector / np.linalg.norm(vector)).astype(np.float32),
            terms={str(w): 1.0 + math.log(c) for w, c in Counter(words).items()},
            entities=frozenset({f"name{topic}", f"name{int(rng.integers(0, 40))}"}),
            title=f"title {i}", order=i))
    return out


def test_placements_identical_to_the_term_by_term_clusterer():
    articles = _synthetic_articles(400)
    runs = []
    for kind in (Clusterer, _TermByTerm):
        backend = MemoryBackend(32)
        clusterer = kind(backend)
        placements = [clusterer.place(a) for a in articles]
        runs.append((placements, backend))
    (new, new_backend), (old, old_backend) = runs
    assert [p.story_id for p in new] == [p.story_id for p in old]
    assert 20 < len({p.story_id for p in new}) < 300         # joins and new stories both
    for a, b in zip(new, old, strict=True):
        assert [c.story_id for c in a.candidates] == [c.story_id for c in b.candidates]
        for x, y in zip(a.candidates, b.candidates, strict=True):
            assert x.features == pytest.approx(y.features, rel=1e-12, abs=1e-15)
    big = max(new_backend._states.values(), key=lambda s: s.n)
    assert len(big.terms) == 300                              # the story term cap was hit
    assert {k: s.terms for k, s in new_backend._states.items()} == {
        k: s.terms for k, s in old_backend._states.items()}


def _article(i: int, topic: int) -> Article:
    rng = random.Random(i)
    topics = [["harbour", "ferry", "reef", "coastguard", "lifeboat", "passengers", "captain"],
              ["council", "budget", "library", "taxes", "mayor", "vote", "school"]]
    words = [rng.choice(topics[topic]) for _ in range(30)] + [f"filler{rng.randint(0, 99)}"
                                                              for _ in range(10)]
    return Article(text=" ".join(words) + ".", title=f"{topics[topic][0]} news {i}",
                   language="en", id=f"art{i}")


def test_document_frequencies_in_memory_match_the_table_and_survive_reopen(tmp_path):
    articles = [_article(i, i % 2) for i in range(12)]
    one, split = tmp_path / "one.db", tmp_path / "split.db"
    with open_store(one) as s:
        s.add_articles(articles)
        cluster_articles(s, [a.id for a in articles])
        one_rows = s.query("SELECT article_id, story_id FROM story_articles ORDER BY seq")
    with open_store(split) as s:
        s.add_articles(articles)
        cluster_articles(s, [a.id for a in articles[:5]])
    with open_store(split) as s:
        cluster_articles(s, [a.id for a in articles])
        rows = s.query("SELECT article_id, story_id FROM story_articles ORDER BY seq")
        backend = StoreBackend(s, "static-minilm-256.v1", 256)
        df, n_docs = backend.document_frequencies()
        table = {r[0]: r[1] for r in s.query("SELECT term, df FROM story_term_df WHERE term != ''")}
    assert [tuple(r) for r in rows] == [tuple(r) for r in one_rows]
    assert n_docs == 12 and df == table and df["harbour"] == 6


def _as_before_0017(path) -> None:
    """Rewrite a database as the code before migration 0017 left it: JSON story terms, no
    packed column, 0017 not applied."""
    conn = sqlite3.connect(path, isolation_level=None)
    for story_id, packed in conn.execute("SELECT story_id, terms_packed FROM story_state"):
        keys, weights = unpack_terms(packed)
        conn.execute("UPDATE story_state SET terms = ? WHERE story_id = ?",
                     (json.dumps(dict(zip(keys, weights.tolist(), strict=True)), sort_keys=True),
                      story_id))
    conn.execute("ALTER TABLE story_state DROP COLUMN terms_packed")
    conn.execute("DELETE FROM migrations WHERE name = ?", (MIGRATION,))
    conn.execute(f"PRAGMA user_version={[n for n, _ in MIGRATIONS].index(MIGRATION)}")
    conn.close()


MIGRATION = "0017_story_terms_packed"


def test_database_from_before_0017_reopens_and_goes_on_as_one_run(tmp_path):
    articles = [_article(i, i % 2) for i in range(12)]
    with open_store(tmp_path / "one.db") as s:
        s.add_articles(articles)
        cluster_articles(s, [a.id for a in articles])
        one_rows = [tuple(r) for r in s.query("SELECT article_id, story_id, score FROM "
                                               "story_articles ORDER BY seq")]
    old = tmp_path / "old.db"
    with open_store(old) as s:
        s.add_articles(articles)
        cluster_articles(s, [a.id for a in articles[:7]])
        states = StoreBackend(s, "static-minilm-256.v1", 256).states(
            [r[0] for r in s.query("SELECT story_id FROM story_state")])
    _as_before_0017(old)
    assert database.pending_migrations(old) == [MIGRATION]
    with open_store(old) as s:
        assert s.query("SELECT count(*) FROM story_state WHERE terms_packed IS NULL")[0][0] == 2
        reread = StoreBackend(s, "static-minilm-256.v1", 256).states(list(states))
        assert {k: v.terms for k, v in reread.items()} == {k: v.terms for k, v in states.items()}
        cluster_articles(s, [a.id for a in articles])
        rows = [tuple(r) for r in s.query("SELECT article_id, story_id, score FROM "
                                          "story_articles ORDER BY seq")]
        assert s.query("SELECT count(*) FROM story_state WHERE terms_packed IS NULL")[0][0] == 0
    assert rows == one_rows


def test_packed_terms_round_trip_exactly():
    terms = {"ferry": 1.0, "reef": 1.0 + math.log(3), "l'île": 0.1 + 0.2, "zürich": 7.25}
    keys, weights = unpack_terms(pack_terms(terms))
    assert keys == sorted(terms) and dict(zip(keys, weights.tolist(), strict=True)) == terms
    keys, weights = unpack_terms(pack_terms({}))
    assert keys == [] and len(weights) == 0


def test_a_small_state_cache_places_as_a_large_one(tmp_path, monkeypatch):
    articles = [_article(i, i % 3 % 2) for i in range(15)]
    runs = []
    for name, cache in (("big.db", 5000), ("small.db", 1)):
        monkeypatch.setattr("corroborator.stories.persist.STATE_CACHE", cache)
        with open_store(tmp_path / name) as s:
            s.add_articles(articles)
            cluster_articles(s, [a.id for a in articles])
            runs.append([tuple(r) for r in s.query(
                "SELECT article_id, story_id, score FROM story_articles ORDER BY seq")])
    assert runs[0] == runs[1]
