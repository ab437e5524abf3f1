"""Web archives (WARC, gzipped WARC, ARC) through warcio: one Article per HTML page.

Only ``response`` records with status 200 and an HTML content type are read;
requests, metadata, redirects, images and the like are skipped. The record's
``WARC-Date`` is when the page was crawled, not published: it is kept in
metadata and used as an unreliable date only when the page gives none.
"""

from __future__ import annotations

import functools
import zlib
from collections.abc import Generator, Iterable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

from corroborator.errors import InputError
from corroborator.ingest.bounded import STEP_BYTES, Truncated, gzip_members
from corroborator.ingest.dates import parse_date
from corroborator.ingest.decode import decode_bytes
from corroborator.ingest.html import parse_html
from corroborator.ingest.limits import (
    MAX_ARCHIVE_BYTES,
    MAX_ARCHIVE_LINE_BYTES,
    MAX_RECORD_BYTES,
    MAX_TRAILING_BLANK_BYTES,
)
from corroborator.ingest.options import input_error, one_line
from corroborator.models import Article

Result = Article | InputError

#: Content types read as pages.
HTML_TYPES = ("text/html", "application/xhtml+xml")
#: How an archive file may begin: gzip, a WARC header, or an ARC file header.
GZIP_START = b"\x1f\x8b"
ARC_START = b"filedesc://"
ARCHIVE_STARTS = (GZIP_START, b"WARC/", ARC_START)
#: The problem reported for an archive whose last record is cut short.
TRUNCATED = "truncated (the last record is cut short)"
#: Longest library error detail quoted in a message.
MAX_DETAIL_CHARS = 120


def read_warc(path: Path, source: str) -> Iterator[Result]:
    """Yield an Article per HTML response record in a WARC/ARC file.

    Args:
        path: The archive (``.warc``, ``.warc.gz`` or ``.arc.gz``).
        source: The input's name.

    Returns:
        Articles with ``format="warc"`` and the record's target URI as ``url``;
        an InputError for a corrupt archive (after any records read before the damage)
        or for an archive with no readable HTML pages.

    Example:
        >>> articles = list(read_warc(Path("crawl.warc.gz"), "crawl.warc.gz"))  # doctest: +SKIP
    """
    try:
        with path.open("rb") as handle:
            head = handle.read(len(ARC_START))
            if not head:
                yield input_error(source, "empty file")
                return
            if not head.startswith(ARCHIVE_STARTS):
                yield input_error(source, "not a WARC or ARC archive (unknown file signature)")
                return
            handle.seek(0)
            problem, fatal = archive_problem(handle, head.startswith(GZIP_START))
            if fatal:
                yield input_error(source, f"web archive refused: {problem}")
                return
            handle.seek(0)
            found, failed = yield from _read_stream(handle, source)
    except OSError as exc:
        yield input_error(source, f"cannot read file: {exc.strerror or exc}")
        return
    if problem and not failed:  # pages before the damage were kept
        yield input_error(source, f"corrupt web archive: {problem}")
    elif not found and not failed:
        yield input_error(source, "no HTML pages with article text found in web archive")


@functools.cache
def _quiet_archive_iterator() -> type:
    """warcio's reader, without its own warning on standard error for data it skips after
    a record (the raw line, unescaped); `_read_stream` reports the skip instead. Built on
    first use: importing warcio costs ~50 ms of start-up."""
    from warcio.archiveiterator import ArchiveIterator

    return type("QuietArchiveIterator", (ArchiveIterator,), {"INC_RECORD": ""})


def _read_stream(handle: BinaryIO, source: str) -> Generator[Result, None, tuple[int, bool]]:
    """Yield the archive's pages; return how many were found and whether reading failed."""
    from warcio.exceptions import ArchiveLoadFailed

    found = 0
    try:
        records = _quiet_archive_iterator()(handle, arc2warc=True)
        for record in records:
            result = _record_result(record, source)
            if result is not None:
                found += isinstance(result, Article)
                yield result
        if records.err_count:
            yield input_error(source, f"corrupt web archive: data after {records.err_count} "
                                      "record(s) skipped (a wrong Content-Length or junk "
                                      "between records)")
            return found, True
    except (AttributeError, TypeError, IndexError):  # warcio's way of meeting a cut record
        yield input_error(source, f"corrupt web archive: {TRUNCATED} or malformed")
        return found, True
    except (ArchiveLoadFailed, zlib.error, EOFError, OSError, ValueError) as exc:
        detail = one_line(exc)[:MAX_DETAIL_CHARS] or type(exc).__name__
        yield input_error(source, f"corrupt or unreadable web archive ({detail})")
        return found, True
    return found, False


