"""End to end through the store: ingest, analyze, stories, story views and reports."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from corroborator import analyze, ingest, open_store
from corroborator.cli import main
from corroborator.views import story_view


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture(scope="module")
def stories(examples_db) -> list[dict]:
    result = run("stories", "--db", examples_db, "--format", "json", "--sort", "size", "--singles")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["stories"]


def test_examples_form_their_five_stories(stories):
    sizes = sorted(s["n_articles"] for s in stories)
    assert sizes == [1, 3, 4, 5, 8]


def test_syndicated_copy_counts_as_one_source(stories, examples_db):
    smelter = stories[0]
    assert smelter["n_articles"] == 8 and smelter["n_sources"] == 7
    with open_store(examples_db, readonly=True) as store:
        view = story_view(store, smelter["id"])
    copies = [a for a in view["articles"] if a.get("duplicate_of")]
    assert [a["outlet"] for a in copies] == ["The Harbor Ledger"]


def test_stored_story_shows_claims_and_discrepancies(stories, examples_db):
    with open_store(examples_db, readonly=True) as store:
        view = story_view(store, stories[0]["id"])
    kinds = {d["kind"] for d in view["discrepancies"]}
    assert {"name", "number", "date", "headline"} <= kinds
    statuses = {g["status"] for g in view["claim_groups"]}
    assert {"corroborated", "disputed"} <= statuses
    names = next(d for d in view["discrepancies"] if d["kind"] == "name")
    assert {"Ingrid M. Halvorsen", "Ingrid Halvorson"} <= set(names["values"])


def test_non_english_article_is_not_merged(examples_db):
    with open_store(examples_db, readonly=True) as store:
        rows = store.query("SELECT a.language, u.reason FROM unclustered u "
                           "JOIN articles a ON a.id = u.article_id")
    assert [r["language"] for r in rows] == ["es"]


def test_story_command_text_json_and_html(stories, examples_db, tmp_path):
    story_id = stories[0]["id"][:8]
    text = run("story", story_id, "--db", examples_db)
    assert text.exit_code == 0 and "Halvors" in text.output
    data = json.loads(run("story", story_id, "--db", examples_db, "--format", "json").stdout)
    assert data["story"]["n_articles"] == 8
    out = tmp_path / "story.html"
    assert run("story", story_id, "--db", examples_db, "--format", "html", "-o", out).exit_code == 0
    assert "Halvors" in out.read_text()


def test_report_writes_html_for_every_story(examples_db, tmp_path):
    out = tmp_path / "report.html"
    result = run("report", "--db", examples_db, "-o", out, "--singles")
    assert result.exit_code == 0, result.output
    page = out.read_text()
    assert page.count('<article id="story-') == 5


def test_unknown_story_is_a_clear_error(examples_db):
    result = run("story", "ffffffffffff", "--db", examples_db)
    assert result.exit_code == 1 and "no story" in result.output


def test_serve_get_prints_the_api(examples_db):
    result = run("serve", "--db", examples_db, "--get", "/api/stories")
    assert result.exit_code == 0
    assert "Calloway" in result.output


def test_seeds_as_a_stored_story(seeds, tmp_path):
    with open_store(tmp_path / "seeds.db") as store:
        ingest(seeds, store)
        analyze(store)
        rows = store.list_stories()
        assert len(rows) == 1
        view = story_view(store, rows[0]["id"])
    kinds = {d["kind"] for d in view["discrepancies"]}
    assert {"name", "negation", "headline"} <= kinds
    assert any("sovereign decision" in g["text"] and g["status"] == "corroborated"
               for g in view["claim_groups"])
    signals = {s["name"]: s for a in view["articles"] for s in a["signals"]
               if "Defies" in a["title"]}
    assert signals["profanity"]["evidence"] and signals["rhetorical_questions"]["evidence"]


def test_analyze_is_incremental(tmp_path, seeds):
    with open_store(tmp_path / "inc.db") as store:
        ingest(seeds[:1], store)
        first = analyze(store)
        ingest(seeds[1:], store)
        second = analyze(store)
        again = analyze(store)
    assert (first.extracted, second.extracted, again.extracted) == (1, 1, 0)


def test_single_article_story_is_all_single_source(stories, examples_db):
    lone = next(s for s in stories if s["n_articles"] == 1)
    with open_store(examples_db, readonly=True) as store:
        view = story_view(store, lone["id"])
    assert view["claim_groups"]
    assert {g["status"] for g in view["claim_groups"]} == {"single-source"}


def test_claims_are_full_text_searchable(examples_db):
    result = run("search", "scrubbers", "--claims", "--db", examples_db, "--format", "json")
    assert result.exit_code == 0
    assert any("scrubbers" in r["text"] for r in json.loads(result.stdout)["claims"])


def test_articles_without_claims_compare_without_crashing():
    from corroborator.compare import compare
    from corroborator.models import Article

    questions = Article(text="Who decides? Why now? What next?", title="Questions")
    report = Article(text="The council voted on Monday to close the old bridge to traffic "
                          "after engineers found cracks in two of its supports.",
                     title="Bridge closes")
    result = compare([questions, report])
    assert result.shared == [] and result.unique[questions.id] == []
    assert all(g.status == "single-source" for g in result.claim_groups)


def test_a_locked_database_is_a_one_line_error(tmp_path):
    import sqlite3

    path = tmp_path / "locked.db"
    open_store(path).close()
    writer = sqlite3.connect(path)
    writer.execute("BEGIN EXCLUSIVE")
    try:
        result = CliRunner().invoke(main, ["ingest", "-", "--db", str(path)],
                                    input="Bridge closes\n\nThe council closed the bridge.\n")
    finally:
        writer.rollback()
        writer.close()
    assert result.exit_code == 1
    assert "locked" in result.output and "locked.db" in result.output


def test_killed_analyze_resumes_and_leaves_a_consistent_store(tmp_path):
    import os
    import random
    import signal
    import subprocess
    import sys
    import time

    from corroborator.models import Article

    rng = random.Random(3)
    towns = ["Riverton", "Ashby", "Coldwater", "Marlow", "Pennick", "Stroud"]
    articles = []
    for i in range(240):
        town = towns[i % len(towns)]
        body = " ".join(
            f"Officials in {town} said on Monday that {rng.randint(2, 900)} homes lost power "
            f"after the storm, and crews from {rng.choice(towns)} were sent to help." for _ in
            range(6))
        articles.append(Article(text=body, title=f"Storm cuts power in {town}",
                                outlet=f"Outlet {i}", url=f"https://o{i}.example/storm"))
    db = tmp_path / "kill.db"
    with open_store(db) as store:
        store.add_articles(articles)
    cli = [sys.executable, "-m", "corroborator.cli", "analyze", "--db", str(db)]
    proc = subprocess.Popen(cli, env={**os.environ}, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    deadline = time.time() + 90
    with open_store(db, readonly=True) as store:
        while time.time() < deadline and proc.poll() is None:
            if store.query("SELECT count(DISTINCT article_id) FROM sentences")[0][0] >= 20:
                break
            time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    with open_store(db) as store:
        assert store.pending_article_ids(), "the run finished before it could be killed"
        assert store.query("PRAGMA integrity_check")[0][0] == "ok"
        report = analyze(store)
        assert report.extracted > 0 and not store.pending_article_ids()
        placed = store.query("SELECT count(*) FROM story_articles")[0][0]
        unclustered = store.query("SELECT count(*) FROM unclustered")[0][0]
        assert placed + unclustered == 240
        assert store.query("PRAGMA integrity_check")[0][0] == "ok"
