"""Whole-body stance baseline: the two-stage LightGBM model removed in ef8a138, rebuilt for benchmarks.

Not product code. The model is trained on the fly (never stored) on the ``train`` and
``tune`` stories of FNC-1 (``story_split`` of ``../shared/data/fnc1``), optionally with the
ARC ``train`` and ``tune`` topics, and scored on FNC-1 ``test`` stories and ARC ``test``
topics: relative FNC score, macro-F1 over the four labels and disagree F1.

The features are those of the removed ``corroborator/stance.py`` (lexical overlap with
the body, its lead and its best sentences; fast-embedder similarity; refute/hedge/negation/
confirm cues near the claim). Stage one predicts related vs unrelated from overlap and
similarity only; stage two splits related pairs into agree/disagree/discuss. Rounds
(early stopping) and per-class probability weights are chosen on the ``tune`` side with
the model fitted on ``train``; the model is then refitted on ``train`` + ``tune``.

Run:  .venv/bin/python bench/baseline_wholebody.py [--variants fnc,fnc+arc] [--no-augment]
Writes bench/out/baseline_wholebody.json; the figures are in docs/benchmarks.md.

Library use (the lead's ablations)::

    from baseline_wholebody import baseline_predictions   # with bench/ on sys.path
    preds = baseline_predictions("test")   # {"fnc1": [...], "arc": [...], ...}
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import random
import re
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
CORPORA = {"fnc1": SHARED / "fnc1", "arc": SHARED / "stance" / "arc"}
CORPUS_FILES = {"fnc1": ("train_stances.csv", "train_bodies.csv"),
                "arc": ("stances.csv", "bodies.csv")}
OUT = ROOT / "bench" / "out" / "baseline_wholebody.json"
CACHE = ROOT / "bench" / "out" / "baseline_features"
LABELS = ("agree", "disagree", "discuss", "unrelated")
UNRELATED = LABELS.index("unrelated")
SEED = 1
TOP_K = 3          # best-matching sentences looked at
LEAD = 2           # sentences that make the lead
SHORT = "#short"   # suffix of a shortened-body copy's id
PARAMS = {
    "objective": "multiclass", "num_class": 3, "learning_rate": 0.05, "num_leaves": 15,
    "min_data_in_leaf": 20, "feature_fraction": 0.7, "bagging_fraction": 0.8,
    "bagging_freq": 1, "lambda_l2": 1.0, "num_threads": 1, "deterministic": True,
    "force_row_wise": True, "verbosity": -1, "seed": SEED,
}
MAX_ROUNDS = 1000

Row = tuple[str, str, str]   # (headline, Body ID, stance)


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


# ---------------------------------------------------------------- cue words and text


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


REFUTE = _words(
    "fake fakes faked fraud fraudulent hoax hoaxes false falsely deny denies denied denying denial"
    " refute refutes refuted debunk debunks debunked bogus untrue myth prank pranks retract"
    " retracts retracted retraction satire satirical fabricated fabrication misleading baseless"
    " unfounded dismiss dismisses dismissed reject rejects rejected contradict contradicts"
    " incorrect wrong nonsense lie lies lied doubt doubts doubtful doctored photoshopped"
    " spoof parody debunking disputes disputed erroneous")
HEDGE = _words(
    "reportedly allegedly alleged alleges claim claims claimed claiming according rumor rumors"
    " rumour rumours rumored rumoured unconfirmed unverified may might could possibly possible"
    " apparently purportedly purported suggests suggest suggested appears appear seems seem"
    " speculation speculated believed supposedly unclear report reports reported sources source"
    " if whether perhaps likely unknown investigating verify")
NEGATION = _words(
    "not no never none nothing neither nor without cannot nobody nowhere isn't wasn't aren't"
    " weren't don't doesn't didn't won't wouldn't can't couldn't shouldn't hasn't haven't hadn't")
CONFIRM = _words(
    "confirm confirms confirmed confirmation official officially announced announces verified"
    " true indeed revealed reveals proved proof evidence acknowledged admits admitted")
STOP = _words(
    "a an the and or but of to in on at by for with from as is are was were be been being it its"
    " this that these those he she they we you i his her their our your my me him them us has"
    " have had do does did will would should can said says say also than then there here what"
    " which who whom whose when where why how all any some more most other such only own same so"
    " too very just into over after before about up down out off again further once s t")
CUE_SETS = (REFUTE, HEDGE, NEGATION, CONFIRM)
CUES = ("refute", "hedge", "neg", "confirm")

_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_SENT_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9])")
_PARA = re.compile(r"\n\s*\n|\r\n\s*\r\n|\n")
_APOS = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'})


def split_sentences(text: str) -> list[str]:
    """Sentences of `text`, split on line breaks and sentence-final punctuation."""
    out: list[str] = []
    for para in _PARA.split(text.translate(_APOS)):
        para = " ".join(para.split())
        if para:
            out.extend(s.strip() for s in _SENT_END.split(para) if s.strip())
    return out


def tokenize(text: str) -> list[str]:
    """Lower-cased word tokens with straightened apostrophes."""
    return _TOKEN.findall(text.translate(_APOS).lower())


def _stem(token: str) -> str:
    for suffix in ("ing", "ed", "es", "s"):
        if len(token) > len(suffix) + 3 and token.endswith(suffix):
            return token[: -len(suffix)]
    return token


def content_terms(text: str) -> list[str]:
    """Stemmed content words and their adjacent bigrams (the TF-IDF terms)."""
    words = [_stem(t) for t in tokenize(text) if t not in STOP]
    return words + [f"{a} {b}" for a, b in zip(words, words[1:], strict=False)]


def cue_counts(tokens: Sequence[str]) -> list[int]:
    """Refute, hedge, negation and confirm cue counts of a token list."""
    counts = [sum(t in cues for t in tokens) for cues in CUE_SETS]
    counts[2] += sum(t.endswith("n't") and t not in NEGATION for t in tokens)
    return counts


def _char_grams(text: str, n: int = 5) -> set[str]:
    flat = " ".join(tokenize(text))
    return {flat[i : i + n] for i in range(max(len(flat) - n + 1, 0))}


# ---------------------------------------------------------------- TF-IDF


class TfidfSpace:
    """A fixed vocabulary with IDF weights; rows are L2-normalised sublinear TF-IDF."""

    def __init__(self, documents: Sequence[str], max_features: int = 30000) -> None:
        df: dict[str, int] = {}
        for doc in documents:
            for term in set(content_terms(doc)):
                df[term] = df.get(term, 0) + 1
        kept = sorted((t for t, c in df.items() if c >= 2), key=lambda t: (-df[t], t))
        kept = sorted(kept[:max_features])
        n = len(documents)
        self.vocabulary = {t: i for i, t in enumerate(kept)}
        self.idf = np.array([math.log((1 + n) / (1 + df[t])) + 1.0 for t in kept])

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        """L2-normalised sublinear TF-IDF rows, one per text."""
        rows, cols, vals = [], [], []
        for r, text in enumerate(texts):
            found: dict[int, int] = {}
            for term in content_terms(text):
                j = self.vocabulary.get(term)
                if j is not None:
                    found[j] = found.get(j, 0) + 1
            rows.extend([r] * len(found))
            cols.extend(found)
            vals.extend(found.values())
        mat = sp.csr_matrix((vals, (rows, cols)), shape=(len(texts), len(self.vocabulary)),
                            dtype=np.float64)
        mat.data = 1.0 + np.log(mat.data)
        mat = mat @ sp.diags(self.idf)
        norms = np.sqrt(np.asarray(mat.multiply(mat).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        return sp.csr_matrix(sp.diags(1.0 / norms) @ mat)


# ---------------------------------------------------------------- features


@dataclass
class Texts:
    """What every pair a text takes part in needs from it, computed once."""

    emb: np.ndarray
    tfidf: sp.csr_matrix
    binary: sp.csr_matrix
    terms: list[set[str]]
    bigrams: list[set[str]]
    chars: list[set[str]]
    numbers: list[set[str]]
    cues: np.ndarray
    n_tokens: np.ndarray
    question: np.ndarray


def prepare(texts: Sequence[str], space: TfidfSpace, emb: np.ndarray) -> Texts:
    """Token sets, cue counts and TF-IDF rows of `texts` (with their vectors `emb`)."""
    terms, bigrams, chars, numbers, cues, n_tokens = [], [], [], [], [], []
    for text in texts:
        toks = tokenize(text)
        words = [_stem(t) for t in toks if t not in STOP]
        terms.append(set(words))
        bigrams.append({f"{a} {b}" for a, b in zip(words, words[1:], strict=False)})
        chars.append(_char_grams(text))
        numbers.append(set(_NUMBER.findall(text)))
        cues.append(cue_counts(toks))
        n_tokens.append(len(toks))
    tfidf = space.transform(texts)
    binary = tfidf.copy()
    binary.data = space.idf[binary.indices]
    return Texts(emb, tfidf, binary, terms, bigrams, chars, numbers,
                 np.asarray(cues, dtype=np.float32).reshape(-1, 4),
                 np.asarray(n_tokens, dtype=np.float32),
                 np.asarray(["?" in t for t in texts], dtype=np.float32))


def _frac(part: set[str], whole: set[str]) -> float:
    return len(part & whole) / len(part) if part else 0.0


def _jaccard(a: set[str], b: set[str]) -> float:
    union = len(a | b)
    return len(a & b) / union if union else 0.0


FEATURE_NAMES: list[str] = (
    [f"claim_{c}" for c in CUES] + ["claim_question", "claim_len"]
    + [f"body_{c}_rate" for c in CUES]
    + ["tfidf_cos", "term_frac", "term_jaccard", "bigram_frac", "char_frac", "num_frac", "num_miss"]
    + ["lead_term_frac", "lead_tfidf_cos"]
    + ["emb_body", "emb_lead", "emb_max", "emb_top3", "emb_mean", "emb_std", "emb_argmax_pos"]
    + ["sent_tfidf_max", "sent_tfidf_top3", "sent_idf_overlap_max", "sent_idf_overlap_top3"]
    + ["sent_combo_max"] + [f"top_{c}" for c in CUES] + [f"best_{c}" for c in CUES]
    + ["polarity_match", "refute_near_terms"]
    + [f"simw_{c}" for c in CUES] + [f"lead_{c}" for c in CUES]
)
# Stage one (related or not) sees similarity and overlap only, not the body's style.
RELATED_FEATURES: list[str] = [
    "claim_len", "tfidf_cos", "term_frac", "term_jaccard", "bigram_frac", "char_frac",
    "num_frac", "num_miss", "lead_term_frac", "lead_tfidf_cos", "emb_body", "emb_lead",
    "emb_max", "emb_top3", "emb_mean", "emb_std", "sent_tfidf_max", "sent_tfidf_top3",
    "sent_idf_overlap_max", "sent_idf_overlap_top3", "sent_combo_max",
]
RELATED_COLUMNS = [FEATURE_NAMES.index(n) for n in RELATED_FEATURES]


def _mean_vectors(sent_vecs: np.ndarray, offsets: np.ndarray, limit: int = 0) -> np.ndarray:
    """Normalised mean of each body's sentence vectors (its first `limit` if > 0)."""
    out = np.zeros((len(offsets) - 1, sent_vecs.shape[1]), dtype=np.float32)
    for i in range(len(offsets) - 1):
        end = min(offsets[i + 1], offsets[i] + limit) if limit else offsets[i + 1]
        if end > offsets[i]:
            out[i] = sent_vecs[offsets[i] : end].mean(axis=0)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return out / norms


