"""Verdicts: one article's stance toward one claim, with the evidence sentence and a
calibrated probability.

The path is align → infer → verdict: the aligner picks the few sentences of the article
most likely to speak to the claim (recall first), the inference model scores each
(sentence, claim) pair, and explicit rules read what a model of this size misses:

* **attribution**: "X denied Y", "there is no evidence that Y", "Y is a hoax" dispute Y;
  "a hoax report claims Y" or a quoted phony statement is no support for Y; hedged
  support ("reportedly") stays weaker than a direct assertion;
* **quantities**: numbers are compared only when they count the same thing (head noun and
  aspect: a margin is not a gain), with range semantics ("more than 400" conflicts with
  214, "about 200" does not);
* **dates**: a weekday that the stated calendar date does not fall on.

A small logistic model (``train/train_verdict.py``, fitted on FNC-1 *tune* stories)
turns these features into probabilities for agree / disagree / discuss / unrelated.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from corroborator.align import NEGATION, same_polarity
from corroborator.align.lexical import concepts
from corroborator.corroboration.cues import (  # noqa: F401  (re-exported: the rules' vocabulary)
    DEBUNK,
    DENIAL,
    EXPLICIT_DENIAL,
    HEDGE,
    REFUTE,
    REPORT_FRAME,
)
from corroborator.corroboration.quantities import (
    quantity_conflict,
    same_time_frame,
    weekday_conflict,
)
from corroborator.models import Extraction, Mention

MODEL_PATH = Path(__file__).parent.parent / "resources" / "verdict" / "model.json"
STANCES = ("agree", "disagree", "discuss", "unrelated")
CANDIDATES = 3                 # sentences per (claim, article) sent to the inference model
MIN_RELATED_SHARED = 2         # shared concepts for a sentence to be a candidate at all...
MIN_RELATED_COSINE = 0.45      # ...or this cosine

EXPLICIT_MIN_SHARED = 0.5      # of the claim's concepts, for an explicit denial to count
RULE_DENIAL_PROBABILITY = 0.6  # hand-set, not calibrated: an explicit denial of the claim
RULE_REASON = "explicitly denies or debunks it"



@dataclass
class Cue:
    """What the rules read in one evidence sentence relative to the claim."""

    debunk: bool = False       # calls the content a hoax, false, fake...
    denial: bool = False       # a denial verb or a negated predicate
    reported: bool = False     # reports a claim without asserting it ("a report claims")
    hedged: bool = False
    polarity_flip: bool = False
    explicit: bool = False     # an explicit denial or debunk ("denied", "a hoax")
    quantity: tuple[str, str] | None = None   # conflicting figures (claim's, evidence's)
    weekday: tuple[str, str] | None = None
    next_rejects: bool = False  # the sentence after it calls it false or denies it
    framed: bool = False        # the article's title calls what it reports false or a hoax
    opposite: tuple[str, str] | None = None   # opposite predicates ("continue", "discontinue")

    @property
    def conflict(self) -> bool:
        return bool(self.quantity or self.weekday)

    @property
    def rejects(self) -> bool:
        """The sentence, or the one right after it, rejects what it restates."""
        return self.debunk or self.denial or self.next_rejects or bool(self.opposite)

    def reasons(self) -> list[str]:
        out = []
        if self.debunk:
            out.append("calls it false or a hoax")
        if self.denial:
            out.append("denies or negates it")
        if self.polarity_flip:
            out.append("states the opposite")
        if self.opposite:
            out.append(f"says the opposite ({self.opposite[1]} vs {self.opposite[0]})")
        if self.next_rejects:
            out.append("restates it, then rejects it in the next sentence")
        if self.framed:
            out.append("under a headline that calls it false")
        if self.reported and not (self.debunk or self.denial):
            out.append("reports the claim without asserting it")
        if self.quantity:
            out.append(f"gives a different figure ({self.quantity[0]} vs {self.quantity[1]})")
        if self.weekday:
            out.append(f"gives a different day ({self.weekday[0]} vs {self.weekday[1]})")
        if self.hedged:
            out.append("hedged")
        return out


@dataclass
class Candidate:
    """One sentence of the article that may speak to the claim."""

    index: int
    text: str
    cosine: float
    shared: float                     # fraction of the claim's concepts it shares
    probs: tuple[float, float, float] = (0.0, 1.0, 0.0)   # entailment, neutral, contradiction
    cue: Cue = field(default_factory=Cue)
    after: str = ""                   # the next sentence, kept when it rejects this one

    def evidence(self, label: str) -> str:
        """The text shown as evidence: with the rejecting next sentence for a dispute."""
        if label in ("disagree", "discuss") and self.cue.next_rejects and self.after:
            return f"{self.text} {self.after}"
        return self.text


@dataclass
class Verdict:
    """An article's stance toward a claim: label, calibrated probability, evidence."""

    label: str
    probability: float
    evidence: str | None
    probabilities: dict[str, float] = field(default_factory=dict)
    reasons: list[str] = field(default_factory=list)


