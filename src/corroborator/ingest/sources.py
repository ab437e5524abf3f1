"""Where inputs come from: paths, folders, stdin and URLs, each routed to its reader.

A file's reader is chosen by its extension; a file with an unknown extension
given by name, stdin and fetched bodies are recognised by their content
(JSON Lines, JSON, feed, HTML, else plain text).
"""

from __future__ import annotations

import dataclasses
import functools
import json
import os
import re
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from corroborator.errors import InputError
from corroborator.ingest.decode import (
    Decoded,
    check_not_binary,
    check_regular_file,
    decode_bytes,
    read_file_bytes,
)
from corroborator.ingest.limits import MAX_FILE_BYTES, MAX_LINE_BYTES
from corroborator.ingest.options import (
    IngestOptions,
    input_error,
    kind_for_name,
    known_extensions,
    one_line,
)
from corroborator.ingest.text import parse_text
from corroborator.models import Article

if TYPE_CHECKING:
    from corroborator.ingest.http import FetchedResponse

# feeds (feedparser) and http (httpx, httpcore) are imported where a feed or a URL is read:
# together ~60 ms of every start-up that reads neither (e.g. `compare a.txt b.txt`). The
# page, record and archive readers (html, records, warc: lxml, tld) likewise, where a
# page, JSON, CSV or web archive is read: a plain-text input needs none of them.

Result = Article | InputError

STDIN_NAME = "<stdin>"
#: Content types (without parameters) mapped to the reader used for a fetched body.
CONTENT_KINDS = {
    "text/html": "html",
    "application/xhtml+xml": "html",
    "application/rss+xml": "feed",
    "application/atom+xml": "feed",
    "application/rdf+xml": "feed",
    "application/json": "json",
    "application/ld+json": "json",
    "application/feed+json": "json",
    "application/x-ndjson": "jsonl",
    "application/jsonl": "jsonl",
    "application/x-jsonlines": "jsonl",
    "application/jsonlines": "jsonl",
    "text/csv": "csv",
}
_HTML_TAG = re.compile(r"<(?:!doctype\s+html|html|head|body|article|main|p|div|h1)\b", re.I)
_URL = re.compile(r"^https?://", re.I)


def read_input(item: str | Path, options: IngestOptions, follow_links: bool) -> Iterator[Result]:
    """Yield the Articles and InputErrors of one input: ``-``, a URL, a file or a folder."""
    name = str(item)
    if name == "-":
        yield from guarded(STDIN_NAME, lambda: read_stdin(options, follow_links))
    elif isinstance(item, str) and _URL.match(name):
        yield from guarded(name, lambda: read_url(name, options, follow_links))
    else:
        yield from read_path(Path(item), name, options, follow_links)


def read_path(
    path: Path, source: str, options: IngestOptions, follow_links: bool
) -> Iterator[Result]:
    """Yield the results of a file or of every article file under a folder."""
    if path.is_dir():
        yield from read_folder(path, source, options, follow_links)
    elif not path.exists():
        yield input_error(source, "no such file or directory")
    else:
        kind = kind_for_name(path.name)
        yield from guarded(source, lambda: read_file(path, source, kind, options, follow_links))


def read_folder(
    folder: Path, source: str, options: IngestOptions, follow_links: bool
) -> Iterator[Result]:
    """Yield the results of every article file under `folder`, in sorted path order."""
    files = list_article_files(folder)
    if not files:
        yield input_error(source, f"no articles found in folder (looked for {known_extensions()})")
        return
    for path, kind in files:
        name = str(path)
        reader = functools.partial(read_file, path, name, kind, options, follow_links)
        yield from guarded(name, reader)


def list_article_files(folder: Path) -> list[tuple[Path, str]]:
    """Article files under `folder` with their reader kind; hidden entries skipped, sorted."""
    found: list[tuple[Path, str]] = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(name for name in dirs if not name.startswith("."))
        for name in files:
            kind = None if name.startswith(".") else kind_for_name(name)
            if kind:
                found.append((Path(root, name), kind))
    return sorted(found, key=lambda item: item[0].relative_to(folder).parts)


