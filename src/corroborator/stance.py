"""Stance of a news body toward a claim: agree, disagree, discuss or unrelated.

The classifier is a LightGBM model trained on the FNC-1 training split
(``train/train_stance.py``) over hand-built features of each (claim, body) pair:

* lexical overlap of the claim with the whole body, its lead and its best
  matching sentence (word, n-gram, character and number overlap, TF-IDF cosine);
* embedding similarity (the fast static embedder) of the claim with the body,
  its lead and its sentences (max, top-3 mean, mean, spread, position);
* cue words (refuting, hedging, negating, confirming) in the claim, the body and
  in the sentences most similar to the claim, plus polarity agreement.

Everything is computed in batch: each distinct text is tokenised and embedded
once, then pair features are filled body by body with small matrix products.

Example:
    >>> model = get_stance_model()
    >>> [p.label for p in model.predict([("Pope resigns", "The Pope resigned today.")])]
    ['agree']
"""

from __future__ import annotations

import gzip
import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

from corroborator.models import StanceLabel

LABELS: tuple[StanceLabel, ...] = ("agree", "disagree", "discuss", "unrelated")
MODEL_NAME = "stance-lgbm"
MODEL_FILES = ("model_related.txt.gz", "model_stance.txt.gz")
RESOURCE_DIR = Path(__file__).parent / "resources" / "stance"


def _wordset(words: str) -> frozenset[str]:
    return frozenset(words.split())


REFUTE = _wordset(
    "fake fakes faked fraud fraudulent hoax hoaxes false falsely deny denies denied denying denial"
    " refute refutes refuted debunk debunks debunked bogus untrue myth prank pranks retract"
    " retracts retracted retraction satire satirical fabricated fabrication misleading baseless"
    " unfounded dismiss dismisses dismissed reject rejects rejected contradict contradicts"
    " incorrect wrong nonsense lie lies lied doubt doubts doubtful doctored photoshopped"
    " spoof parody debunking disputes disputed erroneous"
)
HEDGE = _wordset(
    "reportedly allegedly alleged alleges claim claims claimed claiming according rumor rumors"
    " rumour rumours rumored rumoured unconfirmed unverified may might could possibly possible"
    " apparently purportedly purported suggests suggest suggested appears appear seems seem"
    " speculation speculated believed supposedly unclear report reports reported sources source"
    " if whether perhaps likely unknown investigating verify"
)
NEGATION = _wordset(
    "not no never none nothing neither nor without cannot nobody nowhere isn't wasn't aren't"
    " weren't don't doesn't didn't won't wouldn't can't couldn't shouldn't hasn't haven't"
    " hadn't"
)
CONFIRM = _wordset(
    "confirm confirms confirmed confirmation official officially announced announces verified"
    " true indeed revealed reveals proved proof evidence acknowledged admits admitted"
)
STOP = _wordset(
    "a an the and or but of to in on at by for with from as is are was were be been being it its"
    " this that these those he she they we you i his her their our your my me him them us has"
    " have had do does did will would should can said says say also than then there here what"
    " which who whom whose when where why how all any some more most other such only own same so"
    " too very just into over after before about up down out off again further once s t"
)

_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_SENT_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9])")
_PARA = re.compile(r"\n\s*\n|\r\n\s*\r\n|\n")
_APOS = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'})
_CUE_SETS = (REFUTE, HEDGE, NEGATION, CONFIRM)
_TOP_K = 3
_LEAD = 2


@dataclass(frozen=True)
class StancePrediction:
    """The stance of one (claim, body) pair: the argmax label and all class probabilities."""

    label: StanceLabel
    probs: dict[str, float] = field(default_factory=dict)


# ---------------------------------------------------------------- text helpers


def split_sentences(text: str) -> list[str]:
    """Split `text` into sentences on paragraph breaks and sentence-final punctuation."""
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
    """Stemmed non-stop-word tokens plus their adjacent bigrams (the TF-IDF analyzer)."""
    words = [_stem(t) for t in tokenize(text) if t not in STOP]
    return words + [f"{a} {b}" for a, b in zip(words, words[1:], strict=False)]


def _cue_counts(tokens: Sequence[str]) -> list[int]:
    counts = [sum(t in cues for t in tokens) for cues in _CUE_SETS]
    counts[2] += sum(t.endswith("n't") and t not in NEGATION for t in tokens)
    return counts


def _char_grams(text: str, n: int = 5) -> set[str]:
    flat = " ".join(tokenize(text))
    return {flat[i : i + n] for i in range(max(len(flat) - n + 1, 0))}


# ---------------------------------------------------------------- TF-IDF space


