"""Scale-out: the per-article stages and per-story corroboration, in this process, in a
pool of worker processes, or on Ray.

Stages are plain functions over batches of records (see :data:`corroborator.stages.STAGES`),
so every engine runs the same code: an engine only decides *where* a batch runs. Results
come back in the order the batches went in, so the driver writes them to the store in
the same order whatever the engine, and the database ends up the same.

* :class:`LocalEngine` runs batches in this process (``workers=1``) or in a pool of
  worker processes;
* :class:`RayEngine` runs the per-article stages as Ray Data ``map_batches`` and
  corroboration as Ray tasks, one task per group of stories.

Records cross process boundaries pickled; the store stays with the driver, which is the
one writer. Corroboration tasks read the database read-only (its path must be visible to
the workers) and hand back what they would have written, with the sentence pairs they
inferred for the driver to cache.

Worker processes infer with ``cores // workers`` intra-op threads each, on the device
chosen for the run, and end when the driver dies (even by ``kill -9``).

Example:
    >>> from corroborator.batch import run_local
    >>> signals = run_local(["extract", "signals"], articles)        # in-process
    >>> signals = run_on_ray(["extract", "signals"], articles)       # needs the ray extra
"""

from __future__ import annotations

import os
import pickle
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, is_dataclass
from typing import TYPE_CHECKING, Any

from corroborator.errors import CorroboratorError, MissingExtraError
from corroborator.models import (
    Article,
    Attribution,
    Claim,
    ClaimGroup,
    Discrepancy,
    Entity,
    Extraction,
    Mention,
    Quote,
    Sentence,
    Signal,
)
from corroborator.store.store import Store

if TYPE_CHECKING:
    from corroborator.corroboration.inference import PairRow, StanceRow

DEFAULT_BATCH_SIZE = 16          # articles per extraction batch (one task, one nlp.pipe call)
RAY_DATASET_ARTICLES = 1000      # articles per Ray dataset: bounds the driver's memory
STORY_TASK_ARTICLES = 40         # corroboration: small stories share a task up to this size
TASKS_IN_FLIGHT_PER_WORKER = 2   # bounded submission: memory stays flat on big archives
RAY_MAX_RETRIES = 3              # a Ray task whose worker dies is run again this many times

Extracted = tuple[Extraction, list[Signal]]
Corroborated = tuple[str, list[ClaimGroup], list[Discrepancy], str, bytes | None, Any]
"""What one story's corroboration stores: see :meth:`Store.save_corroboration`."""
TaskResult = tuple[list[Corroborated], list["PairRow"], list["StanceRow"]]
"""What one corroboration task hands back: its stories' results, and the sentence pairs
and stance pairs it inferred."""


class WorkerError(CorroboratorError):
    """A worker process died; what was already stored is kept and a rerun resumes."""


# -- the work itself (runs wherever the engine puts it) -------------------------------------

def extract_articles(articles: Sequence[Article]) -> list[Extracted]:
    """The per-article stages over one batch: extraction, then signals."""
    from corroborator.stages import STAGES

    extractions = STAGES["extract"].run(list(articles))
    signals = STAGES["signals"].run(extractions)
    return list(zip(extractions, signals, strict=True))


class _CapturingStore(Store):
    """A read-only store that keeps what `save_corroboration` would have written."""

    def __init__(self, path: str) -> None:
        super().__init__(path, readonly=True)
        self.saved: list[Corroborated] = []

    def save_corroboration(self, story_id: str, groups: Sequence[ClaimGroup],
                           discrepancies: Sequence[Discrepancy], model: str = "", *,
                           state: bytes | None = None, changes: Any = None) -> None:
        self.saved.append((story_id, list(groups), list(discrepancies), model, state, changes))


