"""datasette metadata for a corroborator database: titles, descriptions, licences, units.

``datasette news.db --metadata metadata.json`` then shows curated tables and views,
with the internal ones (story state, vectors, MinHash blobs, term counts) hidden.

Example:
    >>> path = write_metadata("news.db")   # writes news.metadata.json beside it
    >>> json.loads(path.read_text())["title"]
    'corroborator: news.db'
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from corroborator.errors import StoreError

LICENSE = "Apache-2.0 (corroborator's code and derived tables)"
LICENSE_URL = "https://www.apache.org/licenses/LICENSE-2.0"
ARTICLES_NOTE = ("Article text and headlines belong to their publishers; they are stored "
                 "here for analysis and are not covered by corroborator's licence.")

HIDDEN_TABLES = (
    "migrations", "story_state", "story_term_df", "article_vectors", "article_minhashes",
    "story_corroboration", "corroboration_state", "watch_sources", "watch_files",
    "watch_seen", "nli_pairs", "stance_pairs", "corroboration_state_parts",
)
"""Tables people browsing the data do not need (internal state of the pipeline). None of
them has a foreign key into a shown table (migration 0015), so no row page links to one."""

TABLES: dict[str, dict[str, Any]] = {
    "articles": {
        "title": "Articles",
        "description": "One row per ingested article. " + ARTICLES_NOTE,
        "sort_desc": "published",
        "label_column": "title",
        "facets": ["outlet", "language"],
        "columns": {
            "id": "Stable id: a hash of the normalised text and URL.",
            "outlet": "Publisher, as given by the input or its metadata.",
            "published": "Publication time in UTC (ISO 8601), or a plain date.",
            "date_reliable": "1 when the date came from the page's metadata, 0 when guessed.",
            "metadata": "Everything else the input said about the article (JSON).",
            "ingested_at": "When corroborator stored it (UTC).",
            "analyzed_at": "When `corroborator analyze` last processed it (UTC).",
        },
    },
    "claims": {
        "title": "Claims",
        "description": "Check-worthy sentences extracted from each article.",
        "label_column": "text",
        "facets": ["attribution_kind"],
        "columns": {
            "checkworthiness": "Check-worthiness score (0–1) for ranking sentences; higher is "
                               "more worth checking. A rank, not a probability.",
            "attribution_kind": "named, wire, anonymous, hedged or none.",
            "attribution_source": "Who the claim is attributed to, when named.",
        },
    },
    "stories": {
        "title": "Stories",
        "description": "Real-world events: articles clustered by what they report.",
        "sort_desc": "last_seen",
        "label_column": "title",
        "columns": {
            "n_sources": "Independent sources (copies of one wire story count once).",
            "n_disputed": "Claim groups whose status is 'disputed'.",
            "key_entities": "The names most central to the story (JSON list).",
        },
    },
    "story_articles": {"title": "Story membership",
                       "description": "Which story each article belongs to."},
    "claim_groups": {
        "title": "Claim groups",
        "description": "The same assertion made by one or more articles of a story, with "
                       "its status: corroborated, disputed, unclear or single-source.",
        "label_column": "text",
        "facets": ["status"],
    },
    "claim_group_members": {"title": "Claim group members",
                            "description": "The claims making up each claim group."},
    "unclustered": {
        "title": "Unclustered articles",
        "description": "Articles not placed in any story, with the reason (too short, "
                       "a copy of another article, and so on).",
        "facets": ["reason"],
    },
    "watch_alerts": {
        "title": "Watch alerts",
        "description": "What `corroborator watch` noticed, each once: new stories, claims "
                       "newly disputed or corroborated, new conflicts, with evidence (JSON).",
        "sort_desc": "created_at",
        "facets": ["kind"],
    },
    "claim_reviews": {
        "title": "Published fact-checks",
        "description": "schema.org ClaimReview found in ingested pages: the claim reviewed, "
                       "the rating as published and normalised, the reviewer and the link.",
        "facets": ["verdict", "reviewer"],
    },
    "stances": {
        "title": "Stances",
        "description": "Each article's stance toward each claim group of its story, with "
                       "the article's outlet. claim_stances has the same rows with the "
                       "claim's text.",
        "facets": ["label", "outlet"],
        "columns": {
            "outlet": "The outlet of the article that takes the stance.",
            "label": "agree, disagree, discuss or unrelated.",
            "score": "Calibrated probability (0–1) of the label.",
            "evidence": "The article's sentence that shows the stance.",
            "model": "The stance model (and version) that produced the label.",
        },
    },
    "discrepancies": {
        "title": "Discrepancies",
        "description": "Places where articles disagree on a name, number, date or claim, "
                       "or a headline outruns its body.",
        "facets": ["kind"],
        "columns": {"values": "The differing values (JSON list).",
                    "articles": "Ids of the articles involved (JSON list).",
                    "evidence": "Article id → the sentence showing its value (JSON)."},
    },
    "duplicates": {"title": "Duplicates",
                   "description": "Articles that copy another (wire copies, syndication)."},
    "sentences": {"title": "Sentences",
                  "description": "Every body sentence with its type and attribution."},
    "entities": {"title": "Named entities",
                 "description": "People, organisations and places, with the canonical name "
                                "that merges spellings across articles."},
    "quotes": {"title": "Quotes", "description": "Direct and reported quotes with speakers."},
    "mentions": {"title": "Numbers and dates",
                 "description": "Numbers and dates in sentences, normalised in `value` (JSON)."},
    "signals": {"title": "Signals",
                "description": "Described properties of an article with the spans that show "
                               "them (hedging, sourcing, loaded words). Never verdicts."},
    "claim_stances": {
        "title": "Claim stances",
        "description": "Who says what: each outlet's stance toward each claim, with the "
                       "probability and the sentence that shows it.",
        "facets": ["stance", "outlet"],
        "columns": {"probability": "Calibrated probability (0–1) of the stance."},
    },
    "story_disputes": {
        "title": "Story disputes",
        "description": "Disputed claims with both sides: the outlets that make the claim and "
                       "the outlet whose sentence disputes it.",
    },
    "outlet_coverage": {
        "title": "Outlet coverage",
        "description": "Per outlet: articles, stories, and how often it agrees with, disputes "
                       "or discusses the claims of its stories.",
    },
}


def datasette_metadata(db_path: str | Path) -> dict[str, Any]:
    """datasette metadata for the database at `db_path` (keyed by its file stem).

    Args:
        db_path: the SQLite file; only its name is used.

    Returns:
        A dict for ``datasette --metadata``: title, licence and source at the top,
        then per-table titles, descriptions, column descriptions and hidden tables.
    """
    name = Path(db_path).stem
    tables = {table: dict(meta) for table, meta in TABLES.items()}
    tables.update({table: {"hidden": True} for table in HIDDEN_TABLES})
    return {
        "title": f"corroborator: {Path(db_path).name}",
        "description": "What the news agrees on and where outlets conflict. Start with "
                       "story_disputes, claim_stances or outlet_coverage.",
        "license": LICENSE,
        "license_url": LICENSE_URL,
        "source": "corroborator",
        "databases": {name: {
            "title": "corroborator database",
            "description": ARTICLES_NOTE,
            "tables": tables,
        }},
    }


def metadata_path(db_path: str | Path) -> Path:
    """Where :func:`write_metadata` puts the metadata: ``<db stem>.metadata.json`` beside it."""
    path = Path(db_path)
    return path.with_name(f"{path.stem}.metadata.json")


def write_metadata(db_path: str | Path, output: str | Path | None = None) -> Path:
    """Write :func:`datasette_metadata` as JSON beside the database (or to `output`).

    Raises:
        StoreError: the database does not exist.
    """
    if not Path(db_path).exists():
        raise StoreError(str(db_path), "no such database (run 'corroborator ingest' first)")
    target = Path(output) if output else metadata_path(db_path)
    target.write_text(json.dumps(datasette_metadata(db_path), indent=2, ensure_ascii=False)
                      + "\n", encoding="utf-8")
    return target