@dataclass
class Side:
    """Prepared claims, sentences, whole bodies and leads of one featurisation call."""

    claim: Texts
    sent: Texts
    body: Texts
    lead: Texts
    offsets: np.ndarray


def prepare_side(claims: Sequence[str], bodies: Sequence[Sequence[str]], space: TfidfSpace,
                 embedder: Any) -> Side:
    """Embed and prepare every claim, sentence, body and lead once."""
    bodies = [list(b) if len(b) else [""] for b in bodies]
    sents = [s for b in bodies for s in b]
    offsets = np.cumsum([0] + [len(b) for b in bodies])
    vecs = embedder.encode(list(claims) + sents)
    s_vecs = vecs[len(claims):]
    return Side(prepare(claims, space, vecs[: len(claims)]), prepare(sents, space, s_vecs),
                prepare([" ".join(b) for b in bodies], space, _mean_vectors(s_vecs, offsets)),
                prepare([" ".join(b[:LEAD]) for b in bodies], space,
                        _mean_vectors(s_vecs, offsets, LEAD)),
                offsets)


def features(claims: Sequence[str], bodies: Sequence[Sequence[str]], pairs: np.ndarray,
             space: TfidfSpace, embedder: Any) -> np.ndarray:
    """Feature rows of `pairs` (claim index, body index); bodies given as sentence lists."""
    pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    out = np.zeros((len(pairs), len(FEATURE_NAMES)), dtype=np.float32)
    if len(pairs) == 0:
        return out
    side = prepare_side(claims, bodies, space, embedder)
    for b in np.unique(pairs[:, 1]):
        rows = np.flatnonzero(pairs[:, 1] == b)
        out[rows] = body_block(side, pairs[rows, 0], int(b))
    return out


