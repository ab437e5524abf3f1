"""Whole-article stance: how the whole body of an article relates to a claim.

The passage stance head and the sentence pairs read a few sentences closely. This component
reads the whole article coarsely: how much of the claim's vocabulary, figures and meaning the
body, its lead and its best sentences carry (TF-IDF, concept overlap, character n-grams,
embedding similarity), and where the body's refuting, hedging, negating and confirming words
sit relative to the claim. Two gradient-boosted tree models (LightGBM) turn these into
probabilities: stage one, related or not, from overlap and similarity only; stage two,
agree / disagree / discuss among related pairs. ``P(unrelated) = 1 - P(related)`` and
``P(k) = P(related) * P(k | related)``.

It is trained by ``train/train_wholebody.py`` on the FNC-1 training stories and ARC training
topics (split by story / topic, :func:`corroborator.evaluation.stance.load_split`), with the
product's own extraction, sentence split, concepts and fast embedder, so training and run
time compute the same features. The verdict model blends its probabilities with its own
(:mod:`corroborator.corroboration.judgement`); the ablation that keeps it is in
``docs/benchmarks/verdicts.md``.

The trees are exported to ONNX at training time and run by onnxruntime, so neither LightGBM
nor scikit-learn is imported at run time. The model files are data (a JSON vocabulary, ONNX
graphs): nothing executes code.
"""

from __future__ import annotations

import json
import math
import re
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from corroborator.align import NEGATION
from corroborator.align.lexical import concept_sequence
from corroborator.corroboration.cues import (
    CONFIRM,
    DEBUNK,
    HEDGE,
    REFUTE,
    REPORT_FRAME,
    REPORTING,
)

MODEL_DIR = Path(__file__).parent.parent / "resources" / "wholebody"
TOP_K = 3        # best-matching sentences read closely
LEAD = 2         # sentences that make the lead
MAX_SENTENCES = 300
CUES = ("refute", "hedge", "neg", "confirm")
STANCES = ("agree", "disagree", "discuss", "unrelated")

FEATURE_NAMES: tuple[str, ...] = (
    *(f"claim_{c}" for c in CUES), "claim_question", "claim_len",
    *(f"body_{c}_rate" for c in CUES),
    "tfidf_cos", "term_frac", "term_jaccard", "bigram_frac", "char_frac", "num_frac",
    "num_miss", "lead_term_frac", "lead_tfidf_cos",
    "emb_body", "emb_lead", "emb_max", "emb_top3", "emb_mean", "emb_std", "emb_argmax_pos",
    "sent_tfidf_max", "sent_tfidf_top3", "sent_idf_overlap_max", "sent_idf_overlap_top3",
    "sent_combo_max", *(f"top_{c}" for c in CUES), *(f"best_{c}" for c in CUES),
    "polarity_match", "refute_near_terms", *(f"simw_{c}" for c in CUES),
    *(f"lead_{c}" for c in CUES),
)
# Stage one (related or not) sees similarity and overlap only, not the body's style.
RELATED_FEATURES: tuple[str, ...] = (
    "claim_len", "tfidf_cos", "term_frac", "term_jaccard", "bigram_frac", "char_frac",
    "num_frac", "num_miss", "lead_term_frac", "lead_tfidf_cos", "emb_body", "emb_lead",
    "emb_max", "emb_top3", "emb_mean", "emb_std", "sent_tfidf_max", "sent_tfidf_top3",
    "sent_idf_overlap_max", "sent_idf_overlap_top3", "sent_combo_max",
)
RELATED_COLUMNS = [FEATURE_NAMES.index(n) for n in RELATED_FEATURES]
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_LETTERS = re.compile(r"[a-z0-9]+")
#: Texts whose concepts, cue counts and TF-IDF rows are kept: a fold judges the same
#: sentences and claims at every step (a few KiB each).
KEPT_TEXTS = 8192
KEPT_BODIES = 64        # prepared bodies kept (an article judged again in a later step)
KEPT_GRAMS = 1024       # character-gram sets kept (claims are judged at every step)


# ---------------------------------------------------------------- text pieces