# ---------------------------------------------------------------- rules


def read_cues(claim: str, evidence: str, claim_mentions: Sequence[Mention] = (),
              evidence_mentions: Sequence[Mention] = (), rules: bool = True) -> Cue:
    """The attribution, polarity and value cues of `evidence` relative to `claim`; without
    `rules`, only the words of each text (see :func:`read_rules` for the rest)."""
    c, e = _text_cues(claim), _text_cues(evidence)
    cue = Cue(
        debunk=e.debunk and not c.debunk,
        denial=e.denial and not c.denial,
        reported=e.reported and not c.reported,
        hedged=e.hedged,
        explicit=e.explicit and not c.explicit,
    )
    if rules:
        read_rules(cue, claim, evidence, claim_mentions, evidence_mentions)
    return cue


def read_rules(cue: Cue, claim: str, evidence: str, claim_mentions: Sequence[Mention] = (),
               evidence_mentions: Sequence[Mention] = ()) -> None:
    """Set the cues that compare the two texts: polarity, figures, days, opposites."""
    cue.polarity_flip = not _same_polarity(claim, evidence)
    cue.quantity = (quantity_conflict(claim_mentions, evidence_mentions)
                    if same_time_frame(claim, evidence) else None)
    cue.weekday = weekday_conflict(claim_mentions, evidence_mentions, claim, evidence)
    cue.opposite = opposite_predicate(claim, evidence)


_WORDS = re.compile(r"[a-z]+")
OPPOSITE_PREFIXES = {"dis": 6, "un": 5, "non": 4, "in": 6, "im": 6, "il": 6, "ir": 6}
OPPOSITE_WORDS = (("rise rose risen", "fall fell fallen"), ("increase", "decrease"),
                  ("win won", "lose lost"), ("accept", "reject"), ("confirm", "deny denied"),
                  ("approve", "reject veto"), ("open", "close"), ("start", "stop"),
                  ("allow", "ban forbid"), ("support", "oppose"), ("alive", "dead"),
                  ("true", "false"), ("guilty", "innocent"), ("continue", "halt stop end"),
                  ("signed", "unsigned"), ("arrive arrived", "depart departed"))


@lru_cache(maxsize=1)
def _opposites() -> tuple[tuple[frozenset[str], frozenset[str]], ...]:
    from corroborator.text_norm import stem

    return tuple((frozenset(stem(w) for w in a.split()), frozenset(stem(w) for w in b.split()))
                 for a, b in OPPOSITE_WORDS)


@lru_cache(maxsize=65536)
def _word_stems(text: str) -> frozenset[str]:
    from corroborator.text_norm import stem

    return frozenset(stem(w) for w in _WORDS.findall(text.casefold()) if len(w) > 2)


def opposite_predicate(claim: str, evidence: str) -> tuple[str, str] | None:
    """(claim word, evidence word) when one text says the opposite of the other with a
    negating prefix ("continue" / "discontinue") or a common antonym ("rise" / "fall"),
    as word stems."""
    a, b = _word_stems(claim), _word_stems(evidence)
    only_a, only_b = a - b, b - a
    for words, other, flipped in ((only_a, b, False), (only_b, a, True)):
        for word in sorted(words):
            for prefix, least in OPPOSITE_PREFIXES.items():
                base = word[len(prefix):]
                if word.startswith(prefix) and len(base) >= least and base in other:
                    return (word, base) if not flipped else (base, word)
    for left, right in _opposites():
        x, y = only_a & left, only_b & right
        if x and y:
            return (min(x), min(y))
        x, y = only_a & right, only_b & left
        if x and y:
            return (min(x), min(y))
    return None


