"""Folder metadata sidecars: an ``index.json`` beside article files fills what files lack.

Plain-text articles carry no outlet or date. A folder (or any parent up to
``MAX_LEVELS`` above a file) may hold an ``index.json`` mapping each file's path relative
to that folder (``path#n`` for the n-th article of a multi-article file) to metadata:
``outlet``, ``published``, ``url``. What the file itself says always wins.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from corroborator.ingest.limits import MAX_FILE_BYTES
from corroborator.ingest.records import load_json
from corroborator.models import Article

INDEX_NAME = "index.json"
MAX_LEVELS = 3
MULTI_ARTICLE_SUFFIXES = (".jsonl", ".ndjson", ".csv", ".xml", ".rss", ".atom", ".warc",
                          ".warc.gz", ".arc.gz")


class SidecarIndex:
    """Looks up and applies index metadata for articles read from files."""

    def __init__(self) -> None:
        self._indexes: dict[Path, dict[str, Any] | None] = {}
        self._seen: Counter[str] = Counter()

    def apply(self, article: Article) -> Article:
        """Fill the article's missing outlet, date and URL from the nearest index."""
        found = self.locate(article)
        return apply_metadata(article, found[1]) if found else article

    def locate(self, article: Article) -> tuple[str, dict[str, Any]] | None:
        """The article's key in the nearest index (``path`` or ``path#n``, n counting the
        articles read so far from that file) and its metadata, if the index has it.

        Call once per article, in reading order: each call advances the file's count.
        """
        path = Path(article.source) if article.source else None
        if path is None or not path.is_file():
            return None
        found = self._find(path.resolve())
        if found is None:
            return None
        folder, index = found
        key = path.resolve().relative_to(folder).as_posix()
        if key.endswith(MULTI_ARTICLE_SUFFIXES):
            self._seen[key] += 1
            key = f"{key}#{self._seen[key]}"
        meta = index.get(key)
        return (key, meta) if isinstance(meta, dict) else None

    def _find(self, path: Path) -> tuple[Path, dict[str, Any]] | None:
        for folder in list(path.parents)[:MAX_LEVELS]:
            if folder not in self._indexes:
                self._indexes[folder] = _read_index(folder / INDEX_NAME)
            if self._indexes[folder] is not None:
                return folder, self._indexes[folder]
        return None


def _read_index(path: Path) -> dict[str, Any] | None:
    """The index at `path` as a dict; None when absent, unreadable, not JSON or over the caps."""
    if not path.is_file():
        return None
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            return None
        data = load_json(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def apply_metadata(article: Article, meta: dict[str, Any]) -> Article:
    """Fill missing outlet, date and URL from index metadata (what the file says wins)."""
    article.outlet = article.outlet or meta.get("outlet")
    if not article.published and meta.get("published"):
        article.published, article.date_reliable = str(meta["published"]), True
        article.metadata["date_source"] = "index.json"
    if not article.url and meta.get("url"):
        article.url = str(meta["url"])
        article.id = ""
        article.__post_init__()
    return article