def body_block(side: Side, cis: np.ndarray, b: int) -> np.ndarray:
    """Feature rows of the claims `cis` against body `b` (matrix products over its sentences)."""
    c, s = side.claim, side.sent
    span = slice(side.offsets[b], side.offsets[b + 1])
    emb = c.emb[cis] @ s.emb[span].T
    tf = (c.tfidf[cis] @ s.tfidf[span].T).toarray()
    idf_w = (c.binary[cis] @ (s.binary[span] > 0).T).toarray()
    idf_ov = idf_w / np.maximum(np.asarray(c.binary[cis].sum(axis=1)).reshape(-1, 1), 1e-9)
    combo = emb + tf + idf_ov
    sim_w = np.maximum(emb, 0.0) ** 2
    simw_cues = sim_w @ (s.cues[span] > 0) / np.maximum(sim_w.sum(axis=1, keepdims=True), 1e-9)
    body_cos = np.asarray(c.tfidf[cis].multiply(side.body.tfidf[b]).sum(axis=1)).ravel()
    lead_cos = np.asarray(c.tfidf[cis].multiply(side.lead.tfidf[b]).sum(axis=1)).ravel()
    return np.asarray([
        pair_row(side, int(ci), b, span, (emb[k], tf[k], idf_ov[k], combo[k]),
                 float(body_cos[k]), float(lead_cos[k])) + [*simw_cues[k], *side.lead.cues[b]]
        for k, ci in enumerate(cis)], dtype=np.float32)


