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

from corroborator.align import NEGATION, PREDICATE_CONCEPTS, negates
from corroborator.align.lexical import concepts
from corroborator.compare import Comparison, compare_extracted
from corroborator.discrepancies import DISPUTE_CUES
from corroborator.embed import get_embedder
from corroborator.models import (
    Claim,
    ClaimGroup,
    Discrepancy,
    Extraction,
    Stance,
    stable_id,
)
from corroborator.store import Store

MAX_SINGLE_SOURCE_CLAIMS = 6     # per article: its most check-worthy unshared claims
MAX_GROUPS = 80                  # per story: shared claims first, then single-source ones
MIN_SINGLE_CHECKWORTHINESS = 0.15
STANCE_MIN_CONFIDENCE = 0.45
EVIDENCE_STRONG_SHARED = 4       # shared concepts for the model's agree/disagree to stand
EVIDENCE_WEAK_SHARED = 2         # below this the article is unrelated to the claim


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
    duplicates = duplicates if duplicates is not None else comparison.duplicates
    singles = sorted(_single_groups(comparison), key=lambda g: -g.claims[0].checkworthiness)
    groups = _merge_same_text(_shared_groups(comparison) + singles)
    groups = groups[:MAX_GROUPS]
    model_stances = _model_stances(groups, comparison)
    for group in groups:
        group.stances = _stances(group, comparison, model_stances)
        group.status, group.independent_sources = _status(group, duplicates)
        if _values_conflict_within(group, comparison):
            group.status = "disputed"
    comparison.discrepancies.extend(_claim_conflicts(groups, comparison))
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
        out.append(ClaimGroup(_group_id(claims), representative(claims), claims))
    return out


def _merge_same_text(groups: list[ClaimGroup]) -> list[ClaimGroup]:
    """One group per representative sentence: statements that share their shortest
    sentence are the same claim."""
    by_text: dict[str, ClaimGroup] = {}
    for group in groups:
        if group.text not in by_text:
            by_text[group.text] = group
            continue
        kept = by_text[group.text]
        have = {c.id for c in kept.claims}
        kept.claims.extend(c for c in group.claims if c.id not in have)
    for group in by_text.values():
        group.id = _group_id(group.claims)
    return list(by_text.values())


def representative(claims: Sequence[Claim]) -> str:
    """The claim that shares most concepts with the others (the group's centre); shorter
    wins ties, so a long sentence stating several facts rarely speaks for the group."""
    def centrality(claim: Claim) -> tuple[int, int]:
        mine = concepts(claim.text)
        return (sum(len(mine & concepts(o.text)) for o in claims if o is not claim),
                -len(claim.text))

    return max(claims, key=centrality).text


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


def _stances(group: ClaimGroup, comparison: Comparison,
             model_stances: Mapping[tuple[str, str], Stance]) -> list[Stance]:
    makers = {c.article_id: c.text for c in group.claims}
    disputes = _disputes(group, comparison)
    out = []
    for article in comparison.articles:
        if article.id in makers:
            out.append(Stance(article.id, group.id, "agree", 1.0, makers[article.id]))
        elif article.id in disputes:
            out.append(Stance(article.id, group.id, "disagree", 1.0, disputes[article.id]))
        else:
            out.append(model_stances.get((group.id, article.id))
                       or Stance(article.id, group.id, "unrelated", 0.0, None))
    return out


def _disputes(group: ClaimGroup, comparison: Comparison) -> dict[str, str]:
    """Articles whose sentence conflicts with one of the group's claims.

    A negation discrepancy sets its denier (first article) against everyone it denies:
    if the group is the denial, the others disagree with it; if the group is one of the
    denied statements, only the denier disagrees. Number and date conflicts set the other
    side of the conflict against the group.
    """
    texts = {c.text for c in group.claims}
    out = {}
    for d in comparison.discrepancies:
        if d.kind not in ("negation", "number", "date") or not texts & set(d.evidence.values()):
            continue
        sides = d.evidence.items()
        if d.kind == "negation":
            denier = d.articles[0]
            sides = ([(a, t) for a, t in sides if a != denier] if d.evidence[denier] in texts
                     else [(denier, d.evidence[denier])])
        for aid, sentence in sides:
            if sentence not in texts:
                out[aid] = sentence
    return out


