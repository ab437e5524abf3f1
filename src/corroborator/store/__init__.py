"""The SQLite store: one file, WAL, named migrations, FTS5 search."""

from corroborator.store.database import default_db_path, escape_fts
from corroborator.store.migrations import SCHEMA_VERSION
from corroborator.store.store import Store, open_store

__all__ = ["SCHEMA_VERSION", "Store", "default_db_path", "escape_fts", "open_store"]
