"""Corroboration: claim groups across a story's articles, each article's verdict, a status.

The path is align → infer → corroborate. :func:`corroborator.comparison.align_articles`
aligns sentences into statements shared by several articles; here each statement, and
each article's most check-worthy statement of its own, becomes a claim group. For every
group and every article that does not make the claim, :mod:`corroborator.verdict` picks
the sentences most likely to speak to it, runs the inference model on them and reads
attribution, quantity and date cues, giving agree / disagree / discuss / unrelated with a
calibrated probability and the evidence sentence.

Status: ``disputed`` when an independent source disagrees with probability at least the
verdict model's dispute threshold; ``unclear`` when a weaker dispute, or a conflict the
rules found but the model does not confirm, stands against it; ``corroborated`` when two
or more independent sources agree (a syndicated copy counts with its original, once);
else ``single-source``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from corroborator.align.lexical import concepts
from corroborator.comparison import Comparison, align_articles, display_name
from corroborator.embed import Embedder, get_embedder
from corroborator.models import (
    Article,
    Claim,
    ClaimGroup,
    Discrepancy,
    Extraction,
    Stance,
    stable_id,
)
from corroborator.store import Store
from corroborator.verdict import (
    DEBUNK,
    HEDGE,
    RULE_REASON,
    ArticleView,
    ClaimView,
    Verdict,
    get_verdict_model,
    judge,
    view_article,
)

MAX_SINGLE_SOURCE_CLAIMS = 6     # per article: its most check-worthy unshared claims
MAX_GROUPS = 80                  # per story: shared claims first, then single-source ones
MIN_SINGLE_CHECKWORTHINESS = 0.02  # the rest of an article is ranked, not cut
INFERENCE_PER_ARTICLE = 12       # candidate sentences per article sent to the inference model
INFERENCE_MAX = 400              # ...and per story at most (the rest: cues and overlap only)
HEDGED_MAKER_PROBABILITY = 0.75  # a claim its own article only reports as hedged
NOT_A_CLAIM = re.compile(
    r"\?\s*$|^\W*(reporting|editing|writing|additional reporting) by\b|pic\.twitter\.com|"
    r"https?://|^\s*[@#]|\b(click here|read more|subscribe|sign up|follow us)\b|"
    r"^\W*\(?(photo|image|video|credit)s?\b",
    re.IGNORECASE)
# Hand-set, not calibrated: how far an explicit rule finding is trusted as a dispute.
RULE_DISPUTE_PROBABILITY = {"negation": 0.6, "number": 0.7, "date": 0.7}
STATUS_ORDER = {"disputed": 0, "corroborated": 1, "unclear": 2, "single-source": 3}


def corroborate_story(store: Store, story_id: str) -> list[ClaimGroup]:
    """Recompute and store one story's claim groups, stances and discrepancies."""
    story = store.get_story(story_id)
    articles = store.get_articles(story.article_ids)
    extractions = {a.id: store.load_extraction(a.id) for a in articles}
    duplicates = store.duplicates_of([a.id for a in articles])
    result = corroborate_articles(articles, extractions, get_embedder("fast"), duplicates)
    store.save_corroboration(story.id, result.claim_groups, result.discrepancies,
                             model_name())
    return result.claim_groups


def corroborate_articles(articles: Sequence[Article], extractions: dict[str, Extraction],
                         embedder: Embedder,
                         duplicates: Mapping[str, str] | None = None) -> Comparison:
    """Align, infer and corroborate already-extracted articles in one call."""
    comparison = align_articles(articles, extractions, embedder)
    claim_groups(comparison, duplicates)
    return comparison


def model_name() -> str:
    """The name of the verdict stack, stored with each story's corroboration."""
    from corroborator.infer import MODEL_DIR, nli_available

    nli = "nli-missing"
    if nli_available():
        import json

        nli = json.loads((MODEL_DIR / "meta.json").read_text()).get("name", "nli")
    return f"{get_verdict_model().name}+{nli}"


def claim_groups(comparison: Comparison,
                 duplicates: Mapping[str, str] | None = None) -> list[ClaimGroup]:
    """Claim groups with verdicts and statuses for an already aligned comparison."""
    duplicates = duplicates if duplicates is not None else comparison.duplicates
    singles = sorted(_single_groups(comparison), key=lambda g: -g.claims[0].checkworthiness)
    groups = _merge_same_text(_shared_groups(comparison) + singles)[:MAX_GROUPS]
    verdicts = _verdicts(groups, comparison)
    model = get_verdict_model()
    for group in groups:
        group.stances = _stances(group, comparison, verdicts)
        group.status, group.independent_sources = _status(group, duplicates, model)
    _reconcile(groups, comparison)
    comparison.discrepancies.extend(_claim_conflicts(groups, comparison))
    groups.sort(key=_rank)
    comparison.claim_groups = groups
    return groups


