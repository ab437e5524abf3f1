"""corroborator: what the news agrees on, where outlets conflict, and whose framing outruns
its evidence.

The front door:

    >>> import corroborator
    >>> result = corroborator.compare(["a.txt", "b.txt"])        # no database needed
    >>> store = corroborator.open_store("news.db")
    >>> corroborator.ingest(["examples/"], store)
    >>> corroborator.analyze(store)
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

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


def __getattr__(name: str) -> Any:
    """Import the public entry points lazily, so `import corroborator` stays fast."""
    targets = {
        "compare": ("corroborator.compare", "compare"),
        "extract": ("corroborator.extract", "extract"),
        "ingest": ("corroborator.pipeline", "ingest"),
        "analyze": ("corroborator.pipeline", "analyze"),
        "open_store": ("corroborator.store", "open_store"),
        "read_articles": ("corroborator.ingest", "read_articles"),
        "Embedder": ("corroborator.embed", "Embedder"),
    }
    if name not in targets:
        raise AttributeError(f"module 'corroborator' has no attribute {name!r}")
    import importlib

    module, attr = targets[name]
    return getattr(importlib.import_module(module), attr)
