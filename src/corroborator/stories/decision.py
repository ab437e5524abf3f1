"""Story state and the tuned "join this story or start a new one" decision.

For each candidate story (found through the article's nearest neighbours in the ANN
index) the decision looks at six features and a small logistic model fitted on the
FNC-1 story gold (``bench/bench_stories.py tune``):

* ``lexical``: cosine of the article's tf-idf terms to the story's summed terms
  (document frequencies are counted as articles arrive, so nothing is fitted ahead);
* ``centroid``: cosine of the article embedding to the story centroid;
* ``nearest``: the highest cosine to one of the story's articles (from the ANN hits);
* ``entities``: the share of the article's capitalised names the story already has;
* ``story_names``: the share of the story's most frequent names the article mentions
  (one shared celebrity is a small share of a story about something else);
* ``time``: days between the article and the story's date range, in units of the window
  (0 when either has no date). FNC-1 has no dates, so its weight is a prior, not fitted.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import chain, repeat

import numpy as np

from corroborator.stories.features import ArticleFeatures

FEATURES = ("lexical", "centroid", "nearest", "entities", "story_names", "time")
# Logistic model over FEATURES, fitted by `bench/bench_stories.py tune` on FNC-1.
# Fitted on the FNC-1 tune half (95 stories); the time weight is a prior (FNC-1 has no dates).
WEIGHTS = (12.82, 2.301, 1.265, 4.021, 1.701, -2.0)
BIAS = -9.57
# Join the best story when P(same story) reaches this: the best B-cubed F1 on the tune half
# (0.922; 0.10 gives 0.918, 0.15 0.917).
JOIN_PROBABILITY = 0.12
TIME_WINDOW_DAYS = 3.0          # one unit of the time feature
MAX_TIME_UNITS = 5.0            # the time feature is capped here
MAX_STORY_TERMS = 300           # a story keeps its heaviest terms only
MAX_STORY_ENTITIES = 100        # and its most frequent names
STORY_TOP_NAMES = 5            # names of a story the article is checked against
TITLE_ENTITIES = 3              # names in a title made of entities (no headlines)


@dataclass
class StoryState:
    """What the clusterer keeps about one story between placements."""

    id: str
    n: int = 0
    n_sources: int = 0
    vector_sum: np.ndarray | None = None
    terms: dict[str, float] = field(default_factory=dict)
    entities: Counter = field(default_factory=Counter)
    first: datetime | None = None
    last: datetime | None = None
    first_seen: str | None = None
    last_seen: str | None = None
    title: str = ""
    title_order: int | None = None
    _arrays: tuple | None = field(default=None, init=False, repr=False, compare=False)
    _names: list[str] | None = field(default=None, init=False, repr=False, compare=False)

    def term_arrays(self) -> tuple[list[str], np.ndarray]:
        """The story's terms and their weights as a list and an array (cached until the
        terms change; derived, never stored)."""
        cached = self._arrays
        if cached is None or cached[0] is not self.terms:
            weights = np.fromiter(self.terms.values(), dtype=np.float64, count=len(self.terms))
            cached = self._arrays = (self.terms, list(self.terms), weights)
        return cached[1], cached[2]

    def set_term_arrays(self, keys: list[str], weights: np.ndarray) -> None:
        """Give `term_arrays` for the current terms (read from storage) without rebuilding."""
        self._arrays = (self.terms, keys, weights)

    def centroid_cosine(self, vector: np.ndarray) -> float:
        if self.vector_sum is None:
            return 0.0
        norm = float(np.linalg.norm(self.vector_sum))
        return float(self.vector_sum @ vector) / norm if norm else 0.0

    def key_entities(self, limit: int = 5) -> list[str]:
        """The story's most frequent names, ties broken alphabetically."""
        ranked = sorted(self.entities.items(), key=lambda kv: (-kv[1], kv[0]))
        return [name for name, _ in ranked[:limit]]

    def top_names(self) -> list[str]:
        """`key_entities` (STORY_TOP_NAMES of them), cached until `add_to_state` changes
        the names."""
        if self._names is None:
            self._names = self.key_entities(STORY_TOP_NAMES)
        return self._names

    def display_title(self) -> str:
        """The earliest headline, or the top names when no article has one."""
        if self.title:
            return self.title
        return ", ".join(e.title() for e in self.key_entities(TITLE_ENTITIES))


def idf(df: int, n_docs: int) -> float:
    """Smoothed inverse document frequency."""
    return math.log((n_docs + 1) / (df + 1)) + 1.0


def lexical_cosine(article: dict[str, float], story: dict[str, float],
                   weights: dict[str, float]) -> float:
    """Cosine of two term-weight dicts after multiplying each term by `weights` (idf)."""
    if not article or not story:
        return 0.0
    dot = sum(v * story[t] * weights.get(t, 1.0) ** 2 for t, v in article.items() if t in story)
    if dot == 0:
        return 0.0
    na = math.sqrt(sum((v * weights.get(t, 1.0)) ** 2 for t, v in article.items()))
    ns = math.sqrt(sum((v * weights.get(t, 1.0)) ** 2 for t, v in story.items()))
    return dot / (na * ns)


