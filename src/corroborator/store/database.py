"""Opening the SQLite file: location, pragmas, migrations, read-only mode, errors."""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import platformdirs

from corroborator.errors import StoreError
from corroborator.store.migrations import MIGRATIONS, SCHEMA_VERSION

ENV_VAR = "CORROBORATOR_DB"
BUSY_TIMEOUT_MS = 5000
LOCK_SUFFIX = ".analyze.lock"


def default_db_path() -> Path:
    """`$CORROBORATOR_DB`, else ``corroborator.db`` in the user's data directory."""
    if os.environ.get(ENV_VAR):
        return Path(os.environ[ENV_VAR])
    return Path(platformdirs.user_data_dir("corroborator")) / "corroborator.db"


def connect(path: Path, readonly: bool = False) -> sqlite3.Connection:
    """Open `path` with WAL, foreign keys and a busy timeout; migrate unless read-only."""
    if readonly:
        conn = _open_readonly(path)
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = _open(str(path), uri=False, path=path)
        _guard(path, lambda: conn.execute("PRAGMA journal_mode=WAL"))
        conn.execute("PRAGMA synchronous=NORMAL")  # safe with WAL: no corruption on a kill
    conn.execute("PRAGMA foreign_keys=ON")
    _check_version(conn, path)
    if not readonly:
        _guard(path, lambda: migrate(conn))
    return conn


def _open(target: str, uri: bool, path: Path) -> sqlite3.Connection:
    try:
        conn = sqlite3.connect(
            target, uri=uri, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
            check_same_thread=False,
        )
    except sqlite3.Error as exc:
        raise StoreError(str(path), f"cannot open database: {exc}") from exc
    conn.row_factory = sqlite3.Row
    return conn


def _open_readonly(path: Path) -> sqlite3.Connection:
    if not path.exists():
        raise StoreError(str(path), "no such database (run 'corroborator ingest' first)")
    return _open(f"{path.resolve().as_uri()}?mode=ro", uri=True, path=path)


def _guard(path: Path, action):
    """Run `action`, turning SQLite's errors into one-line StoreErrors naming the file."""
    try:
        return action()
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise StoreError(str(path), "database is locked by another writer; try again") from exc
        raise StoreError(str(path), f"database error: {exc}") from exc
    except sqlite3.DatabaseError as exc:
        raise StoreError(str(path), f"not a corroborator database ({exc})") from exc


def _check_version(conn: sqlite3.Connection, path: Path) -> None:
    version = _guard(path, lambda: conn.execute("PRAGMA user_version").fetchone()[0])
    if version > SCHEMA_VERSION:
        raise StoreError(
            str(path),
            f"database schema version {version} is newer than this corroborator "
            f"supports ({SCHEMA_VERSION}); upgrade corroborator",
        )


def migrate(conn: sqlite3.Connection) -> list[str]:
    """Apply pending named migrations, each in its own transaction; return their names."""
    conn.execute(
        "CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)"
    )
    done = {row[0] for row in conn.execute("SELECT name FROM migrations")}
    applied = []
    # Table rebuilds (0009) must not cascade deletes: foreign keys are off while migrating
    # and checked before each commit.
    enforce = conn.execute("PRAGMA foreign_keys").fetchone()[0]
    conn.execute("PRAGMA foreign_keys=OFF")
    try:
        for number, (name, sql) in enumerate(MIGRATIONS, start=1):
            if name not in done:
                _apply(conn, number, name, sql)
                applied.append(name)
    finally:
        conn.execute(f"PRAGMA foreign_keys={'ON' if enforce else 'OFF'}")
    return applied


def _apply(conn: sqlite3.Connection, number: int, name: str, sql: str) -> None:
    """Apply one migration in its own transaction; roll back if it breaks a foreign key."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        for statement in _statements(sql):
            conn.execute(statement)
        broken = conn.execute("PRAGMA foreign_key_check").fetchone()
        if broken:
            raise sqlite3.IntegrityError(f"migration {name} breaks a foreign key: {tuple(broken)}")
        conn.execute("INSERT INTO migrations VALUES (?, ?)", (name, now_iso()))
        conn.execute(f"PRAGMA user_version={int(number)}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def pending_migrations(path: Path) -> list[str]:
    """Names of the migrations the database at `path` has not had yet (read-only check).

    Read-only commands use this to upgrade an old database in place once before reading.
    """
    conn = _open_readonly(path)
    try:
        done = {row[0] for row in _guard(path, lambda: conn.execute(
            "SELECT name FROM migrations").fetchall())}
    finally:
        conn.close()
    return [name for name, _ in MIGRATIONS if name not in done]


def _statements(sql: str) -> list[str]:
    """Split a migration script into statements, keeping trigger bodies whole."""
    statements, current = [], []
    for line in sql.strip().splitlines():
        current.append(line)
        joined = "\n".join(current).strip()
        if joined.endswith(";") and sqlite3.complete_statement(joined):
            statements.append(joined)
            current = []
    if "".join(current).strip():
        statements.append("\n".join(current))
    return statements


def now_iso() -> str:
    """The current UTC time as ISO 8601, to the second."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


_FTS_TOKEN = re.compile(r'"[^"]*"|\S+')


def escape_fts(query: str) -> str:
    """Turn free text into a safe FTS5 query: every term quoted, phrases kept."""
    terms = []
    for token in _FTS_TOKEN.findall(query):
        token = token.strip('"').replace('"', '""')
        if token:
            terms.append(f'"{token}"')
    return " ".join(terms)


def side_file(path: Path, suffix: str) -> Path:
    """A file kept with the database at `path` (lock, story index): named after the real
    file and beside it, so every symlink to one database shares the same side files."""
    real = Path(os.path.realpath(path))
    return real.with_name(real.name + suffix)


@contextmanager
def analyzer_lock(path: Path) -> Iterator[None]:
    """Hold the one-analyzer-per-database lock (a lock file beside the database).

    The lock is taken on the resolved path: ``analyze --db link.db`` and ``analyze --db
    real.db`` exclude each other when ``link.db`` is a symlink to ``real.db``. The
    operating system drops the lock when the holder exits, even on ``kill -9``.

    Raises:
        StoreError: another process holds it (one line, naming its pid).
    """
    lock_path = side_file(path, LOCK_SUFFIX)
    handle = lock_path.open("a+")
    try:
        if not _try_lock(handle):
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise StoreError(str(path), f"another 'corroborator analyze' is running on this "
                                        f"database (pid {holder}); wait for it to finish")
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        yield
    finally:
        handle.close()     # closing the file releases the lock


def _try_lock(handle) -> bool:
    try:
        import fcntl
    except ImportError:                                   # Windows
        import msvcrt

        try:
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True
