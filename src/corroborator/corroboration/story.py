"""Corroboration: claim groups across a story's articles, each article's verdict, a status.

The path is align → infer → corroborate, folded over a story's articles in arrival order
(:mod:`corroborator.corroboration.fold`): each new article is aligned with the earlier articles
nearest to it, joins the claim groups its sentences state and opens groups for its own
check-worthy claims; :mod:`corroborator.corroboration.judgement` then picks the sentences most likely to
speak to a claim, runs the inference model on them and reads attribution, quantity and
date cues, giving agree / disagree / discuss / unrelated with a calibrated probability and
the evidence sentence. A story's fold state is stored, so an article joining a story costs
the same whatever the story's size, and batches end where one run ends.

Status: ``disputed`` when an independent source disagrees with probability at least the
verdict model's dispute threshold; ``unclear`` when a weaker dispute, or a conflict the
rules found but the model does not confirm, stands against it; ``corroborated`` when two
or more independent sources agree (a syndicated copy counts with its original, once);
else ``single-source``.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from corroborator.align.lexical import concepts
from corroborator.corroboration.fold import (
    Loader,
    StoryState,
    add_article,
    discrepancies,
    is_claim_text,
    load_state,
    representative,
    state_key,
    with_silent,
)
from corroborator.corroboration.judgement import (
    RULE_REASON,
    ClaimView,
    Verdict,
    get_verdict_model,
    judge,
    view_article,
)
from corroborator.corroboration.result import (
    MAX_ALIGNED_SENTENCES,
    Comparison,
    SharedStatement,
    asserted_claim,
    shared_quotes,
)
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

__all__ = ["check_claim", "corroborate_articles", "corroborate_story", "is_claim_text",
           "model_name", "representative"]

# Hand-set, not calibrated: how far an explicit rule finding is trusted as a dispute.
RULE_DISPUTE_PROBABILITY = {"negation": 0.6, "number": 0.7, "date": 0.7}
STATUS_ORDER = {"disputed": 0, "corroborated": 1, "unclear": 2, "single-source": 3}
WEAK_DISPUTE = "too weak to dispute the claim"
WEAK_AGREEMENT = "too weak to corroborate the claim"
LOADED_ARTICLES = 64     # extractions kept in memory while a story is folded


@dataclass
class Changes:
    """What one corroboration run changed in a stored story (for an incremental save)."""

    removed: list[str]           # group ids that no longer exist (rewritten under new ids)
    changed: list[str]           # groups written (as a difference from the stored rows)
    new_articles: list[str]      # whose stances on the other groups are added
    renamed: dict[str, str] = field(default_factory=dict)   # old id → new id, same group


def corroborate_story(store: Store, story_id: str) -> list[ClaimGroup]:
    """Bring one story's claim groups, stances and discrepancies up to date and store them.

    The story's stored fold state is continued with the articles that joined since; when
    there is none, or the earlier articles changed (order, duplicate links, extractor or
    model version), the story is folded from its first article.
    """
    from corroborator.extract import EXTRACTOR_VERSION

    story = store.get_story(story_id)
    model = model_name()
    key = state_key(model, EXTRACTOR_VERSION)
    duplicates = store.duplicates_of(story.article_ids)
    state = load_state(store.load_story_state(story.id), key)
    fresh = state is None or not _continues(state, story.article_ids, duplicates)
    if fresh:
        state = StoryState(key)
    before = [g.id for g in state.groups]
    new_ids = story.article_ids[len(state.article_ids):]
    load = _store_loader(store)
    embedder = get_embedder("fast")
    for aid in new_ids:
        article, extraction = load(aid)
        add_article(state, article, extraction, _encode(embedder, extraction), load)
    state.duplicates = {a: duplicates[a] for a in state.article_ids if a in duplicates}
    groups, found, changed = finish(state, duplicates, new_ids)
    ids = [g.id for g in state.groups]
    renamed = {before[i]: ids[i] for i in sorted(changed)
               if i < len(before) and before[i] != ids[i]}
    changes = None if fresh else Changes(
        removed=list(renamed), changed=[ids[i] for i in sorted(changed)],
        new_articles=new_ids, renamed=renamed)
    store.save_corroboration(story.id, groups, found, model, state=state.parts(),
                             changes=changes)
    return groups


def _continues(state: StoryState, article_ids: Sequence[str],
               duplicates: Mapping[str, str]) -> bool:
    """The stored fold covers a prefix of the story, with the same duplicate links."""
    done = state.article_ids
    if list(article_ids[:len(done)]) != done:
        return False
    return getattr(state, "duplicates", {}) == {a: duplicates[a] for a in done
                                                if a in duplicates}


def _store_loader(store: Store) -> Loader:
    cache: OrderedDict[str, tuple[Article, Extraction]] = OrderedDict()

    def load(aid: str) -> tuple[Article, Extraction]:
        if aid in cache:
            cache.move_to_end(aid)
            return cache[aid]
        cache[aid] = (store.get_article(aid), store.load_extraction(aid))
        if len(cache) > LOADED_ARTICLES:
            cache.popitem(last=False)
        return cache[aid]

    return load


def _encode(embedder: Embedder, extraction: Extraction) -> np.ndarray:
    texts = [s.text for s in extraction.sentences[:MAX_ALIGNED_SENTENCES]]
    return embedder.encode(texts) if texts else np.zeros((0, embedder.dim), np.float32)


def corroborate_articles(articles: Sequence[Article], extractions: dict[str, Extraction],
                         embedder: Embedder,
                         duplicates: Mapping[str, str] | None = None) -> Comparison:
    """Align, infer and corroborate already-extracted articles in one call (the fold of
    a story, in the given order, without a store)."""
    from corroborator.dedupe import copies_among
    from corroborator.extract import EXTRACTOR_VERSION, canonicalize
    from corroborator.signals import describe

    duplicates = dict(duplicates) if duplicates is not None else copies_among(articles)
    by_id = {a.id: a for a in articles}
    state = StoryState(state_key(model_name(), EXTRACTOR_VERSION))

    def load(aid: str) -> tuple[Article, Extraction]:
        return by_id[aid], extractions[aid]

    for a in articles:
        ext = extractions[a.id]
        if len(ext.sentences) > MAX_ALIGNED_SENTENCES:
            ext.warnings.append(
                f"only the first {MAX_ALIGNED_SENTENCES} of {len(ext.sentences)} sentences "
                "were compared with other articles")
        add_article(state, a, ext, _encode(embedder, ext), load)
    groups, found, _ = finish(state, duplicates)
    entities = canonicalize([e for a in articles for e in extractions[a.id].entities])
    shared = _shared_statements(groups, state)
    return Comparison(
        articles=list(articles), extractions=extractions, shared=shared,
        unique=_unique(articles, extractions, shared),
        quotes=shared_quotes(articles, extractions, entities),
        entities=[e for e in entities if e.label in ("PERSON", "ORG", "GPE", "LOC")],
        discrepancies=found,
        signals={a.id: describe(extractions[a.id], a.title) for a in articles},
        claim_groups=groups, duplicates=duplicates)


def model_name() -> str:
    """The name of the verdict stack, stored with each story's corroboration."""
    from corroborator.corroboration.inference import MODEL_DIR, nli_available

    nli = "nli-missing"
    if nli_available():
        import json

        nli = json.loads((MODEL_DIR / "meta.json").read_text()).get("name", "nli")
    return f"{get_verdict_model().name}+{nli}"