def _rank(group: ClaimGroup) -> tuple:
    against = max((s.score for s in group.stances if s.label == "disagree"), default=0.0)
    worth = max((c.checkworthiness for c in group.claims), default=0.0)
    return (STATUS_ORDER.get(group.status, 4), -(against * (0.5 + worth)),
            -group.independent_sources, -worth)


def is_claim_text(text: str) -> bool:
    """False for sentences that never stand as an agreed claim: questions, debunking
    sentences, credit lines, links, embedded posts and share prompts."""
    return not NOT_A_CLAIM.search(text) and not DEBUNK.search(text)


# ---------------------------------------------------------------- groups


def _shared_groups(comparison: Comparison) -> list[ClaimGroup]:
    out = []
    by_text = _claims_by_sentence(comparison.extractions)
    for shared in comparison.shared:
        claims = [by_text[(aid, text)] for aid, text in shared.evidence.items()
                  if (aid, text) in by_text and is_claim_text(text)]
        if claims:
            out.append(ClaimGroup(_group_id(claims), representative(claims), claims))
    return out


def _merge_same_text(groups: list[ClaimGroup]) -> list[ClaimGroup]:
    """One group per representative sentence, and one group per set of claims: groups
    that share their representative or any claim are merged."""
    merged: list[ClaimGroup] = []
    for group in groups:
        ids = {c.id for c in group.claims}
        target = next((g for g in merged if g.text == group.text
                       or ids & {c.id for c in g.claims}), None)
        if target is None:
            merged.append(group)
            continue
        have = {c.id for c in target.claims}
        target.claims.extend(c for c in group.claims if c.id not in have)
    for group in merged:
        group.id = _group_id(group.claims)
        group.text = representative(group.claims)
    return merged


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
        claims = [c for c in claims if c.checkworthiness >= MIN_SINGLE_CHECKWORTHINESS
                  and is_claim_text(c.text)]
        out.extend(ClaimGroup(_group_id([c]), c.text, [c])
                   for c in claims[:MAX_SINGLE_SOURCE_CLAIMS])
    return out


def _claims_by_sentence(extractions: Mapping[str, Extraction]) -> dict[tuple[str, str], Claim]:
    return {(aid, c.text): c for aid, ext in extractions.items() for c in ext.claims}


def _group_id(claims: Sequence[Claim]) -> str:
    """Order-independent and unique per set of claims."""
    return stable_id(*sorted({c.id for c in claims}))


# ---------------------------------------------------------------- verdicts


def article_views(comparison: Comparison) -> dict[str, ArticleView]:
    """Each article prepared for judging, from the comparison's own vectors."""
    out = {}
    for a in comparison.articles:
        out[a.id] = view_article(comparison.extractions[a.id], comparison.vectors[a.id])
    return out


def _verdicts(groups: Sequence[ClaimGroup],
              comparison: Comparison) -> dict[tuple[str, str], Verdict]:
    """The verdict of every article that does not make a group's claim, in one batch."""
    views = article_views(comparison)
    jobs, keys = [], []
    for group in groups:
        claim = _claim_view(group, comparison)
        makers = {c.article_id for c in group.claims}
        for article in comparison.articles:
            if article.id not in makers:
                jobs.append((claim, views[article.id]))
                keys.append((group.id, article.id))
    if not jobs:
        return {}
    budget = min(INFERENCE_MAX, INFERENCE_PER_ARTICLE * len(comparison.articles))
    return dict(zip(keys, judge(jobs, budget=budget), strict=True))


def _claim_view(group: ClaimGroup, comparison: Comparison) -> ClaimView:
    claim = next(c for c in group.claims if c.text == group.text)
    ext = comparison.extractions[claim.article_id]
    position = next((i for i, s in enumerate(ext.sentences)
                     if s.index == claim.sentence_index), None)
    vector = comparison.vectors[claim.article_id][position] if position is not None else None
    if vector is None:
        vector = get_embedder("fast").encode([claim.text])[0]
    mentions = [m for m in ext.mentions if m.sentence_index == claim.sentence_index]
    return ClaimView(claim.text, vector, mentions)


def _stances(group: ClaimGroup, comparison: Comparison,
             verdicts: Mapping[tuple[str, str], Verdict]) -> list[Stance]:
    makers = {c.article_id: c.text for c in group.claims}
    out = []
    for article in comparison.articles:
        if article.id in makers:
            text = makers[article.id]
            hedged = bool(HEDGE.search(text))
            out.append(Stance(article.id, group.id, "agree",
                              HEDGED_MAKER_PROBABILITY if hedged else 1.0, text))
            continue
        v = verdicts.get((group.id, article.id))
        if v is None:
            out.append(Stance(article.id, group.id, "unrelated", 1.0, None))
        else:
            out.append(Stance(article.id, group.id, v.label, round(v.probability, 3),
                              v.evidence, reasons=v.reasons,
                              probabilities=v.probabilities))
    return out