def terms(text: str) -> list[str]:
    """The TF-IDF terms of `text`: its content concepts and their adjacent pairs."""
    words = concept_sequence(text)
    return words + [f"{a} {b}" for a, b in zip(words, words[1:], strict=False)]


def cue_counts(text: str) -> list[int]:
    """Refuting, hedging or reporting, negating and confirming words in `text`."""
    return list(_cue_counts(text))


@lru_cache(maxsize=KEPT_TEXTS)
def _cue_counts(text: str) -> tuple[int, ...]:
    return (len(DEBUNK.findall(text)) + len(REFUTE.findall(text)),
            len(HEDGE.findall(text)) + len(REPORT_FRAME.findall(text))
            + len(REPORTING.findall(text)),
            len(NEGATION.findall(text)), len(CONFIRM.findall(text)))


@lru_cache(maxsize=KEPT_TEXTS)
def _concepts(text: str) -> tuple[tuple[str, ...], frozenset[str]]:
    """The concept sequence of `text` and its set (pure functions of the text, kept)."""
    words = tuple(concept_sequence(text))
    return words, frozenset(words)


@lru_cache(maxsize=KEPT_GRAMS)
def _char_grams(text: str, n: int = 5) -> frozenset[str]:
    flat = " ".join(_LETTERS.findall(text.lower()))
    return frozenset(flat[i : i + n] for i in range(max(len(flat) - n + 1, 0)))


def _frac(part: set[str], whole: set[str]) -> float:
    return len(part & whole) / len(part) if part else 0.0


def _jaccard(a: set[str], b: set[str]) -> float:
    union = len(a | b)
    return len(a & b) / union if union else 0.0


class TermSpace:
    """A fixed term vocabulary with IDF weights; rows are L2-normalised sublinear TF-IDF."""

    def __init__(self, vocabulary: Sequence[str], idf: Sequence[float]) -> None:
        self.vocabulary = {t: i for i, t in enumerate(vocabulary)}
        self.idf = np.asarray(idf, dtype=np.float64)
        self._rows: OrderedDict[str, dict[int, float]] = OrderedDict()

    @classmethod
    def fit(cls, documents: Sequence[str], max_terms: int = 30000) -> TermSpace:
        """The `max_terms` most frequent terms seen in two documents or more."""
        df: dict[str, int] = {}
        for doc in documents:
            for term in set(terms(doc)):
                df[term] = df.get(term, 0) + 1
        kept = sorted((t for t, c in df.items() if c >= 2), key=lambda t: (-df[t], t))
        kept = sorted(kept[:max_terms])
        n = len(documents)
        return cls(kept, [round(math.log((1 + n) / (1 + df[t])) + 1.0, 4) for t in kept])

    def to_json(self) -> dict[str, Any]:
        return {"terms": list(self.vocabulary), "idf": self.idf.round(4).tolist()}

    def transform(self, texts: Sequence[str]) -> list[dict[int, float]]:
        """L2-normalised sublinear TF-IDF vectors, one {term index: weight} per text (the
        rows are kept per text and shared: read them, do not change them)."""
        return [self._row(text) for text in texts]

    def _row(self, text: str) -> dict[int, float]:
        with _KEPT_LOCK:
            kept = self._rows.get(text)
            if kept is not None:
                self._rows.move_to_end(text)
                return kept
        words = list(_concepts(text)[0])
        counts: dict[int, int] = {}
        for term in words + [f"{a} {b}" for a, b in zip(words, words[1:], strict=False)]:
            j = self.vocabulary.get(term)
            if j is not None:
                counts[j] = counts.get(j, 0) + 1
        weights = {j: (1.0 + math.log(n)) * float(self.idf[j]) for j, n in counts.items()}
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        row = {j: w / norm for j, w in weights.items()}
        with _KEPT_LOCK:
            self._rows[text] = row
            if len(self._rows) > KEPT_TEXTS:
                self._rows.popitem(last=False)
        return row


