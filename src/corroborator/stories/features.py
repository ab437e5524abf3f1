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

    A cheap stand-in for a named-entity recogniser: runs of capitalised words, split
    where a sentence ends, with edge function words, leading titles ("CEO",
    "Councillor"), lone role words ("Company", "Board") and a possessive ``'s`` removed. A lone capitalised
    word that opens a sentence ("Adding", "Coast") counts only when the text also
    capitalises it inside a sentence, so ordinary words are not taken for names.
    """
    text = normalize_text(text)
    inner = _inner_capitalised(text)
    found = set()
    for match in _CAPITALISED.finditer(text):
        for tokens, opens in _runs(text, match):
            name = _trim(tokens)
            if not name or (opens and " " not in name and name not in inner):
                continue
            if len(name) > 1 and not name.isdigit():
                found.add(name)
    return frozenset(found)


def _runs(text: str, match: re.Match) -> list[tuple[list[str], bool]]:
    """The capitalised run split after words that end a sentence ("Redfern. Chief"),
    each with whether it opens a sentence."""
    runs: list[tuple[list[str], bool]] = []
    current: list[str] = []
    opens = _opens_sentence(text, match.start())
    for token in match.group(0).split():
        current.append(token)
        if _ends_sentence(token):
            runs.append((current, opens))
            current, opens = [], True
    if current:
        runs.append((current, opens))
    return runs


def _ends_sentence(token: str) -> bool:
    """"Redfern." ends a sentence; "U.S.", "St." and an initial "J." do not."""
    if not token.endswith(".") or token.count(".") > 1:
        return False
    return len(token) > 2 and token[:-1].lower() not in _ABBREVIATIONS


_ABBREVIATIONS = frozenset("mr mrs ms dr st gen col sen rep gov lt sgt capt prof jr sr inc "
                           "corp ltd co no mt ft vs".split())


def _opens_sentence(text: str, at: int) -> bool:
    """Whether position `at` starts the text, a line or a sentence (after . ! ? : or a quote)."""
    before = text[:at].rstrip(" \t\"'“‘(")
    return not before or before[-1] in ".!?:\n"


def _inner_capitalised(text: str) -> set[str]:
    """Lower-cased words that `text` capitalises somewhere other than a sentence start."""
    out = set()
    for match in _WORD_AFTER.finditer(text):
        word = match.group(2)
        if word[:1].isupper() and not _opens_sentence(text, match.start(2)):
            out.add(word.lower())
    return out


_WORD_AFTER = re.compile(r"(\s)([^\W\d_][\w'’\-]*)")


def _trim(tokens: list[str]) -> str:
    """The name in a run: edge function words and leading titles dropped ("CEO Ana
    Ruiz"), nothing left when only role words remain ("the Company"), no possessive."""
    tokens = [t.strip(".-'") for t in tokens]
    while tokens and (_not_name(tokens[0]) or tokens[0].lower() in TITLES):
        tokens.pop(0)
    while tokens and _not_name(tokens[-1]):
        tokens.pop()
    if all(t.lower() in TITLES or t.lower() in INSTITUTION_WORDS for t in tokens):
        return ""
    return " ".join(tokens).lower().removesuffix("'s")


TITLES = frozenset("""
ceo cfo coo cto chairman chairwoman chair president vice minister secretary spokesman
spokeswoman spokesperson director chief executive founder councillor councilor senator
governor mayor judge officer official mr mrs ms dr sir madam professor prof general gen
colonel captain sergeant lieutenant commander inspector detective deputy king queen prince
princess pope analyst investigator singer rapper actor actress star
""".split())
"""Person titles and roles: dropped before a name, no name on their own."""
INSTITUTION_WORDS = frozenset("""
company companies firm board council government police army agency department ministry
committee court parliament congress officials officers investigators
analysts reporters parents residents
""".split())
"""Institution and group words that name no one on their own ("the Company", "Board")."""


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
