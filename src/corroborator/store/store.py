"""The :class:`Store`: typed reads and writes over one SQLite file."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from corroborator.errors import NotFoundError, StoreError
from corroborator.models import (
    Article,
    Attribution,
    Claim,
    ClaimGroup,
    Discrepancy,
    Entity,
    Extraction,
    Mention,
    Quote,
    Sentence,
    Signal,
    Stance,
    Story,
)
from corroborator.store.database import connect, default_db_path, escape_fts, now_iso

#: Most terms in a full-text query: FTS5 with snippets costs the square of the term count.
MAX_SEARCH_TERMS = 32


def search_match(text: str) -> str:
    """A safe FTS5 MATCH expression for free text: control characters (a NUL ends the
    FTS parser's string) dropped, every term quoted; ValueError past `MAX_SEARCH_TERMS`."""
    cleaned = "".join(char if char.isprintable() else " " for char in text)
    terms = len(cleaned.split())
    if terms > MAX_SEARCH_TERMS:
        raise ValueError(f"search query has {terms} terms; at most {MAX_SEARCH_TERMS}")
    return escape_fts(cleaned)


ARTICLE_COLUMNS = (
    "id", "content_hash", "url", "outlet", "title", "byline", "published", "date_reliable",
    "language", "source", "format", "text", "metadata", "ingested_at",
)


class Store:
    """One corroborator database.

    Example:
        >>> store = open_store("news.db")
        >>> store.add_articles([Article(text="Body.", title="Headline")])
        [True]
    """

    def __init__(self, path: str | Path | None = None, readonly: bool = False) -> None:
        self.path = Path(path) if path else default_db_path()
        self.readonly = readonly
        self.conn = connect(self.path, readonly=readonly)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A short write transaction (``BEGIN IMMEDIATE``), rolled back on any error.

        Raises:
            StoreError: another writer holds the database for longer than the busy timeout.
        """
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise StoreError(str(self.path), f"database is locked by another writer; try "
                                             f"again ({exc})") from exc
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        """Run a read query with bound parameters."""
        return self.conn.execute(sql, params).fetchall()

    # -- articles ---------------------------------------------------------------------------

    def add_articles(self, articles: Iterable[Article]) -> list[bool]:
        """Insert articles in one transaction; True for each new one, False if already stored."""
        added = []
        with self.transaction() as conn:
            for article in articles:
                cursor = conn.execute(
                    f"INSERT OR IGNORE INTO articles ({', '.join(ARTICLE_COLUMNS)}) "
                    f"VALUES ({', '.join('?' * len(ARTICLE_COLUMNS))})",
                    _article_row(article),
                )
                added.append(cursor.rowcount == 1)
        return added

    def get_article(self, article_id: str) -> Article:
        """The article with this id (or unique id prefix); NotFoundError if none."""
        rows = self.query(
            "SELECT * FROM articles WHERE id = ? OR id LIKE ? ESCAPE '\\' LIMIT 2",
            (article_id, _prefix(article_id)),
        )
        exact = [r for r in rows if r["id"] == article_id]
        if exact or len(rows) == 1:
            return _row_to_article((exact or rows)[0])
        raise NotFoundError(f"no article with id {article_id!r}")

    def get_articles(self, article_ids: Sequence[str]) -> list[Article]:
        """Articles by id, in the order given (unknown ids are skipped)."""
        by_id = {}
        for chunk in _chunks(list(article_ids), 500):
            marks = ",".join("?" * len(chunk))
            for row in self.query(f"SELECT * FROM articles WHERE id IN ({marks})", chunk):
                by_id[row["id"]] = _row_to_article(row)
        return [by_id[i] for i in article_ids if i in by_id]

    def count_articles(self) -> int:
        return int(self.query("SELECT count(*) FROM articles")[0][0])

    def list_articles(self, limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
        """Article summaries, newest first."""
        rows = self.query(
            "SELECT id, title, outlet, published, format, language FROM articles "
            "ORDER BY coalesce(published, ingested_at) DESC, rowid DESC LIMIT ? OFFSET ?",
            (limit, offset),
        )
        return [dict(r) for r in rows]

    def pending_article_ids(self) -> list[str]:
        """Ids of articles not analyzed yet, in ingest order."""
        rows = self.query("SELECT id FROM articles WHERE analyzed_at IS NULL ORDER BY rowid")
        return [r[0] for r in rows]

    def all_article_ids(self) -> list[str]:
        return [r[0] for r in self.query("SELECT id FROM articles ORDER BY rowid")]

    def search_articles(self, text: str, limit: int = 20) -> list[dict[str, Any]]:
        """Full-text search over titles and bodies, best match first.

        Raises:
            ValueError: the query has more than `MAX_SEARCH_TERMS` terms.
        """
        match = search_match(text)
        if not match:
            return []
        rows = self.query(
            "SELECT a.id, a.title, a.outlet, a.published, "
            "snippet(articles_fts, 1, '[', ']', ' … ', 12) AS snippet "
            "FROM articles_fts JOIN articles a ON a.rowid = articles_fts.rowid "
            "WHERE articles_fts MATCH ? ORDER BY rank LIMIT ?",
            (match, limit),
        )
        return [dict(r) for r in rows]

    def search_claims(self, text: str, limit: int = 20) -> list[dict[str, Any]]:
        """Full-text search over extracted claims (same caps as `search_articles`)."""
        match = search_match(text)
        if not match:
            return []
        rows = self.query(
            "SELECT c.id, c.article_id, c.text, c.attribution_kind, a.title, a.outlet "
            "FROM claims_fts JOIN claims c ON c.rowid = claims_fts.rowid "
            "JOIN articles a ON a.id = c.article_id "
            "WHERE claims_fts MATCH ? ORDER BY rank LIMIT ?",
            (match, limit),
        )
        return [dict(r) for r in rows]

    def unextracted_article_ids(self, article_ids: Sequence[str], version: str) -> list[str]:
        """`article_ids` (in the order given) with no stored extraction of `version`."""
        done: set[str] = set()
        for chunk in _chunks(list(article_ids), 500):
            marks = ",".join("?" * len(chunk))
            done.update(r[0] for r in self.query(
                f"SELECT id FROM articles WHERE id IN ({marks}) AND extracted_version = ?",
                [*chunk, version]))
        return [i for i in article_ids if i not in done]

    def mark_analyzed(self, article_ids: Sequence[str]) -> None:
        with self.transaction() as conn:
            conn.executemany(
                "UPDATE articles SET analyzed_at = ? WHERE id = ?",
                [(now_iso(), i) for i in article_ids],
            )

    def reset_analysis(self) -> None:
        """Forget stories and corroboration so that `analyze --rebuild` starts afresh."""
        with self.transaction() as conn:
            for table in ("corroboration_state", "corroboration_state_parts",
                          "story_corroboration", "claim_groups",
                          "discrepancies", "story_articles", "stories", "duplicates",
                          "unclustered"):
                conn.execute(f"DELETE FROM {table}")
            conn.execute("UPDATE articles SET analyzed_at = NULL")

    # -- extraction -------------------------------------------------------------------------

    def save_extraction(self, extraction: Extraction, signals: Sequence[Signal] = ()) -> None:
        """Replace everything stored for the article with this extraction."""
        aid = extraction.article_id
        with self.transaction() as conn:
            for table in ("sentences", "entities", "quotes", "mentions", "claims", "signals"):
                conn.execute(f"DELETE FROM {table} WHERE article_id = ?", (aid,))
            conn.executemany(
                "INSERT INTO sentences VALUES (?,?,?,?,?,?,?,?,?)",
                [(aid, s.index, s.text, s.start, s.end, s.type, s.checkworthiness,
                  s.attribution.kind, s.attribution.source) for s in extraction.sentences],
            )
            conn.executemany(
                "INSERT INTO entities (article_id, sentence_idx, text, label, canonical, "
                "start_char, end_char) VALUES (?,?,?,?,?,?,?)",
                [(aid, e.sentence_index, e.text, e.label, e.canonical, e.start, e.end)
                 for e in extraction.entities],
            )
            conn.executemany(
                "INSERT INTO quotes (article_id, sentence_idx, text, speaker, direct) "
                "VALUES (?,?,?,?,?)",
                [(aid, q.sentence_index, q.text, q.speaker, int(q.direct))
                 for q in extraction.quotes],
            )
            conn.executemany(
                "INSERT INTO mentions (article_id, sentence_idx, kind, text, value, unit, context, "
                "head, bound, aspect) VALUES (?,?,?,?,?,?,?,?,?,?)",
                [(aid, m.sentence_index, m.kind, m.text, json.dumps(m.value), m.unit, m.context,
                  m.head, m.bound, m.aspect) for m in extraction.mentions],
            )
            conn.executemany(
                "INSERT OR REPLACE INTO claims (id, article_id, sentence_idx, text, "
                "checkworthiness, attribution_kind, attribution_source) VALUES (?,?,?,?,?,?,?)",
                [(c.id, aid, c.sentence_index, c.text, c.checkworthiness, c.attribution.kind,
                  c.attribution.source) for c in extraction.claims],
            )
            conn.executemany(
                "INSERT INTO signals VALUES (?,?,?,?,?)",
                [(aid, s.name, json.dumps(s.value), s.description, json.dumps(s.evidence))
                 for s in signals],
            )
            conn.execute("UPDATE articles SET extracted_version = ? WHERE id = ?",
                         (extraction.version, aid))

    def load_extraction(self, article_id: str) -> Extraction:
        """What `save_extraction` stored for this article (empty lists if nothing)."""
        ext = Extraction(article_id=article_id)
        for r in self.query("SELECT * FROM sentences WHERE article_id = ? ORDER BY idx",
                            (article_id,)):
            ext.sentences.append(Sentence(
                article_id, r["idx"], r["text"], r["start_char"], r["end_char"], r["type"],
                r["checkworthiness"], Attribution(r["attribution_kind"], r["attribution_source"]),
            ))
        for r in self.query("SELECT * FROM entities WHERE article_id = ? ORDER BY id",
                            (article_id,)):
            ext.entities.append(Entity(article_id, r["text"], r["label"], r["sentence_idx"],
                                       r["start_char"], r["end_char"], r["canonical"]))
        for r in self.query("SELECT * FROM quotes WHERE article_id = ? ORDER BY id",
                            (article_id,)):
            ext.quotes.append(Quote(article_id, r["text"], r["speaker"], bool(r["direct"]),
                                    r["sentence_idx"]))
        for r in self.query("SELECT * FROM mentions WHERE article_id = ? ORDER BY id",
                            (article_id,)):
            ext.mentions.append(Mention(article_id, r["text"], r["kind"], json.loads(r["value"]),
                                        r["sentence_idx"], r["unit"], r["context"], r["head"],
                                        r["bound"], r["aspect"]))
        for r in self.query("SELECT * FROM claims WHERE article_id = ? ORDER BY sentence_idx",
                            (article_id,)):
            ext.claims.append(Claim(article_id, r["sentence_idx"], r["text"], r["checkworthiness"],
                                    Attribution(r["attribution_kind"], r["attribution_source"]),
                                    r["id"]))
        return ext

    def load_signals(self, article_id: str) -> list[Signal]:
        rows = self.query("SELECT * FROM signals WHERE article_id = ? ORDER BY name",
                          (article_id,))
        return [Signal(article_id, r["name"], json.loads(r["value"]), json.loads(r["evidence"]),
                       r["description"] or "") for r in rows]

    # -- duplicates and stories -------------------------------------------------------------

    def save_duplicate(self, article_id: str, original_id: str, kind: str,
                       similarity: float) -> None:
        with self.transaction() as conn:
            conn.execute("INSERT OR REPLACE INTO duplicates VALUES (?,?,?,?)",
                         (article_id, original_id, kind, similarity))

    def duplicates_of(self, article_ids: Sequence[str]) -> dict[str, str]:
        """Map each duplicate among `article_ids` to its original."""
        out = {}
        for chunk in _chunks(list(article_ids), 500):
            marks = ",".join("?" * len(chunk))
            for r in self.query(f"SELECT article_id, original_id FROM duplicates "
                                f"WHERE article_id IN ({marks})", chunk):
                out[r[0]] = r[1]
        return out

    def delete_duplicates(self, article_ids: Sequence[str]) -> None:
        """Forget that these articles are copies (e.g. one became its group's original)."""
        with self.transaction() as conn:
            conn.executemany("DELETE FROM duplicates WHERE article_id = ?",
                             [(i,) for i in article_ids])

    def duplicate_links(self, article_ids: Sequence[str]) -> list[sqlite3.Row]:
        """The ``duplicates`` rows of `article_ids`, in the order given."""
        rows: dict[str, sqlite3.Row] = {}
        for chunk in _chunks(list(article_ids), 500):
            marks = ",".join("?" * len(chunk))
            for r in self.query(f"SELECT * FROM duplicates WHERE article_id IN ({marks})", chunk):
                rows[r["article_id"]] = r
        return [rows[i] for i in article_ids if i in rows]

    def copies_of(self, original_ids: Sequence[str]) -> list[str]:
        """Ids of the articles recorded as copies of any of `original_ids`."""
        out: list[str] = []
        for chunk in _chunks(list(original_ids), 500):
            marks = ",".join("?" * len(chunk))
            out += [r[0] for r in self.query(
                f"SELECT article_id FROM duplicates WHERE original_id IN ({marks}) "
                "ORDER BY article_id", chunk)]
        return out

    def ingest_order(self, article_ids: Sequence[str]) -> dict[str, int]:
        """Each article's position in ingest order (its rowid)."""
        out: dict[str, int] = {}
        for chunk in _chunks(list(article_ids), 500):
            marks = ",".join("?" * len(chunk))
            for r in self.query(f"SELECT id, rowid FROM articles WHERE id IN ({marks})", chunk):
                out[r[0]] = int(r[1])
        return out

    def minhash_signatures(self, version: str) -> Iterator[tuple[str, bytes]]:
        """(article id, MinHash hash values) of every signature stored under `version`."""
        cursor = self.conn.execute(
            "SELECT article_id, hashvalues FROM article_minhashes WHERE version = ?", (version,))
        for row in cursor:
            yield row[0], row[1]

    def save_minhash(self, article_id: str, version: str, hashvalues: bytes) -> None:
        with self.transaction() as conn:
            conn.execute("INSERT OR REPLACE INTO article_minhashes VALUES (?,?,?)",
                         (article_id, version, hashvalues))

    def save_story(self, story: Story, n_sources: int | None = None) -> None:
        """Insert or update a story's summary row (not its membership)."""
        with self.transaction() as conn:
            upsert_story(conn, story, len(story.article_ids),
                         n_sources if n_sources is not None else len(story.article_ids))

    def assign_story(self, article_id: str, story_id: str, score: float) -> None:
        with self.transaction() as conn:
            seq = conn.execute("SELECT coalesce(max(seq), 0) + 1 FROM story_articles").fetchone()
            conn.execute("INSERT OR REPLACE INTO story_articles VALUES (?,?,?,?)",
                         (article_id, story_id, score, seq[0]))

    def mark_unclustered(self, article_id: str, reason: str) -> None:
        with self.transaction() as conn:
            conn.execute("INSERT OR REPLACE INTO unclustered VALUES (?,?)", (article_id, reason))

    def get_story(self, story_id: str) -> Story:
        """The story with this id (or unique prefix), with its article ids in arrival order."""
        rows = self.query("SELECT * FROM stories WHERE id = ? OR id LIKE ? ESCAPE '\\' LIMIT 2",
                          (story_id, _prefix(story_id)))
        exact = [r for r in rows if r["id"] == story_id]
        if not exact and len(rows) != 1:
            raise NotFoundError(f"no story with id {story_id!r}")
        row = (exact or rows)[0]
        ids = [r[0] for r in self.query(
            "SELECT article_id FROM story_articles WHERE story_id = ? ORDER BY seq", (row["id"],))]
        return Story(row["id"], row["title"], ids, json.loads(row["key_entities"]),
                     row["first_seen"], row["last_seen"])

    def list_stories(self, limit: int = 50, offset: int = 0, sort: str = "recent",
                     query: str | None = None) -> list[dict[str, Any]]:
        """Story summaries: sort by ``recent``, ``size`` or ``disputed``; filter by title words."""
        order = {"recent": "last_seen DESC", "size": "n_articles DESC",
                 "disputed": "n_disputed DESC"}.get(sort)
        if order is None:
            raise ValueError(f"unknown sort {sort!r}; choose recent, size or disputed")
        where, params = "", []
        if query:
            where, params = "WHERE title LIKE ? ESCAPE '\\'", [f"%{_like(query)}%"]
        rows = self.query(
            f"SELECT * FROM stories {where} ORDER BY {order}, id LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )
        return [dict(r) | {"key_entities": json.loads(r["key_entities"])} for r in rows]

    def count_stories(self) -> int:
        return int(self.query("SELECT count(*) FROM stories")[0][0])

    # -- corroboration ----------------------------------------------------------------------

    def save_corroboration(self, story_id: str, groups: Sequence[ClaimGroup],
                           discrepancies: Sequence[Discrepancy], model: str = "", *,
                           state: bytes | Mapping[str, bytes] | None = None,
                           changes: Any = None) -> None:
        """Store a story's claim groups, stances and discrepancies, in one transaction.

        Without `changes`, the story's groups are replaced. With them (an incremental
        step: ``removed`` and ``changed`` group ids, ``renamed`` old → new ids,
        ``new_articles``), only the changed groups are written, as a difference from the
        stored rows (a renamed group's rows take the new id; stance rows keep their
        order), and the new articles' stances on the other groups added.
        Groups that share an id (the same claims) are merged into the first of them. A
        group id still held by another story (whose articles moved) is taken over, and
        that story is marked stale. The story's fold `state` (one blob, or the parts of
        :meth:`~corroborator.corroboration.fold.StoryState.parts`: all of them after a
        fold from scratch, else those that changed) and corroboration key are recorded,
        so :meth:`stale_stories` no longer lists it until its articles change.
        """
        groups = merge_equal_groups(groups)
        with self.transaction() as conn:
            if changes is None:
                conn.execute("DELETE FROM claim_groups WHERE story_id = ?", (story_id,))
                write, new_articles = groups, []
            else:
                wanted = set(changes.changed)
                write = [g for g in groups if g.id in wanted]
                new_articles = list(changes.new_articles)
            _take_over_group_ids(conn, story_id, [g.id for g in write])
            if changes is None:
                _delete_groups(conn, [g.id for g in write])
                for g in write:
                    _insert_group(conn, story_id, g, model)
            else:
                moved = _rename_groups(conn, story_id, getattr(changes, "renamed", {}))
                _delete_groups(conn, [gid for gid in changes.removed if gid not in moved])
                for g in write:
                    _update_group(conn, story_id, g, model)
            if new_articles:
                fresh = set(new_articles)
                written = {g.id for g in write}
                conn.executemany(
                    _INSERT_STANCE,
                    [(s.article_id, g.id, s.label, s.score, s.evidence, model, s.article_id)
                     for g in groups if g.id not in written
                     for s in g.stances if s.article_id in fresh])
            conn.executemany("UPDATE claim_groups SET rank = ? WHERE id = ?",
                             [(i, g.id) for i, g in enumerate(groups)])
            conn.execute("DELETE FROM discrepancies WHERE story_id = ?", (story_id,))
            conn.executemany(
                'INSERT INTO discrepancies (story_id, kind, description, "values", articles, '
                "evidence) VALUES (?,?,?,?,?,?)",
                [(story_id, d.kind, d.description, json.dumps(d.values), json.dumps(d.articles),
                  json.dumps(d.evidence)) for d in discrepancies],
            )
            disputed = sum(1 for g in groups if g.status == "disputed")
            sources = conn.execute(  # a copy counts with its original, whenever either came
                "SELECT count(DISTINCT coalesce(d.original_id, sa.article_id)) "
                "FROM story_articles sa LEFT JOIN duplicates d ON d.article_id = sa.article_id "
                "WHERE sa.story_id = ?", (story_id,)).fetchone()[0]
            conn.execute("UPDATE stories SET n_disputed = ?, n_sources = ? WHERE id = ?",
                         (disputed, sources, story_id))
            conn.execute("INSERT OR REPLACE INTO story_corroboration VALUES (?,?,?)",
                         (story_id, corroboration_keys(conn, [story_id]).get(story_id, ""),
                          now_iso()))
            if state is not None:
                _save_state(conn, story_id, state, fresh=changes is None)

    def load_story_state(self, story_id: str) -> dict[str, bytes] | None:
        """The story's stored fold state (see :mod:`corroborator.corroboration.fold`), if
        any: its parts by name, the head (or a state stored as one blob) under ``""``."""
        rows = self.query("SELECT s.state FROM corroboration_state s JOIN story_corroboration c "
                          "ON c.story_id = s.story_id WHERE s.story_id = ?", (story_id,))
        if not rows:
            return None
        parts = {r[0]: bytes(r[1]) for r in self.query(
            "SELECT part, data FROM corroboration_state_parts WHERE story_id = ?", (story_id,))}
        parts[""] = bytes(rows[0][0])
        return parts

    def stale_stories(self) -> list[str]:
        """Ids of stories whose corroboration is missing or older than their articles.

        A story is stale when it has no stored corroboration, or when its articles, their
        order, their duplicate links or their extraction versions changed since. Ordered
        by each story's first article (arrival order), so a repair is deterministic.
        """
        keys = corroboration_keys(self.conn)
        stored = dict(self.query("SELECT story_id, input_key FROM story_corroboration"))
        return [sid for sid, key in keys.items() if stored.get(sid) != key]

    # -- the inference cache (migration 0014) ------------------------------------------------

    def cached_pairs(self, keys: Sequence[bytes]) -> dict[bytes, tuple[float, float, float]]:
        """Stored inference results (entailment, neutral, contradiction) for pair `keys`
        (see :func:`corroborator.corroboration.inference.pair_key`); unknown keys are absent."""
        found: dict[bytes, tuple[float, float, float]] = {}
        for chunk in _chunks(list(keys), 500):
            marks = ",".join("?" * len(chunk))
            for row in self.query("SELECT key, entailment, neutral, contradiction FROM "
                                  f"nli_pairs WHERE key IN ({marks})", chunk):
                found[bytes(row[0])] = (row[1], row[2], row[3])
        return found

    def save_pairs(self, rows: Sequence[tuple[bytes, str, float, float, float]]) -> None:
        """Store inference results: (key, model fingerprint, entailment, neutral,
        contradiction) rows; a key already stored is kept."""
        if not rows:
            return
        with self.transaction() as conn:
            conn.executemany("INSERT OR IGNORE INTO nli_pairs VALUES (?,?,?,?,?)", rows)

    def cached_stances(self, keys: Sequence[bytes]
                       ) -> dict[bytes, tuple[float, float, float, float]]:
        """Stored stance-head results (agree, disagree, discuss, unrelated) for stance pair
        `keys` (migration 0016); unknown keys are absent."""
        found: dict[bytes, tuple[float, float, float, float]] = {}
        for chunk in _chunks(list(keys), 500):
            marks = ",".join("?" * len(chunk))
            for row in self.query("SELECT key, agree, disagree, discuss, unrelated FROM "
                                  f"stance_pairs WHERE key IN ({marks})", chunk):
                found[bytes(row[0])] = (row[1], row[2], row[3], row[4])
        return found

    def save_stances(self, rows: Sequence[tuple[bytes, str, float, float, float, float]]
                     ) -> None:
        """Store stance-head results: (key, stance fingerprint, agree, disagree, discuss,
        unrelated) rows; a key already stored is kept."""
        if not rows:
            return
        with self.transaction() as conn:
            conn.executemany("INSERT OR IGNORE INTO stance_pairs VALUES (?,?,?,?,?,?)", rows)

    def save_cache(self, cache: Any) -> None:
        """Store what a :class:`~corroborator.corroboration.inference.PairCache` inferred
        since it was last emptied (both kinds)."""
        self.save_pairs(cache.take_new())
        self.save_stances(cache.take_new_stances())

    def load_corroboration(self, story_id: str) -> tuple[list[ClaimGroup], list[Discrepancy]]:
        groups = []
        for r in self.query("SELECT * FROM claim_groups WHERE story_id = ? ORDER BY rank, rowid",
                            (story_id,)):
            claims = [Claim(c["article_id"], c["sentence_idx"], c["text"], c["checkworthiness"],
                            Attribution(c["attribution_kind"], c["attribution_source"]), c["id"])
                      for c in self.query(
                          "SELECT c.* FROM claim_group_members m JOIN claims c ON c.id = m.claim_id"
                          " WHERE m.group_id = ?", (r["id"],))]
            stances = [Stance(s["article_id"], r["id"], s["label"], s["score"], s["evidence"])
                       for s in self.query("SELECT * FROM stances WHERE group_id = ?", (r["id"],))]
            groups.append(ClaimGroup(r["id"], r["text"], claims, stances, r["status"],
                                     r["independent_sources"]))
        discrepancies = [
            Discrepancy(r["kind"], r["description"], json.loads(r["values"]),
                        json.loads(r["articles"]), json.loads(r["evidence"]))
            for r in self.query("SELECT * FROM discrepancies WHERE story_id = ? ORDER BY id",
                                (story_id,))
        ]
        return groups, discrepancies


def merge_equal_groups(groups: Sequence[ClaimGroup]) -> list[ClaimGroup]:
    """One group per id, in first-seen order: later groups with the same id add their
    claims and the stances of articles the first one lacks."""
    by_id: dict[str, ClaimGroup] = {}
    for group in groups:
        kept = by_id.get(group.id)
        if kept is None:
            by_id[group.id] = group
            continue
        claims = {c.id for c in kept.claims}
        stances = {s.article_id for s in kept.stances}
        kept.claims = [*kept.claims, *(c for c in group.claims if c.id not in claims)]
        kept.stances = [*kept.stances, *(s for s in group.stances
                                          if s.article_id not in stances)]
    return list(by_id.values())


def _save_state(conn: sqlite3.Connection, story_id: str, state: bytes | Mapping[str, bytes],
                fresh: bool) -> None:
    """Write a story's fold state: one blob replaces every part; parts replace the parts
    of the same name (all of them after a fold from scratch)."""
    if fresh or not isinstance(state, Mapping):
        conn.execute("DELETE FROM corroboration_state_parts WHERE story_id = ?", (story_id,))
    if not isinstance(state, Mapping):
        conn.execute("INSERT OR REPLACE INTO corroboration_state VALUES (?,?)",
                     (story_id, state))
        return
    conn.execute("INSERT OR REPLACE INTO corroboration_state VALUES (?,?)",
                 (story_id, state[""]))
    conn.executemany("INSERT OR REPLACE INTO corroboration_state_parts VALUES (?,?,?)",
                     [(story_id, name, data) for name, data in state.items() if name])


def _rename_groups(conn: sqlite3.Connection, story_id: str,
                   renamed: Mapping[str, str]) -> set[str]:
    """Give each stored group of the story in `renamed` (old → new id) its new id, with
    its members and stances (their rows, and so their order, kept); returns the old ids
    moved. A new id already stored is left alone (the old group is then deleted)."""
    moved: set[str] = set()
    for old, new in renamed.items():
        row = conn.execute("SELECT story_id FROM claim_groups WHERE id = ?", (old,)).fetchone()
        taken = conn.execute("SELECT 1 FROM claim_groups WHERE id = ?", (new,)).fetchone()
        if row is None or row[0] != story_id or taken is not None or old == new:
            continue
        # the members and stances point at the group's row: a row with the new id first
        conn.execute("INSERT INTO claim_groups (id, story_id, text, status, "
                     "independent_sources, rank) SELECT ?, story_id, text, status, "
                     "independent_sources, rank FROM claim_groups WHERE id = ?", (new, old))
        conn.execute("UPDATE claim_group_members SET group_id = ? WHERE group_id = ?",
                     (new, old))
        conn.execute("UPDATE stances SET group_id = ? WHERE group_id = ?", (new, old))
        conn.execute("DELETE FROM claim_groups WHERE id = ?", (old,))
        moved.add(old)
    return moved


def _update_group(conn: sqlite3.Connection, story_id: str, g: ClaimGroup, model: str) -> None:
    """Write group `g` as a difference from its stored rows: changed fields and stances
    updated in place, new members and stances added, the ones gone deleted (a group not
    stored is inserted)."""
    row = conn.execute("SELECT story_id FROM claim_groups WHERE id = ?", (g.id,)).fetchone()
    if row is None or row[0] != story_id:
        _delete_groups(conn, [g.id])
        _insert_group(conn, story_id, g, model)
        return
    conn.execute("UPDATE claim_groups SET text = ?, status = ?, independent_sources = ? "
                 "WHERE id = ?", (g.text, g.status, g.independent_sources, g.id))
    members = {r[0] for r in conn.execute(
        "SELECT claim_id FROM claim_group_members WHERE group_id = ?", (g.id,))}
    wanted = {c.id for c in g.claims}
    conn.executemany("DELETE FROM claim_group_members WHERE group_id = ? AND claim_id = ?",
                     [(g.id, c) for c in members - wanted])
    conn.executemany("INSERT OR IGNORE INTO claim_group_members VALUES (?,?)",
                     [(g.id, c.id) for c in g.claims if c.id not in members])
    stored = {r[0]: tuple(r[1:]) for r in conn.execute(
        "SELECT article_id, label, score, evidence, model FROM stances WHERE group_id = ?",
        (g.id,))}
    shown = {s.article_id: s for s in g.stances}   # the last of an article's, as REPLACE
    conn.executemany("DELETE FROM stances WHERE group_id = ? AND article_id = ?",
                     [(g.id, a) for a in stored.keys() - shown.keys()])
    conn.executemany(
        "UPDATE stances SET label = ?, score = ?, evidence = ?, model = ? "
        "WHERE group_id = ? AND article_id = ?",
        [(s.label, s.score, s.evidence, model, g.id, a) for a, s in shown.items()
         if a in stored and stored[a] != (s.label, s.score, s.evidence, model)])
    conn.executemany(_INSERT_STANCE,
                     [(a, g.id, s.label, s.score, s.evidence, model, a)
                      for a, s in shown.items() if a not in stored])


def _delete_groups(conn: sqlite3.Connection, group_ids: Sequence[str]) -> None:
    for chunk in _chunks(list(group_ids), 500):
        marks = ",".join("?" * len(chunk))
        conn.execute(f"DELETE FROM stances WHERE group_id IN ({marks})", chunk)
        conn.execute(f"DELETE FROM claim_group_members WHERE group_id IN ({marks})", chunk)
        conn.execute(f"DELETE FROM claim_groups WHERE id IN ({marks})", chunk)


#: A stance row, with its article's outlet copied in (datasette users browse `stances`).
_INSERT_STANCE = ("INSERT OR REPLACE INTO stances (article_id, group_id, label, score, evidence,"
                  " model, outlet) VALUES (?,?,?,?,?,?, "
                  "(SELECT outlet FROM articles WHERE id = ?))")


def _insert_group(conn: sqlite3.Connection, story_id: str, g: ClaimGroup, model: str) -> None:
    conn.execute("INSERT INTO claim_groups (id, story_id, text, status, independent_sources)"
                 " VALUES (?,?,?,?,?)", (g.id, story_id, g.text, g.status,
                                        g.independent_sources))
    conn.executemany("INSERT OR IGNORE INTO claim_group_members VALUES (?,?)",
                     [(g.id, c.id) for c in g.claims])
    conn.executemany(_INSERT_STANCE,
                     [(s.article_id, g.id, s.label, s.score, s.evidence, model, s.article_id)
                      for s in g.stances])


def _take_over_group_ids(conn: sqlite3.Connection, story_id: str, group_ids: list[str]) -> None:
    """Free `group_ids` held by other stories and mark those stories stale."""
    for chunk in _chunks(group_ids, 500):
        marks = ",".join("?" * len(chunk))
        others = [r[0] for r in conn.execute(
            f"SELECT DISTINCT story_id FROM claim_groups WHERE id IN ({marks}) "
            "AND story_id != ?", [*chunk, story_id])]
        if not others:
            continue
        conn.executemany("DELETE FROM story_corroboration WHERE story_id = ?",
                         [(o,) for o in others])
        conn.executemany("DELETE FROM corroboration_state WHERE story_id = ?",
                         [(o,) for o in others])
        conn.executemany("DELETE FROM corroboration_state_parts WHERE story_id = ?",
                         [(o,) for o in others])
        conn.execute(f"DELETE FROM claim_groups WHERE id IN ({marks}) AND story_id != ?",
                     [*chunk, story_id])


def corroboration_keys(conn: sqlite3.Connection,
                       story_ids: Sequence[str] | None = None) -> dict[str, str]:
    """What a story's corroboration is computed from, as one short hash per story:
    its articles in arrival order, their duplicate links and extraction versions."""
    sql = ("SELECT sa.story_id, sa.article_id, coalesce(d.original_id, ''), "
           "coalesce(a.extracted_version, '') FROM story_articles sa "
           "JOIN articles a ON a.id = sa.article_id "
           "LEFT JOIN duplicates d ON d.article_id = sa.article_id")
    params: list[str] = []
    if story_ids is not None:
        sql += f" WHERE sa.story_id IN ({','.join('?' * len(story_ids))})"
        params = list(story_ids)
    parts: dict[str, list[str]] = {}
    for story_id, article_id, original, version in conn.execute(
            sql + " ORDER BY sa.seq", params):
        parts.setdefault(story_id, []).append(f"{article_id}>{original}@{version}")
    return {sid: hashlib.sha1("|".join(p).encode()).hexdigest()[:20]
            for sid, p in parts.items()}


def upsert_story(conn: sqlite3.Connection, story: Story, n_articles: int,
                 n_sources: int) -> None:
    """Insert or update a story's summary row inside the caller's transaction."""
    conn.execute(
        "INSERT INTO stories (id, title, key_entities, first_seen, last_seen, n_articles, "
        "n_sources, updated_at) VALUES (?,?,?,?,?,?,?,?) ON CONFLICT(id) DO UPDATE SET "
        "title=excluded.title, key_entities=excluded.key_entities, "
        "first_seen=excluded.first_seen, last_seen=excluded.last_seen, "
        "n_articles=excluded.n_articles, n_sources=excluded.n_sources, "
        "updated_at=excluded.updated_at",
        (story.id, story.title, json.dumps(story.key_entities), story.first_seen,
         story.last_seen, n_articles, n_sources, now_iso()),
    )


def open_store(path: str | Path | None = None, readonly: bool = False) -> Store:
    """Open (creating and migrating if needed) the database at `path`.

    `path` defaults to ``$CORROBORATOR_DB`` or the user's data directory. With
    ``readonly=True`` the file must exist and is never written.
    """
    return Store(path, readonly=readonly)


def utc_iso(value: str | None) -> str | None:
    """An ISO 8601 timestamp in UTC (``YYYY-MM-DDTHH:MM:SS+00:00``) so text sorts by time.

    Naive times are read as UTC; plain dates and unreadable values are kept as given
    (migration 0009 applies the same rule to stored rows).
    """
    if not value or len(value) == 10:
        return value
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return value
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC).replace(microsecond=0).isoformat()


def _article_row(a: Article) -> tuple:
    return (a.id, a.content_hash, a.url, a.outlet, a.title or "", a.byline, utc_iso(a.published),
            int(a.date_reliable), a.language, a.source, a.format, a.text,
            json.dumps(a.metadata, default=str, ensure_ascii=False), now_iso())


def _row_to_article(row: sqlite3.Row) -> Article:
    return Article(
        text=row["text"], title=row["title"], url=row["url"], outlet=row["outlet"],
        byline=row["byline"], published=row["published"], date_reliable=bool(row["date_reliable"]),
        language=row["language"], source=row["source"] or "", format=row["format"] or "",
        metadata=json.loads(row["metadata"]), id=row["id"],
    )


def _prefix(value: str) -> str:
    return f"{_like(value)}%" if len(value) >= 4 else value


def _like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _chunks(items: list, size: int) -> Iterator[list]:
    for i in range(0, len(items), size):
        yield items[i:i + size]