@dataclass
class Texts:
    """What every pair a group of texts takes part in needs from them, computed once."""

    emb: np.ndarray
    tfidf: list[dict[int, float]]
    idf: np.ndarray               # the space's IDF of every term
    terms: list[set[str]]
    bigrams: list[set[str]]
    chars: list[set[str]]
    numbers: list[set[str]]
    cues: np.ndarray
    n_words: np.ndarray
    question: np.ndarray


def prepare(texts: Sequence[str], vectors: np.ndarray, space: TermSpace, *,
            whole: bool = True) -> Texts:
    """Term sets, cue counts and TF-IDF rows of `texts` (with their unit vectors).

    With ``whole=False`` (a body's sentences) the bigrams, character grams and numbers,
    which the features read only for claims, whole bodies and leads, are left empty.
    """
    term_sets, bigrams, chars, numbers, cues, n_words = [], [], [], [], [], []
    for text in texts:
        words, word_set = _concepts(text)
        term_sets.append(word_set)
        if whole:
            bigrams.append({f"{a} {b}" for a, b in zip(words, words[1:], strict=False)})
            chars.append(_char_grams(text))
            numbers.append(set(_NUMBER.findall(text)))
        else:
            bigrams.append(set())
            chars.append(set())
            numbers.append(set())
        cues.append(_cue_counts(text))
        n_words.append(len(text.split()))
    return Texts(np.asarray(vectors, dtype=np.float32), space.transform(texts), space.idf,
                 term_sets, bigrams,
                 chars, numbers, np.asarray(cues, dtype=np.float32).reshape(-1, len(CUES)),
                 np.asarray(n_words, dtype=np.float32),
                 np.asarray(["?" in t for t in texts], dtype=np.float32))


def _unit_mean(vectors: np.ndarray) -> np.ndarray:
    if not len(vectors):
        return np.zeros((1, vectors.shape[1] if vectors.ndim == 2 else 1), dtype=np.float32)
    mean = np.asarray(vectors, dtype=np.float32).mean(axis=0, keepdims=True)
    norm = float(np.linalg.norm(mean))
    return mean / norm if norm else mean


@dataclass
class Body:
    """One article prepared once: its sentences, the whole body and the lead."""

    sent: Texts
    body: Texts
    lead: Texts


def prepare_body(sentences: Sequence[str], vectors: np.ndarray, space: TermSpace) -> Body:
    """Prepare an article given as sentences with one unit vector each (kept: the same
    sentences and vectors in the same space give the same :class:`Body`, shared)."""
    sentences = list(sentences)[:MAX_SENTENCES] or [""]
    vectors = np.asarray(vectors, dtype=np.float32)[: len(sentences)]
    if len(vectors) < len(sentences):      # an empty article: one blank sentence
        vectors = np.zeros((len(sentences), vectors.shape[1] if vectors.ndim == 2 else 1),
                           dtype=np.float32)
    key = (space, tuple(sentences), vectors.shape, vectors.tobytes())
    with _KEPT_LOCK:
        body = _BODIES.get(key)
        if body is not None:
            _BODIES.move_to_end(key)
            return body
    body = Body(prepare(sentences, vectors, space, whole=False),
                prepare([" ".join(sentences)], _unit_mean(vectors), space),
                prepare([" ".join(sentences[:LEAD])], _unit_mean(vectors[:LEAD]), space))
    with _KEPT_LOCK:
        _BODIES[key] = body
        if len(_BODIES) > KEPT_BODIES:
            _BODIES.popitem(last=False)
    return body


_BODIES: OrderedDict[tuple, Body] = OrderedDict()
_KEPT_LOCK = threading.Lock()    # the kept bodies and TF-IDF rows, shared by threads


