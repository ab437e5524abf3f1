"""Named schema migrations, applied once each, in order, on open.

Tables and columns are meant to be read by people in ``sqlite3`` or datasette:
plain names, JSON in TEXT columns, ISO 8601 dates.
"""

from __future__ import annotations


def _utc(column: str) -> str:
    """SQL turning an ISO 8601 timestamp in `column` into UTC ``YYYY-MM-DDTHH:MM:SS+00:00``.

    Dates without a time and values SQLite cannot read are kept as they are; the store's
    :func:`~corroborator.store.store.utc_iso` does the same for new rows.
    """
    return (f"CASE WHEN {column} IS NULL OR length({column}) = 10 THEN {column} "
            f"ELSE coalesce(strftime('%Y-%m-%dT%H:%M:%S', {column}) || '+00:00', {column}) END")


# 0009 (issue 14): real primary keys on articles and claims (foreign keys point at their
# text ids), FTS tables and triggers in sqlite-utils' conventions so datasette finds them,
# UTC timestamps, and three views for people browsing in datasette. Tables are rebuilt
# with foreign keys off (see `migrate`), keeping every rowid: the story index keys on it.
# The rebuild lists the columns of articles and claims explicitly: a later migration that
# adds a column to either table must come after this one in MIGRATIONS.
_DATASETTE_SQL = f"""
DROP TRIGGER IF EXISTS articles_ai;
DROP TRIGGER IF EXISTS articles_ad;
DROP TRIGGER IF EXISTS articles_au;
DROP TRIGGER IF EXISTS claims_ai;
DROP TRIGGER IF EXISTS claims_ad;
DROP TRIGGER IF EXISTS claims_au;
DROP TABLE IF EXISTS articles_fts;
DROP TABLE IF EXISTS claims_fts;
CREATE TABLE articles_new (
    id TEXT PRIMARY KEY,
    content_hash TEXT NOT NULL,
    url TEXT,
    outlet TEXT,
    title TEXT NOT NULL DEFAULT '',
    byline TEXT,
    published TEXT,
    date_reliable INTEGER NOT NULL DEFAULT 0,
    language TEXT,
    source TEXT,
    format TEXT,
    text TEXT NOT NULL,
    metadata TEXT NOT NULL DEFAULT '{{}}',
    ingested_at TEXT NOT NULL,
    analyzed_at TEXT,
    extracted_version TEXT
);
INSERT INTO articles_new (rowid, id, content_hash, url, outlet, title, byline, published,
    date_reliable, language, source, format, text, metadata, ingested_at, analyzed_at,
    extracted_version)
SELECT rowid, id, content_hash, url, outlet, title, byline, {_utc("published")},
    date_reliable, language, source, format, text, metadata, ingested_at, analyzed_at,
    extracted_version
FROM articles ORDER BY rowid;
DROP TABLE articles;
ALTER TABLE articles_new RENAME TO articles;
CREATE INDEX articles_content_hash ON articles(content_hash);
CREATE INDEX articles_published ON articles(published);
CREATE INDEX articles_outlet ON articles(outlet);
CREATE TABLE claims_new (
    id TEXT PRIMARY KEY,
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    sentence_idx INTEGER NOT NULL,
    text TEXT NOT NULL,
    checkworthiness REAL NOT NULL DEFAULT 0,
    attribution_kind TEXT NOT NULL DEFAULT 'none',
    attribution_source TEXT
);
INSERT INTO claims_new (rowid, id, article_id, sentence_idx, text, checkworthiness,
    attribution_kind, attribution_source)
SELECT rowid, id, article_id, sentence_idx, text, checkworthiness, attribution_kind,
    attribution_source
FROM claims ORDER BY rowid;
DROP TABLE claims;
ALTER TABLE claims_new RENAME TO claims;
CREATE INDEX claims_article ON claims(article_id);
CREATE VIRTUAL TABLE "articles_fts" USING FTS5 (
    "title", "text",
    content="articles"
);
CREATE TRIGGER "articles_ai" AFTER INSERT ON "articles" BEGIN
  INSERT INTO "articles_fts" (rowid, "title", "text") VALUES (new.rowid, new."title", new."text");
END;
CREATE TRIGGER "articles_ad" AFTER DELETE ON "articles" BEGIN
  INSERT INTO "articles_fts" ("articles_fts", rowid, "title", "text")
  VALUES('delete', old.rowid, old."title", old."text");
END;
CREATE TRIGGER "articles_au" AFTER UPDATE OF "title", "text" ON "articles" BEGIN
  INSERT INTO "articles_fts" ("articles_fts", rowid, "title", "text")
  VALUES('delete', old.rowid, old."title", old."text");
  INSERT INTO "articles_fts" (rowid, "title", "text") VALUES (new.rowid, new."title", new."text");
END;
INSERT INTO "articles_fts" ("articles_fts") VALUES ('rebuild');
CREATE VIRTUAL TABLE "claims_fts" USING FTS5 (
    "text",
    content="claims"
);
CREATE TRIGGER "claims_ai" AFTER INSERT ON "claims" BEGIN
  INSERT INTO "claims_fts" (rowid, "text") VALUES (new.rowid, new."text");
END;
CREATE TRIGGER "claims_ad" AFTER DELETE ON "claims" BEGIN
  INSERT INTO "claims_fts" ("claims_fts", rowid, "text") VALUES('delete', old.rowid, old."text");
END;
CREATE TRIGGER "claims_au" AFTER UPDATE OF "text" ON "claims" BEGIN
  INSERT INTO "claims_fts" ("claims_fts", rowid, "text") VALUES('delete', old.rowid, old."text");
  INSERT INTO "claims_fts" (rowid, "text") VALUES (new.rowid, new."text");
END;
INSERT INTO "claims_fts" ("claims_fts") VALUES ('rebuild');
UPDATE stories SET first_seen = {_utc("first_seen")}, last_seen = {_utc("last_seen")};
UPDATE story_state SET first_published = {_utc("first_published")},
    last_published = {_utc("last_published")};
CREATE VIEW claim_stances AS
SELECT g.text AS claim, a.outlet AS outlet, s.label AS stance, s.score AS probability,
    s.evidence AS evidence, g.status AS status, g.story_id AS story_id, s.group_id AS group_id,
    s.article_id AS article_id, s.model AS model
FROM stances s
JOIN claim_groups g ON g.id = s.group_id
JOIN articles a ON a.id = s.article_id;
CREATE VIEW story_disputes AS
SELECT st.title AS story, g.text AS claim,
    (SELECT group_concat(DISTINCT ca.outlet) FROM claim_group_members m
     JOIN claims c ON c.id = m.claim_id JOIN articles ca ON ca.id = c.article_id
     WHERE m.group_id = g.id) AS claimed_by,
    a.outlet AS disputed_by, s.evidence AS disputing_evidence, s.score AS probability,
    g.story_id AS story_id, g.id AS group_id, s.article_id AS article_id
FROM claim_groups g
JOIN stories st ON st.id = g.story_id
JOIN stances s ON s.group_id = g.id AND s.label = 'disagree'
JOIN articles a ON a.id = s.article_id
WHERE g.status = 'disputed';
CREATE VIEW outlet_coverage AS
SELECT coalesce(a.outlet, '(unknown outlet)') AS outlet,
    count(DISTINCT a.id) AS articles,
    count(DISTINCT sa.story_id) AS stories,
    coalesce(sum(s.label = 'agree'), 0) AS agrees,
    coalesce(sum(s.label = 'disagree'), 0) AS disputes,
    coalesce(sum(s.label = 'discuss'), 0) AS discusses,
    min(a.published) AS first_published,
    max(a.published) AS last_published
FROM articles a
LEFT JOIN story_articles sa ON sa.article_id = a.id
LEFT JOIN stances s ON s.article_id = a.id
GROUP BY coalesce(a.outlet, '(unknown outlet)');
"""

