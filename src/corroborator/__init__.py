"""corroborator: what the news agrees on, where outlets conflict, and whose framing outruns
its evidence.

The front door:

    >>> import corroborator
    >>> result = corroborator.compare(["a.txt", "b.txt"])        # no database needed
    >>> store = corroborator.open_store("news.db")
    >>> corroborator.ingest(["examples/"], store)
    >>> corroborator.analyze(store)

The front-door names are imported on first use (``import corroborator`` stays fast:
spaCy, trafilatura and friends load only when a function needs them). Several stage
modules share their name with a front-door function (``ingest``, ``extract``,
``compare``); the package attribute always stays bound to the function, and the modules
remain importable by their full names.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_LAZY = {
    "Embedder": "corroborator.embed",
    "analyze": "corroborator.pipeline",
    "compare": "corroborator.compare",
    "extract": "corroborator.extract",
    "ingest": "corroborator.pipeline",
    "open_store": "corroborator.store",
    "read_articles": "corroborator.ingest",
}

__all__ = [
    "Embedder",
    "__version__",
    "analyze",
    "compare",
    "extract",
    "ingest",
    "open_store",
    "read_articles",
]

if TYPE_CHECKING:
    from corroborator.compare import compare
    from corroborator.embed import Embedder
    from corroborator.extract import extract
    from corroborator.ingest import read_articles
    from corroborator.pipeline import analyze, ingest
    from corroborator.store import open_store


def __getattr__(name: str) -> Any:
    """Import a front-door function on first use."""
    if name not in _LAZY:
        raise AttributeError(f"module 'corroborator' has no attribute {name!r}")
    value = getattr(importlib.import_module(_LAZY[name]), name)
    globals()[name] = value
    return value


class _Package(types.ModuleType):
    """Keeps ``corroborator.compare`` (etc.) the function when the module of that name
    is imported (the import system would otherwise bind the module over it)."""

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _LAZY and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
