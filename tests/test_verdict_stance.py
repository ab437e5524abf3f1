"""The verdict stack as a stance classifier (headline = claim, body = article), its FNC-1
evaluation, the scoring helpers and the story split."""

from __future__ import annotations

from pathlib import Path

import pytest

from corroborator.errors import InputError
from corroborator.evaluation.fnc import verdict_stances
from corroborator.evaluation.stance import (
    confusion_matrix,
    evaluate_stance,
    fnc_score,
    macro_f1,
    per_class_f1,
    read_stances,
    relative_fnc_score,
    story_split,
)

FIXTURES = Path(__file__).parent / "fixtures"
STANCES = FIXTURES / "fnc_tiny_stances.csv"
BODIES = FIXTURES / "fnc_tiny_bodies.csv"

LETTER_CLAIM = "The general confirmed the letter is authentic."
LETTER_DENIAL = (
    "Defence officials on Thursday denied that any letter from the general exists. "
    "A ministry spokesman said the document circulating online is a fake. "
    "\"There is no such letter, and the general never wrote one,\" the spokesman said. "
    "The ministry said it had asked the website that published it to remove the hoax.")
BRIDGE_CLAIM = "The city council approved a new bridge over the river."
BRIDGE_BODY = (
    "The city council approved a new bridge over the river on Monday, voting 9 to 2. "
    "The mayor confirmed that construction of the bridge will start in the spring. "
    "The new river bridge will cost 40 million dollars and open in two years.")
FOOTBALL_BODY = (
    "The home side won the cup final 3-1 on Saturday after extra time. "
    "Their striker scored twice in the second half. "
    "Fans celebrated in the streets until late at night.")


@pytest.fixture(scope="module")
def verdicts():
    bodies = {"1": LETTER_DENIAL, "2": BRIDGE_BODY, "3": FOOTBALL_BODY}
    rows = [(LETTER_CLAIM, "1", ""), (BRIDGE_CLAIM, "2", ""), (BRIDGE_CLAIM, "3", "")]
    return verdict_stances(rows, bodies)


def test_a_denial_disagrees_with_evidence(verdicts) -> None:
    denial = verdicts[0]
    assert denial.label == "disagree"
    assert denial.evidence and ("denied" in denial.evidence or "fake" in denial.evidence
                                or "no such letter" in denial.evidence)


def test_a_restatement_agrees(verdicts) -> None:
    assert verdicts[1].label == "agree" and "bridge" in verdicts[1].evidence


def test_an_unrelated_body_is_unrelated(verdicts) -> None:
    assert verdicts[2].label == "unrelated" and verdicts[2].evidence is None


def test_probabilities_are_a_distribution(verdicts) -> None:
    for v in verdicts:
        assert abs(sum(v.probabilities.values()) - 1.0) < 1e-3
        assert v.probability == pytest.approx(v.probabilities[v.label], abs=1e-3)


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
    assert result["n"] == 6 and 0.0 <= result["fnc_score"] <= 1.0
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


def test_story_split_keeps_stories_whole_and_is_seeded() -> None:
    rows = []
    for story in range(40):
        for h in range(3):
            rows += [(f"headline {story}-{h}", f"body {story}-{b}", "discuss") for b in range(2)]
    rows += [("headline 0-0", "body 39-0", "unrelated")]
    sides = story_split(rows)
    assert sides == story_split(rows)
    by_story: dict[str, set[str]] = {}
    for (h, _, _), side in zip(rows, sides, strict=True):
        by_story.setdefault(h.split()[1].split("-")[0], set()).add(side)
    assert all(len(s - {"cross"}) == 1 for s in by_story.values())
    assert {"train", "tune", "test"} <= set(sides)


def test_figures_are_reported_per_corpus_of_the_story() -> None:
    from corroborator.evaluation.stance import figures_by_corpus

    found = figures_by_corpus(["agree", "unrelated", "agree"], ["agree", "unrelated", "discuss"],
                              ["fnc1:s1", "arc:t1", "arc:t2"])
    assert list(found) == ["fnc1", "arc"]
    assert found["fnc1"]["n"] == 1 and found["fnc1"]["relative"] == 1.0
    assert found["arc"]["n"] == 2 and found["arc"]["relative"] < 1.0
