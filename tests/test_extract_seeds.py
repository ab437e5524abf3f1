"""Extraction on the seed articles: the speakers and attributions the brief names."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from corroborator.cli import main


@pytest.fixture(scope="module")
def extracted(seeds) -> dict[str, dict]:
    out = {}
    for path in seeds:
        result = CliRunner().invoke(main, ["extract", str(path), "--format", "json"])
        assert result.exit_code == 0, result.output
        out[path.name] = json.loads(result.stdout)
    return out


def _sentences(extracted: dict) -> list[dict]:
    return [s for data in extracted.values() for s in data["sentences"]]


def _attribution(extracted: dict, fragment: str) -> dict:
    return next(s["attribution"] for s in _sentences(extracted) if fragment in s["text"])


def test_letter_quote_is_the_generals_in_both_spellings(extracted):
    speakers = [q["speaker"] for data in extracted.values() for q in data["quotes"]
                if "We respect your sovereign decision" in q["text"]]
    assert len(speakers) == 2
    assert any("Seely" in s for s in speakers) and any("Seeley" in s for s in speakers)


def test_milley_is_the_source_of_the_unsigned_draft(extracted):
    attribution = _attribution(extracted, "unsigned draft")
    assert attribution["kind"] == "named" and "Milley" in attribution["source"]
    quotes = [q for data in extracted.values() for q in data["quotes"]
              if "unsigned draft" in q["text"]]
    assert quotes and "Milley" in quotes[0]["speaker"] and not quotes[0]["direct"]


def test_sourcing_kinds(extracted):
    assert _attribution(extracted, "four different people")["kind"] == "anonymous"
    assert _attribution(extracted, "reportedly vowed to defy")["kind"] == "hedged"
    wire = _attribution(extracted, "Reuters and Agence France Presse confirmed")
    # both agencies are the source of this sentence, so both are named
    assert wire["kind"] == "wire" and wire["source"] == "Reuters and Agence France Presse"


def test_rhetorical_questions_and_opinion_are_typed(extracted):
    types = {s["text"]: s["type"] for s in _sentences(extracted)}
    assert types["Who is the bad guy here?"] == "question"
    assert types["Yes, sanctions are acts of war."] == "opinion"


def test_general_resolves_to_one_entity_per_article(extracted):
    for data in extracted.values():
        canon = {e["canonical"] for e in data["entities"] if "Seel" in e["text"]}
        assert len(canon) == 1


def test_relative_dates_resolve_when_the_article_date_is_known(tmp_path):
    article = tmp_path / "dated.jsonl"
    article.write_text(json.dumps({
        "title": "Vote", "published": "2020-01-07",
        "text": "On Sunday, Iraq's parliament voted to expel American troops. The letter "
                "leaked on Monday."}) + "\n")
    result = CliRunner().invoke(main, ["extract", str(article), "--format", "json"])
    values = {d["text"]: d["value"] for d in json.loads(result.stdout)["dates"]}
    assert values["On Sunday"] == "2020-01-05" and values["on Monday"] == "2020-01-06"