@dataclass(frozen=True)
class _TextCues:
    debunk: bool
    denial: bool
    reported: bool
    hedged: bool
    explicit: bool


@lru_cache(maxsize=65536)
def _text_cues(text: str) -> _TextCues:
    """One text's cue patterns, read once however many claims it is weighed against."""
    return _TextCues(bool(DEBUNK.search(text)), bool(DENIAL.search(text)),
                     bool(REPORT_FRAME.search(text)), bool(HEDGE.search(text)),
                     bool(EXPLICIT_DENIAL.search(text)))


@lru_cache(maxsize=65536)
def _same_polarity(claim: str, evidence: str) -> bool:
    return same_polarity(claim, evidence)


# ---------------------------------------------------------------- features


FEATURES = (
    "bias", "best_cos", "best_shared", "body_frac", "pe_max", "pc_max", "pe_top", "pc_top",
    "pn_top", "debunk", "denial", "reported", "hedged", "flip", "value_conflict",
    "debunk_x_rel", "pc_x_denial", "pe_x_plain", "article_debunk", "article_hedge",
    "claim_negated", "next_rejects", "opposite", "framed", "ps_agree", "ps_disagree", "ps_discuss",
    "ps_unrelated", "ps_disagree_x_rel", "ps_agree_x_plain",
)
PAIR_COLUMNS = [FEATURES.index(f) for f in (
    "pe_max", "pc_max", "pe_top", "pc_top", "pn_top", "pc_x_denial", "pe_x_plain")]
RULE_COLUMNS = [FEATURES.index(f) for f in ("flip", "value_conflict", "opposite")]
NO_STANCE = (0.0, 0.0, 0.0, 1.0)   # passage stance of a pair judged unrelated without a look
# The cascade (judge(cascade=True)): the stance head looks closely at a pair only where the
# whole-article model gives agreement or disagreement at least this probability (or the
# passage holds a rejecting word). Chosen on FNC-1 tune stories (issue 20): below both,
# the full verdict never reached P(agree) >= 0.60 and rarely P(disagree) >= 0.42.
LOOK_AGREE = 0.2
LOOK_DISAGREE = 0.1


def features(claim: str, candidates: Sequence[Candidate], body_frac: float,
             article_debunk: float, article_hedge: float,
             passage_stance: Sequence[float] = NO_STANCE) -> np.ndarray:
    """The verdict model's feature row for one (claim, article); `passage_stance` is the
    stance head's (agree, disagree, discuss, unrelated) on the article's passage."""
    ps = dict(zip(("ps_agree", "ps_disagree", "ps_discuss", "ps_unrelated"),
                  (float(v) for v in passage_stance), strict=True))
    if not candidates:
        row = dict.fromkeys(FEATURES, 0.0)
        row.update(bias=1.0, body_frac=body_frac, article_debunk=article_debunk,
                   article_hedge=article_hedge, pn_top=1.0, **ps)
        return np.array([row[f] for f in FEATURES], dtype=np.float32)
    top = max(candidates, key=lambda c: c.cosine + c.shared)
    related = [c for c in candidates if c.shared >= 0.25 or c.cosine >= 0.6]
    any_cue = lambda name: float(any(getattr(c.cue, name) for c in related))  # noqa: E731
    pc_max = max(c.probs[2] for c in candidates)
    pe_max = max(c.probs[0] for c in candidates)
    debunk, denial = any_cue("debunk"), any_cue("denial")
    row = {
        "bias": 1.0, "best_cos": max(c.cosine for c in candidates),
        "best_shared": max(c.shared for c in candidates), "body_frac": body_frac,
        "pe_max": pe_max, "pc_max": pc_max, "pe_top": top.probs[0], "pc_top": top.probs[2],
        "pn_top": top.probs[1], "debunk": debunk, "denial": denial,
        "reported": any_cue("reported"), "hedged": float(top.cue.hedged),
        "flip": any_cue("polarity_flip"), "value_conflict": any_cue("conflict"),
        "debunk_x_rel": debunk * max(c.shared for c in candidates),
        "pc_x_denial": pc_max * max(debunk, denial),
        "pe_x_plain": pe_max * (1.0 - max(debunk, denial)),
        "article_debunk": article_debunk, "article_hedge": article_hedge,
        "claim_negated": float(bool(NEGATION.search(claim) or DEBUNK.search(claim))),
        "next_rejects": any_cue("next_rejects"), "opposite": float(bool(top.cue.opposite)),
        "framed": float(top.cue.framed),
        **ps,
        "ps_disagree_x_rel": ps["ps_disagree"] * max(c.shared for c in candidates),
        "ps_agree_x_plain": ps["ps_agree"] * (1.0 - max(debunk, denial, any_cue("next_rejects"))),
    }
    return np.array([row[f] for f in FEATURES], dtype=np.float32)


