"""Discrepancies: where articles, or a headline and its own body, do not line up.

Kinds: ``name`` (one entity spelled differently by different outlets), ``number`` and
``date`` (different values for one fact), ``negation`` (a statement negated or denied
elsewhere), ``claim`` (conflicting claims, from the stance stage) and ``headline`` (a
headline that asserts more than its body, or than other outlets' evidence, supports).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import numpy as np

from corroborator.align import PREDICATE_CONCEPTS, Pair, Unit, conflicting_values, negates
from corroborator.align.lexical import concepts, predicate_concepts
from corroborator.corroboration.quantities import same_time_frame
from corroborator.extract.canon import CanonicalEntity
from corroborator.extract.entities import surname
from corroborator.models import Article, Discrepancy, Extraction, Sentence

HEADLINE_MIN_SHARED = 2
DISPUTE_MIN_SHARED = 3
HEDGED_BODY = re.compile(
    r"\b(reportedly|allegedly|purportedly|apparently|supposedly|appears? to|seems? to|"
    r"may|might|could|would|unconfirmed|not immediately confirm|claims?|rumou?r\w*|"
    r"it is unclear|is said to|are said to)\b",
    re.IGNORECASE,
)
HEDGED_HEADLINE = re.compile(
    r"\b(reportedly|allegedly|may|might|could|would|appears?|seems?|says|said|report:|"
    r"according|sources|denies|denied|rejects|disputes|no decision)\b|\?|"
    r"^(what|how|why|who|when|where|if|whether)\b|"
    r"^(leaked |new )?(memo|report|letter|document|poll|study|survey|exclusive)\s*:|"
    r"[,:\-–—]\s*(leaked |internal |new )?(memo|report|letter|document|sources?|officials?|"
    r"police|study|survey|poll|data|filing)(\s+\w+)?(\s+(shows?|says?|reports?|suggests?|"
    r"finds?|claims?))?\s*$",
    re.IGNORECASE,
)
DISPUTE_CUES = re.compile(
    r"\b(unsigned|draft|no decision|not (?:been )?(?:made|decided|final)|denied|denies|"
    r"walked back|false|not authentic|inaccurate|retracted|mistake|no plans?)\b",
    re.IGNORECASE,
)


def name_discrepancies(entities: Sequence[CanonicalEntity], outlets: Mapping[str, str],
                       sentences: Mapping[str, Sequence[Sentence]] | None = None,
                       ) -> list[Discrepancy]:
    """People whose surname is spelled differently by different articles (letter case
    alone, as in an upper-case dateline, is not a different spelling)."""
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
        out.append(_name_discrepancy(entity, spelling_by_article, outlets, sentences or {}))
    return out


def _spellings_by_article(entity: CanonicalEntity) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for m in entity.mentions:
        name = surname(m.text)
        out.setdefault(m.article_id, set()).add(name.title() if name.isupper() else name)
    return out


def _articles_disagree(by_article: Mapping[str, set[str]]) -> bool:
    firsts = [frozenset(v) for v in by_article.values()]
    return len(set(firsts)) > 1


def _name_discrepancy(entity: CanonicalEntity, by_article: Mapping[str, set[str]],
                      outlets: Mapping[str, str],
                      sentences: Mapping[str, Sequence[Sentence]]) -> Discrepancy:
    values, evidence = [], {}
    for article_id, forms in by_article.items():
        full = max(entity.variants.get(article_id, sorted(forms)), key=len)
        values.append(full)
        mention = max((m for m in entity.mentions if m.article_id == article_id),
                      key=lambda m: len(m.text))
        evidence[article_id] = _sentence_text(sentences.get(article_id, ()), mention)
    values = list(dict.fromkeys(values))
    spelled = "; ".join(f"{outlets.get(a, a)} writes {' / '.join(sorted(f))}"
                        for a, f in by_article.items())
    return Discrepancy("name", f"{entity.canonical}: one person, spelled differently — {spelled}",
                       values, list(by_article), evidence)


def _sentence_text(sentences: Sequence[Sentence], mention) -> str:
    if 0 <= mention.sentence_index < len(sentences):
        return sentences[mention.sentence_index].text
    return mention.text


Finding = tuple[str, Discrepancy]
"""One pair's discrepancy with the key it merges on (see :func:`merge_findings`)."""


def pair_findings(pairs: Sequence[Pair], outlets: Mapping[str, str]) -> list[Finding]:
    """Each pair's discrepancies, not yet merged (a story keeps these as articles join)."""
    return [found for pair in pairs for found in _pair_discrepancies(pair, outlets)]


