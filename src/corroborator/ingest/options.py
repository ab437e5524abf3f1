"""Settings shared by every ingest reader, and the table of file extensions."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TextIO

from corroborator.errors import InputError
from corroborator.ingest.limits import FOLLOW_LINKS_DEADLINE_S

#: File extensions read when walking a folder, mapped to the reader that handles them.
#: Longer, compound suffixes come first so ``.warc.gz`` wins over a plain ``.gz``.
EXTENSIONS: tuple[tuple[str, str], ...] = (
    (".warc.gz", "warc"),
    (".arc.gz", "warc"),
    (".warc", "warc"),
    (".txt", "text"),
    (".text", "text"),
    (".md", "text"),
    (".html", "html"),
    (".htm", "html"),
    (".jsonl", "jsonl"),
    (".ndjson", "jsonl"),
    (".csv", "csv"),
    (".xml", "feed"),
    (".rss", "feed"),
    (".atom", "feed"),
)

_SPACE = re.compile(r"\s+")

#: Record keys for each Article field, in order of preference.
FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    "text": ("text", "body", "content", "article", "maintext"),
    "title": ("title", "headline"),
    "url": ("url", "link", "canonical_url"),
    "outlet": ("outlet", "source", "site", "sitename", "publisher"),
    "published": ("published", "date", "published_at", "pubdate", "date_published"),
    "byline": ("byline", "author", "authors"),
    "language": ("language", "lang"),
}
#: Article fields whose record key a user may name (``--text-field`` ...), by option name.
NAMEABLE_FIELDS = {"text": "text", "title": "title", "date": "published", "outlet": "outlet",
                   "url": "url"}
Aliases = dict[str, tuple[str, ...]]


def field_aliases(named: dict[str, str] | None = None) -> Aliases:
    """The record keys looked up for each Article field, with the user's names in place
    of the defaults for the fields they name.

    Args:
        named: Field (``text``, ``title``, ``date``, ``outlet``, ``url``) to the record
            key holding it, e.g. ``{"text": "articleBody"}``.

    Raises:
        ValueError: A field that cannot be named, or an empty key.

    Example:
        >>> field_aliases({"text": "articleBody"})["text"]
        ('articleBody',)
    """
    aliases = dict(FIELD_ALIASES)
    for name, key in (named or {}).items():
        if name not in NAMEABLE_FIELDS:
            raise ValueError(f"unknown field {name!r} (fields: {', '.join(NAMEABLE_FIELDS)})")
        if not key or not key.strip():
            raise ValueError(f"empty column name for the {name} field")
        aliases[NAMEABLE_FIELDS[name]] = (key.strip(),)
    return aliases


@dataclass
class IngestOptions:
    """How inputs are read.

    Attributes:
        timeout: Seconds allowed for one URL in total: connecting, redirects and the body.
        max_bytes: Largest response body (or feed-linked page) accepted, in bytes.
        user_agent: The ``User-Agent`` header sent with every HTTP request.
        fetch_linked_pages: For feeds, fetch each entry's link and parse the page
            instead of using the text carried in the feed.
        stdin: Stream read for the input ``"-"``; ``sys.stdin`` when None.
        follow_deadline: Seconds one feed may spend following its links in total;
            entries past it keep the text the feed carries (with a warning).
        respect_robots: Ask each site's robots.txt before following a feed's links.
        fields: For JSON Lines, JSON and CSV: the key (column) holding a field, by field
            name (``text``, ``title``, ``date``, ``outlet``, ``url``), in place of the
            default names; e.g. ``{"text": "articleBody"}``.
    """

    timeout: float = 10.0
    max_bytes: int = 5_000_000
    user_agent: str = "corroborator/0.1"
    fetch_linked_pages: bool = False
    stdin: TextIO | None = None
    follow_deadline: float = FOLLOW_LINKS_DEADLINE_S
    respect_robots: bool = True
    fields: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.aliases()  # a bad field name fails here, before any input is read

    def aliases(self) -> Aliases:
        """The keys read for each Article field from row-shaped inputs."""
        return field_aliases(self.fields)


def kind_for_name(name: str) -> str | None:
    """The reader kind for a file name by its extension, or None when not an article file."""
    lowered = name.lower()
    for suffix, kind in EXTENSIONS:
        if lowered.endswith(suffix):
            return kind
    return None


def known_extensions() -> str:
    """The extensions a folder walk looks for, as one comma-separated string."""
    return ", ".join(suffix for suffix, _ in sorted(EXTENSIONS, key=_extension_order))


def _extension_order(item: tuple[str, str]) -> int:
    """Sort key listing extensions in a readable, stable order (text first)."""
    order = ["text", "html", "jsonl", "csv", "feed", "warc"]
    return order.index(item[1])


def one_line(message: object) -> str:
    """Collapse any message (an exception, a string) to one trimmed line."""
    text = _SPACE.sub(" ", str(message)).strip()
    return text[:300] + "..." if len(text) > 300 else text


def input_error(source: str, problem: object, line: int | None = None) -> InputError:
    """Build an InputError whose problem is guaranteed to fit on one line."""
    return InputError(str(source), one_line(problem), line=line)
