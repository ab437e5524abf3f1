"""corroborator: what the news agrees on, where outlets conflict, and whose framing outruns
its evidence.

The front door:

    >>> import corroborator
    >>> result = corroborator.compare(["a.txt", "b.txt"])        # no database needed
    >>> store = corroborator.open_store("news.db")
    >>> corroborator.ingest(["examples/"], store)
    >>> corroborator.analyze(store)

Several stage modules share their name with the front-door function (``ingest``,
``extract``, ``compare``). The modules are imported first, so the package attributes
below stay bound to the functions; the modules remain importable by their full names.
"""

from __future__ import annotations

__version__ = "0.1.0"

from corroborator import compare as _compare_module  # noqa: F401,E402  (see docstring)
from corroborator import extract as _extract_package  # noqa: F401,E402
from corroborator import ingest as _ingest_package  # noqa: F401,E402
from corroborator.compare import compare  # noqa: E402
from corroborator.embed import Embedder  # noqa: E402
from corroborator.extract import extract  # noqa: E402
from corroborator.ingest import read_articles  # noqa: E402
from corroborator.pipeline import analyze, ingest  # noqa: E402
from corroborator.store import open_store  # noqa: E402

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