def article_cue_rates(sentences: Sequence[str]) -> tuple[float, float]:
    """Share of an article's sentences that debunk, and that hedge (each capped at 1)."""
    if not sentences:
        return 0.0, 0.0
    n = len(sentences)
    debunk = sum(bool(DEBUNK.search(s)) for s in sentences)
    hedge = sum(bool(HEDGE.search(s)) for s in sentences)
    return min(1.0, 3 * debunk / n), min(1.0, hedge / n)


def body_fraction(wanted: frozenset[str], sentence_concepts: Sequence[frozenset[str]]) -> float:
    """Fraction of the claim's concepts found anywhere in the article."""
    if not wanted:
        return 0.0
    seen = frozenset().union(*sentence_concepts)
    return len(wanted & seen) / len(wanted)


# ---------------------------------------------------------------- model


@dataclass
class VerdictModel:
    """Multinomial logistic weights over :data:`FEATURES`, the blend with the whole-article
    model, and the decision weights and thresholds.

    The label is the stance with the largest ``probability * class weight`` (the weights
    trade precision between the stances; they are chosen on held-out tune stories). The
    probabilities shown are the blend, unweighted."""

    weights: np.ndarray            # (len(STANCES), len(FEATURES))
    class_weights: tuple[float, ...] = (1.0, 1.0, 1.0, 1.0)   # per STANCES, for the label
    unclear_threshold: float = 0.3  # a claim group is unclear from this P(disagree)...
    status_threshold: float = 0.5   # ...and disputed from this one
    blend: float = 1.0              # weight of this model's log-probabilities; the
    #                                 whole-article model (wholebody) gets 1 - blend
    name: str = "verdict-lr.v1"
    meta: dict = field(default_factory=dict)
    denial_rule: bool = True        # an explicit denial of the claim disputes it by rule
    corroborate_threshold: float = 0.0   # P(agree) a judged article needs to corroborate

    def probabilities(self, rows: np.ndarray) -> np.ndarray:
        """This model's own (agree, disagree, discuss, unrelated) probabilities."""
        z = rows @ self.weights.T
        z = z - z.max(axis=1, keepdims=True)
        p = np.exp(z)
        return p / p.sum(axis=1, keepdims=True)

    @property
    def reads_pairs(self) -> bool:
        """Whether any of the sentence-pair model's probabilities weigh in the label."""
        return bool(np.any(self.weights[:, PAIR_COLUMNS]))

    @property
    def reads_rules(self) -> bool:
        """Whether any cue comparing claim and evidence (:func:`read_rules`) weighs in."""
        return bool(np.any(self.weights[:, RULE_COLUMNS]))

    def combine(self, own: np.ndarray, whole: np.ndarray | None) -> np.ndarray:
        """This model's probabilities blended with the whole-article model's."""
        return blend_probabilities(own, whole, self.blend)

    def to_json(self) -> dict:
        return {"name": self.name, "features": list(FEATURES), "stances": list(STANCES),
                "weights": np.round(self.weights, 5).tolist(),
                "class_weights": [round(float(w), 4) for w in self.class_weights],
                "blend": self.blend, "unclear_threshold": self.unclear_threshold,
                "status_threshold": self.status_threshold, "denial_rule": self.denial_rule,
                "corroborate_threshold": self.corroborate_threshold, "meta": self.meta}

    @classmethod
    def from_json(cls, data: dict) -> VerdictModel:
        unknown = set(data["features"]) - set(FEATURES)
        if unknown:
            raise ValueError(f"verdict model has unknown features: {sorted(unknown)}")
        stored = np.array(data["weights"], dtype=np.float32)
        weights = np.zeros((len(STANCES), len(FEATURES)), dtype=np.float32)
        for j, name in enumerate(data["features"]):
            weights[:, FEATURES.index(name)] = stored[:, j]
        return cls(weights, tuple(float(w) for w in data.get("class_weights", (1.0,) * 4)),
                   float(data["unclear_threshold"]), float(data["status_threshold"]),
                   float(data.get("blend", 1.0)), data["name"], data.get("meta", {}),
                   bool(data.get("denial_rule", True)),
                   float(data.get("corroborate_threshold", 0.0)))


