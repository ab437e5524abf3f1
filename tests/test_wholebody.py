"""The whole-article stance model and its blend with the verdict model."""

from __future__ import annotations

import numpy as np
import pytest

from corroborator.corroboration.judgement import STANCES, VerdictModel, decide_label
from corroborator.corroboration.wholebody import (
    FEATURE_NAMES,
    MODEL_DIR,
    WholeBodyModel,
    get_wholebody_model,
    prepare_body,
)

pytestmark = pytest.mark.skipif(not (MODEL_DIR / "meta.json").exists(),
                                reason="the whole-article model is not shipped")

CLAIM = "The mayor of Springfield resigned on Monday after a corruption inquiry"
RESTATES = [
    "The mayor of Springfield resigned on Monday.",
    "He stepped down after a corruption inquiry found irregular payments.",
    "The city council will choose an interim mayor next week.",
]
OFF_TOPIC = [
    "The home side won the cup final 3-1 on Saturday.",
    "Their striker scored twice in the second half.",
    "Fans celebrated in the streets until late at night.",
]


def _predict(model: WholeBodyModel, body: list[str]) -> dict[str, float]:
    from corroborator.embed import get_embedder

    embedder = get_embedder("fast")
    prepared = prepare_body(body, embedder.encode(body), model.space)
    claim = (CLAIM, embedder.encode([CLAIM])[0])
    return dict(zip(STANCES, model.predict([claim], [prepared], [(0, 0)])[0], strict=True))


def test_an_off_topic_article_is_unrelated_and_a_restating_one_is_not():
    model = get_wholebody_model()
    assert _predict(model, OFF_TOPIC)["unrelated"] > 0.5
    assert _predict(model, RESTATES)["unrelated"] < 0.5


def test_the_model_is_data_and_loads_from_any_folder(tmp_path):
    import shutil

    names = sorted(p.name for p in MODEL_DIR.iterdir())
    assert names == ["meta.json", "related.onnx", "space.json", "stance.onnx"]
    for name in names:
        shutil.copy(MODEL_DIR / name, tmp_path / name)
    again = WholeBodyModel.load(tmp_path)
    assert again.meta["features"] == list(FEATURE_NAMES)
    before, after = _predict(get_wholebody_model(), RESTATES), _predict(again, RESTATES)
    assert before == pytest.approx(after, abs=1e-6)


def test_a_model_with_other_features_is_refused(tmp_path):
    import json
    import shutil

    for p in MODEL_DIR.iterdir():
        shutil.copy(p, tmp_path / p.name)
    meta = json.loads((tmp_path / "meta.json").read_text())
    (tmp_path / "meta.json").write_text(json.dumps(meta | {"features": ["x"]}))
    with pytest.raises(ValueError, match="features differ"):
        WholeBodyModel.load(tmp_path)


def test_the_label_is_the_largest_weighted_probability():
    model = VerdictModel(np.zeros((4, 1)), class_weights=(1.0, 3.0, 1.0, 1.0))
    probs = {"agree": 0.4, "disagree": 0.2, "discuss": 0.3, "unrelated": 0.1}
    assert decide_label(probs, False, model) == ("disagree", False)
    plain = VerdictModel(np.zeros((4, 1)))
    assert decide_label(probs, False, plain) == ("agree", False)


def test_the_blend_runs_from_the_verdict_model_to_the_whole_article_model():
    own = np.array([[0.7, 0.1, 0.1, 0.1]])
    whole = np.array([[0.1, 0.7, 0.1, 0.1]])
    assert np.allclose(VerdictModel(np.zeros((4, 1)), blend=1.0).combine(own, whole), own)
    assert np.allclose(VerdictModel(np.zeros((4, 1)), blend=0.0).combine(own, whole), whole)
    half = VerdictModel(np.zeros((4, 1)), blend=0.5).combine(own, whole)[0]
    assert half[0] == pytest.approx(half[1]) and half.sum() == pytest.approx(1.0)


def test_a_kept_body_and_kept_texts_give_the_same_rows_as_fresh_ones():
    """Bodies, concepts, cue counts and TF-IDF rows are kept between calls (a fold judges
    the same articles at every step); the feature rows must not depend on it."""
    from corroborator.corroboration import wholebody as wb
    from corroborator.embed import get_embedder

    model = get_wholebody_model()
    embedder = get_embedder("fast")
    bodies = [RESTATES, OFF_TOPIC, RESTATES[::-1] + OFF_TOPIC[:1]]
    claims = [(t, embedder.encode([t])[0]) for t in (CLAIM, OFF_TOPIC[0], RESTATES[1])]
    pairs = [(c, b) for c in range(len(claims)) for b in range(len(bodies))]

    def fresh_body(sentences):          # prepared from scratch, every text in full
        vecs = embedder.encode(sentences)
        return wb.Body(wb.prepare(sentences, vecs, space),
                       wb.prepare([" ".join(sentences)], wb._unit_mean(vecs), space),
                       wb.prepare([" ".join(sentences[:wb.LEAD])],
                                  wb._unit_mean(vecs[:wb.LEAD]), space))

    wb._BODIES.clear()
    wb._concepts.cache_clear()
    wb._cue_counts.cache_clear()
    wb._char_grams.cache_clear()
    space = wb.TermSpace(list(model.space.vocabulary), model.space.idf)
    reference = wb.pair_features(claims, [fresh_body(b) for b in bodies], pairs, space)
    for _ in range(2):                  # first prepared, then kept
        kept = [prepare_body(b, embedder.encode(b), space) for b in bodies]
        rows = wb.pair_features(claims, kept, pairs, space)
        assert np.allclose(rows, reference, atol=1e-6, rtol=0)
    assert prepare_body(bodies[0], embedder.encode(bodies[0]), space) is kept[0]
    assert wb.cue_counts("They denied it was not a hoax.") == list(
        wb._cue_counts("They denied it was not a hoax."))
