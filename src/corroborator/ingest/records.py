"""Row-shaped exports: JSON Lines, CSV and JSON arrays, mapped onto `Article` fields.

Field names are matched case-insensitively with a few aliases (``body`` or
``content`` for text, ``headline`` for title, ``source``/``site`` for outlet,
``date`` for published). Fields with no Article slot go to ``metadata``. A bad
row becomes one `InputError` carrying its line number; the other rows go on.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable, Iterator
from typing import Any

from corroborator.errors import InputError
from corroborator.ingest.dates import parse_date
from corroborator.ingest.decode import decode_bytes
from corroborator.ingest.limits import MAX_CSV_FIELD_CHARS, MAX_JSON_DEPTH, MAX_JSON_NUMBER_CHARS
from corroborator.ingest.options import FIELD_ALIASES, Aliases, input_error, one_line
from corroborator.ingest.text import detect_language, outlet_from_url, split_paragraphs
from corroborator.models import Article

#: Delimiters the CSV sniffer may choose from.
CSV_DELIMITERS = ",;\t"

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n|$)")

Record = dict[str, Any]
Result = Article | InputError
def read_jsonl(
    lines: Iterable[bytes | str | InputError], source: str, fmt: str = "jsonl",
    aliases: Aliases | None = None,
) -> Iterator[Result]:
    """Yield one Article (or InputError) per non-blank JSON Lines row.

    Each line stands alone: a line that is not JSON, too deep, or holds an over-long
    number is one InputError with its line number, and every other line is read.

    Args:
        lines: The file's lines, as bytes (decoded per line) or text; an InputError
            in their place (a line over the line cap) is passed through.
        source: The input's name.
        fmt: The ``format`` recorded on each Article.

    Returns:
        An iterator of Articles and per-line InputErrors ("invalid JSON: ...").

    Example:
        >>> [a.title for a in read_jsonl(['{"title": "T", "text": "Body."}'], "x.jsonl")]
        ['T']
    """
    for number, raw in enumerate(lines, start=1):
        if isinstance(raw, InputError):
            yield raw
            continue
        line, warnings = _line_text(raw, source, number)
        if not line.strip():
            continue
        try:
            value = load_json(line)
        except ValueError as exc:
            yield input_error(source, json_problem(exc), number)
            continue
        yield _result(value, source, fmt, number, warnings, aliases=aliases)


def load_json(text: str) -> Any:
    """Parse JSON under the caps: numbers of at most `MAX_JSON_NUMBER_CHARS` characters,
    nesting at most `MAX_JSON_DEPTH` deep.

    Raises:
        ValueError: not JSON (a `json.JSONDecodeError`), or over a cap (the message says which).
    """
    try:
        value = json.loads(text, parse_int=_bounded_int, parse_float=_bounded_float,
                           parse_constant=_bounded_float)
    except RecursionError:
        raise ValueError(f"nested deeper than {MAX_JSON_DEPTH} levels") from None
    if _too_deep(value, MAX_JSON_DEPTH):
        raise ValueError(f"nested deeper than {MAX_JSON_DEPTH} levels")
    return value


def json_problem(exc: ValueError) -> str:
    """The one-line message for a JSON value that could not be loaded."""
    if isinstance(exc, json.JSONDecodeError):
        return f"invalid JSON: {exc.msg} (column {exc.colno})"
    return f"invalid JSON: {exc}"


def _bounded_int(literal: str) -> int:
    """An integer literal, refused past the number-length cap."""
    if len(literal) > MAX_JSON_NUMBER_CHARS:
        raise ValueError(f"number longer than {MAX_JSON_NUMBER_CHARS} characters")
    return int(literal)


def _bounded_float(literal: str) -> float:
    """A float literal (or NaN/Infinity), refused past the number-length cap."""
    if len(literal) > MAX_JSON_NUMBER_CHARS:
        raise ValueError(f"number longer than {MAX_JSON_NUMBER_CHARS} characters")
    return float(literal)


def _too_deep(value: Any, limit: int) -> bool:
    """Whether arrays and objects nest deeper than `limit` (iterative: no recursion)."""
    stack = [(value, 1)] if isinstance(value, dict | list) else []
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return True
        children = node.values() if isinstance(node, dict) else node
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


def read_json(text: str, source: str, fmt: str = "jsonl",
              aliases: Aliases | None = None) -> Iterator[Result]:
    """Yield Articles from one JSON document: an object, a list, or ``{"articles": [...]}``."""
    try:
        value = load_json(text)
    except json.JSONDecodeError:
        yield from read_jsonl(text.splitlines(), source, fmt, aliases)
        return
    except ValueError as exc:
        yield input_error(source, json_problem(exc))
        return
    if isinstance(value, dict):
        nested = next(
            (
                value[key]
                for key in ("articles", "items", "data")
                if isinstance(value.get(key), list)
            ),
            None,
        )
        value = nested if nested is not None else [value]
    if not isinstance(value, list):
        yield input_error(source, f"expected a JSON object or list, got {type(value).__name__}")
        return
    for index, item in enumerate(value, start=1):
        yield _result(item, source, fmt, None, [], index, aliases)


def read_csv(data: bytes | str, source: str, aliases: Aliases | None = None) -> Iterator[Result]:
    """Yield one Article (or InputError) per CSV row; the first row names the columns.

    Args:
        data: The CSV file, as bytes (BOM and encoding handled) or text.
        source: The input's name.
        aliases: The columns read for each field (`field_aliases`); the defaults if None.

    Returns:
        An iterator of Articles; a file without a text column gives one InputError
        naming the columns found; a bad row gives an InputError with its line.

    Example:
        >>> [a.text for a in read_csv("title;text\\nT;Body.\\n", "x.csv")]
        ['Body.']
    """
    warnings: list[str] = []
    if isinstance(data, bytes):
        decoded = decode_bytes(data, source, rows=True)
        data, warnings = decoded.text, decoded.warnings
    _raise_field_limit()
    reader = csv.reader(_lines(data.lstrip("\ufeff")), delimiter=_sniff_delimiter(data))
    header = next(reader, None)
    columns = [name.strip() for name in header or []]
    aliases = aliases or FIELD_ALIASES
    if not _has_text_column(columns, aliases):
        shown = ", ".join(columns) if any(columns) else "(none)"
        yield input_error(source, f"no text column (looked for {_aliases('text', aliases)}); "
                                  f"columns found: {shown}")
        return
    yield from _csv_rows(reader, columns, source, warnings, aliases)


def record_to_article(record: Record, source: str, fmt: str,
                      aliases: Aliases | None = None) -> Article:
    """Map one record (a JSON object or CSV row) onto an Article.

    `aliases` (see `field_aliases`) names the keys read for each field; keys match
    case-insensitively.

    Raises:
        ValueError: When the record has no usable text; the message names the fields found.
    """
    aliases = aliases or FIELD_ALIASES
    fields = {str(key).strip().lower(): value for key, value in record.items()}
    used: set[str] = set()
    picked = {name: _pick(fields, aliases[name], used) for name in FIELD_ALIASES}
    if not picked["text"]:
        raise ValueError(_missing_text(record, aliases))
    body = split_paragraphs(_as_text(picked["text"]))
    if not body:
        raise ValueError("empty text field")
    url = _as_text(picked["url"]) or None
    published = parse_date(picked["published"])
    extra = {key: value for key, value in record.items() if str(key).strip().lower() not in used}
    if picked["published"] and not published:
        extra["unparsed_date"] = picked["published"]
    if published:
        extra["date_source"] = "field"
    return Article(
        text=body,
        title=_as_text(picked["title"]),
        url=url,
        outlet=_as_text(picked["outlet"]) or outlet_from_url(url),
        byline=_byline(picked["byline"]),
        published=published,
        date_reliable=published is not None,
        language=_language(picked["language"]) or detect_language(body),
        source=source,
        format=fmt,
        metadata=extra,
    )


def _csv_rows(
    reader: Any, columns: list[str], source: str, warnings: list[str], aliases: Aliases
) -> Iterator[Result]:
    """Yield the Articles of the CSV rows after the header, one error per bad row."""
    while True:
        line = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:  # one bad row; the reader goes on from the next line
            yield input_error(source, f"invalid CSV: {exc}", line)
            if reader.line_num < line:
                return
            continue
        if not any(cell.strip() for cell in row):
            continue
        record = dict(zip(columns, row, strict=False))
        if len(row) > len(columns):
            record["extra_columns"] = row[len(columns) :]
        yield _result(record, source, "csv", line, warnings, aliases=aliases)


def _result(
    value: Any,
    source: str,
    fmt: str,
    line: int | None,
    warnings: list[str],
    index: int | None = None,
    aliases: Aliases | None = None,
) -> Result:
    """Turn one parsed row into an Article, or an InputError naming the row."""
    where = f"item {index}: " if index is not None else ""
    if not isinstance(value, dict):
        return input_error(source, f"{where}expected a JSON object, got {_json_type(value)}", line)
    try:
        article = record_to_article(value, source, fmt, aliases)
    except ValueError as exc:
        return input_error(source, f"{where}{exc}", line)
    if line is not None:
        article.metadata["line"] = line
    if warnings:
        article.metadata["warnings"] = list(warnings)
    return article


def _line_text(raw: bytes | str, source: str, number: int) -> tuple[str, list[str]]:
    """One JSONL line as text, decoding bytes as UTF-8 with a cp1252 fallback."""
    if isinstance(raw, str):
        return (raw.lstrip("\ufeff") if number == 1 else raw), []
    if number == 1:
        raw = raw.removeprefix(b"\xef\xbb\xbf")
    try:
        return raw.decode("utf-8"), []
    except UnicodeDecodeError:
        return raw.decode("cp1252", "replace"), [f"line {number} not valid UTF-8; read as cp1252"]


def _pick(fields: dict[str, Any], keys: tuple[str, ...], used: set[str]) -> Any:
    """The first non-empty value among a field's keys, remembering which key was used."""
    for key in keys:
        value = fields.get(key.lower())
        if value not in (None, "", [], {}):
            used.add(key.lower())
            return value
    return None


