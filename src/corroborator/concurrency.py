"""Sharing models between threads safely: one per thread, a guarded one, or a bounded pool.

Tokenizers (Hugging Face ``tokenizers``), spaCy pipelines and ONNX sessions with
per-call state are not safe to call from two threads at once; the web app runs
requests on a thread pool. Three small tools, pick by what the model costs:

* `PerThread`: each thread builds its own instance on first use (cheap models,
  or when the threads are few and bounded).
* `Guarded`: one instance behind a lock (fast calls, large models).
* `Pool`: a fixed number of instances lent out one at a time; a caller that
  cannot get one within its wait gets `BusyError` (turned into HTTP 503).

And one for worker processes: `die_with_parent` ends a worker when the process that
started it dies, even by ``kill -9`` (no orphans holding memory or the database).

Example:
    >>> pool = Pool(lambda: object(), size=2)
    >>> with pool.borrow() as model:
    ...     model is not None
    True
"""

from __future__ import annotations

import contextlib
import os
import queue
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from typing import Generic, TypeVar

from corroborator.errors import BusyError

T = TypeVar("T")


class PerThread(Generic[T]):
    """One instance per thread, built lazily by `factory`."""

    def __init__(self, factory: Callable[[], T]) -> None:
        self._factory = factory
        self._local = threading.local()

    def get(self) -> T:
        """This thread's instance (built on first use)."""
        instance = getattr(self._local, "instance", None)
        if instance is None:
            instance = self._factory()
            self._local.instance = instance
        return instance


class Guarded(Generic[T]):
    """One shared instance, used by one thread at a time."""

    def __init__(self, instance: T) -> None:
        self._instance = instance
        self._lock = threading.Lock()

    @contextlib.contextmanager
    def use(self, wait_s: float | None = None) -> Iterator[T]:
        """Hold the instance for a block; `BusyError` when not free within `wait_s` seconds."""
        if not self._lock.acquire(timeout=-1 if wait_s is None else wait_s):
            raise BusyError(f"model busy for more than {wait_s:g} s")
        try:
            yield self._instance
        finally:
            self._lock.release()


class Pool(Generic[T]):
    """`size` instances built lazily by `factory`, each lent to one thread at a time."""

    def __init__(self, factory: Callable[[], T], size: int = 2) -> None:
        if size < 1:
            raise ValueError(f"pool size must be at least 1, not {size}")
        self._factory = factory
        self._free: queue.LifoQueue[T] = queue.LifoQueue()
        self._built = 0
        self._size = size
        self._lock = threading.Lock()

    @contextlib.contextmanager
    def borrow(self, wait_s: float | None = None) -> Iterator[T]:
        """Lend an instance for a block; `BusyError` when none is free within `wait_s` s."""
        instance = self._take(wait_s)
        try:
            yield instance
        finally:
            self._free.put(instance)

    def _take(self, wait_s: float | None) -> T:
        """A free instance, a newly built one while under `size`, or wait for one."""
        with contextlib.suppress(queue.Empty):
            return self._free.get_nowait()
        with self._lock:
            build = self._built < self._size
            self._built += build
        if build:
            try:
                return self._factory()
            except BaseException:
                with self._lock:
                    self._built -= 1
                raise
        try:
            return self._free.get(timeout=wait_s)
        except queue.Empty:
            raise BusyError(f"all {self._size} model instances busy for {wait_s:g} s") from None


PR_SET_PDEATHSIG = 1       # linux/prctl.h
PARENT_POLL_S = 1.0        # how often the portable watcher checks for its parent


def die_with_parent(parent_pid: int, poll_s: float = PARENT_POLL_S) -> None:
    """End this process when `parent_pid` (the process that started it) dies.

    On Linux the kernel sends SIGTERM at the parent's death (``prctl(PR_SET_PDEATHSIG)``
    through ctypes); elsewhere, or if that fails, a daemon thread checks every `poll_s`
    seconds whether the parent is still there. Call it first thing in a worker.
    """
    if not (sys.platform.startswith("linux") and _set_parent_death_signal()):
        threading.Thread(target=_watch_parent, args=(parent_pid, poll_s), daemon=True,
                         name="parent-watch").start()
    if os.getppid() != parent_pid:            # the parent died before the signal was set
        os._exit(1)


def _set_parent_death_signal() -> bool:
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _watch_parent(parent_pid: int, poll_s: float) -> None:
    while os.getppid() == parent_pid:
        time.sleep(poll_s)
    os._exit(1)
