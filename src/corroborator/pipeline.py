"""The pipeline: named stages over batches, and the store-backed `ingest` and `analyze`.

Each :class:`Stage` is a plain function from a batch of records to a batch of records,
with a name and a version; the engines in :mod:`corroborator.batch` (this process, a
process pool, Ray) treat every stage alike. `ingest` and `analyze` are the store-backed
entry points the CLI calls.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from corroborator.errors import InputError
from corroborator.extract import EXTRACTOR_VERSION
from corroborator.factcheck import save_reviews
from corroborator.models import Article
from corroborator.stages import STAGES, Stage  # noqa: F401  (re-exported)
from corroborator.store import Store

INGEST_BATCH = 200


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
    from corroborator.ingest.outlets import OutletNames
    from corroborator.ingest.sidecar import SidecarIndex

    report, batch, sidecar = IngestReport(), [], SidecarIndex()
    names = OutletNames() if outlet else OutletNames.from_store(store)
    for item in read_articles(inputs, outlet=outlet, follow_links=follow_links, options=options):
        if progress:
            progress(item)
        if isinstance(item, InputError):
            report.errors.append(item)
            continue
        batch.append(names.apply(sidecar.apply(item)))
        if len(batch) >= INGEST_BATCH:
            _store_batch(store, batch, report)
    _store_batch(store, batch, report)
    return report


def _store_batch(store: Store, batch: list[Article], report: IngestReport) -> None:
    if not batch:
        return
    for article, added in zip(batch, store.add_articles(batch), strict=True):
        (report.added if added else report.duplicates).append(article.id)
    save_reviews(store, batch)  # published fact-checks (ClaimReview) the pages carried
    batch.clear()


@dataclass
class AnalyzeReport:
    """What `analyze` did, with the wall time of each stage in seconds."""

    extracted: int = 0
    duplicates: int = 0
    stories_touched: list[str] = field(default_factory=list)
    unclustered: int = 0
    skipped: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    engine: str = "local"
    workers: int = 1
    seconds: dict[str, float] = field(default_factory=dict)

    def summary(self) -> str:
        from corroborator.coverage import count_skipped, describe_skipped

        return (f"{self.extracted} analyzed, {self.duplicates} duplicates, "
                f"{len(self.stories_touched)} stories updated, "
                f"{describe_skipped(self.skipped or count_skipped([]))}")


Progress = Callable[[str, int, int], None]


def analyze(store: Store, *, rebuild: bool = False, workers: int | None = None,
            engine: str = "local", ray_address: str | None = None,
            progress: Progress | None = None, device: str | None = None) -> AnalyzeReport:
    """Extract, dedupe, cluster and corroborate whatever the store has not analyzed yet.

    Resumable by stage: each article's extraction, each story placement and each story's
    corroboration is stored in its own short transaction, so after Ctrl-C or ``kill -9``
    the next run does only the remaining work and ends in the same state as an
    uninterrupted run. Stories whose corroboration is missing or stale (their articles
    or duplicate links changed) are corroborated again, whichever run touched them.
    One analyzer runs per database at a time; a second one gets a one-line StoreError.

    Args:
        store: an open, writable store.
        rebuild: recompute stories and corroboration for every article (stored
            extractions of the current version are kept).
        workers: processes for the per-article stages and corroboration (default: all
            cores; 1 runs everything in this process).
        engine: ``"local"`` or ``"ray"`` (needs the ``ray`` extra).
        ray_address: the Ray cluster to join (default: start a local one).
        progress: called with (stage, done, total) as work completes.
        device: where the inference model runs: ``cpu`` (default), ``cuda`` or ``auto``.

    Example:
        >>> report = analyze(open_store("news.db"), workers=2)      # doctest: +SKIP
    """
    from corroborator.batch import open_engine
    from corroborator.corroboration.inference import configure, resolve_device
    from corroborator.store.database import analyzer_lock

    if device is not None:
        device = resolve_device(device)       # a missing CUDA provider fails here, once
        configure(device=device)

    with analyzer_lock(store.path):
        if rebuild:
            store.reset_analysis()
        pending = store.pending_article_ids()
        todo = store.unextracted_article_ids(pending, EXTRACTOR_VERSION)
        report = AnalyzeReport(engine=engine)
        runner = _LazyEngine(lambda: open_engine(engine, workers, ray_address, device))
        try:
            _timed(report, "extract", _extract, store, runner, todo, report, progress)
            _timed(report, "cluster", _cluster, store, pending, report, progress)
            store.mark_analyzed(pending)
            stale = store.stale_stories()
            _timed(report, "corroborate", _corroborate, store, runner, stale, progress)
        finally:
            runner.close()
        report.workers = runner.workers
        report.stories_touched = stale
    return report


class _LazyEngine:
    """Starts the engine (a process pool, a Ray connection) only when work needs it."""

    def __init__(self, factory: Callable[[], Any]) -> None:
        self.factory, self.engine = factory, None

    def get(self) -> Any:
        if self.engine is None:
            self.engine = self.factory()
        return self.engine

    @property
    def workers(self) -> int:
        return self.engine.workers if self.engine is not None else 1

    def close(self) -> None:
        if self.engine is not None:
            self.engine.close()


def _timed(report: AnalyzeReport, stage: str, fn: Callable, *args: Any) -> Any:
    started = time.perf_counter()
    try:
        return fn(*args)
    finally:
        report.seconds[stage] = round(time.perf_counter() - started, 3)


def _extract(store: Store, runner: _LazyEngine, article_ids: Sequence[str],
             report: AnalyzeReport, progress: Progress | None) -> None:
    """Extraction and signals for `article_ids`, stored one article per transaction."""
    from corroborator.batch import DEFAULT_BATCH_SIZE

    if not article_ids:
        return
    chunks = [list(article_ids[i:i + DEFAULT_BATCH_SIZE])
              for i in range(0, len(article_ids), DEFAULT_BATCH_SIZE)]
    batches = (store.get_articles(chunk) for chunk in chunks)
    if progress:
        progress("extract", 0, len(article_ids))
    for results in runner.get().extract(batches, len(chunks)):
        for extraction, signals in results:
            store.save_extraction(extraction, signals)
            report.warnings.extend(f"{extraction.article_id}: {w}" for w in extraction.warnings)
            report.extracted += 1
        if progress:
            progress("extract", report.extracted, len(article_ids))


def _cluster(store: Store, article_ids: Sequence[str], report: AnalyzeReport,
             progress: Progress | None) -> None:
    """Dedupe and place articles into stories, in arrival order."""
    from corroborator import dedupe, stories
    from corroborator.coverage import count_skipped

    if progress and article_ids:
        progress("cluster", 0, len(article_ids))
    links = dedupe.find_duplicates(store, article_ids)
    report.duplicates = len(links)
    step = (lambda n: progress("cluster", n, len(article_ids))) if progress else None
    result = stories.cluster_articles(store, article_ids, progress=step)
    report.unclustered = len(result.unclustered)
    report.skipped = count_skipped(result.unclustered.values())


def _corroborate(store: Store, runner: _LazyEngine, story_ids: Sequence[str],
                 progress: Progress | None) -> None:
    """Corroborate `story_ids`, in worker processes or on Ray when there are enough."""
    from corroborator.batch import corroborate_here, save_task, story_tasks

    if not story_ids:
        return
    sizes = dict(store.query("SELECT id, n_articles FROM stories"))
    tasks = story_tasks([(s, int(sizes.get(s, 1))) for s in story_ids])
    if progress:
        progress("corroborate", 0, len(story_ids))
    results = runner.get().corroborate(str(store.path), tasks)
    done = 0
    if results is None:
        for story_id in story_ids:
            corroborate_here(store, story_id)
            done += 1
            if progress:
                progress("corroborate", done, len(story_ids))
        return
    for task in results:
        done += save_task(store, task)
        if progress:
            progress("corroborate", done, len(story_ids))


class ProgressLines:
    """Plain progress lines for logs and pipes: stage, done/total, rate and ETA.

    A line is written when a stage starts, at most every `every` seconds while it runs,
    and when it completes.

    Example:
        >>> lines = ProgressLines(sys.stderr)
        >>> lines("extract", 40, 400)   # "extract: 40/400 (12.5/s, ETA 29s)"
    """

    def __init__(self, stream: Any = None, every: float = 5.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.stream = stream or sys.stderr
        self.every, self.clock = every, clock
        self.started: dict[str, float] = {}
        self.last: dict[str, float] = {}

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = self.clock()
        if stage not in self.started:
            self.started[stage] = self.last[stage] = now
            self._write(stage, done, total, now)
            return
        if done >= total or now - self.last[stage] >= self.every:
            self.last[stage] = now
            self._write(stage, done, total, now)

    def _write(self, stage: str, done: int, total: int, now: float) -> None:
        elapsed = now - self.started[stage]
        rate = done / elapsed if elapsed > 0 else 0.0
        eta = f"ETA {_duration((total - done) / rate)}" if rate > 0 and done < total else (
            "done" if done >= total else "ETA ?")
        print(f"{stage}: {done}/{total} ({rate:.1f}/s, {eta})", file=self.stream, flush=True)


def _duration(seconds: float) -> str:
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds}s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes}m{seconds:02d}s"
    return f"{minutes // 60}h{minutes % 60:02d}m"
