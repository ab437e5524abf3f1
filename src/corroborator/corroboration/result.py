"""The comparison of already-extracted articles, as :mod:`corroborator.corroboration.story`
returns it: shared statements, shared quotes, entities with spelling variants,
discrepancies, signals, claim groups and the key disputes to show first.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from corroborator.extract import CanonicalEntity
from corroborator.extract.entities import surname
from corroborator.models import (
    Article,
    ClaimGroup,
    Discrepancy,
    Extraction,
    Quote,
    Signal,
)

MIN_SHARED_QUOTE_WORDS = 4

QUOTE_MATCH_JACCARD = 0.8
MAX_ALIGNED_SENTENCES = 1500   # per article: a similarity matrix of two is at most 9 MB


@dataclass
class SharedStatement:
    """One statement made by several articles, with each article's own sentence."""

    text: str
    articles: list[str]
    evidence: dict[str, str]
    similarity: float = 0.0
    concepts: list[str] = field(default_factory=list)


@dataclass
class SharedQuote:
    """A quote (direct or reported) and the articles that carry it."""

    text: str
    speaker: str | None
    articles: list[str]
    direct: bool = True
    evidence: dict[str, str] = field(default_factory=dict)


@dataclass
class Comparison:
    """The result of :func:`compare`; ``to_dict()`` gives the documented JSON."""

    articles: list[Article]
    extractions: dict[str, Extraction]
    shared: list[SharedStatement]
    unique: dict[str, list[str]]
    quotes: list[SharedQuote]
    entities: list[CanonicalEntity]
    discrepancies: list[Discrepancy]
    signals: dict[str, list[Signal]]
    claim_groups: list[ClaimGroup] = field(default_factory=list)
    duplicates: dict[str, str] = field(default_factory=dict)

    def article(self, article_id: str) -> Article:
        return next(a for a in self.articles if a.id == article_id)

    def to_dict(self) -> dict[str, Any]:
        """The comparison as JSON-ready data (top-level keys are a stable interface)."""
        return {
            "articles": [_article_summary(a, self.extractions[a.id])
                         | {"duplicate_of": self.duplicates.get(a.id)} for a in self.articles],
            "shared": [asdict(s) for s in self.shared],
            "unique": self.unique,
            "quotes": [asdict(q) for q in self.quotes],
            "entities": [{"canonical": e.canonical, "label": e.label, "variants": e.variants}
                         for e in self.entities],
            "discrepancies": [asdict(d) for d in self.discrepancies],
            "signals": {aid: [asdict(s) for s in sigs] for aid, sigs in self.signals.items()},
            "key_disputes": key_disputes(self),
            "claim_groups": [_group_dict(g) for g in self.claim_groups],
            "sentences": {aid: [s.text for s in ext.sentences]
                          for aid, ext in self.extractions.items()},
        }


def display_name(article: Article) -> str:
    """How reports name an article's source: its outlet, else its file or URL."""
    if article.outlet:
        return article.outlet
    if article.source and article.source not in ("-", "<stdin>"):
        return Path(article.source).name or article.source
    return f"article {article.id[:8]}"


_WORDS = re.compile(r"[\w']+")


def _quote_tokens(text: str) -> tuple[str, ...]:
    return tuple(_WORDS.findall(text.casefold().replace("’", "'")))


def shared_quotes(articles: Sequence[Article], extractions: dict[str, Extraction],
                  entities: Sequence[CanonicalEntity]) -> list[SharedQuote]:
    """Direct quotes carried by two or more articles (exact, partial or near-exact)."""
    items = [(a.id, q) for a in articles for q in extractions[a.id].quotes
             if q.direct and len(q.text.split()) >= MIN_SHARED_QUOTE_WORDS]
    groups: list[list[tuple[str, Quote]]] = []
    for aid, quote in items:
        target = next((g for g in groups if _same_quote(g[0][1], quote)), None)
        if target is None:
            groups.append([(aid, quote)])
        else:
            target.append((aid, quote))
    out = []
    for group in groups:
        ids = list(dict.fromkeys(aid for aid, _ in group))
        if len(ids) < 2:
            continue
        speakers = [_canonical_speaker(q.speaker, entities) for _, q in group]
        out.append(SharedQuote(
            text=min((q.text for _, q in group), key=len), speaker=_merge_speakers(speakers),
            articles=ids, evidence={aid: _sentence_of(extractions[aid], q) for aid, q in group},
        ))
    return out


