"""Discrepancies: where articles, or a headline and its own body, do not line up.

Kinds: ``name`` (one entity spelled differently by different outlets), ``number`` and
``date`` (different values for one fact), ``negation`` (a statement negated or denied
elsewhere), ``claim`` (conflicting claims, from the stance stage) and ``headline`` (a
headline that asserts more than its body, or than other outlets' evidence, supports).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from corroborator.align import NEGATION, Pair, conflicting_values
from corroborator.align.lexical import concepts
from corroborator.extract.canon import CanonicalEntity
from corroborator.extract.entities import surname
from corroborator.models import Article, Discrepancy, Extraction, Sentence

HEADLINE_MIN_SHARED = 2
HEDGED_BODY = re.compile(
    r"\b(reportedly|allegedly|purportedly|apparently|supposedly|appears? to|seems? to|"
    r"may|might|could|would|unconfirmed|not immediately confirm|claims?|rumou?r\w*|"
    r"it is unclear|is said to|are said to)\b",
    re.IGNORECASE,
)
HEDGED_HEADLINE = re.compile(
    r"\b(reportedly|allegedly|may|might|could|appears?|seems?|says|said|report:|"
    r"according|sources)\b|\?",
    re.IGNORECASE,
)
DISPUTE_CUES = re.compile(
    r"\b(unsigned|draft|no decision|not (?:been )?(?:made|decided|final)|denied|denies|"
    r"walked back|false|not authentic|inaccurate|retracted|mistake|no plans?)\b",
    re.IGNORECASE,
)


def name_discrepancies(entities: Sequence[CanonicalEntity],
                       outlets: Mapping[str, str]) -> list[Discrepancy]:
    """People whose surname is spelled differently by different articles."""
    out = []
    for entity in entities:
        if entity.label != "PERSON":
            continue
        spelling_by_article = _spellings_by_article(entity)
        spellings = {s for forms in spelling_by_article.values() for s in forms}
        if len(spellings) < 2 or len(spelling_by_article) < 2:
            continue
        if not _articles_disagree(spelling_by_article):
            continue
        out.append(_name_discrepancy(entity, spelling_by_article, outlets))
    return out


def _spellings_by_article(entity: CanonicalEntity) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for m in entity.mentions:
        out.setdefault(m.article_id, set()).add(surname(m.text))
    return out


def _articles_disagree(by_article: Mapping[str, set[str]]) -> bool:
    firsts = [frozenset(v) for v in by_article.values()]
    return len(set(firsts)) > 1


def _name_discrepancy(entity: CanonicalEntity, by_article: Mapping[str, set[str]],
                      outlets: Mapping[str, str]) -> Discrepancy:
    values, evidence = [], {}
    for article_id, forms in by_article.items():
        full = max(entity.variants.get(article_id, sorted(forms)), key=len)
        values.append(full)
        mention = next(m for m in entity.mentions if m.article_id == article_id)
        evidence[article_id] = mention.text
    values = list(dict.fromkeys(values))
    spelled = "; ".join(f"{outlets.get(a, a)} writes {' / '.join(sorted(f))}"
                        for a, f in by_article.items())
    return Discrepancy("name", f"{entity.canonical}: one person, spelled differently — {spelled}",
                       values, list(by_article), evidence)


def pair_discrepancies(pairs: Sequence[Pair], outlets: Mapping[str, str]) -> list[Discrepancy]:
    """Number, date and negation discrepancies from aligned sentence pairs."""
    out = []
    for pair in pairs:
        if pair.relation == "same":
            continue
        a, b = pair.a.sentence, pair.b.sentence
        values = _pair_values(pair)
        description = _describe_pair(pair, values, outlets)
        out.append(Discrepancy(pair.relation, description, values,
                               [a.article_id, b.article_id],
                               {a.article_id: a.text, b.article_id: b.text}))
    return out


def _pair_values(pair: Pair) -> list[str]:
    if pair.relation in ("number", "date"):
        found = conflicting_values(pair.a.mentions, pair.b.mentions, pair.relation)
        if found:
            return [found[0].text, found[1].text]
    return [_polarity(pair.a.sentence.text), _polarity(pair.b.sentence.text)]


def _polarity(text: str) -> str:
    match = NEGATION.search(text)
    return f"negated ({match.group()})" if match else "affirmed"


def _describe_pair(pair: Pair, values: list[str], outlets: Mapping[str, str]) -> str:
    a_out = outlets.get(pair.a.sentence.article_id, "one article")
    b_out = outlets.get(pair.b.sentence.article_id, "another")
    topic = ", ".join(sorted(c.lower() for c in pair.shared)[:5])
    if pair.relation == "negation":
        return f"{a_out} and {b_out} disagree on whether it happened ({topic}): " \
               f"{values[0]} vs {values[1]}"
    return f"{a_out} reports {values[0]}, {b_out} reports {values[1]} ({topic})"


def headline_discrepancies(article: Article, extraction: Extraction,
                           others: Sequence[Extraction] = (),
                           outlets: Mapping[str, str] | None = None) -> list[Discrepancy]:
    """Flag a headline that asserts more than its body, or other outlets, support."""
    headline = article.title.strip()
    if not headline or HEDGED_HEADLINE.search(headline):
        return []
    wanted = concepts(headline)
    support = _supporting(wanted, extraction.sentences)
    out = []
    if support and all(HEDGED_BODY.search(s.text) for s in support[:2]):
        out.append(Discrepancy(
            "headline",
            "the headline asserts what its own body only reports as hedged or unconfirmed",
            [headline, _hedge_words(support[0].text)], [article.id],
            {article.id: support[0].text},
        ))
    disputes = _disputing(wanted, others)
    if disputes:
        names = outlets or {}
        evidence = {article.id: headline}
        for s in disputes[:3]:
            evidence[s.article_id] = (f"{evidence[s.article_id]} … {s.text}"
                                      if s.article_id in evidence else s.text)
        out.append(Discrepancy(
            "headline",
            "other coverage disputes the headline's claim: "
            + "; ".join(f"{names.get(s.article_id, 'another outlet')}: {s.text}"
                        for s in disputes[:2]),
            [headline, *[s.text for s in disputes[:2]]],
            [article.id, *dict.fromkeys(s.article_id for s in disputes)], evidence,
        ))
    return out


def _supporting(wanted: frozenset[str], sentences: Sequence[Sentence]) -> list[Sentence]:
    scored = [(len(wanted & concepts(s.text)), s) for s in sentences]
    scored = [(n, s) for n, s in scored if n >= HEADLINE_MIN_SHARED + 1]
    scored.sort(key=lambda x: (-x[0], x[1].index))
    return [s for _, s in scored]


def _disputing(wanted: frozenset[str], others: Sequence[Extraction]) -> list[Sentence]:
    found = []
    for ext in others:
        for s in ext.sentences:
            if DISPUTE_CUES.search(s.text) and len(wanted & concepts(s.text)) >= \
                    HEADLINE_MIN_SHARED:
                found.append(s)
    return found


def _hedge_words(text: str) -> str:
    return ", ".join(dict.fromkeys(m.group().lower() for m in HEDGED_BODY.finditer(text)))
