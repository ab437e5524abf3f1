"""Per-article features for story clustering: embedding text, terms, entities, date, language.

Everything here looks at one article at a time, so it is cheap and parallel-safe.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache

import numpy as np

from corroborator.models import Article, normalize_text

LANGUAGE_SAMPLE_CHARS = 2000    # langdetect reads at most this much of a body
LANGUAGE_SEED = 0               # langdetect is random; a fixed seed makes it deterministic

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*", re.UNICODE)
_CAPITALISED = re.compile(r"(?:[A-Z][\w'’.\-]*)(?:\s+(?:[A-Z][\w'’.\-]*))*")

STOPWORDS = frozenset("""
a about above after again against all also am an and any are as at be because been before being
below between both but by can could did do does doing down during each few for from further had
has have having he her here hers herself him himself his how i if in into is it its itself just
me more most my myself no nor not now of off on once only or other our ours ourselves out over own
same she should so some such than that the their theirs them themselves then there these they
this those through to too under until up very was we were what when where which while who whom
why will with would you your yours yourself yourselves said says say told according one two
new would could also like get got just us mr mrs ms may might must shall s t
""".split())

ENTITY_STOPWORDS = STOPWORDS | frozenset("""
monday tuesday wednesday thursday friday saturday sunday january february march april june
july august september october november december however meanwhile but still today yesterday
tomorrow image images photo photos video read click share follow subscribe advertisement getty
update updated breaking news report reports it's there's that's we're i'm he's she's
""".split())


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
    counts = Counter(w for w in words(text) if len(w) > 2 and w not in STOPWORDS
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
        while tokens and tokens[0].lower() in ENTITY_STOPWORDS:
            tokens.pop(0)
        while tokens and tokens[-1].lower() in ENTITY_STOPWORDS:
            tokens.pop()
        name = " ".join(tokens).lower().removesuffix("'s")
        if len(name) > 1 and not name.isdigit():
            found.add(name)
    return frozenset(found)


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


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of `text`'s language (deterministic), or None if undecidable."""
    from langdetect.lang_detect_exception import LangDetectException

    detector = _language_factory().create()
    detector.append(text[:LANGUAGE_SAMPLE_CHARS])
    try:
        return detector.detect()
    except LangDetectException:
        return None


@cache
def _language_factory():
    from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory

    factory = DetectorFactory()
    factory.load_profile(PROFILES_DIRECTORY)
    factory.set_seed(LANGUAGE_SEED)
    return factory


def skip_reason(article: Article, min_words: int, language: str) -> str | None:
    """Why `article` cannot be clustered (empty, too short, other language), else None."""
    n_words = len(article.text.split())
    if n_words == 0:
        return "empty text"
    if n_words < min_words:
        return f"too short ({n_words} words < {min_words})"
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
