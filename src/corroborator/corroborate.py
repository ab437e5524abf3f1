"""Corroboration: claim groups across a story's articles, each article's stance, a status.

A claim group is one assertion made by one or more articles (aligned by the comparison
stage). For each group and each article the stance is ``agree`` when the article makes the
claim itself, ``disagree`` when it negates or disputes it, else the trained stance model's
label on the article's sentences, with the sentence that shows it. Status:
``corroborated`` when two or more *independent* sources agree (a syndicated copy counts
with its original, once), ``disputed`` when any source disagrees, else ``single-source``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from corroborator.compare import Comparison, compare_extracted
from corroborator.embed import get_embedder
from corroborator.models import Article, Claim, ClaimGroup, Extraction, Stance, stable_id
from corroborator.store import Store

MAX_SINGLE_SOURCE_CLAIMS = 6     # per article: its most check-worthy unshared claims
MIN_SINGLE_CHECKWORTHINESS = 0.15
STANCE_MIN_CONFIDENCE = 0.45


def corroborate_story(store: Store, story_id: str) -> list[ClaimGroup]:
    """Recompute and store one story's claim groups, stances and discrepancies."""
    story = store.get_story(story_id)
    articles = store.get_articles(story.article_ids)
    extractions = {a.id: store.load_extraction(a.id) for a in articles}
    comparison = compare_extracted(articles, extractions, get_embedder("fast"))
    duplicates = store.duplicates_of([a.id for a in articles])
    groups = claim_groups(comparison, duplicates)
    model = _stance_model_name()
    store.save_corroboration(story.id, groups, comparison.discrepancies, model)
    return groups


def claim_groups(comparison: Comparison,
                 duplicates: Mapping[str, str] | None = None) -> list[ClaimGroup]:
    """Claim groups with stances and statuses for an already computed comparison."""
    duplicates = duplicates or {}
    groups = _shared_groups(comparison) + _single_groups(comparison)
    for group in groups:
        group.stances = _stances(group, comparison)
        group.status, group.independent_sources = _status(group, duplicates)
    groups.sort(key=lambda g: ({"disputed": 0, "corroborated": 1}.get(g.status, 2),
                               -g.independent_sources))
    comparison.claim_groups = groups
    return groups


def _shared_groups(comparison: Comparison) -> list[ClaimGroup]:
    out = []
    by_text = _claims_by_sentence(comparison.extractions)
    for shared in comparison.shared:
        claims = [by_text[(aid, text)] for aid, text in shared.evidence.items()
                  if (aid, text) in by_text]
        if not claims:
            continue
        out.append(ClaimGroup(_group_id(claims), shared.text, claims))
    return out


def _single_groups(comparison: Comparison) -> list[ClaimGroup]:
    by_text = _claims_by_sentence(comparison.extractions)
    out = []
    for aid, texts in comparison.unique.items():
        claims = sorted((by_text[(aid, t)] for t in texts if (aid, t) in by_text),
                        key=lambda c: -c.checkworthiness)
        for claim in claims[:MAX_SINGLE_SOURCE_CLAIMS]:
            if claim.checkworthiness >= MIN_SINGLE_CHECKWORTHINESS:
                out.append(ClaimGroup(_group_id([claim]), claim.text, [claim]))
    return out


def _claims_by_sentence(extractions: Mapping[str, Extraction]) -> dict[tuple[str, str], Claim]:
    return {(aid, c.text): c for aid, ext in extractions.items() for c in ext.claims}


def _group_id(claims: Sequence[Claim]) -> str:
    return stable_id(*sorted(c.id for c in claims))


def _stances(group: ClaimGroup, comparison: Comparison) -> list[Stance]:
    makers = {c.article_id: c.text for c in group.claims}
    disputes = _disputes(group, comparison)
    out = []
    for article in comparison.articles:
        if article.id in makers:
            out.append(Stance(article.id, group.id, "agree", 1.0, makers[article.id]))
        elif article.id in disputes:
            out.append(Stance(article.id, group.id, "disagree", 1.0, disputes[article.id]))
        else:
            out.append(_model_stance(group, article, comparison.extractions[article.id]))
    return out


def _disputes(group: ClaimGroup, comparison: Comparison) -> dict[str, str]:
    """Articles whose sentence conflicts (negation, number, date) with one of the claims."""
    texts = {c.text for c in group.claims}
    out = {}
    for d in comparison.discrepancies:
        if d.kind not in ("negation", "number", "date", "claim"):
            continue
        if texts & set(d.evidence.values()):
            for aid, sentence in d.evidence.items():
                if sentence not in texts:
                    out[aid] = sentence
    return out


def _model_stance(group: ClaimGroup, article: Article, extraction: Extraction) -> Stance:
    sentences = [s.text for s in extraction.sentences]
    try:
        from corroborator.stance import stance_with_evidence
    except ImportError:
        return Stance(article.id, group.id, "unrelated", 0.0, None)
    if not sentences:
        return Stance(article.id, group.id, "unrelated", 0.0, None)
    label, score, evidence = stance_with_evidence(group.text, sentences)
    if label in ("agree", "disagree") and score < STANCE_MIN_CONFIDENCE:
        label = "discuss"
    return Stance(article.id, group.id, label, round(float(score), 3),
                  evidence if label != "unrelated" else None)


def _status(group: ClaimGroup, duplicates: Mapping[str, str]) -> tuple[str, int]:
    agree = {_source_key(s.article_id, group, duplicates) for s in group.stances
             if s.label == "agree"}
    if any(s.label == "disagree" for s in group.stances):
        return "disputed", len(agree)
    if len(agree) >= 2:
        return "corroborated", len(agree)
    return "single-source", max(1, len(agree))


def _source_key(article_id: str, group: ClaimGroup, duplicates: Mapping[str, str]) -> str:
    """One key per independent source: a copy maps to its original; an article that
    attributes the claim to an anonymous or wire source keeps that source's identity."""
    root = duplicates.get(article_id, article_id)
    claim = next((c for c in group.claims if c.article_id == article_id), None)
    if claim and claim.attribution.kind in ("wire", "anonymous") and claim.attribution.source:
        return f"{claim.attribution.kind}:{claim.attribution.source.casefold()}"
    return root


def _stance_model_name() -> str:
    try:
        from corroborator.stance import get_stance_model

        return get_stance_model().name
    except (ImportError, OSError):
        return "rules"


def corroborate_articles(articles: Sequence[Article],
                         extractions: Mapping[str, Extraction]) -> Comparison:
    """Claim groups for articles outside any store (used by `compare`)."""
    comparison = compare_extracted(list(articles), dict(extractions), get_embedder("fast"))
    claim_groups(comparison)
    return comparison