def read_file(
    path: Path, source: str, kind: str | None, options: IngestOptions, follow_links: bool
) -> Iterator[Result]:
    """Yield the results of one file, read by `kind` (None: recognise by content)."""
    check_regular_file(path, source)
    if kind == "warc":
        from corroborator.ingest.warc import read_warc

        yield from read_warc(path, source)
    elif kind == "jsonl":
        yield from _read_jsonl_file(path, source, options)
    elif kind == "csv":
        from corroborator.ingest.records import read_csv

        yield from read_csv(read_file_bytes(path, source), source, options.aliases())
    elif kind == "feed":
        data = read_file_bytes(path, source)
        check_not_binary(data, source, rows=True)  # one bad entry is not a binary feed
        from corroborator.ingest.feeds import read_feed

        yield from read_feed(data, source, options, follow_links)
    elif kind == "html":
        from corroborator.ingest.html import parse_html

        yield parse_html(read_file_bytes(path, source), source)
    else:
        decoded = decode_bytes(read_file_bytes(path, source), source)
        yield from read_text_content(decoded, source, kind, options, follow_links)


def read_stdin(options: IngestOptions, follow_links: bool) -> Iterator[Result]:
    """Yield the results of standard input (or ``options.stdin``), recognised by content."""
    stream = options.stdin if options.stdin is not None else sys.stdin
    data = getattr(stream, "buffer", stream).read(MAX_FILE_BYTES + 1)  # bytes when it has them
    if not data:
        raise input_error(STDIN_NAME, "empty input")
    if len(data) > MAX_FILE_BYTES:
        raise input_error(STDIN_NAME, f"input larger than {MAX_FILE_BYTES} bytes (the size cap)")
    text = decode_bytes(data, STDIN_NAME) if isinstance(data, bytes) else Decoded(data, "utf-8")
    yield from read_text_content(text, STDIN_NAME, None, options, follow_links)


def read_url(url: str, options: IngestOptions, follow_links: bool) -> Iterator[Result]:
    """Fetch a URL and yield what its body holds (a page, a feed, JSON, CSV or text)."""
    from corroborator.ingest.feeds import looks_like_feed, read_feed
    from corroborator.ingest.http import fetch

    response = fetch(url, options)
    kind = CONTENT_KINDS.get(response.content_type)
    if kind == "feed" or (kind is None and looks_like_feed(_head(response))):
        yield from read_feed(response.body, url, options, follow_links, base_url=response.url)
        return
    decoded = response.decode()
    if kind == "csv":
        from corroborator.ingest.records import read_csv

        yield from read_csv(decoded.text, url, options.aliases())
        return
    for result in read_text_content(decoded, url, kind, options, follow_links, response.url):
        yield _mark_fetched(result, response)


def read_text_content(
    decoded: Decoded,
    source: str,
    kind: str | None,
    options: IngestOptions,
    follow_links: bool,
    url: str | None = None,
) -> Iterator[Result]:
    """Yield the results of decoded text, read by `kind` or recognised by its content."""
    text = decoded.text
    kind = kind or sniff_kind(text)
    if kind in ("jsonl", "json"):
        from corroborator.ingest.records import read_json, read_jsonl

        aliases = options.aliases()
        reader = (
            # lines end at "\n" only, as in files: U+2028 or U+0085 inside a string is text
            read_jsonl(text.split("\n"), source, aliases=aliases)
            if kind == "jsonl"
            else read_json(text, source, aliases=aliases)
        )
        yield from (_with_encoding(result, decoded) for result in reader)
    elif kind == "feed":
        from corroborator.ingest.feeds import read_feed

        yield from read_feed(text, source, options, follow_links, base_url=url)
    elif kind == "csv":
        from corroborator.ingest.records import read_csv

        yield from read_csv(text, source, options.aliases())
    elif kind == "html":
        from corroborator.ingest.html import parse_html

        yield _with_encoding(parse_html(text, source, url=url), decoded)
    else:
        article = parse_text(text, source)
        if url:  # a new id too: ids hash the text and the URL
            article = dataclasses.replace(article, url=url, id="")
        yield _with_encoding(article, decoded)


