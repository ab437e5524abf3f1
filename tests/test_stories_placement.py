"""Placement at scale (issue 20): the array-based lexical comparison decides exactly as the
former term-by-term one, and the store keeps its document frequencies in step."""

from __future__ import annotations

import math
import random
from collections import Counter

import numpy as np
import pytest

from corroborator.models import Article
from corroborator.store import open_store
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
from corroborator.stories.persist import StoreBackend


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
