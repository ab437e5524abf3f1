"""Named schema migrations, applied once each, in order, on open.

Tables and columns are meant to be read by people in ``sqlite3`` or datasette:
plain names, JSON in TEXT columns, ISO 8601 dates.
"""

from __future__ import annotations

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
]

SCHEMA_VERSION = len(MIGRATIONS)
