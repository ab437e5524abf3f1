"""The named, versioned pipeline stages: plain functions over batches of records.

The engines in :mod:`corroborator.batch` (this process, a process pool, Ray) and the
store-backed entry points in :mod:`corroborator.pipeline` both read :data:`STAGES`; keeping
the table here leaves neither of them importing the other.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from corroborator.extract import EXTRACTOR_VERSION, extract_batch
from corroborator.signals import describe_batch


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
