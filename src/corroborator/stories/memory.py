"""Store-free clustering: an in-memory backend and `cluster_records`."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np

from corroborator.embed import get_embedder
from corroborator.models import Article
from corroborator.stories.core import ClusterConfig, Clusterer, Placement, new_index
from corroborator.stories.decision import StoryState
from corroborator.stories.features import (
    ArticleFeatures,
    embedding_text,
    featurize,
    skip_reason,
)

UNCLUSTERED_PREFIX = "unclustered:"


class MemoryBackend:
    """Stories, vectors and term counts in RAM, with a usearch index of article vectors."""

    def __init__(self, dim: int) -> None:
        self.index = new_index(dim)
        self.story_of_key: list[str] = []
        self._states: dict[str, StoryState] = {}
        self.df: Counter = Counter()
        self.n_docs = 0

    def nearest(self, vector: np.ndarray, count: int) -> list[tuple[str, float]]:
        if len(self.index) == 0:
            return []
        matches = self.index.search(vector, count, threads=1)
        return [(self.story_of_key[int(k)], 1.0 - float(d))
                for k, d in zip(matches.keys, matches.distances, strict=True)]

    def states(self, story_ids: Sequence[str]) -> dict[str, StoryState]:
        return {s: self._states[s] for s in story_ids if s in self._states}

    def document_frequencies(self) -> tuple[Counter, int]:
        return self.df, self.n_docs

    def record(self, article: ArticleFeatures, state: StoryState, placement: Placement) -> None:
        self.index.add(len(self.story_of_key), article.vector, threads=1)
        self.story_of_key.append(placement.story_id)
        self._states[state.id] = state
        self.df.update(article.terms.keys())
        self.n_docs += 1


def embed_articles(articles: Sequence[Article], config: ClusterConfig) -> np.ndarray:
    """Embeddings of headline + lead for `articles`, one row each."""
    texts = [embedding_text(a, config.lead_words) for a in articles]
    return get_embedder(config.embedder).encode(texts)


def cluster_records(articles: Sequence[Article], config: ClusterConfig | None = None) -> list[str]:
    """Cluster `articles` in the given order without a store; one story label per article.

    Articles that cannot be clustered (empty, too short, another language) get a label
    of their own, ``"unclustered:<article id>"``. Exact copies (same content hash) join
    the story of their first copy. Deterministic: the same input in the same order gives
    the same labels.

    Example:
        >>> labels = cluster_records([Article(text=t) for t in texts])  # doctest: +SKIP
    """
    config = config or ClusterConfig()
    reasons = [skip_reason(a, config.min_words, config.language) for a in articles]
    keep = [a for a, r in zip(articles, reasons, strict=True) if r is None]
    vectors = embed_articles(keep, config)
    clusterer = Clusterer(MemoryBackend(vectors.shape[1]), config)
    story_of_hash: dict[str, str] = {}
    labels: dict[int, str] = {}
    rows = iter(vectors)
    for order, (article, reason) in enumerate(zip(articles, reasons, strict=True)):
        if reason is not None:
            labels[order] = UNCLUSTERED_PREFIX + article.id
            continue
        original = story_of_hash.get(article.content_hash)
        placement = clusterer.place(featurize(article, next(rows), order), forced_story=original,
                                    independent=original is None)
        story_of_hash.setdefault(article.content_hash, placement.story_id)
        labels[order] = placement.story_id
    return [labels[i] for i in range(len(articles))]
