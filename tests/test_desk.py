"""The desk's stories list: filters and sorts in the URL, one-article stories hidden,
outlets, claim bars and the top dispute per story; the same filters on the CLI."""

from __future__ import annotations

import json
import sys
import warnings
from pathlib import Path

import pytest
from click.testing import CliRunner

from corroborator import views
from corroborator.cli import main
from corroborator.report.contract import validate
from corroborator.store import open_store
from corroborator.storylist import StoryFilter

sys.path.insert(0, str(Path(__file__).parent))
from conftest_web import (  # noqa: E402
    STORY_ID,
    build_bridge_story,
    build_filler_stories,
    build_showcase_stories,
)

pytest.importorskip("starlette")
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from corroborator.web import create_app  # noqa: E402


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("desk") / "desk.db"
    with open_store(path) as store:
        store.conn.execute("PRAGMA synchronous=OFF")
        build_bridge_story(store)
        build_showcase_stories(store)
        build_filler_stories(store, 7)
    return path


@pytest.fixture(scope="module")
def client(db: Path):
    with TestClient(create_app(db), base_url="http://127.0.0.1") as test_client:
        yield test_client


def _ids(data: dict) -> list[str]:
    return [s["id"] for s in data["stories"]]


def test_one_article_stories_hidden_with_a_count(db: Path) -> None:
    with open_store(db, readonly=True) as store:
        default = views.stories_view(store)
        every = views.stories_view(store, flt=StoryFilter(singles=True))
    assert default["total"] == 6 and default["hidden_singles"] == 7
    assert every["total"] == 13 and every["hidden_singles"] == 0
    assert all(s["n_articles"] >= 2 for s in default["stories"])


@pytest.mark.parametrize(("params", "expected"), [
    ({"min_sources": "4"}, {"show0001"}),
    ({"outlet": "Port Avery Star"}, {"show0000", "show0003"}),
    ({"disputed": "1", "q": "election"}, {"show0002"}),
    ({"since": "2024-05-03"}, {"show0000", "show0001"}),
    ({"until": "2024-04-30"}, {"show0003", "show0004"}),
    ({"since": "2024-05-01", "until": "2024-05-02", "outlet": "Coast Radio"}, {STORY_ID}),
    ({"language": "de"}, set()),
])
def test_filters_select_stories(db: Path, params: dict, expected: set) -> None:
    with open_store(db, readonly=True) as store:
        data = views.stories_view(store, flt=StoryFilter.from_params(params))
    assert set(_ids(data)) == expected
    assert data["filters"] == params


def test_story_rows_carry_outlets_bar_and_top_dispute(db: Path) -> None:
    with open_store(db, readonly=True) as store:
        data = views.stories_view(store, flt=StoryFilter(query="Harbor"))
    row = data["stories"][0]
    assert row["n_sources"] == 3 and row["n_articles"] == 4
    assert row["outlet_counts"][0] == {"name": "Evening Post", "articles": 2}
    assert row["status_counts"] == {"corroborated": 1, "disputed": 1, "unclear": 0,
                                    "single-source": 1}
    assert row["top_dispute"]["claim"] == "Engineers had warned about cracks."
    assert row["top_dispute"]["disputed_by"] == ["Coast Radio"]
    assert "denied" in row["top_dispute"]["evidence"]
    validate(data, "stories")


def test_sorts(db: Path) -> None:
    with open_store(db, readonly=True) as store:
        size = views.stories_view(store, sort="size")
        disputed = views.stories_view(store, sort="disputed")
        recent = views.stories_view(store, sort="recent")
    assert _ids(size)[0] == "show0001"  # five independent sources
    assert disputed["stories"][0]["n_disputed"] == 2
    seen = [s["last_seen"] for s in recent["stories"]]
    assert seen == sorted(seen, reverse=True)


def test_page_shows_desk_facts_and_keeps_filters_in_links(client) -> None:
    html = client.get("/?outlet=Coast%20Radio&sort=size&disputed=1").text
    assert 'class="top-dispute"' in html and "disputed by Coast Radio" in html
    assert "independent sources" in html and 'class="status-bar"' in html
    assert '<option value="Coast Radio" selected>' in html
    assert 'id="story-disputed" name="disputed" type="checkbox" value="1" checked' in html
    assert "one-article stories hidden" not in html  # the outlet has no one-article story
    page = client.get("/").text
    assert "7 one-article stories hidden." in page
    assert 'href="/?singles=1">Show them</a>' in page
    shown = client.get("/?singles=1").text
    assert shown.count('<a class="story-title"') == 13 and "Hide one-article stories" in shown


