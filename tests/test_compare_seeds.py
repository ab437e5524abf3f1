"""The motivating case: the two seed articles about the leaked US military letter."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from corroborator.cli import main


@pytest.fixture(scope="module")
def seed_json(seeds) -> dict:
    result = CliRunner().invoke(main, ["compare", *map(str, seeds), "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _by_outlet_word(data: dict, word: str) -> str:
    return next(a["id"] for a in data["articles"] if word in (a["title"] or ""))


def test_letter_sentence_is_a_shared_quote_and_a_shared_statement(seed_json):
    letter = "We respect your sovereign decision to order our departure"
    quote = next(q for q in seed_json["quotes"] if letter in q["text"])
    assert len(quote["articles"]) == 2
    assert "Seeley" in quote["speaker"] or "Seely" in quote["speaker"]
    assert any(letter in s["text"] and len(s["articles"]) == 2 for s in seed_json["shared"])


def test_parliament_vote_is_not_shown_in_conflict(seed_json):
    """A states the vote; B mentions the parliament's request to leave without stating a
    vote: agreement means assertion, so B discusses it (no longer "shared"), and nothing
    shows the two in conflict over it."""
    groups = [g for g in seed_json["claim_groups"] if "parliament voted" in g["text"].lower()]
    assert groups
    for group in groups:
        assert group["status"] != "disputed"
        assert all(s["label"] in ("agree", "discuss", "unrelated") for s in group["stances"])


def test_general_is_one_entity_with_a_name_discrepancy(seed_json):
    general = [e for e in seed_json["entities"]
               if e["label"] == "PERSON" and any("Seel" in f for fs in e["variants"].values()
                                                 for f in fs)]
    assert len(general) == 1
    forms = {f for fs in general[0]["variants"].values() for f in fs}
    assert any("Seely" in f for f in forms) and any("Seeley" in f for f in forms)
    names = [d for d in seed_json["discrepancies"] if d["kind"] == "name"]
    assert any(any("Seely" in v for v in d["values"]) and any("Seeley" in v for v in d["values"])
               for d in names)


ACCEPTABLE_SHARED = ("respect your sovereign decision", "suleimani", "repositioning forces",
                     "parliament")


def test_no_shared_pair_a_reader_would_call_wrong(seed_json):
    for statement in seed_json["shared"]:
        joined = " ".join(statement["evidence"].values()).lower()
        assert all(any(k in s.lower() for k in ACCEPTABLE_SHARED)
                   for s in statement["evidence"].values()), joined


def test_authenticity_of_the_letter_is_in_conflict(seed_json):
    conflicts = [d for d in seed_json["discrepancies"] if d["kind"] in ("negation", "claim")]
    texts = [" ".join(d["evidence"].values()) for d in conflicts]
    assert any("could not immediately confirm" in t and "confirmed the authenticity" in t
               for t in texts)


def test_headline_claims_more_than_its_body_and_the_other_report(seed_json):
    opinion = _by_outlet_word(seed_json, "Defies")
    headline = [d for d in seed_json["discrepancies"] if d["kind"] == "headline"]
    assert len(headline) == 1
    flag = headline[0]
    assert flag["articles"][0] == opinion and len(flag["articles"]) == 2
    assert "reportedly" in flag["evidence"][opinion]
    assert "Defies" in flag["values"][0]
    assert any("unsigned draft" in v or "decision to leave" in v for v in flag["values"])


def test_signals_of_the_opinion_piece_and_the_report(seed_json):
    opinion = _by_outlet_word(seed_json, "Defies")
    report = _by_outlet_word(seed_json, "Washington Failed")
    sig = {s["name"]: s for s in seed_json["signals"][opinion]}
    assert sig["profanity"]["value"] >= 1 and sig["profanity"]["evidence"]
    assert sig["rhetorical_questions"]["value"] >= 3
    assert sig["first_person"]["value"] >= 1
    assert sig["opinion_vs_reporting"]["value"] in ("opinion", "mixed")
    sourcing = {s["name"]: s for s in seed_json["signals"][report]}["sourcing"]
    assert all(sourcing["value"][k] > 0 for k in ("named", "wire", "anonymous"))
    assert any(ev.startswith("[anonymous") for ev in sourcing["evidence"])


def test_text_report_fits_80_columns(seeds):
    result = CliRunner().invoke(main, ["compare", *map(str, seeds)])
    assert result.exit_code == 0
    assert max(len(line) for line in result.stdout.splitlines()) <= 80
    assert "Seeley" in result.stdout and "What they agree on" in result.stdout


def test_html_report_is_self_contained(seeds, tmp_path):
    out = tmp_path / "report.html"
    result = CliRunner().invoke(main, ["compare", *map(str, seeds), "--format", "html",
                                       "-o", str(out)])
    assert result.exit_code == 0
    page = out.read_text()
    assert "<script src" not in page and "http://" not in page.split("<body>")[0]
    assert "Seeley" in page and "<!doctype html>" in page


def test_confirmed_versus_could_not_confirm_is_a_disputed_claim(seed_json):
    disputed = [g for g in seed_json["claim_groups"] if g["status"] == "disputed"]
    sides = [" ".join([g["text"], *(s["evidence"] or "" for s in g["stances"])])
             for g in disputed]
    assert any("confirm" in t and ("could not" in t or "authenticity" in t) for t in sides)
    assert seed_json["key_disputes"], "the disputes open the report"


def test_signed_letter_versus_unsigned_draft_is_flagged(seed_json):
    texts = [" ".join(d["evidence"].values()) for d in seed_json["discrepancies"]]
    texts += [" ".join([g["text"], *(s["evidence"] or "" for s in g["stances"])])
              for g in seed_json["claim_groups"] if g["status"] in ("disputed", "unclear")]
    assert any("unsigned draft" in t for t in texts)


def test_no_claim_is_corroborated_beside_a_conflict_about_it(seed_json):
    conflicted = {t for d in seed_json["discrepancies"]
                  if d["kind"] in ("negation", "number", "date", "claim")
                  for t in d["evidence"].values()}
    for group in seed_json["claim_groups"]:
        if group["status"] == "corroborated":
            assert not {c["text"] for c in group["claims"]} & conflicted, group["text"]


def test_text_report_opens_with_the_key_disputes(seeds):
    result = CliRunner().invoke(main, ["compare", *map(str, seeds)])
    out = result.stdout
    assert out.index("Key disputes") < out.index("What they agree on")