def _same_quote(a: Quote, b: Quote) -> bool:
    ta, tb = _quote_tokens(a.text), _quote_tokens(b.text)
    if ta == tb:
        return True
    short, long_ = sorted((ta, tb), key=len)
    if len(short) >= MIN_SHARED_QUOTE_WORDS and " ".join(short) in " ".join(long_):
        return True
    sa, sb = set(ta), set(tb)
    return len(sa & sb) / max(1, len(sa | sb)) >= QUOTE_MATCH_JACCARD


def _canonical_speaker(speaker: str | None, entities: Sequence[CanonicalEntity]) -> str | None:
    if not speaker:
        return None
    inner = re.search(r"\(([^)]+)\)", speaker)
    name = surname(inner.group(1) if inner else speaker).casefold()
    for entity in entities:
        if entity.label == "PERSON" and any(surname(m.text).casefold() == name
                                            for m in entity.mentions):
            return entity.canonical
    return speaker


def _merge_speakers(speakers: list[str | None]) -> str | None:
    named = list(dict.fromkeys(s for s in speakers if s))
    return " / ".join(named) if named else None


def _sentence_of(extraction: Extraction, quote: Quote) -> str:
    if 0 <= quote.sentence_index < len(extraction.sentences):
        return extraction.sentences[quote.sentence_index].text
    return quote.text


def _article_summary(article: Article, extraction: Extraction) -> dict[str, Any]:
    return {"id": article.id, "title": article.title, "outlet": article.outlet,
            "published": article.published, "url": article.url, "byline": article.byline,
            "n_sentences": len(extraction.sentences)}


KEY_DISPUTES = 5


def key_disputes(comparison: Comparison, limit: int = KEY_DISPUTES) -> list[dict[str, Any]]:
    """The disputes to show first (at most `limit`, in the claim groups' order, which
    ranks disputes by confidence and check-worthiness): each with the claim and the
    disputing sentence side by side."""
    names = {a.id: display_name(a) for a in comparison.articles}
    out = []
    for group in comparison.claim_groups:
        if group.status != "disputed":
            continue
        claim = asserted_claim(group)
        against = max((s for s in group.stances if s.label == "disagree"),
                      key=lambda s: s.score, default=None)
        if against is None or claim is None:
            continue
        out.append({"group": group.id, "claim": group.text,
                    "claim_article": claim.article_id, "claim_outlet": names[claim.article_id],
                    "evidence": against.evidence, "evidence_article": against.article_id,
                    "evidence_outlet": names[against.article_id],
                    "probability": against.score, "reasons": against.reasons})
        if len(out) == limit:
            break
    return out


def asserted_claim(group: ClaimGroup):
    """The group's claim as made by an article that asserts it (its stance is ``agree``):
    the representative's maker when it does, else another agreeing maker; None when no
    article asserts it (every maker rejects or only reports it: no conflict between
    articles, the claim itself is disputed)."""
    agreeing = {s.article_id for s in group.stances if s.label == "agree"}
    makers = [c for c in group.claims if c.article_id in agreeing]
    return next((c for c in makers if c.text == group.text), makers[0] if makers else None)


def _group_dict(group: ClaimGroup) -> dict[str, Any]:
    return {"id": group.id, "text": group.text, "status": group.status,
            "independent_sources": group.independent_sources,
            "claims": [asdict(c) for c in group.claims],
            "stances": [asdict(s) for s in group.stances]}