def pair_row(side: Side, ci: int, b: int, span: slice, sims: tuple, body_cos: float,
             lead_cos: float) -> list[float]:
    """The scalar features of one pair (all but the similarity-weighted and lead cues)."""
    c, s, body, lead = side.claim, side.sent, side.body, side.lead
    emb, tf, idf_ov, combo = sims
    n_s = len(emb)
    order = np.argsort(-combo, kind="stable")
    top = order[:TOP_K] + span.start
    best_cues = s.cues[int(order[0]) + span.start]
    emb_sorted = np.sort(emb)[::-1]
    c_terms, b_terms, nums = c.terms[ci], body.terms[b], c.numbers[ci]
    near = sum(_frac(c_terms, s.terms[i]) * s.cues[i, 0] for i in top)
    return [
        *c.cues[ci], float(c.question[ci]), math.log1p(c.n_tokens[ci]),
        *(body.cues[b] / max(n_s, 1)),
        body_cos, _frac(c_terms, b_terms), _jaccard(c_terms, b_terms),
        _frac(c.bigrams[ci], body.bigrams[b]), _frac(c.chars[ci], body.chars[b]),
        _frac(nums, body.numbers[b]), float(len(nums - body.numbers[b])),
        _frac(c_terms, lead.terms[b]), lead_cos,
        float(c.emb[ci] @ body.emb[b]), float(c.emb[ci] @ lead.emb[b]),
        float(emb_sorted[0]), float(emb_sorted[:TOP_K].mean()), float(emb.mean()),
        float(emb.std()), float(np.argmax(emb)) / max(n_s - 1, 1),
        float(tf.max()), float(np.sort(tf)[::-1][:TOP_K].mean()),
        float(idf_ov.max()), float(np.sort(idf_ov)[::-1][:TOP_K].mean()), float(combo.max()),
        *s.cues[top].sum(axis=0), *best_cues,
        float((c.cues[ci, 2] % 2) == (best_cues[2] % 2)), near,
    ]


def featurize(rows: Sequence[Row], bodies: dict[str, str], space: TfidfSpace,
              embedder: Any) -> np.ndarray:
    """Feature rows for every (headline, Body ID) of `rows`."""
    heads = sorted({h for h, _, _ in rows})
    ids = sorted({b for _, b, _ in rows})
    h_idx = {h: i for i, h in enumerate(heads)}
    b_idx = {b: i for i, b in enumerate(ids)}
    pairs = np.array([(h_idx[h], b_idx[b]) for h, b, _ in rows])
    return features(heads, [split_sentences(bodies[b]) for b in ids], pairs, space, embedder)


# ---------------------------------------------------------------- data


