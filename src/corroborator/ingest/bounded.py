"""Decompression and reading that never hold more than a cap in memory.

A gzip member of zeros shrinks a thousandfold, so a small file can expand to
gigabytes. Everything here decompresses in steps of `STEP_BYTES` and stops with
`LimitExceeded` the moment a cap is passed, whatever the compressed size.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator
from typing import BinaryIO

#: Decompressed bytes produced per step.
STEP_BYTES = 1 << 20
#: Compressed bytes read per step.
READ_BYTES = 1 << 16


class LimitExceeded(ValueError):
    """Data passed a size cap; the message names the cap."""


class Truncated(ValueError):
    """Compressed data ended in the middle of a stream."""


def inflate(chunks: Iterable[bytes], encoding: str, limit: int) -> bytes:
    """Decode ``Content-Encoding`` gzip, x-gzip or deflate, refusing output over `limit`.

    Raises:
        LimitExceeded: more than `limit` bytes would come out.
        Truncated: the stream ended early.
        zlib.error: the data is not in the named encoding.
    """
    out = bytearray()
    for piece in inflate_stream(chunks, encoding):
        out += piece
        if len(out) > limit:
            raise LimitExceeded(f"decompressed body larger than {limit} bytes")
    return bytes(out)


def inflate_stream(chunks: Iterable[bytes], encoding: str) -> Iterator[bytes]:
    """Decompressed pieces of at most `STEP_BYTES` each, from compressed `chunks`."""
    decoder = None
    for chunk in chunks:
        data = chunk
        while data:
            decoder = decoder or _decoder(encoding, data)
            piece = decoder.decompress(data, STEP_BYTES)
            yield piece
            data = decoder.unconsumed_tail
            if decoder.eof and decoder.unused_data:  # a further gzip member
                data, decoder = decoder.unused_data + data, None
    if decoder is not None and not decoder.eof:
        raise Truncated("compressed data ends early (truncated)")


def gzip_members(handle: BinaryIO) -> Iterator[bytes]:
    """Decompressed pieces of every member of a (multi-member) gzip file, in order.

    Raises:
        Truncated: the last member is cut short.
        zlib.error: the data is not gzip.
    """
    decoder, fed = zlib.decompressobj(31), False
    data = handle.read(READ_BYTES)
    while data:
        fed = True
        piece = decoder.decompress(data, STEP_BYTES)
        if piece:
            yield piece
        data = decoder.unconsumed_tail
        if decoder.eof:
            data, decoder, fed = decoder.unused_data, zlib.decompressobj(31), False
        if not data:
            data = handle.read(READ_BYTES)
    if fed and not decoder.eof:
        raise Truncated("truncated gzip data")


def _decoder(encoding: str, head: bytes) -> zlib._Decompress:
    """A zlib decoder for an HTTP content coding; deflate may be zlib-wrapped or raw."""
    if encoding in ("gzip", "x-gzip") or head.startswith(b"\x1f\x8b"):
        return zlib.decompressobj(31)
    wrapped = len(head) >= 2 and head[0] & 0x0F == 8 and (head[0] * 256 + head[1]) % 31 == 0
    return zlib.decompressobj(15 if wrapped else -15)
