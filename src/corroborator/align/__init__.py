"""Sentence alignment across articles: which sentences state the same thing.

Two sentences are *the same statement* when their embeddings are close and they share
enough content concepts (see :mod:`corroborator.align.lexical`), as mutual best matches.
Pairs that are clearly about the same thing but differ in polarity, numbers or dates are
kept as *conflicts* for the discrepancy stage. Every threshold is a named constant.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from corroborator.align.lexical import PREDICATES, concept, concepts
from corroborator.corroboration.quantities import quantity_conflict, same_time_frame
from corroborator.models import Mention, Sentence

SAME_COSINE = 0.80            # near-paraphrase on its own
SAME_MIN_COSINE = 0.50        # below this, never "the same statement"
SAME_MIN_SHARED = 3           # shared content concepts needed
SAME_MIN_SCORE = 0.80         # cosine + OVERLAP_WEIGHT * idf-weighted concept overlap
OVERLAP_WEIGHT = 0.35
CANDIDATES = 4                # nearest sentences per sentence whose concept overlap is scored
EVENT_MIN_SHARED = 6          # the same event told differently: many shared concepts...
EVENT_MIN_COSINE = 0.55       # ...a predicate among them, and a moderate cosine
NEGATION_WINDOW = 5           # tokens before a predicate in which a negation scopes it
DENIAL_WINDOW = 8             # tokens before a predicate in which a denial verb governs it
CONFLICT_MIN_SHARED = 3       # shared concepts (incl. a predicate) for a negation conflict
CONFLICT_MIN_COSINE = 0.50
CONFLICT_CLOSE_COSINE = 0.60  # ...or only two shared concepts when this close
PREDICATE_CONCEPTS = PREDICATES

REFUTED = re.compile(r"\b(not (?:accurate|true|correct)|untrue|inaccurate|incorrect|false|"
                     r"baseless|unfounded|wrong)\b", re.IGNORECASE)
_TOKENS = re.compile(r"[A-Za-z][A-Za-z.'’\-]*|\d[\d,.]*")
NEGATION = re.compile(
    r"\b(not|no|never|neither|nor|cannot|can't|couldn't|didn't|doesn't|don't|won't|wasn't|"
    r"weren't|isn't|aren't|hasn't|haven't|unable|without|denied|denies|deny|refused|"
    r"rejected|dismissed|false|unsigned|no longer)\b|n't\b",
    re.IGNORECASE,
)


@dataclass
class Unit:
    """A sentence prepared for alignment."""

    sentence: Sentence
    concepts: frozenset[str]
    negated: bool
    mentions: list[Mention] = field(default_factory=list)


@dataclass
class Pair:
    """Two aligned sentences from two articles and why they were aligned."""

    a: Unit
    b: Unit
    cosine: float
    shared: frozenset[str]
    relation: str = "same"   # same | negation | number | date
    score: float = 0.0


def make_units(sentences: Sequence[Sentence], mentions: Sequence[Mention] = ()) -> list[Unit]:
    """Wrap sentences with their concepts, polarity and numeric mentions."""
    by_sentence: dict[int, list[Mention]] = {}
    for m in mentions:
        by_sentence.setdefault(m.sentence_index, []).append(m)
    out = []
    for s in sentences:
        found = concepts(s.text)
        negated = bool(NEGATION.search(s.text) or REFUTED.search(s.text)) or "DENY" in found
        out.append(Unit(s, found, negated, by_sentence.get(s.index, [])))
    return out


def concept_weights(units: Sequence[Unit]) -> dict[str, float]:
    """Inverse document frequency of each concept over the sentences being compared."""
    df: dict[str, int] = {}
    for u in units:
        for c in u.concepts:
            df[c] = df.get(c, 0) + 1
    n = len(units) + 1
    return {c: math.log(n / k) + 0.1 for c, k in df.items()}


def align_pair(units_a: Sequence[Unit], units_b: Sequence[Unit], vec_a: np.ndarray,
               vec_b: np.ndarray, weights: dict[str, float] | None = None) -> list[Pair]:
    """Same-statement pairs (mutual best) and conflicting pairs between two articles."""
    if not units_a or not units_b:
        return []
    weights = weights or concept_weights([*units_a, *units_b])
    sims = vec_a @ vec_b.T
    scores = _candidate_scores(units_a, units_b, sims, weights)
    same = _same_pairs(units_a, units_b, sims, scores)
    used = {(p.a.sentence.index, p.b.sentence.index) for p in same}
    conflicts = _conflicts(units_a, units_b, sims, used)
    for pair in same:
        pair.relation = _value_conflict(pair) or "same"
    return same + conflicts


def _candidate_scores(units_a: Sequence[Unit], units_b: Sequence[Unit], sims: np.ndarray,
                      weights: dict[str, float]) -> np.ndarray:
    """Cosine plus weighted concept overlap, computed only for each sentence's
    ``CANDIDATES`` nearest neighbours on the other side (the rest stay -inf), so aligning
    two articles costs O(s_a·s_b) in numpy but only O(k·(s_a+s_b)) set operations."""
    k = min(CANDIDATES, sims.shape[1])
    rows = np.argpartition(-sims, k - 1, axis=1)[:, :k]
    k = min(CANDIDATES, sims.shape[0])
    cols = np.argpartition(-sims, k - 1, axis=0)[:k, :]
    cells = {(i, int(j)) for i, js in enumerate(rows) for j in js}
    cells |= {(int(i), j) for j, is_ in enumerate(cols.T) for i in is_}
    scores = np.full(sims.shape, -np.inf, dtype=np.float32)
    for i, j in cells:
        scores[i, j] = sims[i, j] + OVERLAP_WEIGHT * _weighted_overlap(units_a[i], units_b[j],
                                                                       weights)
    return scores


def _weighted_overlap(a: Unit, b: Unit, weights: dict[str, float]) -> float:
    shared = a.concepts & b.concepts
    if len(shared) < SAME_MIN_SHARED:
        return 0.0
    mass_a = sum(weights.get(c, 0.0) for c in a.concepts)
    mass_b = sum(weights.get(c, 0.0) for c in b.concepts)
    return sum(weights.get(c, 0.0) for c in shared) / (min(mass_a, mass_b) or 1.0)


def _same_pairs(units_a: Sequence[Unit], units_b: Sequence[Unit], sims: np.ndarray,
                scores: np.ndarray) -> list[Pair]:
    """Each sentence's best match on the other side, kept where it passes `_is_same`.

    A long sentence may state several facts, so a sentence can be the best match of more
    than one sentence of the other article.
    """
    candidates = {(i, int(j)) for i, j in enumerate(scores.argmax(axis=1))}
    candidates |= {(int(i), j) for j, i in enumerate(scores.argmax(axis=0))}
    pairs = []
    for i, j in sorted(candidates):
        pair = _pair(units_a[i], units_b[j], float(sims[i, j]))
        pair.score = float(scores[i, j])
        if _is_same(pair) and not _polarity_differs(pair):
            pairs.append(pair)
    return pairs


def _pair(a: Unit, b: Unit, cosine: float) -> Pair:
    return Pair(a, b, cosine, a.concepts & b.concepts)


def _is_same(pair: Pair) -> bool:
    if len(pair.shared) < SAME_MIN_SHARED or pair.cosine < SAME_MIN_COSINE:
        return False
    if pair.cosine >= SAME_COSINE or pair.score >= SAME_MIN_SCORE:
        return True
    return (len(pair.shared) >= EVENT_MIN_SHARED and pair.cosine >= EVENT_MIN_COSINE
            and bool(pair.shared & PREDICATE_CONCEPTS))


def _polarity_differs(pair: Pair) -> bool:
    return not same_polarity(pair.a.sentence.text, pair.b.sentence.text, pair.shared)


def same_polarity(a: str, b: str, shared: frozenset[str] | None = None) -> bool:
    """False when one sentence negates or denies a predicate both sentences share."""
    shared = shared if shared is not None else concepts(a) & concepts(b)
    predicates = shared & PREDICATE_CONCEPTS
    return not predicates or negates(a, predicates) == negates(b, predicates)


def negates(text: str, predicates: frozenset[str] | set[str]) -> bool:
    """True if a negation cue stands a few tokens before one of the predicates, or a
    denial verb governs it ("disputed reports that it will close")."""
    tokens = _TOKENS.findall(text)
    concepts_seen = [concept(t) for t in tokens]
    for i, c in enumerate(concepts_seen):
        if c not in predicates or c == "DENY":
            continue
        window = " ".join(tokens[max(0, i - NEGATION_WINDOW):i + 1])
        if NEGATION.search(window):
            return True
        if "DENY" in concepts_seen[max(0, i - DENIAL_WINDOW):i]:
            return True
        if REFUTED.search(" ".join(tokens[i + 1:i + 1 + DENIAL_WINDOW])):
            return True
    return False


def _conflicts(units_a: Sequence[Unit], units_b: Sequence[Unit], sims: np.ndarray,
               used: set[tuple[int, int]]) -> list[Pair]:
    """Pairs about the same thing where one side negates or denies it. Only sentences
    carrying a negation or denial are examined, which keeps large stories fast."""
    out = []
    for i, j in zip(*np.nonzero(sims >= CONFLICT_MIN_COSINE), strict=True):
        a, b = units_a[i], units_b[j]
        if not (a.negated or b.negated) or (a.sentence.index, b.sentence.index) in used:
            continue
        pair = _pair(a, b, float(sims[i, j]))
        if _related_enough(pair) and _polarity_differs(pair):
            pair.relation = "negation"
            out.append(pair)
    return _best_per_sentence(out)


def _related_enough(pair: Pair) -> bool:
    if pair.cosine < CONFLICT_MIN_COSINE:
        return False
    needed = CONFLICT_MIN_SHARED - 1 if pair.cosine >= CONFLICT_CLOSE_COSINE else CONFLICT_MIN_SHARED
    return len(pair.shared) >= needed


def _best_per_sentence(pairs: list[Pair]) -> list[Pair]:
    """Keep the strongest conflict for each sentence of either side."""
    pairs = sorted(pairs, key=lambda p: (-len(p.shared), -p.cosine))
    seen_a, seen_b, out = set(), set(), []
    for p in pairs:
        if p.a.sentence.index in seen_a or p.b.sentence.index in seen_b:
            continue
        seen_a.add(p.a.sentence.index)
        seen_b.add(p.b.sentence.index)
        out.append(p)
    return out


def _value_conflict(pair: Pair) -> str | None:
    """'number' or 'date' if the two sentences give different values for the same thing."""
    if not same_time_frame(pair.a.sentence.text, pair.b.sentence.text):
        return None
    for kind in ("number", "date"):
        if conflicting_values(pair.a.mentions, pair.b.mentions, kind):
            return kind
    return None


def conflicting_values(a: Sequence[Mention], b: Sequence[Mention],
                       kind: str) -> tuple[Mention, Mention] | None:
    """The first pair of mentions that give incompatible values for one thing: figures
    counting the same thing with disjoint ranges (see :mod:`corroborator.corroboration.quantities`), or
    two different calendar dates."""
    if kind == "number":
        found = quantity_conflict(a, b)
        if found is None:
            return None
        by_text = {m.text: m for m in [*a, *b]}
        return by_text[found[0]], by_text[found[1]]
    for ma in a:
        if ma.kind != "date" or ma.value is None or not _absolute(ma):
            continue
        for mb in b:
            if mb.kind != "date" or mb.value is None or ma.value == mb.value or not _absolute(mb):
                continue
            if not _shares_value(ma, b) and not _shares_value(mb, a):
                return ma, mb
    return None


def _absolute(m: Mention) -> bool:
    """Dates count only when written as a calendar date, not "on Tuesday"."""
    return m.kind != "date" or any(ch.isdigit() for ch in m.text)


def _shares_value(m: Mention, others: Sequence[Mention]) -> bool:
    return any(o.kind == m.kind and o.value == m.value for o in others)