def load_corpus(name: str) -> tuple[list[Row], list[str], dict[str, str]]:
    """Rows, their story_split side and the bodies of corpus `name` ("fnc1" or "arc")."""
    from corroborator.evaluation.stance import read_bodies, read_stances, story_split

    stances, body_file = CORPUS_FILES[name]
    bodies = read_bodies(CORPORA[name] / body_file)
    rows = read_stances(CORPORA[name] / stances, bodies)
    return rows, story_split(rows), bodies


def shortened(rows: Sequence[Row], bodies: dict[str, str], seed: int) -> tuple[list[Row], dict]:
    """Copies of `rows` whose bodies keep only their first 3-8 sentences (as the old trainer)."""
    rng = random.Random(seed)
    cut: dict[str, str] = {}
    for body_id in sorted({b for _, b, _ in rows}):
        sents = split_sentences(bodies[body_id])
        keep = rng.randint(3, 8)
        if len(sents) > keep:
            cut[body_id + SHORT] = "\n".join(sents[:keep])
    return [(h, b + SHORT, s) for h, b, s in rows if b + SHORT in cut], {**bodies, **cut}


def labels_of(rows: Sequence[Row]) -> np.ndarray:
    return np.array([LABELS.index(s) for _, _, s in rows], dtype=np.int64)


# ---------------------------------------------------------------- model


def sample_weights(y: np.ndarray, power: float) -> np.ndarray:
    """Inverse class frequency to the `power`, normalised to mean 1."""
    counts = np.bincount(y).astype(float)
    w = (counts.sum() / np.maximum(counts, 1)) ** power
    out = w[y]
    return out / out.mean()


def fit_stage(stage: str, x: np.ndarray, y: np.ndarray, rounds: int, valid=None) -> Any:
    """Fit stage "related" (binary, overlap features) or "stance" (agree/disagree/discuss)."""
    import lightgbm as lgb

    params = dict(PARAMS)
    if stage == "related":
        params.update(objective="binary")
        params.pop("num_class")
        x = x[:, RELATED_COLUMNS]
        valid = None if valid is None else (valid[0][:, RELATED_COLUMNS], valid[1])
    names = RELATED_FEATURES if stage == "related" else FEATURE_NAMES
    power = 0.0 if stage == "related" else 1.0
    data = lgb.Dataset(x, y, weight=sample_weights(y, power), feature_name=names)
    if valid is None:
        return lgb.train(params, data, num_boost_round=rounds)
    return lgb.train(params, data, num_boost_round=rounds,
                     valid_sets=[lgb.Dataset(valid[0], valid[1], reference=data)],
                     callbacks=[lgb.early_stopping(50, verbose=False)])


def fit_both(x: np.ndarray, y: np.ndarray, rounds: tuple[int, int], valid=None) -> tuple:
    """Both stages; with `valid` (x, y), each stops early on its part of it."""
    rel = y != UNRELATED
    v_rel = v_sta = None
    if valid is not None:
        v_rel = (valid[0], (valid[1] != UNRELATED).astype(int))
        keep = valid[1] != UNRELATED
        v_sta = (valid[0][keep], valid[1][keep])
    related = fit_stage("related", x, rel.astype(int), rounds[0], v_rel)
    log(f"related stage fitted on {len(x)} pairs")
    stance = fit_stage("stance", x[rel], y[rel], rounds[1], v_sta)
    log(f"stance stage fitted on {int(rel.sum())} related pairs")
    return related, stance