class TfidfSpace:
    """A fixed vocabulary with IDF weights; rows are L2-normalised sublinear TF-IDF."""

    def __init__(self, vocabulary: dict[str, int], idf: np.ndarray) -> None:
        self.vocabulary = vocabulary
        self.idf = np.asarray(idf, dtype=np.float64)

    @classmethod
    def fit(cls, documents: Sequence[str], max_features: int = 30000, min_df: int = 2) -> TfidfSpace:
        """Learn the `max_features` most frequent terms (document frequency ≥ `min_df`)."""
        df: dict[str, int] = {}
        for doc in documents:
            for term in set(content_terms(doc)):
                df[term] = df.get(term, 0) + 1
        kept = sorted((t for t, c in df.items() if c >= min_df), key=lambda t: (-df[t], t))
        kept = sorted(kept[:max_features])
        n = len(documents)
        idf = np.array([math.log((1 + n) / (1 + df[t])) + 1.0 for t in kept])
        return cls({t: i for i, t in enumerate(kept)}, idf)

    def counts(self, texts: Sequence[str]) -> sp.csr_matrix:
        """Raw term counts, one row per text."""
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
        shape = (len(texts), len(self.vocabulary))
        return sp.csr_matrix((vals, (rows, cols)), shape=shape, dtype=np.float64)

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        """L2-normalised sublinear TF-IDF rows."""
        mat = self.counts(texts)
        mat.data = 1.0 + np.log(mat.data)
        mat = mat @ sp.diags(self.idf)
        norms = np.sqrt(np.asarray(mat.multiply(mat).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        return sp.csr_matrix(sp.diags(1.0 / norms) @ mat)

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict: terms in column order and their IDF."""
        terms = sorted(self.vocabulary, key=self.vocabulary.__getitem__)
        return {"terms": terms, "idf": [round(float(x), 5) for x in self.idf]}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> TfidfSpace:
        """Rebuild a space saved by :meth:`to_json`."""
        return cls({t: i for i, t in enumerate(data["terms"])}, np.asarray(data["idf"]))


# ---------------------------------------------------------------- features


@dataclass
class _Texts:
    """Per-text precomputation shared by every pair the text takes part in."""

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


def _prepare(texts: Sequence[str], space: TfidfSpace, emb: np.ndarray) -> _Texts:
    terms, bigrams, chars, numbers, cues, n_tokens = [], [], [], [], [], []
    for text in texts:
        toks = tokenize(text)
        words = [_stem(t) for t in toks if t not in STOP]
        terms.append(set(words))
        bigrams.append({f"{a} {b}" for a, b in zip(words, words[1:], strict=False)})
        chars.append(_char_grams(text))
        numbers.append(set(_NUMBER.findall(text)))
        cues.append(_cue_counts(toks))
        n_tokens.append(len(toks))
    tfidf = space.transform(texts)
    binary = tfidf.copy()
    binary.data = space.idf[binary.indices]
    return _Texts(
        emb, tfidf, binary, terms, bigrams, chars, numbers,
        np.asarray(cues, dtype=np.float32).reshape(-1, 4), np.asarray(n_tokens, dtype=np.float32),
        np.asarray(["?" in t for t in texts], dtype=np.float32),
    )


def _frac(part: set[str], whole: set[str]) -> float:
    return len(part & whole) / len(part) if part else 0.0


def _jaccard(a: set[str], b: set[str]) -> float:
    union = len(a | b)
    return len(a & b) / union if union else 0.0


FEATURE_NAMES: list[str] = (
    [f"claim_{c}" for c in ("refute", "hedge", "neg", "confirm")]
    + ["claim_question", "claim_len"]
    + [f"body_{c}_rate" for c in ("refute", "hedge", "neg", "confirm")]
    + ["tfidf_cos", "term_frac", "term_jaccard", "bigram_frac", "char_frac", "num_frac", "num_miss"]
    + ["lead_term_frac", "lead_tfidf_cos"]
    + ["emb_body", "emb_lead", "emb_max", "emb_top3", "emb_mean", "emb_std", "emb_argmax_pos"]
    + ["sent_tfidf_max", "sent_tfidf_top3", "sent_idf_overlap_max", "sent_idf_overlap_top3"]
    + ["sent_combo_max"]
    + [f"top_{c}" for c in ("refute", "hedge", "neg", "confirm")]
    + [f"best_{c}" for c in ("refute", "hedge", "neg", "confirm")]
    + ["polarity_match", "refute_near_terms"]
    + [f"simw_{c}" for c in ("refute", "hedge", "neg", "confirm")]
    + [f"lead_{c}" for c in ("refute", "hedge", "neg", "confirm")]
)

# Features of the first stage (related or not): similarity and overlap only, so that
# relatedness rests on what the claim and body share, not on the body's style.
RELATED_FEATURES: list[str] = [
    "claim_len", "tfidf_cos", "term_frac", "term_jaccard", "bigram_frac", "char_frac",
    "num_frac", "num_miss", "lead_term_frac", "lead_tfidf_cos", "emb_body", "emb_lead",
    "emb_max", "emb_top3", "emb_mean", "emb_std", "sent_tfidf_max", "sent_tfidf_top3",
    "sent_idf_overlap_max", "sent_idf_overlap_top3", "sent_combo_max",
]
RELATED_COLUMNS = [FEATURE_NAMES.index(n) for n in RELATED_FEATURES]


class StanceFeaturizer:
    """Turns (claim, body-as-sentences) pairs into the model's feature rows."""

    def __init__(self, space: TfidfSpace, embedder: Any = None) -> None:
        self.space = space
        self._embedder = embedder

    @property
    def embedder(self) -> Any:
        if self._embedder is None:
            from corroborator.embed import get_embedder

            self._embedder = get_embedder("fast")
        return self._embedder

    def features(
        self,
        claims: Sequence[str],
        bodies: Sequence[Sequence[str]],
        pairs: np.ndarray,
    ) -> np.ndarray:
        """Feature matrix for `pairs` (rows of claim index, body index) into the two lists."""
        pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
        out = np.zeros((len(pairs), len(FEATURE_NAMES)), dtype=np.float32)
        if len(pairs) == 0:
            return out
        bodies = [list(b) if len(b) else [""] for b in bodies]
        sents = [s for b in bodies for s in b]
        offsets = np.cumsum([0] + [len(b) for b in bodies])
        leads = [" ".join(b[:_LEAD]) for b in bodies]
        full = [" ".join(b) for b in bodies]
        vecs = self.embedder.encode(list(claims) + sents)
        c_txt = _prepare(claims, self.space, vecs[: len(claims)])
        s_vecs = vecs[len(claims) :]
        s_txt = _prepare(sents, self.space, s_vecs)
        b_txt = _prepare(full, self.space, _body_vectors(s_vecs, offsets))
        l_txt = _prepare(leads, self.space, _body_vectors(s_vecs, offsets, limit=_LEAD))
        for b in np.unique(pairs[:, 1]):
            rows = np.flatnonzero(pairs[:, 1] == b)
            span = slice(offsets[b], offsets[b + 1])
            out[rows] = self._body_block(pairs[rows, 0], int(b), span, c_txt, s_txt, b_txt, l_txt)
        return out

    def _body_block(
        self, cis: np.ndarray, b: int, span: slice, c: _Texts, s: _Texts, body: _Texts, lead: _Texts
    ) -> np.ndarray:
        emb = c.emb[cis] @ s.emb[span].T
        tf = (c.tfidf[cis] @ s.tfidf[span].T).toarray()
        idf_w = (c.binary[cis] @ (s.binary[span] > 0).T).toarray()
        idf_tot = np.asarray(c.binary[cis].sum(axis=1)).reshape(-1, 1)
        idf_ov = idf_w / np.maximum(idf_tot, 1e-9)
        combo = emb + tf + idf_ov
        sim_w = np.maximum(emb, 0.0) ** 2
        simw_cues = sim_w @ (s.cues[span] > 0) / np.maximum(sim_w.sum(axis=1, keepdims=True), 1e-9)
        body_cos = np.asarray(c.tfidf[cis].multiply(body.tfidf[b]).sum(axis=1)).ravel()
        lead_cos = np.asarray(c.tfidf[cis].multiply(lead.tfidf[b]).sum(axis=1)).ravel()
        rows = []
        for k, ci in enumerate(cis):
            rows.append(
                self._pair_row(int(ci), b, span, c, s, body, lead, emb[k], tf[k], idf_ov[k],
                               combo[k], float(body_cos[k]), float(lead_cos[k]))
                + [*simw_cues[k], *lead.cues[b]]
            )
        return np.asarray(rows, dtype=np.float32)

    @staticmethod
    def _pair_row(
        ci: int, b: int, span: slice, c: _Texts, s: _Texts, body: _Texts, lead: _Texts,
        emb: np.ndarray, tf: np.ndarray, idf_ov: np.ndarray, combo: np.ndarray,
        body_cos: float, lead_cos: float,
    ) -> list[float]:
        n_s = len(emb)
        order = np.argsort(-combo, kind="stable")
        top = order[:_TOP_K] + span.start
        best = int(order[0]) + span.start
        emb_sorted = np.sort(emb)[::-1]
        cue_rates = body.cues[b] / max(n_s, 1)
        top_cues = s.cues[top].sum(axis=0)
        best_cues = s.cues[best]
        c_terms, b_terms = c.terms[ci], body.terms[b]
        claim_nums = c.numbers[ci]
        near = sum(_frac(c_terms, s.terms[i]) * s.cues[i, 0] for i in top)
        polarity = float((c.cues[ci, 2] % 2) == (best_cues[2] % 2))
        return [
            *c.cues[ci], float(c.question[ci]),
            math.log1p(c.n_tokens[ci]),
            *cue_rates,
            body_cos, _frac(c_terms, b_terms), _jaccard(c_terms, b_terms),
            _frac(c.bigrams[ci], body.bigrams[b]), _frac(c.chars[ci], body.chars[b]),
            _frac(claim_nums, body.numbers[b]), float(len(claim_nums - body.numbers[b])),
            _frac(c_terms, lead.terms[b]), lead_cos,
            float(c.emb[ci] @ body.emb[b]), float(c.emb[ci] @ lead.emb[b]),
            float(emb_sorted[0]), float(emb_sorted[:_TOP_K].mean()), float(emb.mean()),
            float(emb.std()), float(np.argmax(emb)) / max(n_s - 1, 1),
            float(tf.max()), float(np.sort(tf)[::-1][:_TOP_K].mean()),
            float(idf_ov.max()), float(np.sort(idf_ov)[::-1][:_TOP_K].mean()),
            float(combo.max()),
            *top_cues, *best_cues, polarity, near,
        ]


def _body_vectors(sent_vecs: np.ndarray, offsets: np.ndarray, limit: int = 0) -> np.ndarray:
    """Normalised mean of each body's sentence vectors (the first `limit` if > 0)."""
    out = np.zeros((len(offsets) - 1, sent_vecs.shape[1]), dtype=np.float32)
    for i in range(len(offsets) - 1):
        end = min(offsets[i + 1], offsets[i] + limit) if limit else offsets[i + 1]
        if end > offsets[i]:
            out[i] = sent_vecs[offsets[i] : end].mean(axis=0)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return out / norms


# ---------------------------------------------------------------- model


class StanceModel:
    """The trained stance classifier: featurizer, two LightGBM stages and class re-weighting.

    Stage one scores P(related) from similarity and overlap features; stage two splits
    related pairs into agree / disagree / discuss from all features. The four class
    probabilities are P(unrelated) = 1 - P(related) and P(k) = P(related) * P(k | related),
    rescaled by per-class weights tuned on held-out training headlines.

    Example:
        >>> model = StanceModel.load()
        >>> preds = model.predict([("Claim text", "Body text. More body text.")])
        >>> preds[0].label in LABELS
        True
    """

    def __init__(
        self, related: Any, stance: Any, space: TfidfSpace, meta: dict[str, Any]
    ) -> None:
        self.related_booster = related
        self.stance_booster = stance
        self.meta = meta
        self.featurizer = StanceFeaturizer(space)
        self.labels: tuple[str, ...] = tuple(meta.get("labels", LABELS))
        weights = meta.get("class_weights", {})
        self.class_weights = np.array([weights.get(lab, 1.0) for lab in self.labels])

    @property
    def name(self) -> str:
        """Model name and version recorded with results, e.g. ``stance-lgbm.v1``."""
        return f"{self.meta.get('name', MODEL_NAME)}.v{self.meta.get('version', 1)}"

    @property
    def version(self) -> str:
        """Alias of :attr:`name`."""
        return self.name

    @classmethod
    def load(cls, directory: str | Path = RESOURCE_DIR) -> StanceModel:
        """Load the two gzipped LightGBM text models, ``tfidf.json`` and ``meta.json``."""
        import lightgbm as lgb

        directory = Path(directory)
        meta = json.loads((directory / "meta.json").read_text(encoding="utf-8"))
        space = TfidfSpace.from_json(json.loads((directory / "tfidf.json").read_text("utf-8")))
        related, stance = (
            lgb.Booster(model_str=gzip.decompress((directory / f).read_bytes()).decode("utf-8"))
            for f in MODEL_FILES
        )
        return cls(related, stance, space, meta)

    def predict_proba(
        self, claims: Sequence[str], bodies: Sequence[Sequence[str]], pairs: np.ndarray
    ) -> np.ndarray:
        """Class probabilities (columns in :attr:`labels` order) for index `pairs`.

        `bodies` are given as lists of sentences; `pairs` rows are (claim index, body index).
        """
        feats = self.featurizer.features(claims, bodies, pairs)
        if len(feats) == 0:
            return np.zeros((0, len(self.labels)))
        return combine_stages(
            self.related_booster.predict(feats[:, RELATED_COLUMNS], num_threads=2),
            self.stance_booster.predict(feats, num_threads=2),
            self.class_weights,
        )

    def predict(self, pairs: Sequence[tuple[str, str]]) -> list[StancePrediction]:
        """Stance of each (claim or headline, body text) pair."""
        claims, claim_idx = _index(p[0] for p in pairs)
        body_texts, body_idx = _index(p[1] for p in pairs)
        bodies = [split_sentences(t) for t in body_texts]
        probs = self.predict_proba(claims, bodies, np.column_stack([claim_idx, body_idx]))
        return [self._prediction(row) for row in probs]

    def predict_sentences(
        self, pairs: Sequence[tuple[str, Sequence[str]]]
    ) -> list[StancePrediction]:
        """Like :meth:`predict` with each body already split into sentences."""
        claims, claim_idx = _index(p[0] for p in pairs)
        keys, body_idx = _index("\x1e".join(p[1]) for p in pairs)
        bodies = [k.split("\x1e") if k else [] for k in keys]
        probs = self.predict_proba(claims, bodies, np.column_stack([claim_idx, body_idx]))
        return [self._prediction(row) for row in probs]

    def stance_with_evidence(
        self, claim: str, sentences: Sequence[str]
    ) -> tuple[StanceLabel, float, str]:
        """Stance of a body (its `sentences`) toward `claim`, its probability and evidence.

        The evidence is the sentence most similar to the claim; for ``disagree`` (or
        ``discuss``) a sentence among the three most similar that carries refuting or
        negating (hedging) cues is preferred.
        """
        sentences = [s for s in sentences if s.strip()]
        if not sentences:
            return "unrelated", 1.0, ""
        pred = self.predict_sentences([(claim, sentences)])[0]
        return pred.label, pred.probs[pred.label], self._evidence(claim, sentences, pred.label)

    def _evidence(self, claim: str, sentences: list[str], label: str) -> str:
        vecs = self.featurizer.embedder.encode([claim, *sentences])
        tf = self.featurizer.space.transform([claim, *sentences])
        score = vecs[1:] @ vecs[0] + (tf[1:] @ tf[0].T).toarray().ravel()
        order = np.argsort(-score, kind="stable")
        wanted = {"disagree": (0, 2), "discuss": (1,)}.get(label, ())
        for i in order[:_TOP_K]:
            cues = _cue_counts(tokenize(sentences[i]))
            if any(cues[j] for j in wanted):
                return sentences[i]
        return sentences[int(order[0])]

    def _prediction(self, row: np.ndarray) -> StancePrediction:
        probs = {lab: float(p) for lab, p in zip(self.labels, row, strict=True)}
        return StancePrediction(label=self.labels[int(np.argmax(row))], probs=probs)  # type: ignore[arg-type]


def combine_stages(
    p_related: np.ndarray, p_stance: np.ndarray, weights: np.ndarray | None = None
) -> np.ndarray:
    """Four-class probabilities (LABELS order) from the two stages, optionally re-weighted."""
    p_related = np.asarray(p_related, dtype=np.float64).reshape(-1, 1)
    p_stance = np.asarray(p_stance, dtype=np.float64).reshape(len(p_related), 3)
    probs = np.hstack([p_related * p_stance, 1.0 - p_related])
    if weights is not None:
        probs = probs * weights
    return probs / np.maximum(probs.sum(axis=1, keepdims=True), 1e-12)


def _index(items: Any) -> tuple[list[str], np.ndarray]:
    """Distinct items in first-seen order and each item's position among them."""
    seen: dict[str, int] = {}
    idx = [seen.setdefault(item, len(seen)) for item in items]
    return list(seen), np.asarray(idx, dtype=np.int64)


@cache
def get_stance_model() -> StanceModel:
    """The packaged :class:`StanceModel`, loaded once per process."""
    return StanceModel.load()


def stance_with_evidence(
    claim: str, sentences: Sequence[str], model: StanceModel | None = None
) -> tuple[StanceLabel, float, str]:
    """Stance of a body (given as `sentences`) toward `claim`: label, probability, evidence.

    Uses the packaged model unless `model` is given. See
    :meth:`StanceModel.stance_with_evidence`.
    """
    return (model or get_stance_model()).stance_with_evidence(claim, sentences)