def sniff_kind(text: str) -> str:
    """Recognise decoded content: "jsonl", "json", "feed", "html" or "text"."""
    head = text.lstrip("\ufeff \t\r\n")[:4096]
    if head.startswith("["):
        return "json"
    if head.startswith("{"):
        one_document = "\n" not in text.strip()
        return "jsonl" if _first_line_is_object(head) and not one_document else "json"
    if head.startswith("<"):
        from corroborator.ingest.feeds import looks_like_feed

        return "feed" if looks_like_feed(head) else "html"
    return "html" if _HTML_TAG.search(head[:1024]) and "</" in head else "text"


def guarded(source: str, produce: Callable[[], Iterator[Result]]) -> Iterator[Result]:
    """Run a reader, turning a raised InputError (or any crash) into a yielded error."""
    try:
        yield from produce()
    except InputError as exc:
        yield exc
    except Exception as exc:  # a reader bug must not end the batch; report it as this input's error
        yield input_error(source, f"could not read ({type(exc).__name__}: {one_line(exc)})")


def _read_jsonl_file(path: Path, source: str, options: IngestOptions) -> Iterator[Result]:
    """Stream a JSON Lines file line by line, after checking it is neither empty nor binary."""
    from corroborator.ingest.records import read_jsonl

    check_not_binary(_file_head(path, source), source, rows=True)
    with path.open("rb") as handle:
        yield from read_jsonl(capped_lines(handle, source), source, aliases=options.aliases())


def capped_lines(
    handle: BinaryIO, source: str, limit: int = MAX_LINE_BYTES
) -> Iterator[bytes | InputError]:
    """The lines of a binary file; a line over `limit` bytes comes as an InputError instead.

    The long line is skipped in bounded steps, so memory stays near `limit`.
    """
    number = 0
    while line := handle.readline(limit + 1):
        number += 1
        if len(line) <= limit or line.endswith(b"\n"):
            yield line
            continue
        while (rest := handle.readline(limit)) and not rest.endswith(b"\n"):
            pass
        yield input_error(source, f"line longer than {limit} bytes (the line cap)", number)


def _file_head(path: Path, source: str, size: int = 8192) -> bytes:
    """The first bytes of a file; InputError when it is missing, unreadable or empty."""
    try:
        with path.open("rb") as handle:
            head = handle.read(size)
    except OSError as exc:
        raise input_error(source, f"cannot read file: {exc.strerror or exc}") from None
    if not head:
        raise input_error(source, "empty file")
    return head


def _first_line_is_object(head: str) -> bool:
    """Whether the first line of `head` is a complete JSON object (so: JSON Lines)."""
    try:
        return isinstance(json.loads(head.split("\n", 1)[0]), dict)
    except ValueError:
        return False


def _head(response: FetchedResponse) -> str:
    """The start of a response body as text, for content sniffing."""
    return response.body[:2048].decode("utf-8", "replace")


def _mark_fetched(result: Result, response: FetchedResponse) -> Result:
    """Record how a fetched page arrived: ``format="url"`` for pages and text, final URL."""
    if isinstance(result, Article):
        if result.format in ("html", "text"):
            result.format = "url"
        if response.url != response.requested_url:
            result.metadata["requested_url"] = response.requested_url
        result.metadata.setdefault("content_type", response.content_type)
    return result


def _with_encoding(result: Result, decoded: Decoded) -> Result:
    """Note the encoding used, and any fallback warning, in an Article's metadata."""
    if isinstance(result, Article):
        if decoded.warnings:
            result.metadata.setdefault("warnings", []).extend(decoded.warnings)
        if decoded.encoding != "utf-8":
            result.metadata.setdefault("encoding", decoded.encoding)
    return result
