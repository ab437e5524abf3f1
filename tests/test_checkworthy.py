"""Fast tests for check-worthiness scoring and sentence types."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from corroborator.extract.checkworthy import (
    FEATURE_NAMES,
    SENTENCE_TYPES,
    SentenceScore,
    feature_matrix,
    neighbour_mean,
    score_sentences,
)

FIXTURE = Path(__file__).parent / "fixtures" / "sentence_types.jsonl"
# Measured on the held-out half (see docs/benchmarks/checkworthy.md); floor a little below.
HELD_OUT_FLOOR = 0.85
ALL_FLOOR = 0.88


def _fixture(split: str | None = None) -> list[dict[str, str]]:
    items = [json.loads(line) for line in FIXTURE.read_text(encoding="utf-8").splitlines()]
    return [it for it in items if split is None or it["split"] == split]


def test_scores_are_probabilities_with_reasons() -> None:
    texts = [it["text"] for it in _fixture()]
    scores = score_sentences(texts)
    assert len(scores) == len(texts)
    for s in scores:
        assert isinstance(s, SentenceScore)
        assert 0.0 <= s.checkworthiness <= 1.0
        assert 0.0 <= s.type_confidence <= 1.0
        assert s.type in SENTENCE_TYPES
        assert 2 <= len(s.reasons) <= 4
        assert set(s.features) == set(FEATURE_NAMES)


def test_factual_sentence_outscores_pleasantry() -> None:
    fact, thanks = score_sentences(
        ["The army said 3,000 troops will leave by March 5.", "Thank you all for coming."],
        context=[],
    )
    assert fact.checkworthiness > thanks.checkworthiness
    assert fact.features["has_number"] and fact.features["has_attribution"]
    assert "contains a number" in fact.reasons


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Who is the bad guy here?", "question"),
        ("Yes, sanctions are acts of war.", "opinion"),
        ("The army said 3,000 troops will leave by March 5.", "claim"),
        ("Read the original article.", "other"),
    ],
)
def test_sentence_types(text: str, kind: str) -> None:
    assert score_sentences([text])[0].type == kind


def test_type_accuracy_on_fixture() -> None:
    for split, floor in (("test", HELD_OUT_FLOOR), (None, ALL_FLOOR)):
        items = _fixture(split)
        got = score_sentences([it["text"] for it in items], context=[])
        acc = np.mean([g.type == it["type"] for g, it in zip(got, items, strict=True)])
        assert acc >= floor, f"{split or 'all'}: accuracy {acc:.3f} < {floor}"


def test_context_changes_only_neighbour_features() -> None:
    doc = ["Prices rose 4 percent in May.", "Wages fell 2 percent.", "That is bad news."]
    alone = score_sentences(doc[1:2], context=[])[0]
    in_doc = score_sentences(doc[1:2], context=doc)[0]
    assert alone.features == in_doc.features
    assert alone.checkworthiness != in_doc.checkworthiness
    assert score_sentences(doc)[1].checkworthiness == pytest.approx(in_doc.checkworthiness)


def test_empty_and_precomputed_embeddings() -> None:
    assert score_sentences([]) == []
    texts = ["Exports rose 12 percent.", "What now?"]
    from corroborator.embed import get_embedder

    emb = get_embedder("fast").encode(texts)
    a = [s.checkworthiness for s in score_sentences(texts)]
    b = [s.checkworthiness for s in score_sentences(texts, embeddings=emb)]
    assert a == pytest.approx(b)


def test_neighbour_mean_window() -> None:
    rows = np.arange(5, dtype=np.float32)[:, None]
    out = neighbour_mean(rows, np.array([0, 2, -1]))
    assert out[:, 0].tolist() == pytest.approx([1.5, 2.0, 0.0])


def test_feature_matrix_shape() -> None:
    assert feature_matrix(["One.", "Two words?"]).shape == (2, len(FEATURE_NAMES))