def merge_findings(findings: Sequence[Finding],
                   outlets: Mapping[str, str]) -> list[Discrepancy]:
    """Merge findings that share a key into one discrepancy each (the findings are left
    as they were)."""
    merged: dict[str, Discrepancy] = {}
    for key, found in findings:
        if key in merged:
            _merge(merged[key], found)
        else:
            merged[key] = Discrepancy(found.kind, found.description, list(found.values),
                                      list(found.articles), dict(found.evidence))
    for d in merged.values():
        if d.kind == "negation":
            d.description = _negation_description(d, outlets)
    return list(merged.values())


SAME_FACT_MIN_COSINE = 0.5       # two sentences giving figures for one fact...
SAME_FACT_MIN_SHARED = 2         # ...share this many concepts besides figures and head nouns
YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
AGE = re.compile(r"\b\d+[- ]years?[- ]old\b|\baged? \d+\b", re.IGNORECASE)
SAME_DATE_MIN_COSINE = 0.5       # dates are compared only between closer statements...
SAME_DATE_MIN_SHARED = 2
def same_fact_pairs(units_a: Sequence[Unit], units_b: Sequence[Unit], vec_a: np.ndarray,
                    vec_b: np.ndarray, seen: set[tuple[str, int, str, int]]) -> list[Pair]:
    """Sentence pairs of two articles that give incompatible figures or dates for the same
    fact, wherever the aligner put them (or did not pair them at all): the same counted
    thing (:func:`~corroborator.corroboration.quantities.same_quantity`) in statements about
    the same event (shared concepts besides the figures, close enough in meaning) and the
    same time frame (a running total is not one day's count). `seen` holds the sentence
    pairs already compared, which are skipped."""
    rows_a = [i for i, u in enumerate(units_a) if u.mentions]
    rows_b = [j for j, u in enumerate(units_b) if u.mentions]
    if not rows_a or not rows_b:
        return []
    sims = vec_a[rows_a] @ vec_b[rows_b].T
    out = []
    for x, i in enumerate(rows_a):
        for y, j in enumerate(rows_b):
            a, b = units_a[i], units_b[j]
            key = (a.sentence.article_id, a.sentence.index, b.sentence.article_id,
                   b.sentence.index)
            if key in seen or sims[x, y] < SAME_FACT_MIN_COSINE:
                continue
            relation = _fact_conflict(a, b, float(sims[x, y]))
            if relation:
                seen.add(key)
                shared = (a.concepts & b.concepts) - _figure_words(a) - _figure_words(b)
                out.append(Pair(a, b, float(sims[x, y]), frozenset(shared), relation))
    return out


def _fact_conflict(a: Unit, b: Unit, cosine: float) -> str | None:
    """'number' or 'date' when two statements give incompatible values for one fact; not
    for different time frames, different years named, or people's ages (each person has
    one: two ages are usually two people)."""
    text_a, text_b = a.sentence.text, b.sentence.text
    if not same_time_frame(text_a, text_b):
        return None
    if set(YEAR.findall(text_a)) != set(YEAR.findall(text_b)):
        return None
    if AGE.search(text_a) or AGE.search(text_b):
        return None
    shared = (a.concepts & b.concepts) - _figure_words(a) - _figure_words(b)
    if len(shared) >= SAME_FACT_MIN_SHARED and conflicting_values(a.mentions, b.mentions,
                                                                 "number"):
        return "number"
    if (cosine >= SAME_DATE_MIN_COSINE and len(shared) >= SAME_DATE_MIN_SHARED
            and conflicting_values(a.mentions, b.mentions, "date")):
        return "date"
    return None


def _figure_words(unit: Unit) -> frozenset[str]:
    """Concepts of the unit's figures and counted nouns (they do not show the same event)."""
    words = set()
    for m in unit.mentions:
        words |= concepts(m.text)
        if m.head:
            words |= concepts(m.head)
    return frozenset(words)


def _pair_discrepancies(pair: Pair, outlets: Mapping[str, str]) -> list[Finding]:
    """The discrepancies one aligned pair shows (a pair may differ in number and date)."""
    a, b = pair.a.sentence, pair.b.sentence
    if pair.relation == "negation":
        predicates = pair.shared & PREDICATE_CONCEPTS
        negated, other = (a, b) if negates(a.text, predicates) else (b, a)
        found = Discrepancy("negation", "", [negated.text, other.text],
                            [negated.article_id, other.article_id],
                            {negated.article_id: negated.text, other.article_id: other.text})
        return [(f"negation|{negated.article_id}|{negated.index}", found)]
    out = []
    for kind in ("number", "date"):
        conflict = conflicting_values(pair.a.mentions, pair.b.mentions, kind)
        if pair.relation == "same" or conflict is None:
            continue
        values = [conflict[0].text, conflict[1].text]
        found = Discrepancy(kind, _describe_values(pair, values, outlets), values,
                            [a.article_id, b.article_id],
                            {a.article_id: a.text, b.article_id: b.text})
        key = "|".join([kind, *sorted({str(m.value) for m in conflict})])
        out.append((key, found))
    return out