def finish(state: StoryState, duplicates: Mapping[str, str],
           new_articles: Sequence[str] = ()
           ) -> tuple[list[ClaimGroup], list[Discrepancy], set[int]]:
    """Statuses, ids and discrepancies of the story as the fold state now stands: returns
    the ranked groups, the story's discrepancies and the positions of the groups that
    differ from what was last returned. The state keeps the verdicts only; statuses and
    rule disputes are derived afresh on copies each time, so the result does not depend
    on how the articles were split into runs. A changed group carries a stance for every
    article of the story; the others for `new_articles` (``unrelated`` where none was
    judged)."""
    model = get_verdict_model()
    groups = [_copy(g) for g in state.groups]
    for group in groups:
        group.status, group.independent_sources = _status(group, duplicates, model)
    found = discrepancies(state)
    _reconcile(groups, found)
    for kept, group in zip(state.groups, groups, strict=True):
        kept.id = group.id = _group_id(group.claims)
        for stance in group.stances:
            stance.claim_group = group.id
    found.extend(_claim_conflicts(groups, found, state.outlets))
    changed = set()
    for position, group in enumerate(groups):
        mark = _fingerprint(group)
        if state.written.get(position) != mark:
            changed.add(position)
            state.written[position] = mark
    everyone = {a: i for i, a in enumerate(state.article_ids)}
    new = {a: i for i, a in enumerate(new_articles)}
    out = [with_silent(g, state.article_ids, everyone) if i in changed
           else with_silent(g, new_articles, new) for i, g in enumerate(groups)]
    return sorted(out, key=_rank), found, changed