def corroborate_stories(db_path: str, story_ids: Sequence[str]) -> TaskResult:
    """Corroborate `story_ids` from a read-only view of the database; return the results
    and the newly inferred pairs (pairs the database already holds are not inferred)."""
    from corroborator.corroboration.inference import caching
    from corroborator.corroboration.story import corroborate_story

    with _CapturingStore(db_path) as store, caching(_store_cache(store)) as cache:
        for story_id in story_ids:
            corroborate_story(store, story_id)
        return store.saved, cache.take_new(), cache.take_new_stances()


def corroborate_here(store: Store, story_id: str) -> None:
    """Corroborate one story in this process, storing its result and its new pairs."""
    from corroborator.corroboration.inference import caching
    from corroborator.corroboration.story import corroborate_story

    with caching(_store_cache(store)) as cache:
        corroborate_story(store, story_id)
    store.save_cache(cache)


def _store_cache(store: Store):
    """An inference cache answering from the store's pair tables (migrations 0014, 0016)."""
    from corroborator.corroboration.inference import PairCache

    return PairCache(store.cached_pairs, store.cached_stances)


def save_task(store: Store, result: TaskResult) -> int:
    """Store what one corroboration task handed back; return its number of stories."""
    saved, pairs, stances = result
    store.save_pairs(pairs)
    store.save_stances(stances)
    for story_id, groups, discrepancies, model, state, changes in saved:
        store.save_corroboration(story_id, groups, discrepancies, model, state=state,
                                 changes=changes)
    return len(saved)


def _init_worker(parent_pid: int, threads: int, device: str | None) -> None:
    """First thing in each worker process: end with the driver; set up inference."""
    from corroborator.concurrency import die_with_parent
    from corroborator.corroboration.inference import configure

    die_with_parent(parent_pid)
    configure(device=device, threads=threads)


def story_tasks(story_sizes: Sequence[tuple[str, int]],
                max_articles: int | None = None) -> list[list[str]]:
    """Group stories, in order, into tasks of about `max_articles` articles each
    (default :data:`STORY_TASK_ARTICLES`); a bigger story is a task of its own."""
    max_articles = max_articles or STORY_TASK_ARTICLES
    tasks: list[list[str]] = []
    size = max_articles
    for story_id, n in story_sizes:
        if size + n > max_articles:
            tasks.append([])
            size = 0
        tasks[-1].append(story_id)
        size += n
    return tasks


# -- engines ----------------------------------------------------------------------------------

class LocalEngine:
    """Batches in this process (``workers=1``) or in a pool of `workers` processes."""

    name = "local"

    def __init__(self, workers: int | None = None, device: str | None = None) -> None:
        self.workers = max(1, workers or os.cpu_count() or 1)
        self.device = device
        self._pool: Any = None

    def parallel_for(self, n_batches: int) -> bool:
        """Whether `n_batches` are worth the pool's start-up (a few seconds per worker)."""
        return self.workers > 1 and n_batches >= 2 * self.workers

    def extract(self, batches: Iterable[list[Article]], n_batches: int
                ) -> Iterator[list[Extracted]]:
        """Results of :func:`extract_articles` per batch, in order."""
        if not self.parallel_for(n_batches):
            return map(extract_articles, batches)
        return self._ordered(extract_articles, ((b,) for b in batches))

    def corroborate(self, db_path: str, tasks: Sequence[list[str]]
                    ) -> Iterator[TaskResult] | None:
        """Results per task, in order; None: run in the caller's process (it writes)."""
        if not self.parallel_for(len(tasks)):
            return None
        return self._ordered(corroborate_stories, ((db_path, t) for t in tasks))

    def _ordered(self, fn: Callable, args: Iterable[tuple]) -> Iterator[Any]:
        from concurrent.futures.process import BrokenProcessPool

        pool = self._start()
        try:
            yield from _in_order(lambda a: pool.submit(fn, *a), args,
                                 self.workers * TASKS_IN_FLIGHT_PER_WORKER,
                                 lambda future: future.result())
        except BrokenProcessPool as exc:
            self.close()
            raise WorkerError("a worker process died during analyze (killed or out of "
                              "memory); what is stored is kept: run analyze again to "
                              "finish") from exc

    def _start(self) -> Any:
        if self._pool is None:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            from corroborator.corroboration.inference import threads_for

            self._pool = ProcessPoolExecutor(
                self.workers, mp_context=multiprocessing.get_context("spawn"),
                initializer=_init_worker,
                initargs=(os.getpid(), threads_for(self.workers), self.device))
        return self._pool

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


