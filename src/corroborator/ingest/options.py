"""Settings shared by every ingest reader, and the table of file extensions."""

from __future__ import annotations

import re
from dataclasses import dataclass
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
    """

    timeout: float = 10.0
    max_bytes: int = 5_000_000
    user_agent: str = "corroborator/0.1"
    fetch_linked_pages: bool = False
    stdin: TextIO | None = None
    follow_deadline: float = FOLLOW_LINKS_DEADLINE_S
    respect_robots: bool = True


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