def _status(group: ClaimGroup, duplicates: Mapping[str, str], model) -> tuple[str, int]:
    """Disputed from the model's status threshold; a weaker dispute leaves it unclear
    (its disagreeing stances are shown as discussing)."""
    agree = {_source_key(s.article_id, group, duplicates) for s in group.stances
             if s.label == "agree"}
    others = [s for s in group.stances if s.label != "agree"]
    against = max((s.probabilities.get("disagree", 0.0) for s in others), default=0.0)
    ruled = any(s.label == "disagree" and RULE_REASON in s.reasons for s in others)
    if against >= model.status_threshold or ruled:
        return "disputed", len(agree)
    for s in others:
        if s.label == "disagree":
            s.label = "discuss"
    if against >= model.unclear_threshold:
        return "unclear", len(agree)
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


# ---------------------------------------------------------------- consistency


def _reconcile(groups: Sequence[ClaimGroup], comparison: Comparison) -> None:
    """Statuses and discrepancies never contradict each other. A negation, number or date
    discrepancy is an explicit finding of the rules (one side negates a predicate both
    sentences share, or gives an incompatible figure for the same thing): the article on
    the other side disputes the group whose claim it names, with at least the rule's
    probability, and the group is disputed."""
    for d in comparison.discrepancies:
        if d.kind not in RULE_DISPUTE_PROBABILITY:
            continue
        texts = set(d.evidence.values())
        for group in groups:
            mine = {c.text for c in group.claims}
            if not mine & texts:
                continue
            others = {aid: t for aid, t in d.evidence.items() if t not in mine}
            for stance in group.stances:
                if stance.article_id not in others or stance.label == "agree":
                    continue
                stance.label = "disagree"
                stance.evidence = others[stance.article_id]
                stance.score = max(stance.probabilities.get("disagree", 0.0),
                                   RULE_DISPUTE_PROBABILITY[d.kind])
                stance.reasons = [*stance.reasons, f"{d.kind} discrepancy"]
            if any(s.label == "disagree" for s in group.stances):
                group.status = "disputed"


def _claim_conflicts(groups: Sequence[ClaimGroup], comparison: Comparison) -> list[Discrepancy]:
    """A ``claim`` discrepancy for each group an article disputes (conflicts already shown
    as negation, number or date discrepancies are not repeated)."""
    shown = {text for d in comparison.discrepancies for text in d.evidence.values()}
    names = {a.id: display_name(a) for a in comparison.articles}
    out = []
    for group in groups:
        against = [s for s in group.stances if s.label == "disagree" and s.evidence
                   and s.evidence not in shown]
        if not against:
            continue
        claim = next(c for c in group.claims if c.text == group.text)
        evidence = {claim.article_id: claim.text} | {s.article_id: s.evidence for s in against}
        who = ", ".join(dict.fromkeys(names[s.article_id] for s in against))
        why = "; ".join(dict.fromkeys(r for s in against for r in s.reasons)) or "contradicts it"
        out.append(Discrepancy(
            "claim", f"{who} disputes the claim made by {names[claim.article_id]} ({why})",
            [claim.text, *[s.evidence for s in against]], list(evidence), evidence))
    return out


# ---------------------------------------------------------------- one claim


def check_claim(claim: str, articles: Sequence[Article],
                extractions: Mapping[str, Extraction],
                embedder: Embedder | None = None) -> list[tuple[Article, Verdict]]:
    """Each article's verdict on one claim typed by a user.

    An empty claim, one with no content words, or a claim or article not in English (the
    inference model reads English only) gets ``unrelated`` with the reason; a very long
    claim is cut to its first :data:`MAX_CLAIM_CHARS` characters.
    """
    from corroborator.extract.numbers import find_mentions
    from corroborator.ingest.text import detect_language

    claim = " ".join(claim.split())[:MAX_CLAIM_CHARS]
    embedder = embedder or get_embedder("fast")
    view = ClaimView(claim, embedder.encode([claim or "."])[0],
                     find_mentions("claim", claim, 0))
    not_judged = _not_judged(claim, view, detect_language)
    out: list[tuple[Article, Verdict]] = []
    jobs, positions = [], []
    for a in articles:
        reason = not_judged or _not_english(a)
        if reason:
            out.append((a, Verdict("unrelated", 1.0, None, reasons=[reason])))
            continue
        ext = extractions[a.id]
        jobs.append((view, view_article(ext, embedder.encode([s.text for s in ext.sentences]))))
        positions.append(len(out))
        out.append((a, Verdict("unrelated", 1.0, None)))
    for position, verdict in zip(positions, judge(jobs) if jobs else [], strict=True):
        out[position] = (out[position][0], verdict)
    return out


MAX_CLAIM_CHARS = 1000


def _not_judged(claim: str, view: ClaimView, detect) -> str | None:
    if not view.concepts:
        return "the claim has no content words to check"
    language = detect(claim) if len(claim.split()) >= 4 else None
    if language and language != "en":
        return f"the claim is not in English ({language}); not judged"
    return None


def _not_english(article: Article) -> str | None:
    if article.language and article.language != "en":
        return f"the article is not in English ({article.language}); not judged"
    return None
