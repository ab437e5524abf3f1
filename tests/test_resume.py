"""Analyze at scale: incremental runs, kill -9 at several points, one analyzer at a time,
worker processes, equal claim-group ids and plain progress lines.

Every check compares whole databases with :func:`snapshot`: what a user can read back
(stories, memberships, duplicate links, claim groups with their claims and stances,
discrepancies, extractions), without timestamps and row numbers.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from corroborator import analyze, ingest, open_store
from corroborator.cli import main
from corroborator.models import Attribution, Claim, ClaimGroup, Stance, Story

ROOT = Path(__file__).resolve().parents[1]
INPUTS = [ROOT / "examples" / "txt", ROOT / "examples" / "html", ROOT / "examples" / "feeds",
          ROOT / "examples" / "warc" / "ridgeline-radio.warc.gz"]

# Each query lists one table in a stable order, leaving out timestamps and surrogate keys.
SNAPSHOT_QUERIES = {
    "articles": "SELECT id, extracted_version, analyzed_at IS NOT NULL FROM articles ORDER BY id",
    "sentences": "SELECT * FROM sentences ORDER BY article_id, idx",
    "entities": "SELECT article_id, sentence_idx, text, label, canonical, start_char, end_char "
                "FROM entities ORDER BY article_id, id",
    "mentions": "SELECT article_id, sentence_idx, kind, text, value, unit FROM mentions "
                "ORDER BY article_id, id",
    "claims": "SELECT id, article_id, sentence_idx, text FROM claims ORDER BY id",
    "signals": "SELECT * FROM signals ORDER BY article_id, name",
    "duplicates": "SELECT * FROM duplicates ORDER BY article_id",
    "stories": "SELECT id, title, key_entities, first_seen, last_seen, n_articles, n_sources, "
               "n_disputed FROM stories ORDER BY id",
    "story_articles": "SELECT * FROM story_articles ORDER BY seq",
    "unclustered": "SELECT * FROM unclustered ORDER BY article_id",
    "claim_groups": "SELECT * FROM claim_groups ORDER BY story_id, rank, id",
    "members": "SELECT * FROM claim_group_members ORDER BY group_id, claim_id",
    "stances": "SELECT * FROM stances ORDER BY group_id, article_id",
    "discrepancies": 'SELECT story_id, kind, description, "values", articles, evidence '
                     "FROM discrepancies ORDER BY story_id, id",
    "story_corroboration": "SELECT story_id, input_key FROM story_corroboration "
                           "ORDER BY story_id",
}


def snapshot(path: Path) -> dict[str, list[tuple]]:
    """What a user can read back from the database at `path`, table by table."""
    with open_store(path, readonly=True) as store:
        return {name: [tuple(r) for r in store.query(sql)]
                for name, sql in SNAPSHOT_QUERIES.items()}


def assert_same_database(a: Path, b: Path) -> None:
    left, right = snapshot(a), snapshot(b)
    for table in SNAPSHOT_QUERIES:
        assert left[table] == right[table], f"table {table} differs"


def ingested(path: Path, inputs=INPUTS) -> Path:
    with open_store(path) as store:
        report = ingest(inputs, store)
        assert not report.errors, report.errors
    return path


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> Path:
    """The example corpus analyzed in one uninterrupted run, in this process."""
    path = ingested(tmp_path_factory.mktemp("ref") / "ref.db")
    with open_store(path) as store:
        report = analyze(store, workers=1)
        assert report.extracted == 22 and len(report.stories_touched) == 5
    return path


# -- claim-group ids ----------------------------------------------------------------------------

def _group(gid: str, claim: Claim, text: str) -> ClaimGroup:
    return ClaimGroup(gid, text, [claim], [Stance(claim.article_id, gid, "agree", 1.0, text)],
                      "single-source", 1)


def test_groups_with_equal_ids_are_merged_not_a_crash(tmp_path):
    """Regression: two groups with the same claims (in another order) share an id; saving
    them raised UNIQUE constraint failed: claim_groups.id and lost the story."""
    from corroborator.models import Article

    with open_store(tmp_path / "ids.db") as store:
        article = Article(text="The mayor said the bridge will close on Monday.", title="Bridge")
        store.add_articles([article])
        claim = Claim(article.id, 0, "The bridge will close on Monday.", 0.9,
                      Attribution("none", None), "c1")
        store.conn.execute("INSERT INTO claims (id, article_id, sentence_idx, text) "
                           "VALUES ('c1', ?, 0, 'x')", (article.id,))
        store.save_story(Story("s1", "Bridge", [article.id], [], None, None))
        store.assign_story(article.id, "s1", 1.0)
        store.save_corroboration("s1", [_group("g1", claim, "first"),
                                        _group("g1", claim, "second")], [])
        groups, _ = store.load_corroboration("s1")
        assert [(g.id, g.text) for g in groups] == [("g1", "first")]
        assert store.stale_stories() == []
        # The same id saved for another story moves there; the first story becomes stale.
        store.save_story(Story("s2", "Bridge again", [], [], None, None))
        store.save_corroboration("s2", [_group("g1", claim, "moved")], [])
        assert store.load_corroboration("s1")[0] == []
        assert store.stale_stories() == ["s1"]


# -- incremental runs ---------------------------------------------------------------------------

def test_incremental_batches_end_in_the_same_database_as_one_run(tmp_path, reference):
    path = tmp_path / "inc.db"
    with open_store(path) as store:
        for batch in ([INPUTS[0]], [INPUTS[1]], INPUTS[2:]):
            ingest(batch, store)
            analyze(store, workers=1)
        assert analyze(store).stories_touched == []
    assert_same_database(path, reference)


def test_stale_stories_are_repaired_by_the_next_run(tmp_path, reference):
    """A run that stopped before corroborating (as the old code did after a crash) leaves
    stories without claim groups; the next analyze finds and repairs them."""
    path = ingested(tmp_path / "stale.db")
    with open_store(path) as store:
        analyze(store, workers=1)
        store.conn.execute("DELETE FROM claim_groups")
        store.conn.execute("DELETE FROM story_corroboration")
        assert len(store.stale_stories()) == 5
        report = analyze(store)
        assert report.extracted == 0 and len(report.stories_touched) == 5
    assert_same_database(path, reference)


# -- kill -9 at several points ------------------------------------------------------------------

KILLER = textwrap.dedent("""
    import os, signal, sys
    from corroborator import analyze, open_store
    from corroborator.store.store import Store
    from corroborator.stories.persist import StoreBackend

    where, after = sys.argv[2], int(sys.argv[3])
    calls = {"n": 0}

    def die_on(owner, name):
        original = getattr(owner, name)
        def wrapper(*args, **kwargs):
            calls["n"] += 1
            if calls["n"] > after:
                os.kill(os.getpid(), signal.SIGKILL)
            return original(*args, **kwargs)
        setattr(owner, name, wrapper)

    target = {"extract": (Store, "save_extraction"), "dedupe": (Store, "save_minhash"),
              "cluster": (StoreBackend, "record"), "mark": (Store, "mark_analyzed"),
              "corroborate": (Store, "save_corroboration")}[where]
    die_on(*target)
    with open_store(sys.argv[1]) as store:
        analyze(store, workers=1)
    sys.exit(3)   # not killed: the test wanted a kill
