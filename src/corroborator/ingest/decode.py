"""Bytes to text: byte-order marks, declared charsets, fallbacks, binary detection.

The order is: a BOM, then the charset the input declares (HTTP header, HTML
``<meta charset>``, XML declaration), then UTF-8, then charset-normalizer's guess
(cp1252 when it reads as cleanly) and finally latin-1, which never fails. A
fallback leaves a warning for ``Article.metadata``.
"""

from __future__ import annotations

import codecs
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

from corroborator.ingest.limits import MAX_FILE_BYTES
from corroborator.ingest.options import input_error

#: Bytes examined when deciding whether data is binary.
SNIFF_BYTES = 8192
#: Share of control characters above which data counts as binary.
MAX_CONTROL_RATIO = 0.10
#: Bytes of non-UTF-8 data handed to charset-normalizer when guessing its encoding.
FALLBACK_SAMPLE_BYTES = 65_536
#: First code point past the Latin blocks (Greek; Cyrillic, Hebrew, Arabic... follow).
NON_LATIN_START = 0x370

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_MAGIC = (
    (b"%PDF-", "PDF document"),
    (b"\x89PNG", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF8", "GIF image"),
    (b"PK\x03\x04", "ZIP archive"),
    (b"\x1f\x8b", "gzip data"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.I)
_CONTROL = frozenset(range(32)) - {9, 10, 12, 13}
_XML_FORBIDDEN = bytes(sorted(set(range(32)) - {9, 10, 13}))
_WIDE = ("utf-16", "utf16", "utf-32", "utf32", "ucs-2", "ucs2")
#: Python codecs that are not character sets a document may declare: they transform
#: text (punycode, IDNA, Python escapes, UTF-7) or always fail ("undefined"). A page
#: naming one is decoded as if it named none.
NOT_CHARSETS = frozenset({"punycode", "idna", "undefined", "unicode-escape",
                          "raw-unicode-escape", "utf-7", "charmap"})


@dataclass
class Decoded:
    """Text decoded from bytes, the encoding used, and any warnings about it."""

    text: str
    encoding: str
    warnings: list[str] = field(default_factory=list)


def decode_bytes(
    data: bytes, source: str, declared: str | None = None, rows: bool = False
) -> Decoded:
    """Decode bytes to text, refusing binary data.

    Args:
        data: The raw bytes.
        source: The input's name, used in error messages.
        declared: A charset named by the transport (e.g. an HTTP header), if any.
        rows: The data holds independent rows (CSV): a stray NUL byte in one row does
            not make the whole file binary.

    Returns:
        A `Decoded` with the text, the encoding that worked and any fallback warning.

    Raises:
        InputError: "empty file" for no bytes; "binary file, not an article" for binary data.

    Example:
        >>> decode_bytes("café".encode("cp1252"), "x.txt").encoding
        'cp1252'
    """
    if not data:
        raise input_error(source, "empty file")
    bom = _bom_encoding(data)
    if bom:
        encoding, length = bom
        return Decoded(data[length:].decode(encoding, "replace"), encoding)
    check_not_binary(data, source, rows=rows)
    for encoding in _candidates(data, declared):
        try:
            return Decoded(data.decode(encoding), encoding)
        except (UnicodeError, LookupError):  # UnicodeError: a codec failing its own way
            continue
    return _fallback(data)


def check_not_binary(data: bytes, source: str, rows: bool = False) -> None:
    """Raise InputError when `data` looks binary (a known signature, NULs, control bytes).

    Data that starts with a Unicode byte-order mark (UTF-16 text has NULs) is text. With
    `rows` (JSON Lines, CSV) one NUL byte is a bad row, not a binary file: only the
    signatures and the share of control bytes count.
    """
    if _bom_encoding(data):
        return
    head = data[:SNIFF_BYTES]
    for magic, what in _MAGIC:
        if head.startswith(magic):
            raise input_error(source, f"binary file, not an article ({what})")
    if rows:  # a bad row is that row's problem unless the very first line is binary too
        first = head.split(b"\n", 1)[0]
        if _control_ratio(head) > MAX_CONTROL_RATIO and any(b in _CONTROL for b in first):
            raise input_error(source, "binary file, not an article")
        return
    if b"\x00" in head or _control_ratio(head) > MAX_CONTROL_RATIO:
        raise input_error(source, "binary file, not an article")


def repair_declared_encoding(data: bytes) -> bytes:
    """XML whose declaration names a wide encoding (UTF-16/32) but is itself written one
    byte per character (readable here as ASCII, no BOM) is really 8-bit, and one naming
    a codec that is no character set (`NOT_CHARSETS`: "punycode", "undefined") cannot
    be read by it: rewrite the declaration to the encoding that decodes it."""
    match = _XML_ENCODING.search(data[:2048])
    if not match or _bom_encoding(data):
        return data
    name = match.group(1).decode("ascii", "ignore").lower().replace("_", "-")
    if not name.startswith(_WIDE) and not _names_no_charset(name):
        return data
    actual = "utf-8" if _decodes(data, "utf-8") else "windows-1252"
    return data[: match.start(1)] + actual.encode() + data[match.end(1) :]


def strip_xml_controls(data: bytes) -> bytes:
    """8-bit XML without the C0 control bytes XML 1.0 forbids (a NUL in one feed entry
    must not cost the others); wide-encoded data (a BOM or NULs declared) is left alone."""
    if _bom_encoding(data) or _declares_wide(data):
        return data
    return data.translate(None, _XML_FORBIDDEN)


def _declares_wide(data: bytes) -> bool:
    """Whether an XML declaration names UTF-16 or UTF-32."""
    match = _XML_ENCODING.search(data[:2048])
    name = match.group(1).decode("ascii", "ignore").lower() if match else ""
    return name.replace("_", "-").startswith(_WIDE)


def _decodes(data: bytes, encoding: str) -> bool:
    """Whether `data` decodes strictly in `encoding`."""
    try:
        data.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def declared_charset(data: bytes) -> str | None:
    """The charset an HTML ``<meta>`` or XML declaration names near the top, if any."""
    head = data[:2048]
    match = _XML_ENCODING.search(head) or _META_CHARSET.search(head)
    if not match:
        return None
    name = match.group(1).decode("ascii", "ignore").lower()
    return name if _known_codec(name) else None


def read_file_bytes(path: Path, source: str, limit: int = MAX_FILE_BYTES) -> bytes:
    """Read a regular file's bytes (at most `limit`), turning OS errors into InputError.

    Raises:
        InputError: missing, a directory, not a regular file (a FIFO, a device), empty,
            unreadable, or larger than `limit` bytes.
    """
    check_regular_file(path, source)
    try:
        with path.open("rb") as handle:
            data = handle.read(limit + 1)
    except FileNotFoundError:
        raise input_error(source, "no such file or directory") from None
    except IsADirectoryError:
        raise input_error(source, "is a directory") from None
    except OSError as exc:
        raise input_error(source, f"cannot read file: {exc.strerror or exc}") from None
    if not data:
        raise input_error(source, "empty file")
    if len(data) > limit:
        raise input_error(source, f"file larger than {limit} bytes (the local file size cap)")
    return data


def check_regular_file(path: Path, source: str) -> None:
    """Raise InputError unless `path` is a regular file; never opens it (a FIFO would block)."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        raise input_error(source, "no such file or directory") from None
    except OSError as exc:
        raise input_error(source, f"cannot read file: {exc.strerror or exc}") from None
    if stat.S_ISDIR(mode):
        raise input_error(source, "is a directory")
    if not stat.S_ISREG(mode):
        raise input_error(source, f"not a regular file ({_file_kind(mode)}); skipped")


def _file_kind(mode: int) -> str:
    """A word for a non-regular file's type."""
    kinds = ((stat.S_ISFIFO, "a named pipe"), (stat.S_ISCHR, "a character device"),
             (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))
    return next((word for test, word in kinds if test(mode)), "a special file")


def _bom_encoding(data: bytes) -> tuple[str, int] | None:
    """The encoding a byte-order mark announces and the mark's length, or None."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding, len(bom)
    return None


def _candidates(data: bytes, declared: str | None) -> list[str]:
    """Encodings to try strictly, in order: declared ones, then UTF-8."""
    names = [_whatwg(declared), _whatwg(declared_charset(repair_declared_encoding(data))),
             "utf-8"]
    ordered: list[str] = []
    for name in names:
        if name and _known_codec(name) and _codec_name(name) not in map(_codec_name, ordered):
            ordered.append(name)
    return ordered


def _fallback(data: bytes) -> Decoded:
    """Decode 8-bit text of unknown charset: charset-normalizer's guess, with cp1252 kept
    whenever it reads the bytes as cleanly (the web's Western default, as browsers do)."""
    encoding = guess_legacy_encoding(data[:FALLBACK_SAMPLE_BYTES])
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        text, encoding = data.decode("latin-1"), "latin-1"
    warning = f"not valid UTF-8; decoded as {encoding}"
    return Decoded(text, encoding, [warning])


def guess_legacy_encoding(sample: bytes) -> str:
    """The 8-bit encoding of `sample` (a Python codec name).

    charset-normalizer's guess is taken when it reads the bytes as a non-Latin script
    (Cyrillic, Greek, Hebrew, Arabic...); Latin-script guesses (cp1250, cp1257, ...)
    tie too often with cp1252 on short texts, so cp1252, the web's Western default,
    is kept for them whenever it decodes the bytes.
    """
    import charset_normalizer  # only for bytes that are not UTF-8: not at every start-up

    best = charset_normalizer.from_bytes(sample).best()
    if best is not None and _known_codec(best.encoding) and _mostly_non_latin(str(best)):
        return best.encoding
    if _decodes(sample, "cp1252"):
        return "cp1252"
    return best.encoding if best is not None and _known_codec(best.encoding) else "latin-1"


def _mostly_non_latin(text: str) -> bool:
    """Whether most letters of `text` lie beyond the Latin blocks (code points >= U+0370)."""
    letters = [char for char in text if char.isalpha()]
    return bool(letters) and sum(ord(c) >= NON_LATIN_START for c in letters) > len(letters) / 2


def _whatwg(name: str | None) -> str | None:
    """Read a latin-1 declaration as cp1252, as browsers do; other names pass through."""
    if name and _known_codec(name) and _codec_name(name) in {"iso8859-1", "ascii"}:
        return "cp1252"
    return name


def _control_ratio(head: bytes) -> float:
    """Share of bytes in `head` that are control characters other than whitespace."""
    if not head:
        return 0.0
    return sum(1 for byte in head if byte in _CONTROL) / len(head)


def _names_no_charset(name: str) -> bool:
    """Whether `name` is a Python codec listed in `NOT_CHARSETS`."""
    try:
        return codecs.lookup(name).name in NOT_CHARSETS
    except LookupError:
        return False


def _known_codec(name: str) -> bool:
    """Whether Python knows a character set by this name (a codec in `NOT_CHARSETS` is not)."""
    try:
        return codecs.lookup(name).name not in NOT_CHARSETS
    except LookupError:
        return False


def _codec_name(name: str) -> str:
    """The canonical codec name, so aliases like 'UTF8' and 'utf-8' compare equal."""
    return codecs.lookup(name).name
