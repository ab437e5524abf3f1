"""Published fact-checks: ClaimReview read from JSON-LD and microdata, stored at ingest,
and attached to the story claim they rate (and to no other claim of the story)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from corroborator.cli import main
from corroborator.factcheck import match_reviews, normalise_rating, same_claim
from corroborator.ingest.html import parse_html
from corroborator.pipeline import ingest
from corroborator.report.contract import validate
from corroborator.store import open_store
from corroborator.views import story_view

sys.path.insert(0, str(Path(__file__).parent))
from conftest_web import STORY_ID, build_bridge_story  # noqa: E402

PAGES = Path(__file__).parent / "fixtures" / "factcheck"


def test_jsonld_review_is_read() -> None:
    article = parse_html((PAGES / "jsonld.html").read_bytes(), "jsonld.html")
    (review,) = article.metadata["claim_reviews"]
    assert review == {
        "claim": "Engineers had warned about cracks in the Harbor Bridge",
        "claimant": "Evening Post", "rating": "False", "verdict": "false",
        "reviewer": "Riverton Fact Desk", "reviewed_at": "2024-05-03",
        "url": "https://factdesk.example/checks/harbor-bridge-warning"}
    assert "We rate the claim False." in article.text


def test_microdata_review_is_read() -> None:
    article = parse_html((PAGES / "microdata.html").read_bytes(), "microdata.html")
    (review,) = article.metadata["claim_reviews"]
    assert review["claim"] == "At least 15 people died in the Harbor Bridge collapse"
    assert (review["rating"], review["verdict"]) == ("Half True", "mixed")
    assert (review["reviewer"], review["claimant"]) == ("Coastal Checks", "Evening Post")
    assert review["reviewed_at"] == "2024-05-04"
    assert review["url"] == "https://coastalchecks.example/riverton-toll"


def test_a_page_without_reviews_has_none() -> None:
    page = "<html><body><article><h1>Bridge</h1><p>It reopened today.</p></article></body></html>"
    assert "claim_reviews" not in parse_html(page).metadata


@pytest.mark.parametrize(("text", "value", "best", "worst", "verdict"), [
    ("Pants on Fire!", None, None, None, "false"),
    ("Mostly False", None, None, None, "mostly-false"),
    ("Misleading", None, None, None, "mostly-false"),
    ("Half True", None, None, None, "mixed"),
    ("Mostly true", None, None, None, "mostly-true"),
    ("Correct", None, None, None, "true"),
    (None, 1, 5, 1, "false"),
    (None, 5, 5, 1, "true"),
    (None, "3", "5", "1", "mixed"),
    ("Zzz", None, None, None, "unrated"),
    (None, 9, 5, 1, "unrated"),
])
def test_normalise_rating(text, value, best, worst, verdict) -> None:
    assert normalise_rating(text, value, best, worst) == verdict


def test_same_claim_not_same_topic() -> None:
    review = "At least 15 people died in the Harbor Bridge collapse"
    assert same_claim(review, "At least 15 people died in the collapse of the Harbor Bridge.")
    assert not same_claim(review, "At least 12 people died in the Harbor Bridge collapse.")
    assert not same_claim(review, "The Harbor Bridge collapsed on Tuesday.")
    story = "Calloway Minerals plans to close Redfern smelter"
    assert same_claim("Calloway will close the Redfern smelter",
                      "The company will close the Redfern smelter", story)
    assert not same_claim("Calloway will close the Redfern smelter",
                          "Marrow Point will close the Redfern smelter", story)
    assert same_claim("Hackers stole the names and emails of TapGo riders",
                      "The stolen data included names and emails of TapGo riders")


def test_review_attaches_to_its_claim_only(tmp_path: Path) -> None:
    db = tmp_path / "news.db"
    with open_store(db) as store:
        build_bridge_story(store)
        report = ingest([PAGES / "jsonld.html", PAGES / "microdata.html"], store)
        assert not report.errors
        assert store.query("SELECT count(*) FROM claim_reviews")[0][0] == 2
        view = story_view(store, STORY_ID)
    attached = {m["group_id"]: m["review"]["verdict"] for m in view["fact_checks"]}
    assert attached == {"g-warned": "false"}  # the toll review rates 15, no group says so
    validate(view, "story")
    cli = CliRunner().invoke(main, ["story", STORY_ID, "--db", str(db), "--format", "json"])
    assert json.loads(cli.output)["fact_checks"] == view["fact_checks"]
    text = CliRunner().invoke(main, ["story", STORY_ID, "--db", str(db)]).output
    assert "Published fact-checks" in text and "rated “False” (false) by Riverton" in text
    pytest.importorskip("starlette")
    from corroborator.web import get_page

    status, html = get_page(db, f"/story/{STORY_ID}")
    assert status == 200 and "Published fact-checks" in html
    assert 'href="https://factdesk.example/checks/harbor-bridge-warning"' in html


def test_match_picks_the_best_group_per_story() -> None:
    groups = [{"id": "g1", "text": "Engineers had warned about cracks.", "claims": []},
              {"id": "g2", "text": "Engineers had warned about cracks in the bridge in 2019.",
               "claims": []},
              {"id": "g3", "text": "The bridge collapsed.", "claims": []}]
    review = {"claim": "Engineers warned about cracks in the bridge"}
    (match,) = match_reviews(groups, [review])
    assert match["group_id"] == "g2"


def test_check_names_the_fact_check_of_its_claim() -> None:
    files = [str(PAGES / "jsonld.html"), str(PAGES / "microdata.html")]
    result = CliRunner().invoke(main, ["check", "Engineers had warned about cracks in the "
                                       "Harbor Bridge", *files, "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output[result.output.index("{"):])
    validate(data, "check")
    assert [m["review"]["reviewer"] for m in data["fact_checks"]] == ["Riverton Fact Desk"]