@pytest.mark.parametrize("query", ["since=2024-02-30", "until=yesterday", "min_sources=0",
                                   "min_sources=two", "language=%3Cscript%3E",
                                   "since=2024-05-02&until=2024-05-01"])
def test_bad_filters_are_400_with_one_line(client, query: str) -> None:
    response = client.get(f"/api/stories?{query}")
    assert response.status_code == 400
    assert "\n" not in response.json()["detail"]


def test_cli_stories_takes_the_same_filters(db: Path) -> None:
    result = CliRunner().invoke(main, ["stories", "--db", str(db), "--outlet", "Port Avery Star",
                                       "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(_ids(data)) == {"show0000", "show0003"}
    api = json.loads(CliRunner().invoke(main, ["serve", "--db", str(db), "--get",
                                               "/api/stories?outlet=Port%20Avery%20Star"]).output)
    assert api == data
    text = CliRunner().invoke(main, ["stories", "--db", str(db), "--singles", "--min-sources",
                                     "1", "--since", "2023-01-01", "--until", "2023-01-02"])
    assert text.exit_code == 0 and "Filler story number 3" in text.output
    bad = CliRunner().invoke(main, ["stories", "--db", str(db), "--since", "May"])
    assert bad.exit_code != 0 and "since must be a date" in bad.output


def test_outlet_view_shows_claims_with_evidence(db: Path) -> None:
    from corroborator.outlets import outlet_view, outlets_view

    with open_store(db, readonly=True) as store:
        post = outlet_view(store, "Evening Post")
        ledger = outlet_view(store, "Daily Ledger")
        every = outlets_view(store)
    assert post["outlet"]["articles"] == 4 and post["outlet"]["claims_disputed"] == 2
    disputed = next(g for g in post["disputed"] if g["group_id"] == "g-warned")
    assert disputed["claim"] == "Engineers had warned about cracks."
    assert disputed["others"][0]["outlet"] == "Coast Radio"
    assert "denied" in disputed["others"][0]["evidence"]
    assert [g["claim"] for g in ledger["alone"]] == ["The Red Cross opened a shelter."]
    assert STORY_ID in {s["id"] for s in ledger["stories"]}
    assert ledger["signals_by_month"][0]["month"] == "2024-05"
    names = [o["name"] for o in every["outlets"]]
    assert "Coast Radio" in names and not any("score" in k for k in every["outlets"][0])


def test_outlet_cli_and_web_agree(db: Path, client) -> None:
    cli = CliRunner().invoke(main, ["outlet", "Coast Radio", "--db", str(db), "--format", "json"])
    assert cli.exit_code == 0, cli.output
    assert json.loads(cli.output) == client.get("/api/outlets/Coast%20Radio").json()
    text = CliRunner().invoke(main, ["outlet", "Evening Post", "--db", str(db)])
    assert "Its claims others dispute" in text.output and "Coast Radio disputes" in text.output
    listing = CliRunner().invoke(main, ["outlet", "--db", str(db)])
    assert "Port Avery Star" in listing.output
    missing = CliRunner().invoke(main, ["outlet", "Nobody Times", "--db", str(db)])
    assert missing.exit_code == 1 and "no outlet named 'Nobody Times'" in missing.output
    page = client.get("/outlets/Evening%20Post")
    assert page.status_code == 200 and "Its claims others dispute" in page.text
    assert "Engineers denied" in page.text
    assert client.get("/outlets").status_code == 200
    assert client.get("/outlets/Nobody").status_code == 404


def test_new_json_outputs_match_their_schemas(db: Path, client) -> None:
    outlet = CliRunner().invoke(main, ["outlet", "Evening Post", "--db", str(db), "--format",
                                       "json"])
    validate(json.loads(outlet.output), "outlet")
    validate(client.get("/api/outlets").json(), "outlets")
    validate(client.get("/api/alerts").json(), "alerts")
    report = CliRunner().invoke(main, ["report", "--db", str(db), "--format", "json",
                                       "--disputed", "--sort", "recent"])
    data = json.loads(report.output)
    validate(data, "report")
    assert data["filters"] == {"disputed": "1"} and len(data["stories"]) == 4