def _copy(group: ClaimGroup) -> ClaimGroup:
    """A copy whose stances (and their reasons) can be edited; as ``replace(s,
    reasons=list(s.reasons))`` for each stance, without its per-call field lookup."""
    return ClaimGroup(group.id, group.text, list(group.claims),
                      [Stance(s.article_id, s.claim_group, s.label, s.score, s.evidence,
                              list(s.reasons), s.probabilities) for s in group.stances])


def _fingerprint(group: ClaimGroup) -> str:
    """What a stored group shows, as a short hash (stable across processes)."""
    shown = (group.id, group.text, group.status, group.independent_sources,
             sorted((s.article_id, s.label, s.score, s.evidence or "") for s in group.stances))
    return hashlib.sha1(repr(shown).encode()).hexdigest()[:16]


def _rank(group: ClaimGroup) -> tuple:
    against = max((s.score for s in group.stances if s.label == "disagree"), default=0.0)
    worth = max((c.checkworthiness for c in group.claims), default=0.0)
    return (STATUS_ORDER.get(group.status, 4), -(against * (0.5 + worth)),
            -group.independent_sources, -worth, group.id)


def _group_id(claims: Sequence[Claim]) -> str:
    """Order-independent and unique per set of claims."""
    return stable_id(*sorted({c.id for c in claims}))


def _shared_statements(groups: Sequence[ClaimGroup], state: StoryState) -> list[SharedStatement]:
    """The groups two or more articles state, as the comparison's shared statements."""
    out = []
    for group in groups:
        agreeing = {s.article_id for s in group.stances if s.label == "agree"}
        evidence = {c.article_id: c.text for c in group.claims if c.article_id in agreeing}
        if len(evidence) < 2:
            continue
        rows = [state.row_of(c.article_id, c.sentence_index) for c in group.claims
                if c.article_id in agreeing]
        rows = [r for r in rows if r is not None]
        sims = [float(a @ b) for i, a in enumerate(rows) for b in rows[i + 1:]]
        common = frozenset.intersection(*(concepts(t) for t in evidence.values()))
        out.append(SharedStatement(min(evidence.values(), key=len), list(evidence), evidence,
                                   round(max(sims, default=0.0), 3), sorted(common)))
    out.sort(key=lambda s: (-len(s.articles), -s.similarity))
    return out


def _unique(articles: Sequence[Article], extractions: Mapping[str, Extraction],
            shared: Sequence[SharedStatement]) -> dict[str, list[str]]:
    used = {(aid, text) for s in shared for aid, text in s.evidence.items()}
    return {a.id: [c.text for c in extractions[a.id].claims if (a.id, c.text) not in used]
            for a in articles}


# ---------------------------------------------------------------- status


def _status(group: ClaimGroup, duplicates: Mapping[str, str], model) -> tuple[str, int]:
    """Disputed from the model's status threshold; a weaker dispute leaves it unclear
    (its disagreeing stances are shown as discussing, marked :data:`WEAK_DISPUTE`). An
    article that does not make the claim corroborates it only from the model's
    corroboration threshold (weaker agreement is shown as discussion, marked
    :data:`WEAK_AGREEMENT`). The
    result depends on the stances alone, not on earlier calls: a stance shown as
    discussing becomes a dispute again once the group is disputed."""
    for s in group.stances:
        if WEAK_DISPUTE in s.reasons:
            s.label = "disagree"
            s.reasons = [r for r in s.reasons if r != WEAK_DISPUTE]
        if WEAK_AGREEMENT in s.reasons:
            s.label = "agree"
            s.reasons = [r for r in s.reasons if r != WEAK_AGREEMENT]
    makers = {c.article_id for c in group.claims}
    for s in group.stances:
        if (s.label == "agree" and s.article_id not in makers
                and s.probabilities.get("agree", 1.0) < model.corroborate_threshold):
            s.label = "discuss"
            s.reasons = [*s.reasons, WEAK_AGREEMENT]
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
            s.reasons = [*s.reasons, WEAK_DISPUTE]
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


