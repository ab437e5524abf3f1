"""Incremental story clustering over a real SQLite file and its index file."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from corroborator.dedupe import find_duplicates
from corroborator.errors import InputError
from corroborator.evaluation.clusters import evaluate_clusters
from corroborator.models import Article
from corroborator.store import open_store
from corroborator.stories import cluster_articles, cluster_records, index_path
from corroborator.stories.persist import StoreBackend

FIXTURE = Path(__file__).parent / "fixtures" / "stories" / "articles.jsonl"
SRC = Path(__file__).resolve().parent.parent / "src"


def _rows() -> list[dict]:
    return [json.loads(line) for line in FIXTURE.read_text(encoding="utf-8").splitlines()]


def _articles(ids: list[str] | None = None) -> list[Article]:
    rows = {r["id"]: r for r in _rows()}
    return [Article(text=r["text"], title=r["title"], outlet=r["outlet"],
                    published=r["published"], language=r.get("language"), id=r["id"])
            for key, r in rows.items() if ids is None or key in ids]


def _story_of(store) -> dict[str, str]:
    return {r[0]: r[1] for r in store.query("SELECT article_id, story_id FROM story_articles")}


def _assert_consistent(store) -> None:
    placed = {r[0] for r in store.query("SELECT article_id FROM story_articles")}
    vectors = {r[0] for r in store.query("SELECT article_id FROM article_vectors")}
    assert placed <= vectors
    for row in store.query("SELECT s.id, s.n_articles, st.n, count(sa.article_id) FROM stories s "
                           "JOIN story_state st ON st.story_id = s.id LEFT JOIN story_articles "
                           "sa ON sa.story_id = s.id GROUP BY s.id"):
        assert row[1] == row[2] == row[3]
    docs = store.query("SELECT df FROM story_term_df WHERE term = ''")
    assert (docs[0][0] if docs else 0) == len(placed)


@pytest.fixture
def store(tmp_path):
    with open_store(tmp_path / "news.db") as s:
        yield s


def test_related_joins_and_unrelated_starts_a_story(store):
    first = _articles(["a1", "b1"])
    store.add_articles(first)
    report = cluster_articles(store, ["a1", "b1"])
    assert len(report.new_stories) == 2
    store.add_articles(_articles(["a2", "c1"]))
    report = cluster_articles(store, ["a2", "c1"])
    story = _story_of(store)
    assert story["a2"] == story["a1"]
    assert story["c1"] not in {story["a1"], story["b1"]}
    assert report.new_stories == [story["c1"]]
    title = store.get_story(story["a1"]).title
    assert title == "Millbrook bridge collapses into Tamsin River"
    _assert_consistent(store)


def test_syndicated_copy_joins_its_originals_story(store):
    store.add_articles(_articles(["a1", "a1s", "b1"]))
    find_duplicates(store, ["a1", "a1s", "b1"])
    cluster_articles(store, ["a1", "a1s", "b1"])
    story = _story_of(store)
    assert story["a1s"] == story["a1"]
    row = store.query("SELECT n_articles, n_sources FROM stories WHERE id = ?", (story["a1"],))[0]
    assert tuple(row) == (2, 1)


def test_short_and_non_english_are_unclustered(store):
    store.add_articles(_articles(["a1", "es1", "short1"]))
    report = cluster_articles(store, ["a1", "es1", "short1"])
    assert report.unclustered["es1"] == "non-English (es)"
    assert report.unclustered["short1"].startswith("too short")
    reasons = dict(tuple(r) for r in store.query("SELECT article_id, reason FROM unclustered"))
    assert set(reasons) == {"es1", "short1"}
    assert set(_story_of(store)) == {"a1"}


def test_language_detected_when_missing():
    spanish = next(a for a in _articles(["es1"]))
    spanish.language = None
    labels = cluster_records([*_articles(["a1"]), spanish])
    assert labels[1] == "unclustered:es1"


def test_same_input_same_stories(tmp_path):
    ids = [a.id for a in _articles()]
    runs = []
    for name in ("one.db", "two.db"):
        with open_store(tmp_path / name) as s:
            s.add_articles(_articles())
            cluster_articles(s, ids)
            runs.append(_story_of(s))
    assert runs[0] == runs[1]
    assert cluster_records(_articles()) == cluster_records(_articles())


def test_index_consistent_after_reopen_and_rebuilt_when_deleted_or_stale(tmp_path):
    db = tmp_path / "news.db"
    with open_store(db) as s:
        s.add_articles(_articles())
        cluster_articles(s, [a.id for a in _articles(["a1", "b1", "c1", "a2"])])
    with open_store(db) as s:
        backend = StoreBackend(s, "static-minilm-256.v1", 256)
        assert backend.index_status == "ok" and len(backend.index) == 4
    index_path(s).unlink()
    with open_store(db) as s:
        assert StoreBackend(s, "static-minilm-256.v1", 256).index_status == "rebuilt"
        s.conn.execute("DELETE FROM story_articles WHERE article_id = 'a2'")
    with open_store(db) as s:
        backend = StoreBackend(s, "static-minilm-256.v1", 256)
        assert backend.index_status == "rebuilt" and len(backend.index) == 3
    index_path(s).write_bytes(b"garbage")
    with open_store(db) as s:
        assert StoreBackend(s, "static-minilm-256.v1", 256).index_status == "rebuilt"


def test_rebuild_reclusters_everything(store):
    store.add_articles(_articles())
    ids = [a.id for a in _articles()]
    cluster_articles(store, ids)
    before = _story_of(store)
    report = cluster_articles(store, [], rebuild=True)
    assert _story_of(store) == before
    assert len(report.placed) == len(before)
    _assert_consistent(store)


KILL_SCRIPT = """
import sys
from corroborator.store import open_store
from corroborator.stories import cluster_articles
with open_store(sys.argv[1]) as store:
    cluster_articles(store, store.all_article_ids())
