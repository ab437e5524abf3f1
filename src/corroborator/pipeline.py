"""The pipeline: named stages over batches, and the local runner that ties them to a store.

Each :class:`Stage` is a plain function from a batch of records to a batch of records,
with a name and a version; the local runner below and the Ray runner in
:mod:`corroborator.batch` treat every stage alike. `ingest` and `analyze` are the store-
backed entry points the CLI calls.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from corroborator.errors import InputError
from corroborator.extract import EXTRACTOR_VERSION, extract_batch
from corroborator.models import Article, Extraction
from corroborator.signals import describe_batch
from corroborator.store import Store

INGEST_BATCH = 200


@dataclass(frozen=True)
class Stage:
    """A named, versioned pipeline step: ``run(batch) -> batch``."""

    name: str
    version: str
    reads: str
    writes: str
    run: Callable[[list[Any]], list[Any]]


STAGES: dict[str, Stage] = {
    "extract": Stage("extract", EXTRACTOR_VERSION, "Article", "Extraction", extract_batch),
    "signals": Stage("signals", "signals.v1", "Extraction", "list[Signal]", describe_batch),
}


@dataclass
class IngestReport:
    """What `ingest` did: counts, the new article ids and one line per failure."""

    added: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)

    def summary(self) -> str:
        return (f"{len(self.added)} added, {len(self.duplicates)} already stored, "
                f"{len(self.errors)} failed")


def ingest(inputs: Iterable[str | Path], store: Store, *, outlet: str | None = None,
           follow_links: bool = False, options: Any = None,
           progress: Callable[[Article | InputError], None] | None = None) -> IngestReport:
    """Read articles from `inputs` into `store`; bad inputs are reported, never fatal.

    Re-ingesting an article already stored is a no-op counted under ``duplicates``.
    Articles are written in short transactions of up to ``INGEST_BATCH``.
    """
    from corroborator.ingest import read_articles
    from corroborator.ingest.sidecar import SidecarIndex

    report, batch, sidecar = IngestReport(), [], SidecarIndex()
    for item in read_articles(inputs, outlet=outlet, follow_links=follow_links, options=options):
        if progress:
            progress(item)
        if isinstance(item, InputError):
            report.errors.append(item)
            continue
        batch.append(sidecar.apply(item))
        if len(batch) >= INGEST_BATCH:
            _store_batch(store, batch, report)
    _store_batch(store, batch, report)
    return report


def _store_batch(store: Store, batch: list[Article], report: IngestReport) -> None:
    if not batch:
        return
    for article, added in zip(batch, store.add_articles(batch), strict=True):
        (report.added if added else report.duplicates).append(article.id)
    batch.clear()


@dataclass
class AnalyzeReport:
    """What `analyze` did."""

    extracted: int = 0
    duplicates: int = 0
    stories_touched: list[str] = field(default_factory=list)
    unclustered: int = 0
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (f"{self.extracted} analyzed, {self.duplicates} duplicates, "
                f"{len(self.stories_touched)} stories updated, {self.unclustered} unclustered")


def analyze(store: Store, *, rebuild: bool = False,
            progress: Callable[[str, int, int], None] | None = None) -> AnalyzeReport:
    """Run extraction, dedupe, story clustering and corroboration over pending articles.

    Resumable: each article's extraction is stored in its own transaction and an article
    is marked analyzed only at the end, so an interrupted run picks up where it stopped.
    With ``rebuild=True`` stories and corroboration are recomputed for every article.
    """
    if rebuild:
        store.reset_analysis()
    pending = store.pending_article_ids()
    report = AnalyzeReport()
    for done, article_id in enumerate(pending, start=1):
        extraction = _extract_one(store, article_id)
        report.warnings.extend(f"{article_id}: {w}" for w in extraction.warnings)
        report.extracted += 1
        if progress:
            progress("extract", done, len(pending))
    touched = _cluster(store, pending, report, progress)
    _corroborate(store, touched, progress)
    store.mark_analyzed(pending)
    report.stories_touched = touched
    return report


def _extract_one(store: Store, article_id: str) -> Extraction:
    article = store.get_article(article_id)
    extraction = STAGES["extract"].run([article])[0]
    signals = STAGES["signals"].run([extraction])[0]
    store.save_extraction(extraction, signals)
    return extraction


def _cluster(store: Store, article_ids: Sequence[str], report: AnalyzeReport,
             progress: Callable[[str, int, int], None] | None) -> list[str]:
    """Dedupe and place articles into stories; returns the ids of touched stories."""
    from corroborator import dedupe, stories

    links = dedupe.find_duplicates(store, article_ids)
    report.duplicates = len(links)
    step = (lambda n: progress("cluster", n, len(article_ids))) if progress else None
    result = stories.cluster_articles(store, article_ids, progress=step)
    report.unclustered = len(result.unclustered)
    return list(result.touched_stories)


def _corroborate(store: Store, story_ids: Sequence[str],
                 progress: Callable[[str, int, int], None] | None) -> None:
    from corroborator.corroborate import corroborate_story

    for done, story_id in enumerate(story_ids, start=1):
        corroborate_story(store, story_id)
        if progress:
            progress("corroborate", done, len(story_ids))
