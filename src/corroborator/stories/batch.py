"""`cluster_articles`: place stored articles into stories, resumably."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from corroborator.dedupe import root_of
from corroborator.embed import get_embedder
from corroborator.models import Article
from corroborator.store import Store
from corroborator.stories.core import ClusterConfig, Clusterer
from corroborator.stories.features import embedding_text, featurize, skip_reason
from corroborator.stories.persist import StoreBackend, index_path

BATCH_SIZE = 256               # articles fetched and embedded together


@dataclass
class ClusterReport:
    """What one `cluster_articles` run did."""

    placed: list[str] = field(default_factory=list)
    touched_stories: list[str] = field(default_factory=list)
    new_stories: list[str] = field(default_factory=list)
    unclustered: dict[str, str] = field(default_factory=dict)
    already_done: int = 0
    index_status: str = ""


def cluster_articles(store: Store, article_ids: Sequence[str],
                     config: ClusterConfig | None = None, rebuild: bool = False,
                     progress: Callable[[int], None] | None = None) -> ClusterReport:
    """Place each of `article_ids` (in order) into a story, persisting as it goes.

    An article joins the story of its duplicate group if a copy is already placed,
    else its best candidate story if the tuned decision says so, else starts a story.
    Empty, short and non-English articles go to ``unclustered`` with a reason. Articles
    already placed or unclustered are skipped, so an interrupted run resumes. With
    ``rebuild=True`` every story is dropped and all stored articles are re-clustered in
    ingest order (stored vectors of the same model are reused).

    Args:
        store: an open, writable store.
        article_ids: ids of stored articles, in arrival order.
        config: clustering settings (defaults tuned on FNC-1).
        rebuild: forget all stories first and re-cluster everything.
        progress: called with the number of articles handled so far.

    Returns:
        A :class:`ClusterReport` with the touched and new story ids and the unclustered.
    """
    config = config or ClusterConfig()
    if rebuild:
        _reset(store)
        article_ids = list(dict.fromkeys([*store.all_article_ids(), *article_ids]))
    embedder = get_embedder(config.embedder)
    backend = StoreBackend(store, embedder.name, embedder.encode(["probe"]).shape[1])
    report = ClusterReport(index_status=backend.index_status)
    clusterer = Clusterer(backend, config)
    todo = _pending(store, article_ids)
    report.already_done = len(article_ids) - len(todo)
    touched: dict[str, None] = {}
    try:
        for start in range(0, len(todo), BATCH_SIZE):
            articles = store.get_articles(todo[start:start + BATCH_SIZE])
            _place_batch(store, clusterer, articles, config, report, touched)
            if progress:
                progress(report.already_done + min(start + BATCH_SIZE, len(todo)))
    finally:
        backend.save()
    report.touched_stories = list(touched)
    return report


def _place_batch(store: Store, clusterer: Clusterer, articles: list[Article],
                 config: ClusterConfig, report: ClusterReport, touched: dict[str, None]) -> None:
    reasons = {a.id: skip_reason(a, config.min_words, config.language) for a in articles}
    for article in articles:
        if reasons[article.id]:
            store.mark_unclustered(article.id, reasons[article.id])
            report.unclustered[article.id] = reasons[article.id]
    keep = [a for a in articles if not reasons[a.id]]
    vectors = _vectors(store, keep, clusterer.backend.model, config)
    order = store.ingest_order([a.id for a in keep])
    for article, vector in zip(keep, vectors, strict=True):
        forced = _group_story(store, article.id)
        placement = clusterer.place(featurize(article, vector, order.get(article.id, 0)),
                                    forced_story=forced, independent=forced is None)
        report.placed.append(article.id)
        touched[placement.story_id] = None
        if placement.new_story:
            report.new_stories.append(placement.story_id)


def _vectors(store: Store, articles: list[Article], model: str,
             config: ClusterConfig) -> np.ndarray:
    """Stored vectors of `model` where present, the rest embedded now (outside any write)."""
    if not articles:
        return np.zeros((0, 0), dtype=np.float32)
    marks = ",".join("?" * len(articles))
    stored = {r[0]: np.frombuffer(r[1], dtype=np.float32) for r in store.query(
        f"SELECT article_id, vector FROM article_vectors WHERE model = ? "
        f"AND article_id IN ({marks})", [model, *(a.id for a in articles)])}
    missing = [a for a in articles if a.id not in stored]
    if missing:
        fresh = get_embedder(config.embedder).encode(
            [embedding_text(a, config.lead_words) for a in missing])
        stored.update(zip((a.id for a in missing), fresh, strict=True))
    return np.stack([stored[a.id] for a in articles])


def _group_story(store: Store, article_id: str) -> str | None:
    """The story of an already placed copy of `article_id` (its duplicate group), if any."""
    root = root_of(article_id, store.duplicates_of([article_id]))
    members = sorted({root, *store.copies_of([root])} - {article_id})
    if not members:
        return None
    marks = ",".join("?" * len(members))
    row = store.query(f"SELECT story_id FROM story_articles WHERE article_id IN ({marks}) "
                      "ORDER BY seq LIMIT 1", members)
    return row[0][0] if row else None


def _pending(store: Store, article_ids: Sequence[str]) -> list[str]:
    """`article_ids` not yet placed nor marked unclustered, in order, without repeats."""
    ids = list(dict.fromkeys(article_ids))
    done: set[str] = set()
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        marks = ",".join("?" * len(chunk))
        done.update(r[0] for r in store.query(
            f"SELECT article_id FROM story_articles WHERE article_id IN ({marks}) UNION "
            f"SELECT article_id FROM unclustered WHERE article_id IN ({marks})", chunk + chunk))
    return [i for i in ids if i not in done]


def _reset(store: Store) -> None:
    """Drop every story, membership, unclustered mark, term count and the index file."""
    with store.transaction() as conn:
        for table in ("story_articles", "stories", "unclustered", "story_term_df"):
            conn.execute(f"DELETE FROM {table}")
    index_path(store).unlink(missing_ok=True)