""")

KILL_POINTS = [("extract", 7), ("dedupe", 9), ("cluster", 12), ("mark", 0), ("corroborate", 2)]


@pytest.mark.parametrize(("where", "after"), KILL_POINTS, ids=[k for k, _ in KILL_POINTS])
def test_kill_9_then_analyze_again_equals_an_uninterrupted_run(tmp_path, reference, where,
                                                                after):
    path = ingested(tmp_path / "kill.db")
    proc = subprocess.run([sys.executable, "-c", KILLER, str(path), where, str(after)],
                          env={**os.environ, "HF_HUB_OFFLINE": "1"}, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == -9, proc.stderr[-2000:]
    with open_store(path) as store:
        assert store.query("PRAGMA integrity_check")[0][0] == "ok"
        done_before = store.query("SELECT count(*) FROM articles "
                                  "WHERE extracted_version IS NOT NULL")[0][0]
        report = analyze(store)
    assert report.extracted == 22 - done_before      # only the remaining work
    assert_same_database(path, reference)


# -- one analyzer at a time ---------------------------------------------------------------------

def test_a_second_analyzer_gets_a_one_line_message(tmp_path):
    from corroborator.store.database import analyzer_lock

    path = ingested(tmp_path / "lock.db", [INPUTS[0]])
    with analyzer_lock(path):
        result = CliRunner().invoke(main, ["analyze", "--db", str(path)])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "another 'corroborator analyze' is running" in lines[0]
    assert f"pid {os.getpid()}" in lines[0]
    with open_store(path, readonly=True) as store:      # nothing was touched
        assert store.query("SELECT count(*) FROM sentences")[0][0] == 0


# -- worker processes ---------------------------------------------------------------------------

def test_worker_processes_give_the_same_database(tmp_path, reference, monkeypatch):
    import corroborator.batch as batch

    monkeypatch.setattr(batch, "DEFAULT_BATCH_SIZE", 4)      # enough batches for a pool
    monkeypatch.setattr(batch, "STORY_TASK_ARTICLES", 1)     # one task per story
    path = ingested(tmp_path / "pool.db")
    with open_store(path) as store:
        report = analyze(store, workers=2)
    assert report.workers == 2
    assert_same_database(path, reference)


# -- progress -----------------------------------------------------------------------------------

def test_piped_analyze_prints_plain_progress_lines(tmp_path):
    path = ingested(tmp_path / "progress.db", [INPUTS[0]])
    proc = subprocess.run([sys.executable, "-m", "corroborator.cli", "analyze", "--db",
                           str(path), "--workers", "1"], capture_output=True, text=True,
                          env={**os.environ, "HF_HUB_OFFLINE": "1"}, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "analyzed" in proc.stdout and "extract:" not in proc.stdout
    lines = proc.stderr.strip().splitlines()
    stages = [line.split(":")[0] for line in lines]
    assert {"extract", "cluster", "corroborate"} <= set(stages)
    last_extract = [line for line in lines if line.startswith("extract:")][-1]
    assert "/s" in last_extract and ", done)" in last_extract
    assert "\x1b" not in proc.stderr                         # no terminal control codes


def test_progress_lines_show_rate_and_eta():
    import io

    from corroborator.pipeline import ProgressLines

    now = iter([0.0, 10.0, 11.0, 20.0])
    out = io.StringIO()
    lines = ProgressLines(out, every=5.0, clock=lambda: next(now))
    for done in (0, 100, 110, 400):
        lines("extract", done, 400)
    assert out.getvalue().splitlines() == [
        "extract: 0/400 (0.0/s, ETA ?)",
        "extract: 100/400 (10.0/s, ETA 30s)",
        "extract: 400/400 (20.0/s, done)",
    ]
