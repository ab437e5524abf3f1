"""Ingest: turn files, folders, stdin, URLs, feeds, exports and web archives into Articles.

The front door is `read_articles`, which never raises for a bad input: each
problem is yielded as an `InputError` naming the input (and line), and the
batch goes on. `read_article` is the strict single-article variant.

Modules, one concern each: ``sources`` (routing), ``text``, ``html``,
``records`` (JSONL/CSV/JSON), ``feeds``, ``warc``, ``http`` (fetching),
``decode`` (bytes to text), ``dates`` and ``options``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from corroborator.errors import InputError
from corroborator.ingest.dates import parse_date
from corroborator.ingest.options import IngestOptions, input_error
from corroborator.ingest.sources import read_input
from corroborator.ingest.text import parse_text
from corroborator.models import Article

__all__ = [
    "FetchedResponse",
    "IngestOptions",
    "fetch",
    "parse_date",
    "parse_html",
    "parse_text",
    "read_article",
    "read_articles",
]


def read_articles(
    inputs: Iterable[str | Path] | str | Path,
    *,
    outlet: str | None = None,
    follow_links: bool = False,
    options: IngestOptions | None = None,
) -> Iterator[Article | InputError]:
    """Read articles from many inputs, yielding errors instead of raising them.

    Args:
        inputs: Paths to files or folders, ``"-"`` for stdin, or ``http(s)://`` URLs.
            A single string or Path is accepted as a one-item list. Folders are
            walked recursively (hidden entries skipped, sorted order); files are
            read by extension, stdin and URLs by content.
        outlet: Outlet name given to every article, overriding what inputs say.
        follow_links: For feeds, fetch each entry's link and parse that page.
        options: Timeouts, size cap, User-Agent and the stdin stream to use.

    Returns:
        An iterator of `Article` (one per article found) and `InputError` (one per
        bad input, file, row or entry), in input order.

    Example:
        >>> for item in read_articles(["news/", "-"], outlet="Gazette"):  # doctest: +SKIP
        ...     print(item.title if isinstance(item, Article) else f"skipped: {item}")
    """
    options = options or IngestOptions()
    if isinstance(inputs, str | Path):
        inputs = [inputs]
    for item in inputs:
        for result in read_input(item, options, follow_links):
            if isinstance(result, Article) and outlet:
                result.outlet = outlet
            yield result


def read_article(input: str | Path, **kw: object) -> Article:  # noqa: A002 - public name
    """Read exactly one article.

    Args:
        input: A path, ``"-"`` or a URL holding a single article.
        **kw: Keyword arguments of `read_articles` (``outlet``, ``follow_links``, ``options``).

    Returns:
        The one `Article` the input holds.

    Raises:
        InputError: The input's first error, or "expected one article, found N".

    Example:
        >>> article = read_article("story.txt")  # doctest: +SKIP
        >>> article.title  # doctest: +SKIP
        'Bridge reopens'
    """
    found: list[Article] = []
    for result in read_articles([input], **kw):  # type: ignore[arg-type]
        if isinstance(result, InputError):
            raise result
        found.append(result)
        if len(found) > 1:
            break
    if len(found) != 1:
        count = "none" if not found else "more than one"
        raise input_error(str(input), f"expected one article, found {count}")
    return found[0]


def __getattr__(name: str):
    """`fetch` and `FetchedResponse` import httpx on first use, not at every start-up;
    `parse_html` imports lxml (and the page readers) on first use likewise."""
    if name in ("fetch", "FetchedResponse"):
        from corroborator.ingest import http

        return getattr(http, name)
    if name == "parse_html":
        from corroborator.ingest.html import parse_html

        return parse_html
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