def predict_both(models: tuple, x: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
    """Four-class probabilities: P(unrelated) = 1 - P(related), P(k) = P(related) P(k | related)."""
    p_rel = models[0].predict(x[:, RELATED_COLUMNS]).reshape(-1, 1)
    probs = np.hstack([p_rel * models[1].predict(x).reshape(len(x), 3), 1.0 - p_rel])
    if weights is not None:
        probs = probs * weights
    return probs / np.maximum(probs.sum(axis=1, keepdims=True), 1e-12)


def scores_of(gold: np.ndarray, probs: np.ndarray) -> dict[str, Any]:
    """score_predictions of the argmax labels."""
    from corroborator.evaluation.stance import score_predictions

    pred = np.argmax(probs, axis=1)
    return score_predictions([LABELS[i] for i in gold], [LABELS[i] for i in pred])


def tune_class_weights(gold: np.ndarray, probs: np.ndarray) -> np.ndarray:
    """Coordinate search for per-class multipliers maximising relative FNC + macro-F1."""
    weights = np.ones(len(LABELS))
    grid = [0.5, 0.67, 0.8, 1.0, 1.25, 1.5, 2.0, 2.5, 3.0, 4.0]

    def objective(k: int, value: float) -> float:
        trial = weights.copy()
        trial[k] = value
        result = scores_of(gold, probs * trial)
        return result["fnc_score"] + result["macro_f1"]

    for _ in range(3):
        for k in range(len(LABELS) - 1):
            weights[k] = max(grid, key=lambda v, k=k: objective(k, v))
    return weights


# ---------------------------------------------------------------- experiment


@dataclass
class Split:
    """Features and labels of one corpus side (with its rows, for predictions)."""

    rows: list[Row]
    x: np.ndarray
    y: np.ndarray


class Experiment:
    """The corpora, read and featurised once; models trained per variant."""

    def __init__(self, augment: bool = True) -> None:
        from corroborator.embed import get_embedder

        self.augment = augment
        self.data = {name: load_corpus(name) for name in CORPORA}
        fit_rows, fit_bodies = self._fit_texts()
        self.space = TfidfSpace(fit_rows + fit_bodies)
        self.embedder = get_embedder("fast")
        self.cache: dict[tuple[str, str], Split] = {}

    def _fit_texts(self) -> tuple[list[str], list[str]]:
        """The TF-IDF vocabulary's texts: FNC-1 train+tune headlines and bodies (as ef8a138)."""
        rows, sides, bodies = self.data["fnc1"]
        kept = [r for r, s in zip(rows, sides, strict=True) if s in ("train", "tune")]
        return sorted({h for h, _, _ in kept}), [bodies[b] for b in sorted({b for _, b, _ in kept})]

    def split(self, corpus: str, side: str) -> Split:
        """Featurised rows of `corpus` on `side`; side "train+" adds shortened-body copies."""
        key = (corpus, side)
        if key not in self.cache:
            rows, sides, bodies = self.data[corpus]
            mine = [r for r, s in zip(rows, sides, strict=True) if s == side.rstrip("+")]
            if side.endswith("+"):
                mine, bodies = shortened(mine, bodies, SEED) if self.augment else ([], bodies)
            self.cache[key] = Split(mine, self._features(corpus, side, mine, bodies),
                                    labels_of(mine))
        return self.cache[key]

    def _features(self, corpus: str, side: str, rows: list[Row], bodies: dict) -> np.ndarray:
        """Feature rows, read from bench/out/ when an earlier run computed the same rows
        (a plain .npy file keyed by a hash of the rows and feature names; no pickle)."""
        digest = hashlib.sha1(json.dumps([FEATURE_NAMES, rows]).encode()).hexdigest()[:16]
        path = CACHE / f"{corpus}_{side.replace('+', 'short')}_{digest}.npy"
        if path.exists():
            return np.load(path, allow_pickle=False)
        start = time.perf_counter()
        x = featurize(rows, bodies, self.space, self.embedder)
        log(f"features {corpus}/{side}: {len(rows)} pairs, {time.perf_counter() - start:.0f} s")
        CACHE.mkdir(parents=True, exist_ok=True)
        np.save(path, x, allow_pickle=False)
        return x

    def fit_data(self, corpora: Sequence[str], sides: Sequence[str]) -> tuple:
        """Stacked features and labels of `sides` (with their shortened copies) of `corpora`."""
        parts = [self.split(c, s + suffix) for c in corpora for s in sides for suffix in ("", "+")]
        return np.vstack([p.x for p in parts]), np.concatenate([p.y for p in parts])

    def train(self, corpora: Sequence[str], final: bool = True) -> tuple:
        """(models, class weights, rounds): rounds and weights from train -> tune; with
        `final`, the models are refitted on train + tune."""
        x, y = self.fit_data(corpora, ["train"])
        tune = [self.split(c, "tune") for c in corpora]
        xv, yv = np.vstack([t.x for t in tune]), np.concatenate([t.y for t in tune])
        models = fit_both(x, y, (MAX_ROUNDS, MAX_ROUNDS), valid=(xv, yv))
        rounds = tuple(m.best_iteration or MAX_ROUNDS for m in models)
        weights = tune_class_weights(yv, predict_both(models, xv))
        log(f"{'+'.join(corpora)}: rounds {rounds}, class weights {weights.round(2).tolist()}")
        if final:
            x, y = self.fit_data(corpora, ["train", "tune"])
            models = fit_both(x, y, rounds)
        return models, weights, rounds


def variant_corpora(variant: str) -> list[str]:
    """"fnc" -> FNC-1 only; "fnc+arc" -> FNC-1 and ARC."""
    return {"fnc": ["fnc1"], "fnc+arc": ["fnc1", "arc"]}[variant]


def short_scores(result: dict[str, Any]) -> dict[str, Any]:
    """The headline figures of a score_predictions result."""
    return {"relative_fnc": round(result["fnc_score"], 4),
            "macro_f1": round(result["macro_f1"], 4),
            "disagree_f1": round(result["per_class_f1"]["disagree"], 4),
            "per_class_f1": {k: round(v, 4) for k, v in result["per_class_f1"].items()},
            "confusion": result["confusion"], "n": result["n"]}


def evaluate_variant(exp: Experiment, variant: str) -> dict[str, Any]:
    """Train `variant` on train+tune and score it on each corpus's test side."""
    models, weights, rounds = exp.train(variant_corpora(variant))
    out: dict[str, Any] = {"rounds": {"related": rounds[0], "stance": rounds[1]},
                           "class_weights": dict(zip(LABELS, weights.round(3).tolist(),
                                                     strict=True))}
    for corpus in CORPORA:
        test = exp.split(corpus, "test")
        out[f"{corpus}_test"] = short_scores(scores_of(test.y, predict_both(models, test.x,
                                                                            weights)))
        fig = out[f"{corpus}_test"]
        log(f"{variant} on {corpus} test: relative {fig['relative_fnc']} macro-F1 "
            f"{fig['macro_f1']} disagree F1 {fig['disagree_f1']} n={fig['n']}")
    return out


def baseline_predictions(split_side: str = "test", variant: str = "fnc",
                         augment: bool = True) -> dict[str, Any]:
    """Predictions of the whole-body baseline on one side of the FNC-1 and ARC splits.

    Args:
        split_side: "test" (model fitted on train + tune) or "tune" (model fitted on
            train only, so the tune side stays unseen).
        variant: "fnc" (trained on FNC-1) or "fnc+arc" (FNC-1 and ARC).
        augment: add the shortened-body copies to the training rows (as ef8a138 did).

    Returns:
        ``{"variant", "side", "fnc1": [...], "arc": [...]}``; each record has
        ``headline``, ``body_id``, ``gold``, ``label`` and ``probs`` (label -> probability).
    """
    if split_side not in ("test", "tune"):
        raise ValueError(f"split_side must be 'test' or 'tune', not {split_side!r}")
    exp = Experiment(augment)
    models, weights, _ = exp.train(variant_corpora(variant), final=split_side == "test")
    out: dict[str, Any] = {"variant": variant, "side": split_side}
    for corpus in CORPORA:
        part = exp.split(corpus, split_side)
        probs = predict_both(models, part.x, weights)
        out[corpus] = [
            {"headline": h, "body_id": b, "gold": g, "label": LABELS[int(np.argmax(p))],
             "probs": dict(zip(LABELS, p.round(4).tolist(), strict=True))}
            for (h, b, g), p in zip(part.rows, probs, strict=True)]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--variants", default="fnc,fnc+arc", help="fnc, fnc+arc or both")
    parser.add_argument("--no-augment", action="store_true", help="no shortened-body copies")
    args = parser.parse_args()
    if not CORPORA["fnc1"].exists():
        print(f"skipped: {CORPORA['fnc1']} is absent")
        return
    try:
        import lightgbm  # noqa: F401
    except ImportError:
        sys.exit("baseline_wholebody.py needs LightGBM: pip install -e '.[bench]'")
    start = time.perf_counter()
    exp = Experiment(augment=not args.no_augment)
    results: dict[str, Any] = {"augment": not args.no_augment, "model": "rebuilt from ef8a138^"}
    OUT.parent.mkdir(parents=True, exist_ok=True)
    for variant in args.variants.split(","):
        results[variant] = evaluate_variant(exp, variant)
        results["seconds"] = round(time.perf_counter() - start, 1)
        OUT.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps({v: {k: {m: f[m] for m in ("relative_fnc", "macro_f1", "disagree_f1")}
                          for k, f in results[v].items() if k.endswith("_test")}
                      for v in args.variants.split(",")}, indent=2))


if __name__ == "__main__":
    sys.exit(main())