def blend_probabilities(own: np.ndarray, whole: np.ndarray | None,
                        share: float) -> np.ndarray:
    """The geometric blend of two rows of stance probabilities, `share` of the
    log-probabilities from `own` (``own`` alone where `whole` is None or `share` is 1)."""
    if whole is None or share >= 1.0:
        return own
    z = share * np.log(np.clip(own, 1e-6, 1.0)) + (1.0 - share) * np.log(np.clip(whole, 1e-6, 1.0))
    p = np.exp(z - z.max(axis=1, keepdims=True))
    return p / p.sum(axis=1, keepdims=True)


@cache
def get_verdict_model() -> VerdictModel:
    """The bundled verdict model (falls back to hand-set weights when absent)."""
    if MODEL_PATH.exists():
        return VerdictModel.from_json(json.loads(MODEL_PATH.read_text(encoding="utf-8")))
    return _prior_model()


def _prior_model() -> VerdictModel:
    """Hand-set weights, used only when the bundled model file is missing: entailment
    agrees, contradiction or a denial cue disputes."""
    w = np.zeros((len(STANCES), len(FEATURES)), dtype=np.float32)
    col = {f: i for i, f in enumerate(FEATURES)}
    w[0, col["pe_x_plain"]] = 6.0
    w[0, col["bias"]] = -2.0
    w[1, col["pc_max"]] = 4.0
    w[1, col["pc_x_denial"]] = 4.0
    w[1, col["value_conflict"]] = 3.0
    w[1, col["bias"]] = -3.0
    w[2, col["best_shared"]] = 3.0
    w[3, col["best_shared"]] = -6.0
    w[3, col["bias"]] = 1.5
    return VerdictModel(w, name="verdict-prior.v0")


def decide(probabilities: np.ndarray, candidates: Sequence[Candidate],
           model: VerdictModel) -> Verdict:
    """The label, probability and evidence sentence from the model's probabilities."""
    probs = {s: round(float(p), 4) for s, p in zip(STANCES, probabilities, strict=True)}
    denial = _explicit_denial(candidates)
    label, by_rule = decide_label(probs, denial is not None, model)
    if by_rule and denial is not None:
        reasons = [RULE_REASON, *[r for r in denial.cue.reasons() if r != "hedged"]]
        return Verdict("disagree", max(probs["disagree"], RULE_DENIAL_PROBABILITY),
                       denial.evidence("disagree"), probs, reasons)
    best = _evidence_for(label, candidates)
    if label == "unrelated" or best is None:
        return Verdict(label, probs[label], None, probs)
    reasons = best.cue.reasons() if label in ("disagree", "discuss") else (
        ["hedged"] if best.cue.hedged else [])
    return Verdict(label, probs[label], best.evidence(label), probs, reasons)


def decide_label(probs: dict[str, float], explicit_denial: bool,
                 model: VerdictModel) -> tuple[str, bool]:
    """(label, decided by the explicit-denial rule) from the blended probabilities: the
    stance with the largest weighted probability."""
    weighted = {s: probs[s] * w for s, w in zip(STANCES, model.class_weights, strict=True)}
    label = max(STANCES, key=lambda s: weighted[s])
    if explicit_denial and model.denial_rule and label != "disagree":
        return "disagree", True
    return label, False


