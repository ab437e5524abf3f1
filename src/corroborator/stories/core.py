"""The incremental clusterer: place one article into its best story or start a new one.

`Clusterer` holds no storage of its own; a backend answers three questions (nearest
clustered articles, the state of some stories, document frequencies) and records each
placement. `MemoryBackend` keeps everything in RAM (used by `cluster_records`); the store
backend in `corroborator.stories.persist` keeps it in SQLite plus a usearch file.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
from usearch.index import Index

from corroborator.models import stable_id
from corroborator.stories.decision import (
    JOIN_PROBABILITY,
    TIME_WINDOW_DAYS,
    StoryState,
    add_to_state,
    candidate_features,
    join_probability,
    lexical_cosines,
)
from corroborator.stories.features import ArticleFeatures

MIN_WORDS = 8                  # shorter bodies are not clustered (a headline-only line)
LEAD_WORDS = 200               # words of the body embedded after the headline
NEIGHBOURS = 24                # nearest clustered articles looked at per placement
INDEX_CONNECTIVITY = 16        # usearch HNSW settings: fixed, so results are reproducible
INDEX_EXPANSION_ADD = 128
INDEX_EXPANSION_SEARCH = 64


@dataclass(frozen=True)
class ClusterConfig:
    """Settings of story clustering; the defaults are the values tuned on FNC-1."""

    embedder: str = "fast"
    lead_words: int = LEAD_WORDS
    min_words: int = MIN_WORDS
    language: str = "en"
    neighbours: int = NEIGHBOURS
    join_probability: float = JOIN_PROBABILITY
    time_window_days: float = TIME_WINDOW_DAYS
    weights: tuple[float, ...] | None = None
    bias: float | None = None


@dataclass
class Candidate:
    """One candidate story for an article, with its feature row and probability."""

    story_id: str
    features: list[float]
    probability: float


@dataclass
class Placement:
    """Where one article went."""

    article_id: str
    story_id: str
    score: float
    new_story: bool
    candidates: list[Candidate] = field(default_factory=list)


class Backend(Protocol):
    """Storage the clusterer reads from and writes to."""

    def nearest(self, vector: np.ndarray, count: int) -> list[tuple[str, float]]:
        """(story id, cosine) of the `count` nearest clustered articles."""

    def states(self, story_ids: Sequence[str]) -> dict[str, StoryState]:
        """Current state of each story id (unknown ids are left out)."""

    def document_frequencies(self) -> tuple[Mapping[str, int], int]:
        """Document frequency of every counted term, and the number of documents counted.

        The mapping is read, never changed, by the clusterer; terms not in it count 0.
        """

    def record(self, article: ArticleFeatures, state: StoryState, placement: Placement) -> None:
        """Persist one placement: membership, vector, story state, term counts."""


def new_index(dim: int) -> Index:
    """An empty usearch index with the project's fixed settings."""
    return Index(ndim=dim, metric="cos", dtype="f32", connectivity=INDEX_CONNECTIVITY,
                 expansion_add=INDEX_EXPANSION_ADD, expansion_search=INDEX_EXPANSION_SEARCH)


def story_id_for(article_id: str) -> str:
    """The id of a story started by `article_id`."""
    return stable_id("story", article_id)


class Clusterer:
    """Place articles one at a time over a `Backend`.

    Example:
        >>> clusterer = Clusterer(MemoryBackend(dim=256))
        >>> placement = clusterer.place(features)          # doctest: +SKIP
    """

    def __init__(self, backend: Backend, config: ClusterConfig | None = None) -> None:
        self.backend = backend
        self.config = config or ClusterConfig()

    def place(self, article: ArticleFeatures, forced_story: str | None = None,
              independent: bool = True) -> Placement:
        """Put `article` in its best story (or `forced_story`), record it, return where."""
        candidates, states = self.candidates(article, forced_story)
        best = candidates[0] if candidates else None
        if forced_story is not None:
            chosen = next((c for c in candidates if c.story_id == forced_story), None)
            placement = Placement(article.id, forced_story, chosen.probability if chosen else 1.0,
                                  False, candidates)
        elif best is not None and best.probability >= self.config.join_probability:
            placement = Placement(article.id, best.story_id, best.probability, False, candidates)
        else:
            placement = Placement(article.id, story_id_for(article.id), 0.0, True, candidates)
        state = states.get(placement.story_id)
        if state is None:
            state, placement.new_story = StoryState(placement.story_id), True
        df, n_docs = self.backend.document_frequencies()
        add_to_state(state, article, df, n_docs, independent)
        self.backend.record(article, state, placement)
        return placement

    def candidates(self, article: ArticleFeatures, forced_story: str | None = None
                   ) -> tuple[list[Candidate], dict[str, StoryState]]:
        """Candidate stories from the nearest articles, best first (ties by story id).

        Also returns the candidates' states (and the forced story's).
        """
        nearest: dict[str, float] = {}
        for story_id, sim in self.backend.nearest(article.vector, self.config.neighbours):
            nearest[story_id] = max(sim, nearest.get(story_id, -1.0))
        wanted = sorted(set(nearest) | ({forced_story} if forced_story else set()))
        states = self.backend.states(wanted)
        found = [s for s in sorted(nearest) if s in states]
        df, n_docs = self.backend.document_frequencies()
        lexical = lexical_cosines(article.terms, [states[s] for s in found], df, n_docs)
        out = []
        for story_id, cosine in zip(found, lexical.tolist(), strict=True):
            row = candidate_features(article, states[story_id], nearest[story_id], cosine,
                                     self.config.time_window_days)
            out.append(Candidate(story_id, row, self._probability(row)))
        out.sort(key=lambda c: (-c.probability, c.story_id))
        return out, states

    def _probability(self, row: list[float]) -> float:
        if self.config.weights is None:
            return join_probability(row)
        return join_probability(row, self.config.weights, self.config.bias or 0.0)
