"""Verdicts in context: the patterns a single-sentence verdict misread, and the stored
fold state that must never run code."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from corroborator.cli import main
from corroborator.corroboration.fold import (
    STATE_MAGIC,
    StoryState,
    load_state,
    maker_stance,
    state_key,
)
from corroborator.corroboration.judgement import Verdict, opposite_predicate
from corroborator.corroboration.passages import select_passage
from corroborator.corroboration.quantities import same_time_frame
from corroborator.models import Claim, ClaimGroup, Discrepancy, Stance


def _compare(tmp_path: Path, *texts: str) -> dict:
    paths = []
    for i, text in enumerate(texts):
        path = tmp_path / f"article{i}.txt"
        path.write_text(text, encoding="utf-8")
        paths.append(str(path))
    result = CliRunner().invoke(main, ["compare", *paths, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _corroborated(data: dict, *words: str) -> list[dict]:
    return [g for g in data["claim_groups"] if g["status"] == "corroborated"
            and all(w.lower() in g["text"].lower() for w in words)]


# ---------------------------------------------------------------- minimal pairs


@pytest.mark.parametrize(("claim", "evidence"), [
    ("The company plans to continue the program.", "The firm will discontinue the program."),
    ("Prices rose sharply in March.", "Prices fell sharply in March."),
    ("The letter was signed by the general.", "The letter was unsigned."),
    ("The council approved the budget.", "The council rejected the budget."),
])
def test_opposite_predicates_are_read_as_opposites(claim, evidence) -> None:
    assert opposite_predicate(claim, evidence) is not None


@pytest.mark.parametrize(("claim", "evidence"), [
    ("The council approved the budget.", "The council approved the budget on Monday."),
    ("They discovered a new species.", "They cover the costs."),
])
def test_same_predicates_are_not_opposites(claim, evidence) -> None:
    assert opposite_predicate(claim, evidence) is None


def test_a_running_total_and_one_days_count_are_different_facts() -> None:
    assert not same_time_frame("Jets have carried out more than 135 airstrikes so far.",
                               "Jets carried out four airstrikes on Monday.")
    assert same_time_frame("All 214 passengers were rescued.",
                           "More than 400 people were aboard.")


def test_the_passage_keeps_the_sentence_after_a_restatement() -> None:
    body = ("Storms hit the coast on Sunday. Roads were closed across the state. "
            "A video shared online shows a shark swimming on a flooded highway. "
            "It is a fake, experts said. Schools stayed shut on Monday.")
    passage = select_passage("A shark swam on a flooded highway", body)
    assert "It is a fake" in passage


# ---------------------------------------------------------------- makers


def _maker(text: str, group_text: str, label: str = "agree", p: float = 0.9,
           entails: float = 1.0) -> Stance:
    claim = Claim("a1", 0, text, id="c1")
    probs = {"agree": p if label == "agree" else 0.05, "disagree": 0.05,
             "discuss": 0.05, "unrelated": 0.0}
    return maker_stance(claim, group_text, Verdict(label, p, text, probs), entails=entails)


def test_a_hedged_maker_of_a_firm_claim_only_discusses_it() -> None:
    stance = _maker("The minister may resign next week.", "The minister will resign next week.")
    assert stance.label == "discuss"


def test_a_maker_whose_article_rejects_its_sentence_disputes_it() -> None:
    stance = _maker("A shark swam on the highway.", "A shark swam on the highway.",
                    label="disagree", p=0.7)
    assert stance.label == "disagree"


def test_same_topic_is_not_same_claim_for_another_member() -> None:
    stance = _maker("Parliament voted to expel troops.", "Partners were left unprepared.",
                    label="agree", p=0.5, entails=0.1)
    assert stance.label == "discuss"


def test_a_claim_listed_under_a_debunking_headline_is_not_asserted() -> None:
    from corroborator.corroboration.fold import debunking_frame

    assert debunking_frame("Five false claims about the new vaccine",
                           "The vaccine changes your DNA.")
    assert not debunking_frame("Vaccine rollout begins", "The vaccine changes your DNA.")
    claim = Claim("a1", 0, "The vaccine changes your DNA.", id="c1")
    verdict = Verdict("agree", 0.9, claim.text, {"agree": 0.9, "disagree": 0.05,
                                                 "discuss": 0.05, "unrelated": 0.0})
    assert maker_stance(claim, claim.text, verdict, framed=True).label == "discuss"


def test_the_representatives_maker_asserts_it() -> None:
    stance = _maker("The plant closed on Monday.", "The plant closed on Monday.",
                    label="discuss", p=0.4)
    assert stance.label == "agree"


# ---------------------------------------------------------------- end to end

REPORT = ("Shark photographed on flooded highway, residents say\n\n"
          "A shark swam along a flooded highway in Houston on Sunday, residents said. "
          "Photos of the shark were shared thousands of times online. "
          "Rescue crews worked through the night to reach stranded drivers.\n")
DEBUNK_ONE = ("No, a shark did not swim on a Houston highway\n\n"
              "A photo claims that a shark swam along a flooded highway in Houston on Sunday. "
              "That is false. "
              "The image is a composite that has circulated after every big storm since 2011, "
              "photo experts said.\n")
DEBUNK_TWO = ("The Houston highway shark is a hoax, again\n\n"
              "Posts say a shark swam along a flooded highway in Houston on Sunday. "
              "It is a hoax. "
              "The same doctored picture was shared after earlier hurricanes, fact-checkers "
              "said.\n")


def test_restate_then_reject_is_no_corroboration(tmp_path) -> None:
    data = _compare(tmp_path, REPORT, DEBUNK_ONE)
    assert not _corroborated(data, "shark")
    groups = [g for g in data["claim_groups"] if "shark swam" in g["text"].lower()]
    assert groups and all(g["status"] in ("disputed", "unclear") for g in groups)


def test_two_debunkers_agree_with_each_other(tmp_path) -> None:
    data = _compare(tmp_path, DEBUNK_ONE, DEBUNK_TWO)
    assert not _corroborated(data, "shark")
    assert not [d for d in data["discrepancies"] if d["kind"] == "claim"]
    assert not data["key_disputes"]


FERRY_A = ("Ferry runs aground off the coast\n\n"
           "A passenger ferry ran aground off the northern coast on Tuesday, the coast guard "
           "said. All 214 passengers were rescued and taken to the port of Marsden, officials "
           "said. Coalition jets have carried out more than 135 airstrikes against the group "
           "so far.\n")
FERRY_B = ("Questions mount after ferry grounding\n\n"
           "More than 400 people were aboard the ferry when it struck rocks near Marsden on "
           "Tuesday, according to a local official. Coalition jets carried out four airstrikes "
           "against the group on Monday.\n")


def test_figures_for_one_fact_conflict_across_groups_but_totals_and_days_do_not(tmp_path):
    data = _compare(tmp_path, FERRY_A, FERRY_B)
    numbers = [d for d in data["discrepancies"] if d["kind"] == "number"]
    shown = " ".join(" ".join(d["values"]) for d in numbers)
    assert "214" in shown and "400" in shown
    assert "135" not in shown and "four" not in shown.lower()


# ---------------------------------------------------------------- stored state


def test_state_round_trips_as_data() -> None:
    state = StoryState(state_key("m", "e"), article_ids=["a", "b"], spans={"a": (0, 1),
                                                                           "b": (1, 3)})
    state.matrix = np.arange(9, dtype=np.float16).reshape(3, 3)
    state.groups = [ClaimGroup("g", "A claim.", [Claim("a", 0, "A claim.", id="c")],
                               [Stance("a", "g", "agree", 1.0, "A claim.",
                                       probabilities={"agree": 1.0})])]
    state.findings = [("number|1|2", Discrepancy("number", "x", ["1", "2"], ["a", "b"]))]
    state.written = {0: "abc"}
    blob = state.dumps()
    assert blob.startswith(STATE_MAGIC)
    back = load_state(blob, state.key)
    assert back is not None
    assert back.groups == state.groups and back.findings == state.findings
    assert back.spans == state.spans and back.written == state.written
    assert np.array_equal(back.matrix, state.matrix)
    assert load_state(blob, state_key("other", "e")) is None
    assert load_state(blob[:-2], state.key) is None          # a damaged matrix


class _Payload:
    def __init__(self, target: Path) -> None:
        self.target = target

    def __reduce__(self):
        return (Path.mkdir, (self.target,))


def test_a_pickled_state_in_a_shared_database_never_runs(tmp_path) -> None:
    """A database edited to hold a pickle that would run code on load is folded again."""
    from corroborator import analyze, ingest, open_store

    (tmp_path / "a.txt").write_text(REPORT, encoding="utf-8")
    (tmp_path / "b.txt").write_text(DEBUNK_ONE, encoding="utf-8")
    db = tmp_path / "news.db"
    store = open_store(db)
    ingest([tmp_path / "a.txt", tmp_path / "b.txt"], store)
    analyze(store)
    story = store.query("SELECT story_id FROM story_articles LIMIT 1")[0][0]
    marker = tmp_path / "pwned"
    blob = pickle.dumps(_Payload(marker))
    with store.transaction() as conn:
        changed = conn.execute("UPDATE corroboration_state SET state = ?", (blob,)).rowcount
    assert changed >= 1
    assert load_state(blob, "anything") is None
    (tmp_path / "c.txt").write_text(DEBUNK_TWO, encoding="utf-8")
    ingest([tmp_path / "c.txt"], store)
    analyze(store)
    assert not marker.exists()
    assert store.query("SELECT count(*) FROM claim_groups")[0][0] > 0
    assert story
