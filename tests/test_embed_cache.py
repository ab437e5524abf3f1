"""The fast embedder keeps each text's vector: a kept row equals a fresh one bit for bit."""

from __future__ import annotations

import numpy as np

from corroborator import embed
from corroborator.embed import Embedder

TEXTS = ["The council approved the budget.", "Ünïcödé and 214 numbers, café.",
         "Troops will leave the city by Friday, officials said.", "",
         "The council approved the budget."]


def _uncached(texts: list[str]) -> np.ndarray:
    model = embed._load_static()
    return embed._normalise(np.asarray(
        model.encode(texts, batch_size=256, use_multiprocessing=False), dtype=np.float32))


def test_kept_vectors_equal_fresh_ones_whatever_the_batch():
    fresh = _uncached(TEXTS)
    emb = Embedder()
    first = emb.encode(TEXTS[:2])
    again = emb.encode(TEXTS)                  # two rows kept, the others new
    alone = np.vstack([Embedder().encode(t) for t in TEXTS])
    assert np.array_equal(first, fresh[:2])
    assert np.array_equal(again, fresh)
    assert np.array_equal(alone, fresh)


def test_the_kept_rows_are_bounded_and_callers_get_their_own_copy(monkeypatch):
    monkeypatch.setattr(embed, "FAST_CACHE_ROWS", 2)
    emb = Embedder()
    rows = emb.encode(TEXTS)
    assert len(emb._kept) == 2
    rows[0] = 0.0                              # a caller changing its array
    assert np.array_equal(emb.encode(TEXTS), _uncached(TEXTS))
