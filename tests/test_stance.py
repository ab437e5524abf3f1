"""Fast tests of the stance model, its evaluation and the FNC-1 scoring helpers."""

from __future__ import annotations

from pathlib import Path

import pytest

from corroborator.errors import InputError
from corroborator.evaluation.stance import (
    confusion_matrix,
    evaluate_stance,
    fnc_score,
    macro_f1,
    per_class_f1,
    read_stances,
    relative_fnc_score,
    split_by_headline,
)
from corroborator.stance import (
    LABELS,
    StanceModel,
    StancePrediction,
    get_stance_model,
    split_sentences,
    stance_with_evidence,
)

FIXTURES = Path(__file__).parent / "fixtures"
STANCES = FIXTURES / "fnc_tiny_stances.csv"
BODIES = FIXTURES / "fnc_tiny_bodies.csv"

LETTER_CLAIM = "The general confirmed the letter is authentic."
LETTER_DENIAL = [
    "Defence officials on Thursday denied that any letter from the general exists.",
    "A ministry spokesman said the document circulating online is a fake.",
    "\"There is no such letter, and the general never wrote one,\" the spokesman said.",
    "The ministry said it had asked the website that published it to remove the hoax.",
    "Analysts noted that the letterhead did not match the one the army uses.",
]
BRIDGE_CLAIM = "The city council approved a new bridge over the river."
BRIDGE_BODY = (
    "The city council approved a new bridge over the river on Monday, voting 9 to 2. "
    "The mayor confirmed that construction of the bridge will start in the spring. "
    "The new river bridge will cost 40 million dollars and open in two years. "
    "Council members said the approved bridge would ease traffic in the city centre."
)
FOOTBALL_BODY = (
    "The home side won the cup final 3-1 on Saturday after extra time. "
    "Their striker scored twice in the second half. "
    "Fans celebrated in the streets until late at night."
)


@pytest.fixture(scope="module")
def model() -> StanceModel:
    return get_stance_model()


def test_model_loads_with_name(model: StanceModel) -> None:
    assert model.name.startswith("stance-lgbm.v")
    assert set(model.labels) == set(LABELS)
    assert get_stance_model() is model


def test_predict_returns_probabilities(model: StanceModel) -> None:
    preds = model.predict([(BRIDGE_CLAIM, BRIDGE_BODY), (BRIDGE_CLAIM, FOOTBALL_BODY)])
    assert all(isinstance(p, StancePrediction) for p in preds)
    for pred in preds:
        assert set(pred.probs) == set(LABELS)
        assert sum(pred.probs.values()) == pytest.approx(1.0, abs=1e-6)
        assert pred.label == max(pred.probs, key=pred.probs.__getitem__)
    assert model.predict([]) == []


def test_obvious_examples(model: StanceModel) -> None:
    agree, unrelated, denial = model.predict(
        [
            (BRIDGE_CLAIM, BRIDGE_BODY),
            (BRIDGE_CLAIM, FOOTBALL_BODY),
            (LETTER_CLAIM, " ".join(LETTER_DENIAL)),
        ]
    )
    assert agree.label in ("agree", "discuss")
    assert unrelated.label == "unrelated"
    assert denial.label != "agree"
    assert denial.probs["disagree"] > denial.probs["agree"]


def test_stance_with_evidence_prefers_refuting_sentence(model: StanceModel) -> None:
    label, score, evidence = stance_with_evidence(LETTER_CLAIM, LETTER_DENIAL)
    assert label in LABELS and label != "agree"
    assert 0.0 <= score <= 1.0
    assert evidence in LETTER_DENIAL
    if label == "disagree":
        assert any(cue in evidence.lower() for cue in ("denied", "fake", "no ", "never", "hoax"))


def test_stance_with_evidence_short_and_empty(model: StanceModel) -> None:
    label, _, evidence = model.stance_with_evidence(BRIDGE_CLAIM, split_sentences(BRIDGE_BODY)[:3])
    assert label != "unrelated"
    assert "bridge" in evidence
    assert model.stance_with_evidence(BRIDGE_CLAIM, []) == ("unrelated", 1.0, "")


def test_scoring_helpers() -> None:
    gold = ["agree", "disagree", "unrelated", "discuss"]
    pred = ["agree", "discuss", "unrelated", "unrelated"]
    raw, best = fnc_score(gold, pred)
    assert (raw, best) == (1.0 + 0.25 + 0.25 + 0.0, 3.25)
    assert relative_fnc_score(gold, gold) == 1.0
    assert confusion_matrix(gold, pred)["disagree"]["discuss"] == 1
    f1 = per_class_f1(gold, pred)
    assert f1["agree"] == 1.0 and f1["disagree"] == 0.0
    assert macro_f1(gold, pred) == pytest.approx(sum(f1.values()) / 4)


def test_evaluate_stance_on_fixture(tmp_path: Path) -> None:
    out = tmp_path / "pred.csv"
    result = evaluate_stance(STANCES, BODIES, predictions_out=out)
    keys = {"fnc_score", "raw_score", "max_score", "macro_f1", "per_class_f1", "confusion", "n"}
    assert keys <= set(result)
    assert result["n"] == 6
    assert 0.0 <= result["fnc_score"] <= 1.0
    assert result["max_score"] == pytest.approx(4 * 1.0 + 2 * 0.25)
    assert sum(sum(row.values()) for row in result["confusion"].values()) == 6
    written = read_stances(out)
    assert [(h, b) for h, b, _ in written] == [(h, b) for h, b, _ in read_stances(STANCES)]


def test_bad_input_raises_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read"):
        evaluate_stance(tmp_path / "missing.csv", BODIES)
    no_stance = tmp_path / "no_stance.csv"
    no_stance.write_text("Headline,Body ID\nA headline,1\n", encoding="utf-8")
    with pytest.raises(InputError, match="missing column"):
        evaluate_stance(no_stance, BODIES)
    unknown = tmp_path / "unknown.csv"
    unknown.write_text("Headline,Body ID,Stance\nA headline,99,agree\n", encoding="utf-8")
    with pytest.raises(InputError, match="unknown Body ID") as info:
        evaluate_stance(unknown, BODIES)
    assert info.value.line == 2


def test_split_by_headline_is_disjoint_and_seeded() -> None:
    heads = [f"headline {i}" for i in range(50)] * 3
    held = split_by_headline(heads, 0.2, seed=7)
    assert len(held) == 10
    assert held == split_by_headline(heads, 0.2, seed=7)
