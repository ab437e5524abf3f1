"""The view layer: JSON-ready dicts for one story, the stories list, articles, entities, search."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from corroborator import views
from corroborator.errors import NotFoundError
from corroborator.models import Article
from corroborator.store import open_store
from corroborator.storylist import StoryFilter
from corroborator.web.alignment import segments

sys.path.insert(0, str(Path(__file__).parent))
from conftest_web import STORY_ID, build_fixture_db  # noqa: E402

FILLER = 130


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_fixture_db(tmp_path_factory.mktemp("views") / "views.db", filler=FILLER)


@pytest.fixture()
def store(db: Path):
    with open_store(db, readonly=True) as opened:
        yield opened


def test_story_view_shape_and_order(store) -> None:
    view = views.story_view(store, STORY_ID)
    assert set(view) == {"schema_version", "story", "articles", "claim_groups", "discrepancies",
                         "entities", "matrix", "timeline", "summary", "fact_checks"}
    assert view["schema_version"] == views.SCHEMA_VERSION
    assert view["story"] | {"key_entities": None} == {
        "id": STORY_ID, "title": "Harbor Bridge collapse in Riverton",
        "first_seen": "2024-05-01T08:00:00", "last_seen": "2024-05-02T18:00:00",
        "key_entities": None, "n_articles": 4, "n_sources": 3, "n_disputed": 1}
    assert [a["id"] for a in view["articles"]] == ["a1", "a2", "a3", "a4"]
    assert [t["article_id"] for t in view["timeline"]] == ["a1", "a2", "a3", "a4"]
    assert json.loads(json.dumps(view)) == view


def test_story_view_articles_carry_signals_and_duplicates(store) -> None:
    articles = {a["id"]: a for a in views.story_view(store, STORY_ID)["articles"]}
    assert articles["a4"]["duplicate_of"] == "a2"
    assert articles["a1"]["duplicate_of"] is None
    names = [s["name"] for s in articles["a1"]["signals"]]
    assert names == ["headline_body_gap", "hedging"]
    hedging = articles["a1"]["signals"][1]
    assert hedging["value"] == 0.25 and hedging["evidence"] and hedging["description"]


def test_story_view_claims_and_discrepancies(store) -> None:
    view = views.story_view(store, STORY_ID)
    status = {g["id"]: g["status"] for g in view["claim_groups"]}
    assert status == {"g-collapse": "corroborated", "g-warned": "disputed",
                      "g-shelter": "single-source"}
    warned = next(g for g in view["claim_groups"] if g["id"] == "g-warned")
    assert {s["label"] for s in warned["stances"]} == {"agree", "disagree"}
    assert set(warned["claims"][0]) == {"id", "article_id", "text", "sentence_index",
                                        "attribution_kind", "attribution_source"}
    (disc,) = view["discrepancies"]
    assert disc["kind"] == "number" and disc["values"] == ["12", "15"]
    assert disc["evidence"]["a2"].startswith("At least 15")


def test_story_entities_show_spelling_variants(store) -> None:
    entities = {e["canonical"]: e for e in views.story_view(store, STORY_ID)["entities"]}
    souza = entities["Ana Souza"]
    assert souza["variants"] == {"a1": ["Ana Souza"], "a2": ["Anna Souza"]}
    assert souza["outlets_by_variant"] == {"Ana Souza": ["Daily Ledger"],
                                           "Anna Souza": ["Evening Post"]}


def test_matrix_one_row_per_outlet_strongest_stance(store) -> None:
    matrix = views.story_view(store, STORY_ID)["matrix"]
    assert matrix["outlets"] == ["Coast Radio", "Daily Ledger", "Evening Post"]
    assert [g["id"] for g in matrix["groups"]] == ["g-collapse", "g-warned", "g-shelter"]
    post = matrix["cells"]["Evening Post"]["g-collapse"]  # a2 agrees 0.9, a4 discusses 0.6
    assert post["label"] == "agree" and post["article_id"] == "a2"
    radio = matrix["cells"]["Coast Radio"]["g-warned"]
    assert radio == {"label": "disagree", "score": 0.85, "article_id": "a3",
                     "evidence": "Engineers denied that they had warned about cracks."}
    assert "g-shelter" not in matrix["cells"]["Coast Radio"]
    assert views.matrix_view(store, STORY_ID)["matrix"] == matrix


def test_story_prefix_and_unknown_ids(store) -> None:
    assert views.story_view(store, "bridge")["story"]["id"] == STORY_ID
    for call in (lambda: views.story_view(store, "nope-nope"),
                 lambda: views.article_view(store, "missing-article"),
                 lambda: views.entity_view(store, "Nobody At All"),
                 lambda: views.compare_view(store, "a1", "missing-article"),
                 lambda: views.matrix_view(store, "nope-nope")):
        with pytest.raises(NotFoundError):
            call()


def test_stories_view_pages(store) -> None:
    every = StoryFilter(singles=True)
    first = views.stories_view(store, limit=50, flt=every)
    assert first["total"] == FILLER + 2 and len(first["stories"]) == 50
    assert first["prev_offset"] is None and first["next_offset"] == 50
    last = views.stories_view(store, limit=50, offset=100, flt=every)
    assert len(last["stories"]) == FILLER + 2 - 100 and last["next_offset"] is None
    assert last["prev_offset"] == 50
    ids = {s["id"] for s in first["stories"]} | {s["id"] for s in last["stories"]}
    assert len(ids) == 50 + len(last["stories"])
    assert views.stories_view(store, limit=10_000, flt=every)["limit"] == views.MAX_PAGE_SIZE


def test_stories_view_sort_and_query(store) -> None:
    assert views.stories_view(store, sort="disputed")["stories"][0]["n_disputed"] == 1
    assert views.stories_view(store, sort="size")["stories"][0]["id"] == STORY_ID
    found = views.stories_view(store, query="harbor")
    assert found["total"] == 1 and found["stories"][0]["id"] == STORY_ID
    assert views.stories_view(store, query="100%_")["total"] == 0
    with pytest.raises(ValueError, match="recent, size, disputed"):
        views.stories_view(store, sort="loudest")


def test_article_view(store) -> None:
    view = views.article_view(store, "a1")
    assert view["article"]["outlet"] == "Daily Ledger"
    assert view["story"] == {"id": STORY_ID, "title": "Harbor Bridge collapse in Riverton"}
    assert len(view["paragraphs"]) == 2
    assert all(s["claim"] for p in view["paragraphs"] for s in p)
    assert view["quotes"][0]["text"] == "we will rebuild the bridge within a year"
    assert {e["canonical"] for e in view["entities"]} >= {"Ana Souza", "Riverton"}
    assert views.article_view(store, "a4")["article"]["duplicate_of"] == "a2"


def test_entity_view(store) -> None:
    view = views.entity_view(store, "Ana Souza")
    assert view["label"] == "PERSON"
    assert [v["text"] for v in view["variants"]] == ["Ana Souza", "Anna Souza"]
    assert view["outlets_by_variant"]["Anna Souza"] == ["Evening Post"]
    assert {a["id"] for a in view["articles"]} == {"a1", "a2"}


def test_search_view(store) -> None:
    view = views.search_view(store, "cracks")
    assert {a["id"] for a in view["articles"]} == {"a2", "a3"}
    assert any(c["article_id"] == "a2" for c in view["claims"])
    parts = view["articles"][0]["snippet_parts"]
    assert any(p["match"] and p["text"].lower() == "cracks" for p in parts)
    assert views.search_view(store, "   ") == {"schema_version": views.SCHEMA_VERSION,
                                              "query": "", "articles": [], "claims": []}
    for hostile in ('"', "AND OR NOT", "*", "bridge) OR (x", "NEAR(", "'; DROP TABLE x"):
        views.search_view(store, hostile)  # escaped: never an FTS syntax error


def test_compare_view_marks_numbers_names_and_quotes(store) -> None:
    view = views.compare_view(store, "a1", "a2")
    assert view["a"]["id"] == "a1" and view["b"]["id"] == "a2"
    kinds = {d["kind"]: d for d in view["differences"]}
    assert kinds["number"]["a"] == ["12"] and kinds["number"]["b"] == ["15"]
    assert kinds["name"]["a"] == ["Ana Souza"] and kinds["name"]["b"] == ["Anna Souza"]
    assert view["shared_quotes"] == [{"a": "we will rebuild the bridge within a year",
                                      "b": "we will rebuild the bridge within a year"}]
    paired = [r for r in view["rows"] if r["a"] and r["b"]]
    assert len(paired) == 3 and all(r["similarity"] >= 0.55 for r in paired)
    only_b = [r["b"]["text"] for r in view["rows"] if r["a"] is None]
    assert only_b == ["Engineers had warned about cracks in 2019."]
    marked = [s for r in paired for s in r["a"]["segments"] if s["mark"]]
    assert {"12", "Ana Souza", "we will rebuild the bridge within a year"} <= {
        s["text"] for s in marked}


def test_compare_view_without_extraction(tmp_path: Path) -> None:
    with open_store(tmp_path / "bare.db") as writer:
        writer.add_articles([
            Article("Officials said 40 homes burned. Rain is expected.", title="A", id="b1"),
            Article("Officials said 45 homes burned. Schools are closed.", title="B", id="b2")])
    with open_store(tmp_path / "bare.db", readonly=True) as store:
        view = views.compare_view(store, "b1", "b2")
    assert view["rows"][0]["a"]["text"] == "Officials said 40 homes burned."
    assert view["differences"][0]["a"] == ["40"]


def test_segments() -> None:
    parts = segments("He said 12 died", [("12", "diff"), ("said 12", "quote"), ("", "diff")])
    assert parts == [{"text": "He ", "mark": None}, {"text": "said 12", "mark": "quote"},
                     {"text": " died", "mark": None}]
    assert segments("", []) == [{"text": "", "mark": None}]


def test_story_summary_puts_disputes_first_with_both_sentences(store) -> None:
    summary = views.story_view(store, STORY_ID)["summary"]
    [dispute] = summary["key_disputes"]
    assert dispute["claim_sentence"] == {"article_id": "a2", "outlet": "Evening Post",
                                         "text": "Engineers had warned about cracks in 2019."}
    assert [(d["outlet"], d["evidence"]) for d in dispute["disputed_by"]] == [
        ("Coast Radio", "Engineers denied that they had warned about cracks.")]
    assert [a["claim"] for a in summary["agreements"]] == [
        "The Harbor Bridge collapsed on Tuesday."]
    key = summary["key_claim"]
    assert (key["agree"], key["dispute"], key["silent"]) == (
        ["Evening Post"], ["Coast Radio"], ["Daily Ledger"])
    assert summary["status_counts"]["disputed"] == 1


def test_entities_merge_by_canonical_name_and_name_conflicts(store) -> None:
    entities = views.story_view(store, STORY_ID)["entities"]
    souza = [e for e in entities if "Souza" in e["canonical"]]
    assert len(souza) == 1 and souza[0]["label"] == "PERSON"
    assert set(souza[0]["outlets_by_variant"]) == {"Ana Souza", "Anna Souza"}


def test_matrix_columns_have_short_claim_text(store) -> None:
    groups = views.matrix_view(store, STORY_ID)["matrix"]["groups"]
    assert groups[0]["short"] == "The Harbor Bridge collapsed on Tuesday."
    assert views.short_claim("one two three four five six seven eight") == (
        "one two three four five six seven…")


def test_stories_view_lists_outlets(store) -> None:
    page = views.stories_view(store, sort="size", limit=1)
    assert page["schema_version"] == views.SCHEMA_VERSION
    assert page["stories"][0]["outlets"] == ["Coast Radio", "Daily Ledger", "Evening Post"]
