"""Typed records that flow between pipeline stages.

Every stage takes and returns these plain dataclasses, so the same stage runs
in-process, over a SQLite store, or inside a Ray Data batch. Ids are stable:
the same input always gets the same id, which makes re-ingesting idempotent.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

SentenceType = Literal["claim", "opinion", "question", "other"]
AttributionKind = Literal["named", "wire", "anonymous", "hedged", "none"]
StanceLabel = Literal["agree", "disagree", "discuss", "unrelated"]
ClaimStatus = Literal["corroborated", "disputed", "unclear", "single-source"]
DiscrepancyKind = Literal["name", "number", "date", "negation", "claim", "headline"]
Bound = Literal["exact", "approximate", "at_least", "at_most"]
Aspect = Literal["total", "margin", "change"]

_SPACE = re.compile(r"\s+")


def normalize_text(text: str) -> str:
    """Return `text` in NFKC form with typographic quotes straightened and spaces collapsed."""
    text = unicodedata.normalize("NFKC", text)
    text = text.translate(_QUOTES)
    return _SPACE.sub(" ", text).strip()


_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


def stable_id(*parts: str, length: int = 16) -> str:
    """Hash `parts` into a short, stable hexadecimal id."""
    digest = hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()
    return digest[:length]


def content_hash(text: str) -> str:
    """Hash of an article's normalised, case-folded text: equal for exact duplicates."""
    return stable_id(normalize_text(text).casefold(), length=40)


@dataclass
class Article:
    """One news article, as ingested."""

    text: str
    title: str = ""
    url: str | None = None
    outlet: str | None = None
    byline: str | None = None
    published: str | None = None
    date_reliable: bool = False
    language: str | None = None
    source: str = ""
    format: str = "text"
    metadata: dict[str, Any] = field(default_factory=dict)
    id: str = ""

    def __post_init__(self) -> None:
        if not self.id:
            self.id = article_id(self.text, self.url)

    @property
    def content_hash(self) -> str:
        return content_hash(self.text)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def article_id(text: str, url: str | None) -> str:
    """An article's id: a hash of its normalised text and URL."""
    return stable_id(normalize_text(text).casefold(), (url or "").strip().lower())


@dataclass
class Attribution:
    """Who a statement is attributed to, and how."""

    kind: AttributionKind = "none"
    source: str | None = None
    span: str | None = None


@dataclass
class Sentence:
    """A sentence of an article body, with its character offsets in the body."""

    article_id: str
    index: int
    text: str
    start: int
    end: int
    type: SentenceType = "other"
    checkworthiness: float = 0.0
    attribution: Attribution = field(default_factory=Attribution)
    features: dict[str, Any] = field(default_factory=dict)


@dataclass
class Entity:
    """A named mention: `text` as written, `canonical` as resolved across articles."""

    article_id: str
    text: str
    label: str
    sentence_index: int = -1
    start: int = -1
    end: int = -1
    canonical: str = ""

    def __post_init__(self) -> None:
        if not self.canonical:
            self.canonical = self.text


@dataclass
class Quote:
    """A direct or reported quote and its speaker, if resolved."""

    article_id: str
    text: str
    speaker: str | None = None
    direct: bool = True
    sentence_index: int = -1
    speaker_kind: str | None = None


@dataclass
class Mention:
    """A number or date in a sentence, normalised to `value`."""

    article_id: str
    text: str
    kind: Literal["number", "money", "percent", "quantity", "date"]
    value: Any
    sentence_index: int = -1
    unit: str | None = None
    context: str = ""
    head: str | None = None
    bound: Bound = "exact"
    aspect: Aspect = "total"
    """``head`` is what a number counts, lemmatised ("people", "vote", "dollar"); ``bound``
    reads "more than 400" as at_least and "about 200" as approximate; ``aspect`` tells a
    margin ("won by 203 votes") or a change ("gained 17 votes") from a total."""


@dataclass
class Claim:
    """A check-worthy statement of one article."""

    article_id: str
    sentence_index: int
    text: str
    checkworthiness: float = 0.0
    attribution: Attribution = field(default_factory=Attribution)
    id: str = ""

    def __post_init__(self) -> None:
        if not self.id:
            self.id = stable_id(self.article_id, str(self.sentence_index), self.text)


@dataclass
class Extraction:
    """Everything the extraction stage finds in one article."""

    article_id: str
    sentences: list[Sentence] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    version: str = ""


@dataclass
class Stance:
    """One article's stance toward one claim group, with the sentence that shows it."""

    article_id: str
    claim_group: str
    label: StanceLabel
    score: float = 0.0
    evidence: str | None = None
    reasons: list[str] = field(default_factory=list)
    probabilities: dict[str, float] = field(default_factory=dict)


@dataclass
class ClaimGroup:
    """The same assertion made by one or more articles."""

    id: str
    text: str
    claims: list[Claim] = field(default_factory=list)
    stances: list[Stance] = field(default_factory=list)
    status: ClaimStatus = "single-source"
    independent_sources: int = 1


@dataclass
class Discrepancy:
    """A place where articles (or a headline and its body) do not line up."""

    kind: DiscrepancyKind
    description: str
    values: list[str] = field(default_factory=list)
    articles: list[str] = field(default_factory=list)
    evidence: dict[str, str] = field(default_factory=dict)


@dataclass
class Signal:
    """A described property of an article, with the spans that show it; never a verdict."""

    article_id: str
    name: str
    value: float | str | bool
    evidence: list[str] = field(default_factory=list)
    description: str = ""


@dataclass
class Story:
    """One real-world event and the articles that cover it."""

    id: str
    title: str = ""
    article_ids: list[str] = field(default_factory=list)
    key_entities: list[str] = field(default_factory=list)
    first_seen: str | None = None
    last_seen: str | None = None