def body_rows(claims: Texts, cis: Sequence[int], body: Body) -> np.ndarray:
    """Feature rows of the claims `cis` (indices into `claims`) against one body."""
    cis = np.asarray(cis, dtype=np.int64)
    s = body.sent
    emb = claims.emb[cis] @ s.emb.T
    # TF-IDF products need only the claims' terms: dense over those columns
    cols = sorted(set().union(*(claims.tfidf[int(ci)] for ci in cis)))
    c_tf = _dense([claims.tfidf[int(ci)] for ci in cis], cols)
    s_tf, whole_tf, lead_tf = (_dense(t.tfidf, cols) for t in (s, body.body, body.lead))
    tf = c_tf @ s_tf.T
    c_idf = (c_tf > 0) * claims.idf[cols]
    idf_ov = (c_idf @ (s_tf > 0).T) / np.maximum(c_idf.sum(axis=1, keepdims=True), 1e-9)
    combo = emb + tf + idf_ov
    sim_w = np.maximum(emb, 0.0) ** 2
    simw_cues = sim_w @ (s.cues > 0) / np.maximum(sim_w.sum(axis=1, keepdims=True), 1e-9)
    body_cos = c_tf @ whole_tf[0]
    lead_cos = c_tf @ lead_tf[0]
    return np.asarray([
        _pair_row(claims, int(ci), body, (emb[k], tf[k], idf_ov[k], combo[k]),
                  float(body_cos[k]), float(lead_cos[k])) + [*simw_cues[k], *body.lead.cues[0]]
        for k, ci in enumerate(cis)], dtype=np.float32).reshape(len(cis), len(FEATURE_NAMES))


def _dense(vectors: Sequence[dict[int, float]], cols: Sequence[int]) -> np.ndarray:
    """Rows of `vectors` restricted to the term columns `cols`."""
    at = {j: n for n, j in enumerate(cols)}
    out = np.zeros((len(vectors), len(cols)))
    for r, vec in enumerate(vectors):
        for j, w in vec.items():
            n = at.get(j)
            if n is not None:
                out[r, n] = w
    return out


def _pair_row(c: Texts, ci: int, body: Body, sims: tuple, body_cos: float,
              lead_cos: float) -> list[float]:
    """The scalar features of one pair (all but the similarity-weighted and lead cues)."""
    s, whole, lead = body.sent, body.body, body.lead
    emb, tf, idf_ov, combo = sims
    n_s = len(emb)
    order = np.argsort(-combo, kind="stable")
    top = order[:TOP_K]
    best_cues = s.cues[int(order[0])]
    emb_sorted = np.sort(emb)[::-1]
    c_terms, b_terms, nums = c.terms[ci], whole.terms[0], c.numbers[ci]
    near = sum(_frac(c_terms, s.terms[i]) * s.cues[i, 0] for i in top)
    return [
        *c.cues[ci], float(c.question[ci]), math.log1p(c.n_words[ci]),
        *(whole.cues[0] / max(n_s, 1)),
        body_cos, _frac(c_terms, b_terms), _jaccard(c_terms, b_terms),
        _frac(c.bigrams[ci], whole.bigrams[0]), _frac(c.chars[ci], whole.chars[0]),
        _frac(nums, whole.numbers[0]), float(len(nums - whole.numbers[0])),
        _frac(c_terms, lead.terms[0]), lead_cos,
        float(c.emb[ci] @ whole.emb[0]), float(c.emb[ci] @ lead.emb[0]),
        float(emb_sorted[0]), float(emb_sorted[:TOP_K].mean()), float(emb.mean()),
        float(emb.std()), float(np.argmax(emb)) / max(n_s - 1, 1),
        float(tf.max()), float(np.sort(tf)[::-1][:TOP_K].mean()),
        float(idf_ov.max()), float(np.sort(idf_ov)[::-1][:TOP_K].mean()), float(combo.max()),
        *s.cues[top].sum(axis=0), *best_cues,
        float((c.cues[ci, 2] % 2) == (best_cues[2] % 2)), near,
    ]


def pair_features(claims: Sequence[tuple[str, np.ndarray]],
                  bodies: Sequence[Body], pairs: Sequence[tuple[int, int]],
                  space: TermSpace) -> np.ndarray:
    """Feature rows for `pairs` of (claim index, body index); claims as (text, unit vector),
    bodies prepared with :func:`prepare_body`."""
    out = np.zeros((len(pairs), len(FEATURE_NAMES)), dtype=np.float32)
    if not len(pairs):
        return out
    texts = [t for t, _ in claims]
    prepared = prepare(texts, np.vstack([np.asarray(v, dtype=np.float32) for _, v in claims]),
                       space)
    by_body: dict[int, list[int]] = {}
    for row, (_, b) in enumerate(pairs):
        by_body.setdefault(int(b), []).append(row)
    for b, rows in by_body.items():
        out[rows] = body_rows(prepared, [int(pairs[r][0]) for r in rows], bodies[b])
    return out


