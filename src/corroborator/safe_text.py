"""Text from articles made safe to print on a terminal.

Article titles, outlets, sentences, file names and URLs come from whoever wrote the
input. Printed raw, an escape sequence in them could clear the screen, set the window
title or rewrite earlier lines, and a bidi override could reorder what is shown.
Everything the command line prints passes through `printable` first (`printable_json`
for JSON, `printable_markup` for HTML): control characters become visible escapes such
as ``\\x1b``, or the format's own escapes, which keep the value the same.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Any

#: C0 controls but tab and line feed, DEL, the C1 controls, and the bidi embeddings,
#: overrides and isolates (U+202A-U+202E, U+2066-U+2069).
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
#: The same without tab and line feed: for text that must stay on one line.
_UNSAFE_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
#: Characters json.dumps(ensure_ascii=False) leaves raw that a terminal may act on.
_UNSAFE_IN_JSON = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
#: Bidi embeddings, overrides (U+202A-U+202E) and isolates (U+2066-U+2069).
_BIDI_CONTROL = re.compile("[\u202a-\u202e\u2066-\u2069]")
_ISOLATE_OPENERS = frozenset("\u2066\u2067\u2068")
FSI, PDI = "\u2068", "\u2069"


def printable(text: object, one_line: bool = False) -> str:
    """`text` with every control character shown as an escape (``\\x1b``, ``\\u202e``).

    Tabs and line feeds are kept unless `one_line`.

    Example:
        >>> printable("Title\\x1b]0;owned\\x07")
        'Title\\\\x1b]0;owned\\\\x07'
    """
    pattern = _UNSAFE_LINE if one_line else _UNSAFE
    return pattern.sub(_escape, str(text))


def printable_json(text: str) -> str:
    """JSON text with the characters JSON leaves raw (DEL, C1, bidi controls) escaped
    as ``\\u`` sequences: the same JSON value, safe on a terminal."""
    return _UNSAFE_IN_JSON.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def printable_markup(text: str) -> str:
    """HTML or XML text with control characters written as character references
    (``&#x1b;``): the same document for a browser, nothing raw for a terminal."""
    return _UNSAFE.sub(lambda match: f"&#x{ord(match.group()):x};", text)


def printable_data(data: Any) -> Any:
    """A copy of JSON-like `data` with `printable` applied to every string in it."""
    if isinstance(data, str):
        return printable(data)
    if isinstance(data, Mapping):
        return {key: printable_data(value) for key, value in data.items()}
    if isinstance(data, list | tuple):
        return [printable_data(value) for value in data]
    return data


def isolate_bidi(value: Any) -> Any:
    """A string holding bidi controls, wrapped as one isolate (FSI ... PDI, what HTML's
    ``<bdi>`` does) so a right-to-left override in a title or an outlet cannot reorder
    the text around it; other values are returned as they are.

    Unmatched pop-isolate characters inside are dropped and open isolates closed, so
    the final PDI closes exactly the isolate opened here (it also ends any embedding or
    override left open inside). Used as the HTML templates' ``finalize``; already
    escaped HTML (``Markup``, e.g. a joined list) is isolated as a whole.

    Example:
        >>> isolate_bidi("\u202eevil") == "\u2068\u202eevil\u2069"
        True
    """
    if not isinstance(value, str) or not _BIDI_CONTROL.search(value):
        return value
    kept, open_isolates = [], 0
    for char in value:
        if char == PDI:
            if not open_isolates:
                continue
            open_isolates -= 1
        elif char in _ISOLATE_OPENERS:
            open_isolates += 1
        kept.append(char)
    isolated = FSI + "".join(kept) + PDI * open_isolates + PDI
    return type(value)(isolated) if hasattr(value, "__html__") else isolated  # Markup stays


class _PrintableRecords(logging.Filter):
    """Rewrite a log record's message with `printable` before it is written."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = printable(record.getMessage()), None
        return True


def escape_unhandled_logs() -> None:
    """Make the warnings libraries log with no handler set up (written raw to standard
    error by `logging.lastResort`: trafilatura, lxml, ...) printable too."""
    last = logging.lastResort
    if last is not None and not any(isinstance(f, _PrintableRecords) for f in last.filters):
        last.addFilter(_PrintableRecords())


def _escape(match: re.Match[str]) -> str:
    """The visible escape of one control character."""
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
