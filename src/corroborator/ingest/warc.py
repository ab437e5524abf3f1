"""Web archives (WARC, gzipped WARC, ARC) through warcio: one Article per HTML page.

Only ``response`` records with status 200 and an HTML content type are read;
requests, metadata, redirects, images and the like are skipped. The record's
``WARC-Date`` is when the page was crawled, not published: it is kept in
metadata and used as an unreliable date only when the page gives none.
"""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import Any, BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from corroborator.errors import InputError
from corroborator.ingest.dates import parse_date
from corroborator.ingest.decode import decode_bytes
from corroborator.ingest.html import parse_html
from corroborator.ingest.options import input_error, one_line
from corroborator.models import Article

Result = Article | InputError

#: Content types read as pages.
HTML_TYPES = ("text/html", "application/xhtml+xml")
#: How an archive file may begin: gzip, a WARC header, or an ARC file header.
GZIP_START = b"\x1f\x8b"
ARC_START = b"filedesc://"
ARCHIVE_STARTS = (GZIP_START, b"WARC/", ARC_START)
#: Bytes decompressed per step when checking a gzipped archive for truncation.
CHECK_CHUNK_BYTES = 1 << 20
#: Longest library error detail quoted in a message.
MAX_DETAIL_CHARS = 120
#: Largest record payload parsed, in bytes; bigger records are skipped with an error.
MAX_RECORD_BYTES = 20_000_000


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
            found, failed = yield from _read_stream(handle, source)
    except OSError as exc:
        yield input_error(source, f"cannot read file: {exc.strerror or exc}")
        return
    problem = None if failed else _gzip_problem(path, head)
    if problem:
        yield input_error(source, f"corrupt web archive: {problem}")
    elif not found and not failed:
        yield input_error(source, "no HTML pages with article text found in web archive")


def _read_stream(handle: BinaryIO, source: str) -> Generator[Result, None, tuple[int, bool]]:
    """Yield the archive's pages; return how many were found and whether reading failed."""
    found = 0
    try:
        for record in ArchiveIterator(handle, arc2warc=True):
            result = _record_result(record, source)
            if result is not None:
                found += isinstance(result, Article)
                yield result
    except (ArchiveLoadFailed, zlib.error, EOFError, OSError, ValueError) as exc:
        detail = one_line(exc)[:MAX_DETAIL_CHARS] or type(exc).__name__
        yield input_error(source, f"corrupt or unreadable web archive ({detail})")
        return found, True
    return found, False


def _gzip_problem(path: Path, head: bytes) -> str | None:
    """Why a gzipped archive is damaged (warcio stops quietly at a truncation), or None."""
    if not head.startswith(GZIP_START):
        return None
    try:
        with gzip.open(path, "rb") as stream:
            while stream.read(CHECK_CHUNK_BYTES):
                pass
    except EOFError:
        return "truncated gzip data"
    except (OSError, zlib.error) as exc:
        return one_line(exc)[:MAX_DETAIL_CHARS]
    return None


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