"""


def _synthetic(n: int) -> list[Article]:
    rng = random.Random(7)
    topics = [[f"w{t}x{k}" for k in range(30)] for t in range(20)]
    common = [f"c{k}" for k in range(200)]
    out = []
    for i in range(n):
        words = rng.sample(topics[i % 20], 15) + rng.sample(common, 25)
        rng.shuffle(words)
        out.append(Article(text=" ".join(words) + ".", language="en", id=f"syn{i:04d}"))
    return out


def test_killed_mid_clustering_then_resume_is_consistent(tmp_path):
    db = tmp_path / "news.db"
    with open_store(db) as s:
        s.add_articles(_synthetic(1500))
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    proc = subprocess.Popen([sys.executable, "-c", KILL_SCRIPT, str(db)], env=env)
    deadline = time.time() + 60
    with open_store(db) as s:
        while time.time() < deadline and proc.poll() is None:
            if s.query("SELECT count(*) FROM story_articles")[0][0] >= 100:
                break
            time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    with open_store(db) as s:
        done = s.query("SELECT count(*) FROM story_articles")[0][0]
        assert 0 < done < 1500
        _assert_consistent(s)
        report = cluster_articles(s, s.all_article_ids())
        assert report.already_done == done
        assert s.query("SELECT count(*) FROM story_articles")[0][0] == 1500
        _assert_consistent(s)
        backend = StoreBackend(s, "static-minilm-256.v1", 256)
        assert backend.index_status == "ok" and len(backend.index) == 1500


def test_evaluate_clusters_on_fixture():
    result = evaluate_clusters(FIXTURE)
    assert set(result) == {"bcubed_precision", "bcubed_recall", "bcubed_f1",
                           "pairwise_precision", "pairwise_recall", "pairwise_f1",
                           "n_pred", "n_gold", "n_articles"}
    assert result["n_articles"] == 11 and result["n_gold"] == 5
    assert result["bcubed_f1"] >= 0.9


def test_evaluate_clusters_bad_line(tmp_path):
    bad = tmp_path / "gold.jsonl"
    bad.write_text('{"text": "x", "story": "a"}\n{"text": "no story"}\n', encoding="utf-8")
    with pytest.raises(InputError) as err:
        evaluate_clusters(bad)
    assert err.value.line == 2
    with pytest.raises(InputError):
        evaluate_clusters(tmp_path / "missing.jsonl")