def _explicit_denial(candidates: Sequence[Candidate]) -> Candidate | None:
    """The most related candidate that explicitly denies or debunks the claim, or restates
    it and rejects it in the next sentence."""
    found = [c for c in candidates if (c.cue.explicit or c.cue.next_rejects)
             and c.shared >= EXPLICIT_MIN_SHARED]
    return max(found, key=lambda c: c.shared + c.cosine, default=None)


def _evidence_for(label: str, candidates: Sequence[Candidate]) -> Candidate | None:
    if not candidates:
        return None
    if label == "disagree":
        return max(candidates, key=lambda c: c.probs[2] + c.cue.debunk + c.cue.denial
                   + c.cue.conflict + c.cue.polarity_flip + c.cue.next_rejects
                   + bool(c.cue.opposite) + c.shared)
    if label == "agree":
        return max(candidates, key=lambda c: c.probs[0] + c.shared)
    return max(candidates, key=lambda c: c.cosine + c.shared)


# ---------------------------------------------------------------- judging


@dataclass
class ArticleView:
    """What judging needs of one article: sentence texts, vectors, concepts, mentions."""

    id: str
    sentences: list[str]
    vectors: np.ndarray
    concepts: list[frozenset[str]]
    mentions: dict[int, list[Mention]]
    debunk_rate: float = 0.0
    hedge_rate: float = 0.0
    title: str = ""
    whole: Any = field(default=None, repr=False, compare=False)   # wholebody.Body, lazily


@dataclass
class ClaimView:
    """A claim to judge: its text, vector, concepts and mentions."""

    text: str
    vector: np.ndarray
    mentions: list[Mention] = field(default_factory=list)
    concepts: frozenset[str] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        if not self.concepts:
            self.concepts = concepts(self.text)


def view_article(extraction: Extraction, vectors: np.ndarray, title: str = "") -> ArticleView:
    """Prepare one extracted article for judging; `vectors` holds one row per sentence."""
    position = {s.index: i for i, s in enumerate(extraction.sentences)}
    by_sentence: dict[int, list[Mention]] = {}
    for m in extraction.mentions:
        if m.sentence_index in position:
            by_sentence.setdefault(position[m.sentence_index], []).append(m)
    sentences = [s.text for s in extraction.sentences]
    debunk, hedge = article_cue_rates(sentences)
    return ArticleView(extraction.article_id, sentences, vectors,
                       [concepts(s) for s in sentences], by_sentence, debunk, hedge,
                       title or "")


def candidates_for(claim: ClaimView, article: ArticleView,
                   k: int = CANDIDATES) -> list[Candidate]:
    """The article's `k` sentences most likely to speak to the claim (cosine plus concept
    overlap), keeping only those related enough to be worth inferring on."""
    if not article.sentences or not claim.concepts:
        return []
    cos = article.vectors @ claim.vector
    shared = np.array([len(claim.concepts & c) for c in article.concepts], dtype=np.float32)
    score = cos + 0.15 * shared
    out = []
    for i in np.argsort(-score)[:k]:
        i = int(i)
        if shared[i] < MIN_RELATED_SHARED and cos[i] < MIN_RELATED_COSINE:
            continue
        out.append(Candidate(i, article.sentences[i], float(cos[i]),
                             float(shared[i]) / len(claim.concepts)))
    return out