class RayEngine:
    """Per-article stages as Ray Data ``map_batches``, corroboration as Ray tasks.

    Connects to the cluster at `address` (``"auto"``, ``"ray://host:10001"``, ...) or,
    without one, starts a local Ray with `workers` CPUs. A Ray already initialised in
    this process (e.g. by a test) is used as it is.
    """

    name = "ray"

    def __init__(self, address: str | None = None, workers: int | None = None,
                 device: str | None = None) -> None:
        ray = _import_ray()
        self._owns = not ray.is_initialized()
        if self._owns:
            env = {k: v for k, v in os.environ.items()
                   if k in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "CORROBORATOR_DB",
                            "CORROBORATOR_THREADS", "CORROBORATOR_DEVICE")}
            env["CORROBORATOR_THREADS"] = env.get("CORROBORATOR_THREADS", "1")
            if device:
                env["CORROBORATOR_DEVICE"] = device
            try:
                ray.init(address=address, num_cpus=None if address else workers,
                         include_dashboard=False, log_to_driver=False,
                         logging_level="WARNING",
                         runtime_env={"env_vars": env} if env else None)
            except Exception as exc:           # Ray raises bare Exceptions on start-up
                ray.shutdown()
                where = f"join Ray at {address}" if address else "start a local Ray"
                reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
                raise WorkerError(f"could not {where}: {reason}") from exc
        self.workers = max(1, int(ray.cluster_resources().get("CPU", 1)))
        self._corroborate = ray.remote(max_retries=RAY_MAX_RETRIES)(corroborate_stories)

    def parallel_for(self, n_batches: int) -> bool:
        return True

    def extract(self, batches: Iterable[list[Article]], n_batches: int
                ) -> Iterator[list[Extracted]]:
        """Stream Ray Data results back in input order, one dataset per chunk of articles."""
        import logging

        ray = _import_ray()
        context = ray.data.DataContext.get_current()
        context.execution_options.preserve_order = True
        context.enable_progress_bars = False             # analyze prints its own progress
        logging.getLogger("ray.data").setLevel(logging.WARNING)
        chunk: list[Article] = []
        for batch in batches:
            chunk.extend(batch)
            if len(chunk) >= RAY_DATASET_ARTICLES:
                yield from self._run_dataset(ray, chunk)
                chunk = []
        if chunk:
            yield from self._run_dataset(ray, chunk)

    def _run_dataset(self, ray: Any, articles: list[Article]) -> Iterator[list[Extracted]]:
        dataset = ray.data.from_items([{"payload": pickle.dumps(a)} for a in articles],
                                      override_num_blocks=max(1, len(articles)
                                                              // DEFAULT_BATCH_SIZE))
        dataset = dataset.map_batches(_ray_extract_batch, batch_size=DEFAULT_BATCH_SIZE,
                                      batch_format="numpy", max_retries=RAY_MAX_RETRIES)
        for batch in dataset.iter_batches(batch_size=DEFAULT_BATCH_SIZE, batch_format="numpy"):
            yield [pickle.loads(p) for p in batch["payload"]]

    def corroborate(self, db_path: str, tasks: Sequence[list[str]]
                    ) -> Iterator[TaskResult]:
        ray = _import_ray()
        return _in_order(lambda a: self._corroborate.remote(*a), ((db_path, t) for t in tasks),
                         self.workers * TASKS_IN_FLIGHT_PER_WORKER, ray.get)

    def close(self) -> None:
        if self._owns:
            _import_ray().shutdown()


def _ray_extract_batch(batch: dict[str, Any]) -> dict[str, Any]:
    """One Ray Data batch: unpickle articles, run the per-article stages, pickle results."""
    import numpy as np

    articles = [pickle.loads(p) for p in batch["payload"]]
    out = [pickle.dumps(r) for r in extract_articles(articles)]
    return {"payload": np.array(out, dtype=object)}


def open_engine(engine: str = "local", workers: int | None = None,
                address: str | None = None, device: str | None = None
                ) -> LocalEngine | RayEngine:
    """The engine named `engine` (``local`` or ``ray``), inferring on `device`."""
    if engine == "local":
        return LocalEngine(workers, device)
    if engine == "ray":
        return RayEngine(address, workers, device)
    raise ValueError(f"unknown engine {engine!r}; choose local or ray")


def _in_order(submit: Callable[[tuple], Any], args: Iterable[tuple], window: int,
              result: Callable[[Any], Any]) -> Iterator[Any]:
    """Submit calls with at most `window` in flight; yield their results in order."""
    pending: deque = deque()
    for a in args:
        pending.append(submit(a))
        if len(pending) >= window:
            yield result(pending.popleft())
    while pending:
        yield result(pending.popleft())


def _import_ray() -> Any:
    try:
        import ray
        import ray.data  # noqa: F401
    except ImportError as exc:
        raise MissingExtraError("ray", "the Ray engine") from exc
    return ray


# -- stage runners over plain records (library use) -------------------------------------------

def run_local(stage_names: Sequence[str], records: Sequence[Any]) -> list[Any]:
    """Run the named stages in order over `records`, in this process."""
    from corroborator.stages import STAGES

    batch = list(records)
    for name in stage_names:
        batch = STAGES[_check(name)].run(batch)
    return batch


def run_on_ray(stage_names: Sequence[str], articles: Sequence[Article],
               batch_size: int = DEFAULT_BATCH_SIZE) -> list[Any]:
    """Run the named stages over `articles` with Ray Data; same results as `run_local`."""
    ray = _import_ray()
    names = [_check(name) for name in stage_names]
    dataset = ray.data.from_items([{"payload": pickle.dumps(a)} for a in articles])
    dataset = dataset.map_batches(lambda b: _run_rows(names, b), batch_size=batch_size,
                                  batch_format="numpy")
    return [pickle.loads(p) for b in dataset.iter_batches(batch_format="numpy")
            for p in b["payload"]]


def _run_rows(stage_names: list[str], batch: dict[str, Any]) -> dict[str, Any]:
    import numpy as np

    out = run_local(stage_names, [pickle.loads(p) for p in batch["payload"]])
    return {"payload": np.array([pickle.dumps(r) for r in out], dtype=object)}


def to_plain(record: Any) -> Any:
    """A record as plain Python data (dicts and lists), for JSON or another process."""
    if is_dataclass(record):
        return asdict(record)
    if isinstance(record, list):
        return [to_plain(r) for r in record]
    return record


def extraction_from_dict(data: dict[str, Any]) -> Extraction:
    """Rebuild an :class:`Extraction` from `asdict` output."""
    def sentence(d: dict[str, Any]) -> Sentence:
        return Sentence(**(d | {"attribution": Attribution(**d["attribution"])}))

    def claim(d: dict[str, Any]) -> Claim:
        return Claim(**(d | {"attribution": Attribution(**d["attribution"])}))

    return Extraction(
        article_id=data["article_id"],
        sentences=[sentence(s) for s in data["sentences"]],
        entities=[Entity(**e) for e in data["entities"]],
        quotes=[Quote(**q) for q in data["quotes"]],
        mentions=[Mention(**m) for m in data["mentions"]],
        claims=[claim(c) for c in data["claims"]],
        warnings=list(data["warnings"]),
        version=data["version"],
    )


def _check(name: str) -> str:
    from corroborator.stages import STAGES

    if name not in STAGES:
        raise ValueError(f"unknown stage {name!r}; choose from {', '.join(STAGES)}")
    return name
