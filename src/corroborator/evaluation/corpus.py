"""A keyed corpus: a folder of article files plus an ``index.json`` of per-article metadata.

Keys are paths relative to the folder, with ``#n`` (counted from 1) for the n-th article of
a file that holds several (a JSONL line, a CSV row, a feed item, a WARC response). The
index gives each key's ``outlet``, ``published``, ``url`` and any gold labels (``story``).
This is the layout of the bundled ``examples/`` corpus.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from corroborator.errors import InputError
from corroborator.ingest.sidecar import SidecarIndex, apply_metadata
from corroborator.models import Article


def load_index(root: str | Path) -> dict[str, dict[str, Any]]:
    """The ``index.json`` of a keyed corpus folder."""
    path = Path(root) / "index.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(str(path), f"cannot read corpus index: {exc}") from exc


def load_keyed_articles(root: str | Path) -> dict[str, Article]:
    """Every article of the index, read from its file, with the index's metadata applied."""
    from corroborator.ingest import read_articles

    root = Path(root)
    files = sorted({key.split("#")[0] for key in load_index(root)})
    sidecar, out = SidecarIndex(), {}
    for article in read_articles([root / name for name in files]):
        found = sidecar.locate(article) if isinstance(article, Article) else None
        if found:
            key, meta = found
            out[key] = apply_metadata(article, meta)
    return out