def judge(pairs: Sequence[tuple[ClaimView, ArticleView]],
          model: VerdictModel | None = None, nli=None,
          budget: int | None = None,
          evidence: Sequence[str] = ("agree", "disagree"),
          look: Sequence[bool] | None = None, cascade: bool = False,
          looks: int | None = None) -> list[Verdict]:
    """Verdicts for many (claim, article) pairs, with one batched inference call.

    With a `budget`, at most that many candidate sentences go to the inference model,
    the most related first; the rest are judged on their cues and overlap alone. When the
    model does not read the sentence pairs' probabilities (the shipped one reads the
    passage stance), only the candidates of verdicts whose label is in `evidence` are
    inferred, to choose their evidence sentence; the labels do not depend on it.

    `look` (one flag per pair) says which pairs get the stance head's close look at their
    passage; the others are judged by the whole-article model alone (all pairs get the
    close look when that model is not shipped). With `cascade`, a pair also gets it only
    where its passage may reject the claim (:func:`may_reject`) or the whole-article model
    finds agreement or disagreement plausible (:data:`LOOK_AGREE`, :data:`LOOK_DISAGREE`):
    a pair below both, without a rejecting word, can only be discussion or unrelated.
    `looks` caps the close looks, the pairs where the whole-article model finds agreement
    or disagreement likeliest first.
    """
    model = model or get_verdict_model()
    eager, rules = model.reads_pairs, model.reads_rules
    selects = look is not None or cascade or looks is not None
    whole = wholebody_probabilities(pairs) if model.blend < 1.0 or selects else None
    look = _close_looks(pairs, whole, look, cascade, looks) if selects and whole is not None \
        else [True] * len(pairs)
    rows, cands = judge_features(pairs, nli, budget if eager else 0, look, rules)
    if not rows:
        return []
    probs = model.combine(model.probabilities(np.vstack(rows)), whole)
    if not all(look):      # judged by the whole-article model alone
        glance = ~np.asarray(look, dtype=bool)
        probs[glance] = whole[glance]
    labels = [_label(p, c, model) for p, c in zip(probs, cands, strict=True)]
    if not eager:      # a pair not looked at closely shows its most related sentence
        infer_candidates([(claim, cand) for (claim, _), label, c, close in zip(
            pairs, labels, cands, look, strict=True)
            if close and label in evidence for cand in c], nli, budget)
    if not rules:      # the reasons of a dispute or a discussion need them
        for (claim, article), label, c in zip(pairs, labels, cands, strict=True):
            if label in ("disagree", "discuss"):
                for cand in c:
                    read_rules(cand.cue, claim.text, cand.text, claim.mentions,
                               article.mentions.get(cand.index, []))
    return [decide(p, c, model) for p, c in zip(probs, cands, strict=True)]


def _close_looks(pairs: Sequence[tuple[ClaimView, ArticleView]], whole: np.ndarray,
                 look: Sequence[bool] | None, cascade: bool, looks: int | None) -> list[bool]:
    """Which pairs get the stance head's close look (see :func:`judge`)."""
    flags = list(look) if look is not None else [True] * len(pairs)
    if cascade:
        flags = [flag and (w[0] >= LOOK_AGREE or w[1] >= LOOK_DISAGREE
                           or may_reject(c.text, a))
                 for flag, (c, a), w in zip(flags, pairs, whole, strict=True)]
    if looks is not None:
        ranked = sorted((i for i, flag in enumerate(flags) if flag),
                        key=lambda i: -(whole[i][0] + whole[i][1]))
        keep = set(ranked[:looks])
        flags = [i in keep for i in range(len(pairs))]
    return flags


def _label(probabilities: np.ndarray, candidates: Sequence[Candidate],
           model: VerdictModel) -> str:
    """The label :func:`decide` gives, without choosing the evidence."""
    probs = {s: round(float(p), 4) for s, p in zip(STANCES, probabilities, strict=True)}
    return decide_label(probs, _explicit_denial(candidates) is not None, model)[0]


def wholebody_probabilities(pairs: Sequence[tuple[ClaimView, ArticleView]]
                            ) -> np.ndarray | None:
    """The whole-article model's probabilities for each pair (None where it is not
    shipped); each article is prepared once and kept on its view."""
    from corroborator.corroboration.wholebody import get_wholebody_model

    model = get_wholebody_model()
    return None if model is None else model.predict_jobs(pairs)


