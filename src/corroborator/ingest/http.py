"""Fetch a URL through httpx under one total deadline, a size cap and http(s)-only redirects.

The deadline covers everything for one URL: connecting, the status line and headers,
every redirect hop and the whole body; a server that drips one byte a second is cut
off when it passes (`DeadlineTransport` gives every socket step only the time left). The
body is streamed and abandoned past ``max_bytes`` (after ``Content-Encoding``
gzip/deflate decoding, done here in bounded steps); a body shorter than its
``Content-Length`` is an error. Every failure becomes an `InputError` naming the URL.
"""

from __future__ import annotations

import functools
import ssl
import threading
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import Message
from urllib.parse import urljoin

import httpx

from corroborator.errors import InputError
from corroborator.ingest.bounded import LimitExceeded, Truncated, inflate
from corroborator.ingest.deadline import DeadlineTransport
from corroborator.ingest.decode import Decoded, check_not_binary, decode_bytes
from corroborator.ingest.limits import CONNECT_RETRIES, MAX_REDIRECTS
from corroborator.ingest.options import IngestOptions, input_error

#: Content codings decoded here; others are refused.
DECODED_ENCODINGS = ("gzip", "x-gzip", "deflate")
#: Media types accepted without looking at the body.
TEXT_TYPES = frozenset(
    {
        "application/xhtml+xml",
        "application/xml",
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/json",
        "application/ld+json",
        "application/feed+json",
        "application/x-ndjson",
        "application/jsonl",
        "application/x-jsonlines",
        "application/jsonlines",
    }
)
#: Media-type prefixes refused outright, with the word used in the error message.
REFUSED_PREFIXES = (
    ("image/", "an image"),
    ("audio/", "audio"),
    ("video/", "video"),
    ("font/", "a font"),
)
REFUSED_TYPES = {
    "application/pdf": "a PDF document",
    "application/zip": "a ZIP archive",
    "application/gzip": "gzip data",
    "application/msword": "a Word document",
}
_TLS_LOCK = threading.Lock()
ACCEPT = (
    "text/html, application/xhtml+xml, application/rss+xml, application/atom+xml, "
    "application/json, text/plain;q=0.9, */*;q=0.5"
)


@dataclass
class FetchedResponse:
    """A fetched body and what the server said about it.

    Attributes:
        url: The final URL, after redirects.
        requested_url: The URL that was asked for.
        status: The HTTP status code (always 2xx here; errors raise).
        content_type: The media type, lower case, without parameters ("" if none given).
        charset: The charset named in ``Content-Type``, if any.
        body: The raw body bytes (at most ``max_bytes``).
        headers: Response headers, names lower-cased.
    """

    url: str
    requested_url: str
    status: int
    content_type: str
    charset: str | None
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)

    def decode(self) -> Decoded:
        """The body as text, using the BOM, the declared charset, then fallbacks."""
        return decode_bytes(self.body, self.url, declared=self.charset)


def fetch(url: str, options: IngestOptions) -> FetchedResponse:
    """Fetch one http(s) URL within ``options.timeout`` seconds in total.

    Args:
        url: An ``http://`` or ``https://`` address.
        options: Timeout (total, per URL), size cap and User-Agent to use.

    Returns:
        A `FetchedResponse` with a 2xx status and a body of acceptable type.

    Raises:
        InputError: On an HTTP error status ("HTTP 404 Not Found"), an unreachable
            host, a refused connection, the deadline passing ("timed out after N s"),
            a redirect to a non-http(s) URL, a body over ``max_bytes`` ("response
            larger than N bytes"), a body shorter than its ``Content-Length``, or a
            binary content type.

    Example:
        >>> response = fetch("http://127.0.0.1:8000/story.html", IngestOptions())  # doctest: +SKIP
        >>> response.content_type  # doctest: +SKIP
        'text/html'
    """
    if not url.lower().startswith(("http://", "https://")):
        raise input_error(url, "not an http(s) URL")
    tls = tls_context()  # local one-time set-up, before the clock starts
    deadline = time.monotonic() + options.timeout
    headers = {"User-Agent": options.user_agent, "Accept": ACCEPT,
               "Accept-Encoding": "gzip, deflate"}
    transport = DeadlineTransport(deadline, verify=tls, retries=CONNECT_RETRIES)
    try:
        with httpx.Client(transport=transport, headers=headers, follow_redirects=False) as client:
            return _follow(client, url, options, deadline)
    except InputError:
        raise
    except httpx.TimeoutException:
        raise input_error(url, f"timed out after {options.timeout:g} s") from None
    except (httpx.HTTPError, httpx.InvalidURL, OSError, ValueError) as exc:
        raise input_error(url, _network_problem(exc)) from None


def tls_context() -> ssl.SSLContext:
    """One TLS context, shared by fetches and threads: the CA bundle is loaded once (~35 ms,
    0.3 s on a loaded machine; threads fetching at once used to load it each, and a 1 s
    deadline could pass before the first byte was sent)."""
    with _TLS_LOCK:
        return _new_tls_context()


@functools.cache
def _new_tls_context() -> ssl.SSLContext:
    return httpx.create_ssl_context()