def _as_text(value: Any) -> str:
    """A field value as stripped text; HTML markup in it is reduced to text."""
    if value is None:
        return ""
    if isinstance(value, list):
        return "\n\n".join(_as_text(item) for item in value)
    text = str(value).strip()
    if text.startswith("<") and text.endswith(">"):
        from corroborator.ingest.html import html_to_text  # lxml: only for markup

        return html_to_text(text)
    return text


def _byline(value: Any) -> str | None:
    """A byline from a string, a list of names, or ``{"name": ...}`` objects."""
    if isinstance(value, dict):
        value = value.get("name")
    if isinstance(value, list):
        names = [_byline(item) for item in value]
        return ", ".join(name for name in names if name) or None
    return _as_text(value) or None


def _language(value: Any) -> str | None:
    """A declared two-letter language code, lower case, or None."""
    text = _as_text(value).lower().replace("_", "-").split("-")[0]
    return text if len(text) == 2 and text.isalpha() else None


def _missing_text(record: Record, aliases: Aliases) -> str:
    """The error for a record without text, naming the fields it does have."""
    names = ", ".join(str(key) for key in record) or "(none)"
    return one_line(f"no text field (looked for {_aliases('text', aliases)}); "
                    f"fields found: {names}")


def _has_text_column(columns: list[str], aliases: Aliases) -> bool:
    """Whether any CSV column is one of the text aliases."""
    keys = {key.lower() for key in aliases["text"]}
    return any(column.lower() in keys for column in columns)