# 0015: each internal table rebuilt without its foreign key (same columns, same rowids).
# The rebuild lists their columns: a migration that adds a column to one of them must
# come after 0015 in MIGRATIONS (or add it here too).
_INTERNAL_TABLES = {
    "article_vectors": """article_id TEXT PRIMARY KEY,
        model TEXT NOT NULL,
        vector BLOB NOT NULL""",
    "article_minhashes": """article_id TEXT PRIMARY KEY,
        version TEXT NOT NULL,
        hashvalues BLOB NOT NULL""",
    "story_state": """story_id TEXT PRIMARY KEY,
        n INTEGER NOT NULL,
        n_sources INTEGER NOT NULL,
        vector_sum BLOB NOT NULL,
        terms TEXT NOT NULL DEFAULT '{}',
        entities TEXT NOT NULL DEFAULT '{}',
        first_published TEXT,
        last_published TEXT,
        title_order INTEGER""",
    "story_corroboration": """story_id TEXT PRIMARY KEY,
        input_key TEXT NOT NULL,
        corroborated_at TEXT NOT NULL""",
    "corroboration_state": """story_id TEXT PRIMARY KEY,
        state BLOB NOT NULL""",
}


def _rebuild(name: str, columns: str) -> str:
    """SQL rebuilding table `name` with the column definitions `columns`, rowids kept."""
    names = ", ".join(["rowid"] + [line.split()[0] for line in columns.splitlines()])
    return f"""
CREATE TABLE {name}_new (
        {columns}
);
INSERT INTO {name}_new ({names}) SELECT {names} FROM {name} ORDER BY rowid;
DROP TABLE {name};
ALTER TABLE {name}_new RENAME TO {name};
"""