def judge_features(pairs: Sequence[tuple[ClaimView, ArticleView]], nli=None,
                   budget: int | None = None, look: Sequence[bool] | None = None,
                   rules: bool = True) -> tuple[list[np.ndarray], list[list[Candidate]]]:
    """Feature rows and scored candidates for each (claim, article) pair; only the pairs
    flagged in `look` (all by default) get a passage stance; without `rules`, the
    candidates' comparing cues are left unread (:func:`read_rules`)."""
    all_cands = [candidates_for(c, a) for c, a in pairs]
    infer_candidates([(c, cand) for (c, _), cands in zip(pairs, all_cands, strict=True)
                      for cand in cands], nli, budget)
    stances = passage_stances(pairs, [c if look is None or look[i] else []
                                      for i, c in enumerate(all_cands)], nli)
    rows = []
    for (claim, article), cands, ps in zip(pairs, all_cands, stances, strict=True):
        for cand in cands:
            cand.cue = read_cues(claim.text, cand.text, claim.mentions,
                                 article.mentions.get(cand.index, []), rules)
            cand.cue.next_rejects = _next_rejects(article, cand.index, claim.concepts)
            if cand.cue.next_rejects:
                cand.after = article.sentences[cand.index + 1]
            cand.cue.framed = _framed(article.title, claim.text)
        frac = body_fraction(claim.concepts, article.concepts)
        rows.append(features(claim.text, cands, frac, article.debunk_rate, article.hedge_rate,
                             ps))
    return rows, all_cands


def infer_candidates(flat: Sequence[tuple[ClaimView, Candidate]], nli=None,
                     budget: int | None = None) -> None:
    """Set the sentence-pair probabilities of candidates (each against its claim), at most
    `budget` of them, the most related first."""
    if budget is not None and len(flat) > budget:
        flat = sorted(flat, key=lambda x: -(x[1].cosine + x[1].shared))[:budget]
    if not flat:
        return
    if nli is None:
        from corroborator.corroboration.inference import get_nli_model

        nli = get_nli_model()
    probs = nli.predict([(cand.text, c.text) for c, cand in flat])
    for (_, cand), p in zip(flat, probs, strict=True):
        cand.probs = (float(p[0]), float(p[1]), float(p[2]))


def _framed(title: str, claim: str) -> bool:
    """The article's title calls something false or a hoax, and the claim does not."""
    return bool(title) and _text_cues(title).debunk and not _text_cues(claim).debunk


NEXT_MAX_NEW_CONCEPTS = 3    # "It isn't true." rejects what came before it...
NEXT_MIN_SHARED = 0.4        # ...as does a denial that names the claim's content


def _next_rejects(article: ArticleView, index: int, wanted: frozenset[str]) -> bool:
    """The sentence after `index` calls what came before false or explicitly denies it:
    a short rejection ("That is false.") or one about the claim's content, not a denial of
    something else."""
    if index + 1 >= len(article.sentences):
        return False
    cues = _text_cues(article.sentences[index + 1])
    if not (cues.debunk or cues.explicit):
        return False
    found = article.concepts[index + 1]
    shared = len(found & wanted) / len(wanted) if wanted else 0.0
    return len(found - wanted) <= NEXT_MAX_NEW_CONCEPTS or shared >= NEXT_MIN_SHARED


def may_reject(claim: str, article: ArticleView, negation: bool = True) -> bool:
    """Whether the article's passage on `claim` holds a word that could reject it (a
    debunking, refuting or, with `negation`, denying or negating word) or its title
    debunks: the cases where an article may dispute the claim, even one that states it."""
    from corroborator.corroboration.passages import select_passage

    if _framed(article.title, claim):
        return True
    passage = select_passage(claim, article.sentences)
    return bool(DEBUNK.search(passage) or REFUTE.search(passage)
                or EXPLICIT_DENIAL.search(passage)
                or (negation and DENIAL.search(passage)))


def passage_stances(pairs: Sequence[tuple[ClaimView, ArticleView]],
                    all_cands: Sequence[Sequence[Candidate]], nli=None) -> list[tuple]:
    """The stance head's probabilities on each pair's passage (:data:`NO_STANCE` for a
    pair with no related sentence, or a model without the head)."""
    from corroborator.corroboration.passages import select_passage

    todo = [i for i, cands in enumerate(all_cands) if cands]
    out: list[tuple] = [NO_STANCE] * len(pairs)
    if not todo:
        return out
    if nli is None:
        from corroborator.corroboration.inference import get_nli_model

        nli = get_nli_model()
    if not getattr(nli, "has_stance", False):
        return out
    texts = [(pairs[i][0].text, select_passage(pairs[i][0].text, pairs[i][1].sentences,
                                               pairs[i][1].title)) for i in todo]
    for i, p in zip(todo, nli.predict_stance(texts), strict=True):
        out[i] = tuple(float(v) for v in p)
    return out
