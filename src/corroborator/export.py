"""Export stored tables as CSV, JSON Lines or Parquet, streaming (rows never all in memory).

Example:
    >>> with open_store("news.db", readonly=True) as store:
    ...     export(store, "stances", "stances.parquet", outlet="Daily Ledger")
    412
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from corroborator.errors import InputError, MissingExtraError, NotFoundError
from corroborator.store import Store

FORMATS = ("csv", "jsonl", "parquet")
BATCH_ROWS = 5000
"""Rows fetched from SQLite (and written as one Parquet row group) at a time."""


@dataclass(frozen=True)
class Table:
    """One exportable table: its SQL, column types and which columns hold JSON."""

    sql: str
    columns: tuple[tuple[str, str], ...]
    story_filter: str
    outlet_filter: str
    json_columns: tuple[str, ...] = ()


TABLES: dict[str, Table] = {
    "articles": Table(
        "SELECT a.id, sa.story_id, a.outlet, a.title, a.url, a.byline, a.published, "
        "a.date_reliable, a.language, a.source, a.format, a.text, a.ingested_at "
        "FROM articles a LEFT JOIN story_articles sa ON sa.article_id = a.id",
        (("id", "str"), ("story_id", "str"), ("outlet", "str"), ("title", "str"),
         ("url", "str"), ("byline", "str"), ("published", "time"), ("date_reliable", "bool"),
         ("language", "str"), ("source", "str"), ("format", "str"), ("text", "str"),
         ("ingested_at", "time")),
        "sa.story_id = ?", "a.outlet = ?"),
    "claims": Table(
        "SELECT c.id, c.article_id, sa.story_id, a.outlet, c.sentence_idx, c.text, "
        "c.checkworthiness, c.attribution_kind, c.attribution_source FROM claims c "
        "JOIN articles a ON a.id = c.article_id "
        "LEFT JOIN story_articles sa ON sa.article_id = c.article_id",
        (("id", "str"), ("article_id", "str"), ("story_id", "str"), ("outlet", "str"),
         ("sentence_idx", "int"), ("text", "str"), ("checkworthiness", "float"),
         ("attribution_kind", "str"), ("attribution_source", "str")),
        "sa.story_id = ?", "a.outlet = ?"),
    "stances": Table(
        "SELECT story_id, group_id, claim, status, article_id, outlet, stance, probability, "
        "evidence, model FROM claim_stances",
        (("story_id", "str"), ("group_id", "str"), ("claim", "str"), ("status", "str"),
         ("article_id", "str"), ("outlet", "str"), ("stance", "str"), ("probability", "float"),
         ("evidence", "str"), ("model", "str")),
        "story_id = ?", "outlet = ?"),
    "discrepancies": Table(
        'SELECT d.id, d.story_id, d.kind, d.description, d."values", d.articles, d.evidence '
        "FROM discrepancies d",
        (("id", "int"), ("story_id", "str"), ("kind", "str"), ("description", "str"),
         ("values", "list"), ("articles", "list"), ("evidence", "str")),
        "d.story_id = ?",
        "EXISTS (SELECT 1 FROM json_each(d.articles) j JOIN articles a ON a.id = j.value "
        "WHERE a.outlet = ?)",
        ("values", "articles", "evidence")),
    "stories": Table(
        "SELECT s.id, s.title, s.first_seen, s.last_seen, s.n_articles, s.n_sources, "
        "s.n_disputed, s.key_entities FROM stories s",
        (("id", "str"), ("title", "str"), ("first_seen", "time"), ("last_seen", "time"),
         ("n_articles", "int"), ("n_sources", "int"), ("n_disputed", "int"),
         ("key_entities", "list")),
        "s.id = ?",
        "EXISTS (SELECT 1 FROM story_articles sa JOIN articles a ON a.id = sa.article_id "
        "WHERE sa.story_id = s.id AND a.outlet = ?)",
        ("key_entities",)),
}
WHAT = tuple(TABLES)


def iter_rows(store: Store, what: str, story: str | None = None,
              outlet: str | None = None) -> Iterator[dict[str, Any]]:
    """Rows of one exportable table as dicts, fetched in batches, in storage order.

    Args:
        store: an open store (read-only is enough).
        what: one of ``articles``, ``claims``, ``stances``, ``discrepancies``, ``stories``.
        story: only rows of this story (an id or a unique prefix).
        outlet: only rows of this outlet (exact name).

    Raises:
        InputError: unknown `what`.
        NotFoundError: unknown story or outlet.
    """
    table = _table(what)
    sql, params = _query(store, table, story, outlet)
    names = [name for name, _ in table.columns]
    cursor = store.conn.execute(sql, params)
    while batch := cursor.fetchmany(BATCH_ROWS):
        for row in batch:
            yield dict(zip(names, tuple(row), strict=True))


def export(store: Store, what: str, path: str | Path, fmt: str | None = None,
           story: str | None = None, outlet: str | None = None) -> int:
    """Write one table to `path` as CSV, JSON Lines or Parquet; return the rows written.

    The file appears only when complete (written beside it, then renamed). `fmt`
    defaults to the extension of `path`. JSON columns (``values``, ``evidence``, ...)
    stay JSON text in CSV and Parquet and become real lists and objects in JSON Lines.

    Raises:
        InputError: unknown `what` or format.
        MissingExtraError: Parquet without the ``parquet`` extra (pyarrow).
        NotFoundError: unknown story or outlet.
    """
    path = Path(path)
    fmt = fmt or path.suffix.lstrip(".").lower()
    if fmt not in FORMATS:
        raise InputError(str(path), f"unknown export format {fmt!r}; choose "
                                    f"{', '.join(FORMATS)} (or name the file .csv/.jsonl/.parquet)")
    table = _table(what)
    writer = {"csv": _write_csv, "jsonl": _write_jsonl, "parquet": _write_parquet}[fmt]
    if fmt == "parquet":
        _pyarrow()
    rows = iter_rows(store, what, story=story, outlet=outlet)
    partial = path.with_name(f".{path.name}.partial")
    try:
        count = writer(rows, table, partial)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return count


def _table(what: str) -> Table:
    if what not in TABLES:
        raise InputError(what, f"cannot export {what!r}; choose one of {', '.join(WHAT)}")
    return TABLES[what]


def _query(store: Store, table: Table, story: str | None,
           outlet: str | None) -> tuple[str, list[Any]]:
    where, params = [], []
    if story:
        where.append(table.story_filter)
        params.append(store.get_story(story).id)
    if outlet:
        if not store.query("SELECT 1 FROM articles WHERE outlet = ? LIMIT 1", (outlet,)):
            raise NotFoundError(f"no articles from outlet {outlet!r}")
        where.append(table.outlet_filter)
        params.append(outlet)
    clause = f" WHERE {' AND '.join(where)}" if where else ""
    return f"{table.sql}{clause}", params


def _write_csv(rows: Iterator[dict[str, Any]], table: Table, path: Path) -> int:
    count = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=[name for name, _ in table.columns])
        writer.writeheader()
        for row in rows:
            writer.writerow(row)
            count += 1
    return count


def _write_jsonl(rows: Iterator[dict[str, Any]], table: Table, path: Path) -> int:
    count = 0
    with path.open("w", encoding="utf-8") as handle:
        for row in rows:
            for column in table.json_columns:
                if row[column] is not None:
                    row[column] = json.loads(row[column])
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
            count += 1
    return count


def _pyarrow() -> Any:
    try:
        import pyarrow
        import pyarrow.parquet  # noqa: F401
    except ImportError as exc:
        raise MissingExtraError("parquet", "export --format parquet") from exc
    return pyarrow


def _write_parquet(rows: Iterator[dict[str, Any]], table: Table, path: Path) -> int:
    """Parquet with typed columns: timestamps (UTC), booleans and lists of strings."""
    pa = _pyarrow()
    types = {"str": pa.string(), "int": pa.int64(), "float": pa.float64(),
             "time": pa.timestamp("us", tz="UTC"), "bool": pa.bool_(),
             "list": pa.list_(pa.string())}
    schema = pa.schema([(name, types[kind]) for name, kind in table.columns])
    typed = [(name, kind) for name, kind in table.columns if kind in PARQUET_CASTS]
    count, batch = 0, []
    with pa.parquet.ParquetWriter(str(path), schema) as writer:
        for row in rows:
            for name, kind in typed:
                row[name] = PARQUET_CASTS[kind](row[name])
            batch.append(row)
            if len(batch) == BATCH_ROWS:
                writer.write_table(pa.Table.from_pylist(batch, schema=schema))
                count, batch = count + len(batch), []
        if batch or not count:
            writer.write_table(pa.Table.from_pylist(batch, schema=schema))
            count += len(batch)
    return count


def _timestamp(value: Any) -> datetime | None:
    """An ISO 8601 time or date as an aware UTC datetime (a naive one is taken as UTC)."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _string_list(value: Any) -> list[str] | None:
    """A JSON list as a list of strings (None when missing or not a list)."""
    if value is None:
        return None
    items = json.loads(value) if isinstance(value, str) else value
    return [str(item) for item in items] if isinstance(items, list) else None


PARQUET_CASTS = {"time": _timestamp, "bool": lambda v: None if v is None else bool(v),
                 "list": _string_list}
"""How SQLite's text and integers become Parquet's typed columns."""