def _follow(
    client: httpx.Client, url: str, options: IngestOptions, deadline: float
) -> FetchedResponse:
    """Request `url`, following at most `MAX_REDIRECTS` http(s) redirects before `deadline`."""
    current = url
    for _ in range(MAX_REDIRECTS + 1):
        with client.stream("GET", current, timeout=_remaining(url, options, deadline)) as response:
            if not response.is_redirect:
                return _read_response(url, current, response, options, deadline)
            target = urljoin(current, response.headers.get("location", ""))
            if not target.lower().startswith(("http://", "https://")):
                raise input_error(url, f"redirect to a non-http(s) URL refused ({target[:80]})")
            current = target
    raise input_error(url, f"HTTP {response.status_code} {response.reason_phrase}: "
                           f"more than {MAX_REDIRECTS} redirects")


def _remaining(url: str, options: IngestOptions, deadline: float) -> float:
    """Seconds left before `deadline`; InputError when none are."""
    left = deadline - time.monotonic()
    if left <= 0:
        raise input_error(url, f"timed out after {options.timeout:g} s")
    return left


def _read_response(
    url: str, final: str, response: httpx.Response, options: IngestOptions, deadline: float
) -> FetchedResponse:
    """Check the status and headers, stream the body under the caps, package the result."""
    if response.status_code >= 400 or response.status_code < 200:
        raise input_error(url, f"HTTP {response.status_code} {response.reason_phrase}".strip())
    headers = {name.lower(): value for name, value in response.headers.items()}
    content_type, charset = _parse_content_type(headers.get("content-type", ""))
    _check_type(url, content_type)
    encoding = headers.get("content-encoding", "identity").strip().lower()
    if encoding not in (*DECODED_ENCODINGS, "identity", ""):
        raise input_error(url, f"unsupported content encoding {encoding!r}")
    if encoding in ("identity", ""):
        _check_length(url, headers.get("content-length"), options.max_bytes)
    body = _read_body(url, response, options, deadline)
    if encoding in DECODED_ENCODINGS:
        body = _decode_body(url, body, encoding, options.max_bytes)
    if not body:
        raise input_error(url, "empty response")
    if content_type not in TEXT_TYPES and not content_type.startswith("text/"):
        check_not_binary(body, url)
    return FetchedResponse(url=final, requested_url=url, status=response.status_code,
                           content_type=content_type, charset=charset, body=body,
                           headers=headers)


def _read_body(
    url: str, response: httpx.Response, options: IngestOptions, deadline: float
) -> bytes:
    """Read the raw body in chunks, stopping with an error past ``max_bytes`` or the deadline."""
    chunks: list[bytes] = []
    size = 0
    for chunk in _raw_chunks(url, response):
        size += len(chunk)
        if size > options.max_bytes:
            raise input_error(url, f"response larger than {options.max_bytes} bytes")
        if time.monotonic() > deadline:
            raise input_error(url, f"timed out after {options.timeout:g} s reading the response")
        chunks.append(chunk)
    _check_complete(url, response.headers.get("content-length"), size)
    return b"".join(chunks)


def _raw_chunks(url: str, response: httpx.Response) -> Iterator[bytes]:
    """The body's bytes as sent; a connection closed mid-body is an InputError."""
    try:
        yield from response.iter_raw()  # each network read as it arrives: the deadline applies
    except httpx.RemoteProtocolError as exc:
        raise input_error(url, f"response body cut short ({exc})") from None


def _check_complete(url: str, header: str | None, size: int) -> None:
    """Refuse a body shorter than its declared ``Content-Length``."""
    if header and header.strip().isdigit() and size < int(header):
        raise input_error(url, f"response body shorter than its Content-Length "
                               f"({size} of {int(header)} bytes)")


def _decode_body(url: str, body: bytes, encoding: str, max_bytes: int) -> bytes:
    """Undo gzip/deflate content coding, refusing output over `max_bytes`."""
    try:
        return inflate([body], encoding, max_bytes)
    except LimitExceeded:
        raise input_error(url, f"response larger than {max_bytes} bytes once decompressed") \
            from None
    except (Truncated, zlib.error) as exc:
        raise input_error(url, f"bad {encoding} content encoding ({exc})") from None


def _parse_content_type(value: str) -> tuple[str, str | None]:
    """Split a Content-Type header into the lower-case media type and its charset."""
    message = Message()
    message["content-type"] = value or "application/octet-stream"
    media = message.get_content_type().lower() if value else ""
    charset = message.get_param("charset")
    return media, charset if isinstance(charset, str) else None


def _check_type(url: str, content_type: str) -> None:
    """Refuse media types that cannot be an article (images, PDF, archives, ...)."""
    what = REFUSED_TYPES.get(content_type)
    for prefix, word in REFUSED_PREFIXES:
        if content_type.startswith(prefix):
            what = word
    if what:
        raise input_error(url, f"unsupported content type {content_type} ({what}, not an article)")


def _check_length(url: str, header: str | None, max_bytes: int) -> None:
    """Fail early when Content-Length already announces a body over the cap."""
    if header and header.strip().isdigit() and int(header) > max_bytes:
        raise input_error(url, f"response larger than {max_bytes} bytes")


def _network_problem(exc: Exception) -> str:
    """Describe a network failure in a few words."""
    text = str(exc) or type(exc).__name__
    lowered = text.lower()
    if isinstance(exc, httpx.ConnectError) and "refused" in lowered:
        return "connection refused (host unreachable)"
    if isinstance(exc, httpx.ConnectError) and ("name" in lowered or "resolution" in lowered):
        return f"cannot resolve host ({text})"
    if isinstance(exc, httpx.RemoteProtocolError | httpx.DecodingError):
        return f"bad HTTP response ({type(exc).__name__}: {text})"
    if isinstance(exc, httpx.HTTPError | OSError):
        return f"cannot reach host ({text})"
    return f"cannot fetch ({text})"
