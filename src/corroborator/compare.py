"""One-shot comparison of two or more articles, with no database.

`compare` reads each input (a path, URL or :class:`Article`), extracts it, and runs the
same align → infer → corroborate path as stories in a database: what the articles share,
what only one says, the quotes they share, the entities (with spelling variants), the
claim groups with each article's verdict, the discrepancies and each article's signals.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Sequence
from pathlib import Path

from corroborator.corroboration.result import (
    Comparison,
    SharedQuote,
    SharedStatement,
    display_name,
)
from corroborator.corroboration.story import corroborate_articles
from corroborator.embed import Embedder, get_embedder
from corroborator.extract import extract
from corroborator.ingest.sidecar import SidecarIndex
from corroborator.models import Article

__all__ = ["Comparison", "SharedQuote", "SharedStatement", "compare", "display_name",
           "load_articles"]


def compare(inputs: Sequence[str | Path | Article], *, outlet: str | None = None,
            embedder: Embedder | None = None, trained_ner: bool = False,
            device: str | None = None) -> Comparison:
    """Compare two or more articles (paths, URLs or Article objects).

    ``trained_ner`` also runs the bundled spaCy NER on ambiguous mentions (about two
    seconds to load); by default names are resolved by the rules and across articles.
    ``device`` is where the inference model runs (``cpu``, ``cuda`` or ``auto``).

    Example:
        >>> result = compare(["a.txt", "b.html"])
        >>> [g.text for g in result.claim_groups if g.status == "disputed"][:1]
    """
    if device is not None:
        from corroborator.corroboration.inference import configure, resolve_device

        configure(device=resolve_device(device))
    warming = _warm_models()
    articles = load_articles(inputs, outlet)
    extractions = {a.id: extract(a, trained_ner=trained_ner) for a in articles}
    warming.join()
    return corroborate_articles(articles, extractions, embedder or get_embedder("fast"))


def _warm_models() -> threading.Thread:
    """Load the inference and whole-article models in a thread while the articles are
    read and extracted: onnxruntime builds its sessions (~0.1 s) without holding the
    GIL, so on a machine with a free core a cold `compare` does not wait for them.
    Nothing else changes: the models are the same cached objects the judging asks for,
    and a load that fails here is simply tried (and reported) again there."""
    thread = threading.Thread(target=_load_models, name="corroborator-warm", daemon=True)
    thread.start()
    return thread


def _load_models() -> None:
    from corroborator.corroboration.inference import get_nli_model, nli_available
    from corroborator.corroboration.wholebody import get_wholebody_model

    with contextlib.suppress(Exception):  # the judging step loads and reports it again
        if nli_available():
            get_nli_model()
        get_wholebody_model()


def load_articles(inputs: Sequence[str | Path | Article],
                  outlet: str | None = None) -> list[Article]:
    """Read paths, URLs or Articles (folder ``index.json`` sidecars applied), one per id."""
    sidecar = SidecarIndex()
    articles = [_load(i, outlet, sidecar) for i in inputs]
    return list({a.id: a for a in articles}.values())


def _load(item: str | Path | Article, outlet: str | None, sidecar: SidecarIndex) -> Article:
    if isinstance(item, Article):
        return item
    from corroborator.ingest import read_article

    return sidecar.apply(read_article(item, outlet=outlet))