def _merge(target: Discrepancy, extra: Discrepancy) -> None:
    for aid in extra.articles:
        if aid not in target.articles:
            target.articles.append(aid)
            target.evidence[aid] = extra.evidence[aid]
    for value in extra.values:
        if value not in target.values:
            target.values.append(value)


def _negation_description(d: Discrepancy, outlets: Mapping[str, str]) -> str:
    denier = outlets.get(d.articles[0], "one article")
    others = ", ".join(dict.fromkeys(outlets.get(a, "another") for a in d.articles[1:]))
    return f"{denier} negates or denies what {others} report"


def _describe_values(pair: Pair, values: list[str], outlets: Mapping[str, str]) -> str:
    a_out = outlets.get(pair.a.sentence.article_id, "one article")
    b_out = outlets.get(pair.b.sentence.article_id, "another")
    topic = ", ".join(sorted(c.lower() for c in pair.shared)[:5])
    return f"{a_out} reports {values[0]}, {b_out} reports {values[1]} ({topic})"


def headline_discrepancies(article: Article, extraction: Extraction,
                           others: Sequence[Extraction] = (),
                           outlets: Mapping[str, str] | None = None) -> list[Discrepancy]:
    """Flag a headline that asserts more than its body, or other outlets, support.

    At most one discrepancy per headline; its description lists each reason, its values
    start with the headline, and its evidence holds the hedged body sentence (under the
    article's own id) and the disputing sentences of other articles.
    """
    headline = article.title.strip()
    if not headline or HEDGED_HEADLINE.search(headline):
        return []
    names = outlets or {}
    wanted, asserted = concepts(headline), predicate_concepts(headline)
    reasons, values, evidence = [], [headline], {}
    support = _supporting(wanted, extraction.sentences)
    if support and all(HEDGED_BODY.search(s.text) for s in support[:2]):
        hedges = _hedge_words(support[0].text)
        reasons.append(f"its own body only says it hedged ({hedges})")
        values.append(support[0].text)
        evidence[article.id] = support[0].text
    disputes = _disputing(wanted, asserted, others) if asserted else []
    for s in disputes[:3]:
        evidence[s.article_id] = (f"{evidence[s.article_id]} … {s.text}"
                                  if s.article_id in evidence else s.text)
        values.append(s.text)
    if disputes:
        who = ", ".join(dict.fromkeys(names.get(s.article_id, "another outlet")
                                      for s in disputes[:3]))
        reasons.append(f"other coverage disputes it ({who})")
    if not reasons:
        return []
    evidence.setdefault(article.id, headline)
    return [Discrepancy("headline", "the headline asserts more than the evidence supports: "
                        + "; ".join(reasons), values, list(evidence), evidence)]


def _supporting(wanted: frozenset[str], sentences: Sequence[Sentence]) -> list[Sentence]:
    scored = [(len(wanted & concepts(s.text)), s) for s in sentences]
    scored = [(n, s) for n, s in scored if n >= HEADLINE_MIN_SHARED + 1]
    scored.sort(key=lambda x: (-x[0], x[1].index))
    return [s for _, s in scored]


def _disputing(wanted: frozenset[str], predicates: frozenset[str],
               others: Sequence[Extraction]) -> list[Sentence]:
    """Other articles' sentences that deny or undercut what the headline asserts: they
    negate its predicate, or carry a dispute cue ("unsigned draft", "no decision")
    about the same things."""
    found = []
    for ext in others:
        for s in ext.sentences:
            shared = wanted & concepts(s.text)
            cue = bool(DISPUTE_CUES.search(s.text))
            negated = bool(shared & predicates) and negates(s.text, shared & predicates)
            if (negated and len(shared) >= DISPUTE_MIN_SHARED - 1) or (
                    cue and len(shared) >= HEADLINE_MIN_SHARED):
                found.append(s)
    return found


def _hedge_words(text: str) -> str:
    return ", ".join(dict.fromkeys(m.group().lower() for m in HEDGED_BODY.finditer(text)))