_ROWS_SQL = "".join(_rebuild(n, c) for n, c in _INTERNAL_TABLES.items()) + """
CREATE TRIGGER articles_internal_ad AFTER DELETE ON articles BEGIN
  DELETE FROM article_vectors WHERE article_id = old.id;
  DELETE FROM article_minhashes WHERE article_id = old.id;
END;
CREATE TRIGGER stories_internal_ad AFTER DELETE ON stories BEGIN
  DELETE FROM story_state WHERE story_id = old.id;
  DELETE FROM story_corroboration WHERE story_id = old.id;
  DELETE FROM corroboration_state WHERE story_id = old.id;
END;
ALTER TABLE stances ADD COLUMN outlet TEXT;
UPDATE stances SET outlet = (SELECT outlet FROM articles WHERE articles.id = stances.article_id);
"""

MIGRATIONS: list[tuple[str, str]] = [
    (
        "0001_articles",
        """
        CREATE TABLE articles (
            rowid INTEGER PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            content_hash TEXT NOT NULL,
            url TEXT,
            outlet TEXT,
            title TEXT NOT NULL DEFAULT '',
            byline TEXT,
            published TEXT,
            date_reliable INTEGER NOT NULL DEFAULT 0,
            language TEXT,
            source TEXT,
            format TEXT,
            text TEXT NOT NULL,
            metadata TEXT NOT NULL DEFAULT '{}',
            ingested_at TEXT NOT NULL,
            analyzed_at TEXT
        );
        CREATE INDEX articles_content_hash ON articles(content_hash);
        CREATE INDEX articles_published ON articles(published);
        CREATE INDEX articles_outlet ON articles(outlet);
        CREATE VIRTUAL TABLE articles_fts USING fts5(
            title, text, content='articles', content_rowid='rowid'
        );
        CREATE TRIGGER articles_ai AFTER INSERT ON articles BEGIN
            INSERT INTO articles_fts(rowid, title, text) VALUES (new.rowid, new.title, new.text);
        END;
        CREATE TRIGGER articles_ad AFTER DELETE ON articles BEGIN
            INSERT INTO articles_fts(articles_fts, rowid, title, text)
            VALUES ('delete', old.rowid, old.title, old.text);
        END;
        CREATE TRIGGER articles_au AFTER UPDATE OF title, text ON articles BEGIN
            INSERT INTO articles_fts(articles_fts, rowid, title, text)
            VALUES ('delete', old.rowid, old.title, old.text);
            INSERT INTO articles_fts(rowid, title, text) VALUES (new.rowid, new.title, new.text);
        END;
        """,
    ),
    (
        "0002_extraction",
        """
        CREATE TABLE sentences (
            article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            idx INTEGER NOT NULL,
            text TEXT NOT NULL,
            start_char INTEGER NOT NULL,
            end_char INTEGER NOT NULL,
            type TEXT NOT NULL,
            checkworthiness REAL NOT NULL DEFAULT 0,
            attribution_kind TEXT NOT NULL DEFAULT 'none',
            attribution_source TEXT,
            PRIMARY KEY (article_id, idx)
        );
        CREATE TABLE entities (
            id INTEGER PRIMARY KEY,
            article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            sentence_idx INTEGER NOT NULL,
            text TEXT NOT NULL,
            label TEXT NOT NULL,
            canonical TEXT NOT NULL,
            start_char INTEGER,
            end_char INTEGER
        );
        CREATE INDEX entities_article ON entities(article_id);
        CREATE INDEX entities_canonical ON entities(canonical);
        CREATE TABLE quotes (
            id INTEGER PRIMARY KEY,
            article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            sentence_idx INTEGER NOT NULL,
            text TEXT NOT NULL,
            speaker TEXT,
            direct INTEGER NOT NULL DEFAULT 1
        );
        CREATE INDEX quotes_article ON quotes(article_id);
        CREATE TABLE mentions (
            id INTEGER PRIMARY KEY,
            article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            sentence_idx INTEGER NOT NULL,
            kind TEXT NOT NULL,
            text TEXT NOT NULL,
            value TEXT,
            unit TEXT
        );
        CREATE INDEX mentions_article ON mentions(article_id);
        CREATE TABLE claims (
            rowid INTEGER PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            sentence_idx INTEGER NOT NULL,
            text TEXT NOT NULL,
            checkworthiness REAL NOT NULL DEFAULT 0,
            attribution_kind TEXT NOT NULL DEFAULT 'none',
            attribution_source TEXT
        );
        CREATE INDEX claims_article ON claims(article_id);
        CREATE VIRTUAL TABLE claims_fts USING fts5(text, content='claims', content_rowid='rowid');
        CREATE TRIGGER claims_ai AFTER INSERT ON claims BEGIN
            INSERT INTO claims_fts(rowid, text) VALUES (new.rowid, new.text);
        END;
        CREATE TRIGGER claims_ad AFTER DELETE ON claims BEGIN
            INSERT INTO claims_fts(claims_fts, rowid, text) VALUES ('delete', old.rowid, old.text);
        END;
        CREATE TABLE signals (
            article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            value TEXT,
            description TEXT,
            evidence TEXT NOT NULL DEFAULT '[]',
            PRIMARY KEY (article_id, name)
        );
        """,
    ),
    (
        "0003_stories",
        """
        CREATE TABLE duplicates (
            article_id TEXT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
            original_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            kind TEXT NOT NULL,
            similarity REAL NOT NULL
        );
        CREATE INDEX duplicates_original ON duplicates(original_id);
        CREATE TABLE stories (
            id TEXT PRIMARY KEY,
            title TEXT NOT NULL DEFAULT '',
            key_entities TEXT NOT NULL DEFAULT '[]',
            first_seen TEXT,
            last_seen TEXT,
            n_articles INTEGER NOT NULL DEFAULT 0,
            n_sources INTEGER NOT NULL DEFAULT 0,
            n_disputed INTEGER NOT NULL DEFAULT 0,
            updated_at TEXT
        );
        CREATE INDEX stories_last_seen ON stories(last_seen);
        CREATE TABLE story_articles (
            article_id TEXT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
            story_id TEXT NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
            score REAL NOT NULL DEFAULT 0,
            seq INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX story_articles_story ON story_articles(story_id);
        CREATE TABLE unclustered (
            article_id TEXT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
            reason TEXT NOT NULL
        );
        CREATE TABLE article_vectors (
            article_id TEXT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
            model TEXT NOT NULL,
            vector BLOB NOT NULL
        );
        """,
    ),
    (
        "0004_corroboration",
        """
        CREATE TABLE claim_groups (
            id TEXT PRIMARY KEY,
            story_id TEXT NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
            text TEXT NOT NULL,
            status TEXT NOT NULL,
            independent_sources INTEGER NOT NULL DEFAULT 1
        );
        CREATE INDEX claim_groups_story ON claim_groups(story_id);
        CREATE TABLE claim_group_members (
            group_id TEXT NOT NULL REFERENCES claim_groups(id) ON DELETE CASCADE,
            claim_id TEXT NOT NULL REFERENCES claims(id) ON DELETE CASCADE,
            PRIMARY KEY (group_id, claim_id)
        );
        CREATE TABLE stances (
            article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            group_id TEXT NOT NULL REFERENCES claim_groups(id) ON DELETE CASCADE,
            label TEXT NOT NULL,
            score REAL NOT NULL DEFAULT 0,
            evidence TEXT,
            model TEXT,
            PRIMARY KEY (article_id, group_id)
        );
        CREATE TABLE discrepancies (
            id INTEGER PRIMARY KEY,
            story_id TEXT NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
            kind TEXT NOT NULL,
            description TEXT NOT NULL,
            "values" TEXT NOT NULL DEFAULT '[]',
            articles TEXT NOT NULL DEFAULT '[]',
            evidence TEXT NOT NULL DEFAULT '{}'
        );
        CREATE INDEX discrepancies_story ON discrepancies(story_id);
        """,
    ),
    (
        "0005_dedupe_and_story_state",
        """
        CREATE TABLE article_minhashes (
            article_id TEXT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
            version TEXT NOT NULL,
            hashvalues BLOB NOT NULL
        );
        CREATE TABLE story_state (
            story_id TEXT PRIMARY KEY REFERENCES stories(id) ON DELETE CASCADE,
            n INTEGER NOT NULL,
            n_sources INTEGER NOT NULL,
            vector_sum BLOB NOT NULL,
            terms TEXT NOT NULL DEFAULT '{}',
            entities TEXT NOT NULL DEFAULT '{}',
            first_published TEXT,
            last_published TEXT,
            title_order INTEGER
        );
        CREATE TABLE story_term_df (
            term TEXT PRIMARY KEY,
            df INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX story_articles_seq ON story_articles(seq);
        """,
    ),
    (
        "0006_mention_context_and_story_sorts",
        """
        ALTER TABLE mentions ADD COLUMN context TEXT NOT NULL DEFAULT '';
        CREATE INDEX stories_recent ON stories(last_seen DESC, id);
        CREATE INDEX stories_size ON stories(n_articles DESC, id);
        CREATE INDEX stories_disputed ON stories(n_disputed DESC, id);
        """,
    ),
    # -- 0007: typed quantities (issue 12) ----------------------------------------------------
    (
        "0007_typed_quantities",
        """
        ALTER TABLE mentions ADD COLUMN head TEXT;
        ALTER TABLE mentions ADD COLUMN bound TEXT NOT NULL DEFAULT 'exact';
        ALTER TABLE mentions ADD COLUMN aspect TEXT NOT NULL DEFAULT 'total';
        """,
    ),
    # -- 0008: analyze progress (issue 13) --------------------------------------------------
    (
        "0008_analyze_progress",
        """
        ALTER TABLE articles ADD COLUMN extracted_version TEXT;
        UPDATE articles SET extracted_version = 'unknown'
            WHERE id IN (SELECT DISTINCT article_id FROM sentences);
        CREATE TABLE story_corroboration (
            story_id TEXT PRIMARY KEY REFERENCES stories(id) ON DELETE CASCADE,
            input_key TEXT NOT NULL,
            corroborated_at TEXT NOT NULL
        );
        """,
    ),
    # -- issue 14: a datasette-native database ---------------------------------------------
    (
        "0009_datasette",
        _DATASETTE_SQL,
    ),
    # -- 0010: incremental corroboration (issue 13) -----------------------------------------
    (
        "0010_corroboration_state",
        """
        CREATE TABLE corroboration_state (
            story_id TEXT PRIMARY KEY REFERENCES stories(id) ON DELETE CASCADE,
            state BLOB NOT NULL
        );
        ALTER TABLE claim_groups ADD COLUMN rank INTEGER NOT NULL DEFAULT 0;
        CREATE INDEX stances_group ON stances(group_id);
        """,
    ),
    # -- 0011: the newsroom desk (issue 22): watched sources, alerts, published fact-checks --
    (
        "0011_desk",
        """
        CREATE TABLE watch_sources (
            source TEXT PRIMARY KEY,
            etag TEXT,
            last_modified TEXT,
            last_polled TEXT,
            last_status TEXT,
            failures INTEGER NOT NULL DEFAULT 0,
            retry_after TEXT
        );
        CREATE TABLE watch_files (
            source TEXT NOT NULL,
            path TEXT NOT NULL,
            mtime_ns INTEGER NOT NULL,
            size INTEGER NOT NULL,
            PRIMARY KEY (source, path)
        ) WITHOUT ROWID;
        CREATE TABLE watch_seen (
            kind TEXT NOT NULL,
            item TEXT NOT NULL,
            PRIMARY KEY (kind, item)
        ) WITHOUT ROWID;
        CREATE TABLE watch_alerts (
            id INTEGER PRIMARY KEY,
            key TEXT NOT NULL UNIQUE,
            kind TEXT NOT NULL,
            created_at TEXT NOT NULL,
            story_id TEXT,
            title TEXT NOT NULL,
            detail TEXT NOT NULL DEFAULT '{}'
        );
        CREATE INDEX watch_alerts_created ON watch_alerts(created_at);
        CREATE TABLE claim_reviews (
            id TEXT PRIMARY KEY,
            article_id TEXT REFERENCES articles(id) ON DELETE CASCADE,
            claim TEXT NOT NULL,
            claimant TEXT,
            rating TEXT,
            verdict TEXT NOT NULL,
            reviewer TEXT,
            reviewed_at TEXT,
            url TEXT,
            source TEXT
        );
        CREATE INDEX claim_reviews_article ON claim_reviews(article_id);
        CREATE INDEX IF NOT EXISTS claim_group_members_claim ON claim_group_members(claim_id);
        CREATE INDEX IF NOT EXISTS stances_label_article ON stances(label, article_id);
        CREATE INDEX IF NOT EXISTS claims_id_article ON claims(id, article_id);
        CREATE INDEX IF NOT EXISTS articles_id_outlet ON articles(id, outlet, language);
        """,
    ),
    # -- 0014: the inference cache (issue 20) -----------------------------------------------
    # One row per (premise, hypothesis, model) content hash: the calibrated probabilities,
    # plain floats. `model` (name, weights hash, token limit) lets old rows be pruned.
    (
        "0014_nli_pair_cache",
        """
        CREATE TABLE nli_pairs (
            key BLOB PRIMARY KEY,
            model TEXT NOT NULL,
            entailment REAL NOT NULL,
            neutral REAL NOT NULL,
            contradiction REAL NOT NULL
        ) WITHOUT ROWID;
        """,
    ),
    # -- 0015: datasette row pages (issue 22) ------------------------------------------------
    # datasette lists, on a row's page, every table whose foreign key points at the row,
    # hidden tables included: the pipeline's internal tables keep their columns and rows
    # but lose their foreign keys, and triggers delete their rows with the article or
    # story as the cascade did. `stances` gains the outlet of its article, filled when
    # the stance is written, so a datasette user sees (and facets by) who holds it.
    (
        "0015_datasette_rows",
        _ROWS_SQL,
    ),
    # -- 0016: the stance head's cache (issue 20) ---------------------------------------------
    # One row per (claim, passage, model) content hash: the stance head's calibrated
    # probabilities. A new table: an upgraded database keeps every nli_pairs row.
    (
        "0016_stance_pair_cache",
        """
        CREATE TABLE IF NOT EXISTS stance_pairs (
            key BLOB PRIMARY KEY,
            model TEXT NOT NULL,
            agree REAL NOT NULL,
            disagree REAL NOT NULL,
            discuss REAL NOT NULL,
            unrelated REAL NOT NULL
        ) WITHOUT ROWID;
        """,
    ),
    # -- 0017: story terms packed (issue 20) --------------------------------------------------
    # A story's clustering terms as packed weights and NUL-separated terms instead of JSON
    # (placement reads ~23 stories each time). Rows written before keep their JSON in
    # `terms` (`terms_packed` NULL) and are read as before until the story is next written.
    (
        "0017_story_terms_packed",
        """
        ALTER TABLE story_state ADD COLUMN terms_packed BLOB;
        """,
    ),
    # -- 0018: a story's fold state kept in parts (issue 20) ----------------------------------
    # One row per part of a story's fold state (an article's vectors and extraction
    # digest, a claim group, a run of findings): an article joining a story writes its own
    # part and the parts that changed instead of the whole state. The head stays in
    # corroboration_state, whose old one-blob rows are still read (and replaced by parts
    # on the story's next fold).
    (
        "0018_fold_state_parts",
        """
        CREATE TABLE IF NOT EXISTS corroboration_state_parts (
            story_id TEXT NOT NULL,
            part TEXT NOT NULL,
            data BLOB NOT NULL,
            PRIMARY KEY (story_id, part)
        );
        CREATE TRIGGER IF NOT EXISTS stories_state_parts_ad AFTER DELETE ON stories BEGIN
          DELETE FROM corroboration_state_parts WHERE story_id = old.id;
        END;
        """,
    ),
]

SCHEMA_VERSION = len(MIGRATIONS)