def lexical_cosines(article: dict[str, float], stories: Sequence[StoryState],
                    df: Mapping[str, int], n_docs: int) -> np.ndarray:
    """`lexical_cosine` of `article` to each of `stories` under the idf of `df`, at once.

    The same value as ``lexical_cosine(article, story.terms, {t: idf(df[t], n_docs)})``
    (to rounding: numpy's log and sums may differ from Python's in the last bit), computed
    on arrays: each term's document frequency is looked up once per story term, and only
    the terms of the article and of these stories are touched.
    """
    out = np.zeros(len(stories))
    if not article or not stories:
        return out
    a_keys = list(article)
    a_w = np.fromiter(article.values(), dtype=np.float64, count=len(a_keys)) * _idf_array(
        a_keys, df, n_docs)
    na = math.sqrt(float(a_w @ a_w))
    arrays = [s.term_arrays() for s in stories]
    lengths = np.array([len(keys) for keys, _ in arrays])
    if not lengths.any():
        return out
    keys = list(chain.from_iterable(k for k, _ in arrays))
    s_w = np.concatenate([w for _, w in arrays]) * _idf_array(keys, df, n_docs)
    owner = np.repeat(np.arange(len(stories)), lengths)
    norms = np.sqrt(np.bincount(owner, weights=s_w * s_w, minlength=len(stories)))
    position = {t: i for i, t in enumerate(a_keys)}
    at = np.fromiter(map(position.get, keys, repeat(-1)), dtype=np.int64, count=len(keys))
    shared = at >= 0
    dots = np.bincount(owner[shared], weights=a_w[at[shared]] * s_w[shared],
                       minlength=len(stories))
    nonzero = (dots != 0) & (norms > 0)
    out[nonzero] = dots[nonzero] / (na * norms[nonzero])
    return out


def _idf_array(terms: list[str], df: Mapping[str, int], n_docs: int) -> np.ndarray:
    """`idf` of each of `terms` (document frequency 0 when unseen), as an array."""
    counts = np.fromiter(map(df.get, terms, repeat(0)), dtype=np.float64, count=len(terms))
    return np.log((n_docs + 1) / (counts + 1)) + 1.0


def entity_share(article: frozenset[str], story: Counter) -> float:
    """Share of the article's names the story already mentions."""
    if not article:
        return 0.0
    return sum(1 for e in article if e in story) / len(article)


def story_name_share(article: frozenset[str], story: Counter, top: int = STORY_TOP_NAMES) -> float:
    """Share of the story's most frequent names (at most `top`) the article mentions."""
    ranked = sorted(story.items(), key=lambda kv: (-kv[1], kv[0]))
    return _share_named(article, [name for name, _ in ranked[:top]])


def _share_named(article: frozenset[str], names: list[str]) -> float:
    if not names:
        return 0.0
    return sum(1 for name in names if name in article) / len(names)


def time_units(article: ArticleFeatures, state: StoryState, window_days: float) -> float:
    """Gap between the article's date and the story's date range, in windows (capped)."""
    when = article.published
    if when is None or state.first is None or state.last is None:
        return 0.0
    if state.first <= when <= state.last:
        return 0.0
    gap = min(abs((when - state.first).total_seconds()), abs((when - state.last).total_seconds()))
    return min(gap / 86400.0 / window_days, MAX_TIME_UNITS)


def candidate_features(article: ArticleFeatures, state: StoryState, nearest: float,
                       lexical: float, window_days: float) -> list[float]:
    """The FEATURES row of (article, candidate story), given their `lexical` cosine."""
    return [
        lexical,
        state.centroid_cosine(article.vector),
        nearest,
        entity_share(article.entities, state.entities),
        _share_named(article.entities, state.top_names()),
        time_units(article, state, window_days),
    ]


def join_probability(row: list[float], weights: tuple[float, ...] = WEIGHTS,
                     bias: float = BIAS) -> float:
    """P(same story) under the logistic model."""
    z = bias + sum(w * x for w, x in zip(weights, row, strict=True))
    return 1.0 / (1.0 + math.exp(-max(min(z, 50.0), -50.0)))


def add_to_state(state: StoryState, article: ArticleFeatures, df: Mapping[str, int],
                 n_docs: int, independent: bool) -> None:
    """Fold `article` into `state` (centroid, terms, names, dates, title).

    `df` and `n_docs` are the document frequencies before `article` is counted; they
    rank the terms kept when the story has more than MAX_STORY_TERMS.
    """
    state.n += 1
    state.n_sources += int(independent)
    vec = article.vector.astype(np.float32)
    state.vector_sum = vec.copy() if state.vector_sum is None else state.vector_sum + vec
    terms = dict(state.terms)
    for t, v in article.terms.items():
        terms[t] = terms.get(t, 0.0) + v
    state.terms = _top(terms, MAX_STORY_TERMS, lambda t, v: v * idf(df.get(t, 0), n_docs))
    state.entities.update(article.entities)
    state._names = None
    if len(state.entities) > MAX_STORY_ENTITIES:
        state.entities = Counter(dict(sorted(state.entities.items(),
                                             key=lambda kv: (-kv[1], kv[0]))[:MAX_STORY_ENTITIES]))
    _update_dates(state, article)
    _update_title(state, article)


def _top(items: dict[str, float], limit: int, weight) -> dict[str, float]:
    if len(items) <= limit:
        return items
    ranked = sorted(items.items(), key=lambda kv: (-weight(*kv), kv[0]))[:limit]
    return {t: round(v, 4) for t, v in ranked}


def _update_dates(state: StoryState, article: ArticleFeatures) -> None:
    when = article.published
    if when is None:
        return
    if state.first is None or when < state.first:
        state.first, state.first_seen = when, article.published_raw
    if state.last is None or when > state.last:
        state.last, state.last_seen = when, article.published_raw


def _update_title(state: StoryState, article: ArticleFeatures) -> None:
    """Keep the headline of the earliest-published (else first-arrived) titled article."""
    if not article.title:
        return
    if not state.title or _earlier(article, state):
        state.title, state.title_order = article.title, article.order


def _earlier(article: ArticleFeatures, state: StoryState) -> bool:
    if article.published is not None and state.first is not None:
        return article.published <= state.first and article.published_raw == state.first_seen
    return state.title_order is not None and article.order < state.title_order