def _claim_conflicts(groups: Sequence[ClaimGroup], comparison: Comparison) -> list[Discrepancy]:
    """A ``claim`` discrepancy for each group an article contradicts by the stance model
    alone (conflicts already shown as negation, number or date are not repeated)."""
    shown = {text for d in comparison.discrepancies for text in d.evidence.values()}
    names = {a.id: a.outlet or a.title or a.id for a in comparison.articles}
    out = []
    for group in groups:
        against = [s for s in group.stances if s.label == "disagree" and s.evidence
                   and s.evidence not in shown and s.score < 1.0]
        if not against:
            continue
        claim = group.claims[0]
        evidence = {claim.article_id: claim.text} | {s.article_id: s.evidence for s in against}
        who = ", ".join(dict.fromkeys(names[s.article_id] for s in against))
        out.append(Discrepancy(
            "claim", f"{who} contradicts the claim made by {names[claim.article_id]}",
            [claim.text, *[s.evidence for s in against]], list(evidence), evidence))
    return out


def _values_conflict_within(group: ClaimGroup, comparison: Comparison) -> bool:
    """True when two of the group's own claims give different numbers or dates."""
    texts = {c.text for c in group.claims}
    return any(d.kind in ("number", "date") and len(texts & set(d.evidence.values())) >= 2
               for d in comparison.discrepancies)


def _model_stances(groups: Sequence[ClaimGroup],
                   comparison: Comparison) -> dict[tuple[str, str], Stance]:
    """The trained model's stance for every (group, non-making article) pair, in one batch.

    Pairs whose article has no sentence sharing enough concepts with the claim are
    unrelated without asking the model. The model judges a whole body; an ``agree`` or
    ``disagree`` whose best sentence barely touches the claim becomes ``discuss``, and a
    ``disagree`` also needs a sentence that negates or disputes.
    """
    jobs = []
    for group in groups:
        makers = {c.article_id for c in group.claims}
        for article in comparison.articles:
            sentences = [s.text for s in comparison.extractions[article.id].sentences]
            if article.id in makers or not sentences:
                continue
            evidence, shared = _best_evidence(group.text, sentences)
            if shared >= EVIDENCE_WEAK_SHARED:
                jobs.append((group, article.id, sentences, evidence, shared))
    if not jobs:
        return {}
    from corroborator.stance import get_stance_model

    predictions = get_stance_model().predict_sentences([(g.text, s) for g, _, s, _, _ in jobs])
    out = {}
    for (group, article_id, _, evidence, shared), pred in zip(jobs, predictions, strict=True):
        label, score = pred.label, pred.probs[pred.label]
        if label in ("agree", "disagree") and (shared < EVIDENCE_STRONG_SHARED
                                               or score < STANCE_MIN_CONFIDENCE):
            label = "discuss"
        if label == "disagree" and not _contradicts(group.text, evidence):
            label = "discuss"
        out[(group.id, article_id)] = Stance(article_id, group.id, label, round(float(score), 3),
                                             evidence if label != "unrelated" else None)
    return out


def _contradicts(claim: str, evidence: str) -> bool:
    """The evidence negates one of the claim's predicates, or disputes the claim outright."""
    predicates = concepts(claim) & concepts(evidence) & PREDICATE_CONCEPTS
    return bool(predicates and negates(evidence, predicates)) or bool(
        DISPUTE_CUES.search(evidence))


def _best_evidence(claim: str, sentences: Sequence[str]) -> tuple[str, int]:
    """The sentence sharing most concepts with the claim (a negating one wins ties)."""
    wanted = concepts(claim)
    scored = [(len(wanted & concepts(s)), bool(NEGATION.search(s)), -i, s)
              for i, s in enumerate(sentences)]
    best = max(scored)
    return best[3], best[0]


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