def job_features(jobs: Sequence[tuple[Any, Any]], space: TermSpace) -> np.ndarray:
    """Feature rows for (claim, article) jobs: a claim has ``text`` and ``vector``, an
    article ``sentences``, ``vectors`` and ``whole`` (where its prepared :class:`Body` is
    kept, so an article judged against many claims is prepared once). Each claim and
    article object is prepared once however often it appears."""
    claim_at: dict[int, int] = {}
    body_at: dict[int, int] = {}
    claims: list[tuple[str, np.ndarray]] = []
    bodies: list[Body] = []
    pairs = []
    for claim, article in jobs:
        if id(claim) not in claim_at:
            claim_at[id(claim)] = len(claims)
            claims.append((claim.text, claim.vector))
        if id(article) not in body_at:
            body_at[id(article)] = len(bodies)
            if article.whole is None:
                article.whole = prepare_body(article.sentences, article.vectors, space)
            bodies.append(article.whole)
        pairs.append((claim_at[id(claim)], body_at[id(article)]))
    return pair_features(claims, bodies, pairs, space)


# ---------------------------------------------------------------- model


class WholeBodyModel:
    """The two tree stages, exported to ONNX, and the term space they were trained with."""

    def __init__(self, space: TermSpace, related: Any, stance: Any,
                 meta: dict[str, Any] | None = None) -> None:
        self.space, self.related, self.stance = space, related, stance
        self.meta = meta or {}
        self.name = self.meta.get("name", "wholebody")

    @classmethod
    def load(cls, folder: Path = MODEL_DIR) -> WholeBodyModel:
        """Read a saved model: a JSON vocabulary and two ONNX tree ensembles (run by
        onnxruntime, one thread: the callers run one per worker process)."""
        from corroborator.corroboration.inference import OnnxSession

        space = json.loads((folder / "space.json").read_text(encoding="utf-8"))
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        if tuple(meta.get("features", ())) != FEATURE_NAMES:
            raise ValueError(f"{folder}: whole-body model features differ from this code's")
        return cls(TermSpace(space["terms"], space["idf"]),
                   OnnxSession(folder / "related.onnx"), OnnxSession(folder / "stance.onnx"),
                   meta)

    def predict_rows(self, x: np.ndarray) -> np.ndarray:
        """(agree, disagree, discuss, unrelated) probabilities of feature rows."""
        if not len(x):
            return np.zeros((0, len(STANCES)), dtype=np.float32)
        x = np.ascontiguousarray(x, dtype=np.float32)
        related = self.related.run({"x": np.ascontiguousarray(x[:, RELATED_COLUMNS])},
                                   [OUTPUT])[OUTPUT]
        p_rel = related[:, 1:2]
        stance = self.stance.run({"x": x}, [OUTPUT])[OUTPUT]
        return np.hstack([p_rel * stance, 1.0 - p_rel]).astype(np.float32)

    def predict(self, claims: Sequence[tuple[str, np.ndarray]], bodies: Sequence[Body],
                pairs: Sequence[tuple[int, int]]) -> np.ndarray:
        """Probabilities for `pairs` (see :func:`pair_features`)."""
        return self.predict_rows(pair_features(claims, bodies, pairs, self.space))

    def predict_jobs(self, jobs: Sequence[tuple[Any, Any]]) -> np.ndarray:
        """Probabilities for (claim, article) jobs (see :func:`job_features`)."""
        return self.predict_rows(job_features(jobs, self.space))


OUTPUT = "probabilities"   # each ONNX stage's output: one column per class


@cache
def get_wholebody_model() -> WholeBodyModel | None:
    """The bundled whole-article model, or None where it is not shipped."""
    if not (MODEL_DIR / "meta.json").exists():
        return None
    return WholeBodyModel.load(MODEL_DIR)
