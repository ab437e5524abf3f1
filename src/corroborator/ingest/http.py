"""Fetch a URL with the standard library: bounded time, size, redirects and content types.

``urllib.request`` is used (no extra dependency). Redirects are followed up to
`MAX_REDIRECTS`; the body is streamed and abandoned past ``max_bytes``; every
failure (HTTP status, refused connection, timeout, binary content) becomes an
`InputError` naming the URL and the problem.
"""

from __future__ import annotations

import http.client
import socket
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from email.message import Message

from corroborator.errors import InputError
from corroborator.ingest.decode import Decoded, check_not_binary, decode_bytes
from corroborator.ingest.options import IngestOptions, input_error

#: Most redirects followed for one request.
MAX_REDIRECTS = 5
#: Bytes read from the socket per chunk while streaming a body.
CHUNK_BYTES = 64 * 1024
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


class _BoundedRedirects(urllib.request.HTTPRedirectHandler):
    """Redirect handler with a smaller, explicit redirect bound."""

    max_redirections = MAX_REDIRECTS
    max_repeats = 2


def fetch(url: str, options: IngestOptions) -> FetchedResponse:
    """Fetch one http(s) URL.

    Args:
        url: An ``http://`` or ``https://`` address.
        options: Timeout, size cap and User-Agent to use.

    Returns:
        A `FetchedResponse` with a 2xx status and a body of acceptable type.

    Raises:
        InputError: On an HTTP error status ("HTTP 404 Not Found"), an unreachable
            host, a refused connection, a timeout, a body over ``max_bytes``
            ("response larger than N bytes") or a binary content type.

    Example:
        >>> response = fetch("http://127.0.0.1:8000/story.html", IngestOptions())  # doctest: +SKIP
        >>> response.content_type  # doctest: +SKIP
        'text/html'
    """
    if not url.lower().startswith(("http://", "https://")):
        raise input_error(url, "not an http(s) URL")
    request = urllib.request.Request(
        url, headers={"User-Agent": options.user_agent, "Accept": ACCEPT}
    )
    opener = urllib.request.build_opener(_BoundedRedirects())
    try:
        with opener.open(request, timeout=options.timeout) as response:
            return _read_response(url, response, options)
    except InputError:
        raise
    except urllib.error.HTTPError as exc:
        raise input_error(url, f"HTTP {exc.code} {exc.reason}".strip()) from None
    except urllib.error.URLError as exc:
        raise input_error(url, _network_problem(exc.reason, options)) from None
    except (OSError, http.client.HTTPException, ValueError) as exc:
        raise input_error(url, _network_problem(exc, options)) from None


def _read_response(
    url: str, response: http.client.HTTPResponse, options: IngestOptions
) -> FetchedResponse:
    """Check the headers, stream the body under the size cap and package the result."""
    headers = {name.lower(): value for name, value in response.headers.items()}
    content_type, charset = _parse_content_type(headers.get("content-type", ""))
    _check_type(url, content_type)
    _check_length(url, headers.get("content-length"), options.max_bytes)
    body = _read_body(url, response, options)
    if content_type not in TEXT_TYPES and not content_type.startswith("text/"):
        check_not_binary(body, url)
    return FetchedResponse(
        url=response.geturl() or url,
        requested_url=url,
        status=response.status,
        content_type=content_type,
        charset=charset,
        body=body,
        headers=headers,
    )


def _read_body(url: str, response: http.client.HTTPResponse, options: IngestOptions) -> bytes:
    """Read the body in chunks, stopping with an error past ``max_bytes`` or the time limit."""
    deadline = time.monotonic() + options.timeout
    chunks: list[bytes] = []
    size = 0
    while chunk := response.read(CHUNK_BYTES):
        size += len(chunk)
        if size > options.max_bytes:
            raise input_error(url, f"response larger than {options.max_bytes} bytes")
        if time.monotonic() > deadline:
            raise input_error(url, f"timed out after {options.timeout:g} s reading the response")
        chunks.append(chunk)
    if not chunks:
        raise input_error(url, "empty response")
    return b"".join(chunks)


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


def _network_problem(reason: object, options: IngestOptions) -> str:
    """Describe a network failure in a few words."""
    if isinstance(reason, TimeoutError | socket.timeout):
        return f"timed out after {options.timeout:g} s"
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused (host unreachable)"
    if isinstance(reason, socket.gaierror):
        return f"cannot resolve host ({reason.strerror or reason})"
    if isinstance(reason, urllib.error.HTTPError):
        return f"HTTP {reason.code} {reason.reason}"
    if isinstance(reason, http.client.HTTPException):
        return f"bad HTTP response ({type(reason).__name__}: {reason})"
    if isinstance(reason, OSError) and reason.strerror:
        return f"cannot reach host ({reason.strerror})"
    return f"cannot fetch ({reason})"
