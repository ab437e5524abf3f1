"""Per-article features for story clustering: embedding text, terms, entities, date, language.

Everything here looks at one article at a time, so it is cheap and parallel-safe.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np

from corroborator.models import Article, normalize_text
from corroborator.text_norm import NOT_NAMES, STOP_WORDS

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*", re.UNICODE)
_CAPITALISED = re.compile(r"(?:[A-Z][\w'’.\-]*)(?:\s+(?:[A-Z][\w'’.\-]*))*")


@dataclass
class ArticleFeatures:
    """What the clusterer needs to know about one article."""

    id: str
    vector: np.ndarray
    terms: dict[str, float] = field(default_factory=dict)
    entities: frozenset[str] = frozenset()
    published: datetime | None = None
    published_raw: str | None = None
    title: str = ""
    order: int = 0


def words(text: str) -> list[str]:
    """Lower-cased word tokens of `text`."""
    return [w.replace("’", "'") for w in _WORD.findall(text.lower())]


def term_weights(text: str) -> dict[str, float]:
    """Sublinear term frequencies (1 + log tf) of the content words of `text`."""
    counts = Counter(w for w in words(text) if len(w) > 2 and w not in STOP_WORDS
                     and not w.isdigit())
    return {t: 1.0 + math.log(c) for t, c in counts.items()}


def extract_entities(text: str) -> frozenset[str]:
    """Capitalised spans of `text` (names, places, organisations), lower-cased.

    A cheap stand-in for a named-entity recogniser: runs of capitalised words, with
    leading and trailing function words and a possessive ``'s`` removed.
    """
    found = set()
    for match in _CAPITALISED.finditer(normalize_text(text)):
        tokens = [t.strip(".-'") for t in match.group(0).split()]
        while tokens and _not_name(tokens[0]):
            tokens.pop(0)
        while tokens and _not_name(tokens[-1]):
            tokens.pop()
        name = " ".join(tokens).lower().removesuffix("'s")
        if len(name) > 1 and not name.isdigit():
            found.add(name)
    return frozenset(found)


def _not_name(token: str) -> bool:
    """A capitalised word that is no name: "However", "Monday", "It's", "We're"."""
    low = token.lower()
    return low in NOT_NAMES or ("'" in low and low.split("'")[0] in STOP_WORDS)


def embedding_text(article: Article, lead_words: int) -> str:
    """Headline (if any) followed by the first `lead_words` words of the body."""
    lead = " ".join(article.text.split()[:lead_words])
    return f"{article.title.strip()}. {lead}" if article.title.strip() else lead


def parse_published(value: str | None) -> datetime | None:
    """`value` as a naive UTC datetime, or None when missing or unparseable.

    Stored dates are ISO 8601, read with ``datetime.fromisoformat`` (about 50 times
    faster); anything else falls back to dateutil's lenient parser.
    """
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        parsed = _parse_lenient(value)
        if parsed is None:
            return None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    return parsed


def _parse_lenient(value: str) -> datetime | None:
    from dateutil import parser

    try:
        return parser.parse(value)
    except (ValueError, OverflowError):
        return None


def skip_reason(article: Article, min_words: int, language: str) -> str | None:
    """Why `article` cannot be clustered (empty, too short, other language), else None."""
    n_words = len(article.text.split())
    if n_words == 0:
        return "empty text"
    if n_words < min_words:
        return f"too short ({n_words} words < {min_words})"
    from corroborator.ingest.text import detect_language

    lang = article.language or detect_language(article.text)
    if lang and lang.split("-")[0].lower() != language:
        return f"non-English ({lang})" if language == "en" else f"other language ({lang})"
    return None


def featurize(article: Article, vector: np.ndarray, order: int) -> ArticleFeatures:
    """Features of `article` given its embedding `vector` and its arrival `order`."""
    body = f"{article.title}\n{article.text}"
    return ArticleFeatures(
        id=article.id, vector=np.asarray(vector, dtype=np.float32), terms=term_weights(body),
        entities=extract_entities(body), published=parse_published(article.published),
        published_raw=article.published, title=article.title.strip(), order=order,
    )
