"""The comparison of already-extracted articles: aligned statements, shared quotes,
entities with spelling variants, discrepancies and signals.

:func:`align_articles` is the align step of align → infer → corroborate; the verdicts
(claim groups and stances) are added by :mod:`corroborator.corroborate`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from corroborator.align import Pair, align_pair, concept_weights, make_units, same_polarity
from corroborator.dedupe import copies_among
from corroborator.discrepancies import (
    headline_discrepancies,
    name_discrepancies,
    pair_discrepancies,
)
from corroborator.embed import Embedder
from corroborator.extract import CanonicalEntity, canonicalize
from corroborator.extract.entities import surname
from corroborator.models import (
    Article,
    ClaimGroup,
    Discrepancy,
    Extraction,
    Quote,
    Sentence,
    Signal,
)
from corroborator.signals import describe

MIN_SHARED_QUOTE_WORDS = 4
GROUP_MIN_COSINE = 0.55        # a shared statement's members stay this close to its medoid
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
    vectors: dict[str, np.ndarray] = field(default_factory=dict, repr=False)

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


def align_articles(articles: Sequence[Article], extractions: dict[str, Extraction],
                   embedder: Embedder) -> Comparison:
    """Align already-extracted articles: shared statements, quotes, entities,
    discrepancies and signals (claim groups are left to :mod:`corroborator.corroborate`)."""
    entities = canonicalize([e for a in articles for e in extractions[a.id].entities])
    pairs, vectors = _align_all(articles, extractions, embedder)
    shared = _shared_statements(pairs, vectors)
    outlets = {a.id: display_name(a) for a in articles}
    sentences = {a.id: extractions[a.id].sentences for a in articles}
    discrepancies = (name_discrepancies(entities, outlets, sentences)
                     + pair_discrepancies(pairs, outlets)
                     + _headlines(articles, extractions, outlets))
    return Comparison(
        articles=list(articles),
        extractions=extractions,
        shared=shared,
        unique=_unique(articles, extractions, shared),
        quotes=shared_quotes(articles, extractions, entities),
        entities=[e for e in entities if e.label in ("PERSON", "ORG", "GPE", "LOC")],
        discrepancies=discrepancies,
        signals={a.id: describe(extractions[a.id], a.title) for a in articles},
        duplicates=copies_among(articles),
        vectors=vectors,
    )


def display_name(article: Article) -> str:
    """How reports name an article's source: its outlet, else its file or URL."""
    if article.outlet:
        return article.outlet
    if article.source and article.source not in ("-", "<stdin>"):
        return Path(article.source).name or article.source
    return f"article {article.id[:8]}"


def _align_all(articles: Sequence[Article], extractions: dict[str, Extraction],
               embedder: Embedder) -> tuple[list[Pair], dict[str, np.ndarray]]:
    units = {a.id: make_units(extractions[a.id].sentences, extractions[a.id].mentions)
             for a in articles}
    vectors = {a.id: embedder.encode([u.sentence.text for u in units[a.id]]) for a in articles}
    for a in articles:
        if len(units[a.id]) > MAX_ALIGNED_SENTENCES:
            extractions[a.id].warnings.append(
                f"only the first {MAX_ALIGNED_SENTENCES} of {len(units[a.id])} sentences "
                "were compared with other articles")
            units[a.id] = units[a.id][:MAX_ALIGNED_SENTENCES]
    weights = concept_weights([u for us in units.values() for u in us])
    pairs = []
    for i, a in enumerate(articles):
        for b in articles[i + 1:]:
            na, nb = len(units[a.id]), len(units[b.id])
            pairs.extend(align_pair(units[a.id], units[b.id], vectors[a.id][:na],
                                    vectors[b.id][:nb], weights))
    return pairs, vectors


def _shared_statements(pairs: Sequence[Pair],
                       vectors: dict[str, np.ndarray]) -> list[SharedStatement]:
    """Grow statements shared by two or more articles from aligned "same" pairs.

    Pairs are taken best first; a sentence joins a statement only if the statement has no
    sentence from its article yet and it is close to every member (no drifting chains).
    A sentence stating several facts may support several statements.
    """
    same = sorted((p for p in pairs if p.relation == "same"), key=lambda p: -p.score)
    groups: list[dict[str, Sentence]] = []
    for pair in same:
        a, b = pair.a.sentence, pair.b.sentence
        if not _join_existing(groups, a, b, vectors) and not _join_existing(groups, b, a,
                                                                            vectors):
            groups.append({a.article_id: a, b.article_id: b})
    out = []
    for group in groups:
        evidence = {aid: s.text for aid, s in group.items()}
        members = {(s.article_id, s.index) for s in group.values()}
        related = [p for p in same if {(p.a.sentence.article_id, p.a.sentence.index),
                                       (p.b.sentence.article_id, p.b.sentence.index)} <= members]
        out.append(SharedStatement(
            min(evidence.values(), key=len), list(evidence), evidence,
            round(max((p.cosine for p in related), default=0.0), 3),
            sorted({c for p in related for c in p.shared}),
        ))
    out.sort(key=lambda s: (-len(s.articles), -s.similarity))
    return out


def _join_existing(groups: list[dict[str, Sentence]], member: Sentence, newcomer: Sentence,
                   vectors: dict[str, np.ndarray]) -> bool:
    """Add `newcomer` to the group holding `member`, if it fits; True if handled."""
    for group in groups:
        if group.get(member.article_id) is not member:
            continue
        if group.get(newcomer.article_id) is newcomer:
            return True
        if newcomer.article_id in group:
            continue
        vec = vectors[newcomer.article_id][newcomer.index]
        if all(float(vec @ vectors[s.article_id][s.index]) >= GROUP_MIN_COSINE
               and same_polarity(newcomer.text, s.text) for s in group.values()):
            group[newcomer.article_id] = newcomer
            return True
    return False


def _unique(articles: Sequence[Article], extractions: dict[str, Extraction],
            shared: Sequence[SharedStatement]) -> dict[str, list[str]]:
    used = {(aid, text) for s in shared for aid, text in s.evidence.items()}
    return {a.id: [c.text for c in extractions[a.id].claims if (a.id, c.text) not in used]
            for a in articles}


def _headlines(articles: Sequence[Article], extractions: dict[str, Extraction],
               outlets: dict[str, str]) -> list[Discrepancy]:
    out = []
    for a in articles:
        others = [extractions[b.id] for b in articles if b.id != a.id]
        out.extend(headline_discrepancies(a, extractions[a.id], others, outlets))
    return out


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
        claim = next((c for c in group.claims if c.text == group.text), group.claims[0])
        against = max((s for s in group.stances if s.label == "disagree"),
                      key=lambda s: s.score, default=None)
        if against is None:
            continue
        out.append({"group": group.id, "claim": group.text,
                    "claim_article": claim.article_id, "claim_outlet": names[claim.article_id],
                    "evidence": against.evidence, "evidence_article": against.article_id,
                    "evidence_outlet": names[against.article_id],
                    "probability": against.score, "reasons": against.reasons})
        if len(out) == limit:
            break
    return out


def _group_dict(group: ClaimGroup) -> dict[str, Any]:
    return {"id": group.id, "text": group.text, "status": group.status,
            "independent_sources": group.independent_sources,
            "claims": [asdict(c) for c in group.claims],
            "stances": [asdict(s) for s in group.stances]}