def archive_problem(handle: BinaryIO, gzipped: bool) -> tuple[str | None, bool]:
    """What is wrong with an archive, found in one bounded streaming pass, and whether
    it is fatal (nothing may be parsed) rather than damage after readable records.

    Fatal: more than `MAX_ARCHIVE_BYTES` once decompressed, or a run of more than
    `MAX_ARCHIVE_LINE_BYTES` without a line break (a gzip bomb of zeros, random data).
    Not fatal: gzip data that is truncated or corrupt part-way. Memory stays at one
    step of `STEP_BYTES` whatever the file holds.
    Also not fatal: more than `MAX_TRAILING_BLANK_BYTES` of blank space after the last
    record, which warcio would skip in silence.
    """
    pieces = gzip_members(handle) if gzipped else iter(lambda: handle.read(STEP_BYTES), b"")
    try:
        return _scan_pieces(pieces)
    except Truncated:
        return "truncated gzip data", False
    except zlib.error as exc:
        return one_line(exc)[:MAX_DETAIL_CHARS], False


def _scan_pieces(pieces: Iterable[bytes]) -> tuple[str | None, bool]:
    """Apply the total-size and line-length caps to decompressed pieces; measure the blank
    space at the end. Returns the problem found, if any, and whether it is fatal."""
    total = run = blank = 0
    start = tail = b""
    for piece in pieces:
        total += len(piece)
        if total > MAX_ARCHIVE_BYTES:
            return f"decompresses to more than {MAX_ARCHIVE_BYTES} bytes", True
        start = start or piece[: len(ARC_START)]
        tail = (tail + piece)[-4:]
        kept = len(piece.rstrip())
        blank = blank + len(piece) if kept == 0 else len(piece) - kept
        first = piece.find(b"\n")
        if first < 0 or run + first > MAX_ARCHIVE_LINE_BYTES:
            run += len(piece) if first < 0 else first
        else:
            run = len(piece) - piece.rfind(b"\n") - 1
        if run > MAX_ARCHIVE_LINE_BYTES:
            return (f"more than {MAX_ARCHIVE_LINE_BYTES} bytes without a line break "
                    "(not WARC records)"), True
    if blank > MAX_TRAILING_BLANK_BYTES:
        return f"{blank} bytes of blank space after the last record skipped", False
    return (None if _ends_cleanly(start, tail) else TRUNCATED), False


def _ends_cleanly(start: bytes, tail: bytes) -> bool:
    """Whether decompressed archive data ends where a record ends (WARC: a blank line)."""
    if start.startswith(ARC_START):
        return tail.endswith(b"\n")
    return tail.replace(b"\r", b"").endswith(b"\n\n")


def _record_result(record: Any, source: str) -> Result | None:
    """An Article (or error) for an HTML 200 response record; None for records to skip."""
    if record.rec_type != "response" or record.http_headers is None:
        return None
    if record.http_headers.get_statuscode() != "200":
        return None
    content_type = (record.http_headers.get_header("Content-Type") or "").lower()
    if not content_type.startswith(HTML_TYPES):
        return None
    uri = record.rec_headers.get_header("WARC-Target-URI") or None
    payload = record.content_stream().read(MAX_RECORD_BYTES + 1)
    if len(payload) > MAX_RECORD_BYTES:
        return input_error(f"{source}#{uri}", f"record larger than {MAX_RECORD_BYTES} bytes")
    return _page(payload, content_type, uri, record, source)


def _page(
    payload: bytes, content_type: str, uri: str | None, record: Any, source: str
) -> Result | None:
    """Parse one record's HTML; pages without article text are skipped quietly."""
    try:
        decoded = decode_bytes(payload, source, declared=_charset(content_type))
        article = parse_html(decoded.text, source=source, url=uri)
    except InputError:
        return None
    article.format = "warc"
    crawled = parse_date(record.rec_headers.get_header("WARC-Date"))
    if crawled:
        article.metadata["crawled"] = crawled
    if article.published is None and crawled:
        article.published, article.date_reliable = crawled[:10], False
        article.metadata["date_source"] = "warc-record"
    if decoded.warnings:
        article.metadata.setdefault("warnings", []).extend(decoded.warnings)
    article.metadata["encoding"] = decoded.encoding
    return article


def _charset(content_type: str) -> str | None:
    """The charset parameter of a Content-Type value, or None."""
    for part in content_type.split(";")[1:]:
        name, _, value = part.partition("=")
        if name.strip() == "charset" and value.strip():
            return value.strip().strip("\"'")
    return None