def _reconcile(groups: Sequence[ClaimGroup], found: Sequence[Discrepancy]) -> set[int]:
    """Statuses and discrepancies never contradict each other. A negation, number or date
    discrepancy is an explicit finding of the rules (one side negates a predicate both
    sentences share, or gives an incompatible figure for the same thing): the article on
    the other side disputes the group whose claim it names, with at least the rule's
    probability (the strongest rule that applies), and the group is disputed. Returns the
    positions of the groups changed; running it again changes nothing."""
    changed: set[int] = set()
    by_text: dict[str, set[int]] = {}
    for position, group in enumerate(groups):
        for claim in group.claims:
            by_text.setdefault(claim.text, set()).add(position)
    seen: dict[int, _Indexed] = {}   # each named group's stances by article, made once
    for d in found:
        if d.kind not in RULE_DISPUTE_PROBABILITY:
            continue
        texts = set(d.evidence.values())
        reason = f"{d.kind} discrepancy"
        named = set().union(*(by_text.get(t, set()) for t in texts))
        for position in sorted(named):
            group = groups[position]
            if position not in seen:
                seen[position] = _Indexed(group)
            indexed = seen[position]
            others = {aid: t for aid, t in d.evidence.items() if t not in indexed.texts}
            for aid in others:
                if aid not in indexed.by_article:
                    stance = Stance(aid, group.id, "unrelated", 1.0, None)
                    group.stances.append(stance)
                    indexed.by_article[aid] = [stance]
            for stance in (s for aid in others for s in indexed.by_article[aid]):
                if stance.label == "agree":
                    continue
                before = (stance.label, stance.evidence, stance.score)
                stance.label = "disagree"
                stance.reasons = [r for r in stance.reasons if r != WEAK_DISPUTE]
                stance.evidence = others[stance.article_id]
                if reason not in stance.reasons:
                    stance.reasons = [*stance.reasons, reason]
                stance.score = max([stance.probabilities.get("disagree", 0.0)]
                                   + [p for kind, p in RULE_DISPUTE_PROBABILITY.items()
                                      if f"{kind} discrepancy" in stance.reasons])
                if before != (stance.label, stance.evidence, stance.score):
                    changed.add(position)
                indexed.disputed = True
            if indexed.disputed and group.status != "disputed":
                group.status = "disputed"
                changed.add(position)
    return changed


class _Indexed:
    """A group's claim texts, its stances by article and whether one disagrees (the
    stances :func:`_reconcile` edits are found here instead of by a scan per finding)."""

    def __init__(self, group: ClaimGroup) -> None:
        self.texts = {c.text for c in group.claims}
        self.by_article: dict[str, list[Stance]] = {}
        for s in group.stances:
            self.by_article.setdefault(s.article_id, []).append(s)
        self.disputed = any(s.label == "disagree" for s in group.stances)


def _claim_conflicts(groups: Sequence[ClaimGroup], found: Sequence[Discrepancy],
                     names: Mapping[str, str]) -> list[Discrepancy]:
    """A ``claim`` discrepancy for each group an article disputes (conflicts already shown
    as negation, number or date discrepancies are not repeated); `names` maps each article
    to its display name, in story order."""
    shown = {text for d in found for text in d.evidence.values()}
    order = {aid: i for i, aid in enumerate(names)}
    out = []
    for group in sorted(groups, key=_rank):
        against = sorted((s for s in group.stances if s.label == "disagree" and s.evidence
                          and s.evidence not in shown), key=lambda s: order.get(s.article_id, -1))
        claim = asserted_claim(group)
        if not against or claim is None:
            continue
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