def _aliases(name: str, aliases: Aliases = FIELD_ALIASES) -> str:
    """The aliases of a field, comma-separated, for messages."""
    return ", ".join(aliases[name])


def _lines(text: str) -> Iterator[str]:
    """The lines of `text` with their endings (CRLF, LF or CR), one slice at a time
    (``io.StringIO`` would copy the whole text into a four-byte-per-character buffer)."""
    for match in _LINE.finditer(text):
        if match.group(0):
            yield match.group(0)


def _sniff_delimiter(text: str) -> str:
    """The delimiter (comma, semicolon or tab) of the CSV header line."""
    header = text.lstrip("\ufeff").split("\n", 1)[0]
    try:
        return csv.Sniffer().sniff(header, delimiters=CSV_DELIMITERS).delimiter
    except csv.Error:
        return max(CSV_DELIMITERS, key=header.count)


def _raise_field_limit() -> None:
    """Let the csv module read long fields (whole articles in one cell), up to the cap."""
    csv.field_size_limit(MAX_CSV_FIELD_CHARS)


def _json_type(value: Any) -> str:
    """The JSON name of a Python value's type, for messages."""
    names = {list: "array", str: "string", int: "number", float: "number", bool: "boolean"}
    return "null" if value is None else names.get(type(value), type(value).__name__)
