"""A story's fold state kept in parts (migration 0018): one article added to a stored story
writes its own part and what changed, reads back as the state of one fold over the same
articles, and stored claim groups are updated in place rather than rewritten."""

from __future__ import annotations

import json
import random
import sqlite3
from pathlib import Path

import pytest

from corroborator import analyze, open_store
from corroborator.corroboration import fold
from corroborator.corroboration.story import Changes
from corroborator.models import Article, Attribution, Claim, ClaimGroup, Stance, Story
from corroborator.store import store as store_module

ROOT = Path(__file__).resolve().parents[1]
TABLES = {
    "claim_groups": "SELECT * FROM claim_groups ORDER BY story_id, rank, id",
    "members": "SELECT * FROM claim_group_members ORDER BY group_id, claim_id",
    "stances": "SELECT * FROM stances ORDER BY group_id, article_id",
    "discrepancies": 'SELECT story_id, kind, description, "values", articles, evidence '
                     "FROM discrepancies ORDER BY story_id, id",
}

pytestmark = pytest.mark.skipif(not (ROOT / "examples" / "index.json").exists(),
                                reason="examples/ missing")


def smelter_variants(n: int) -> list[Article]:
    """`n` articles mixing paragraphs of the example corpus's smelter story (one story)."""
    from corroborator.evaluation.corpus import load_index, load_keyed_articles

    index = load_index(ROOT / "examples")
    base = [a for k, a in load_keyed_articles(ROOT / "examples").items()
            if index[k]["story"] == "A"]
    pool = [p for a in base for p in a.text.split("\n\n") if len(p.split()) > 6]
    rng = random.Random(11)
    return [Article(text="\n\n".join(rng.sample(pool, min(len(pool), 7))),
                    title=base[i % len(base)].title, outlet=f"Outlet {i}",
                    url=f"https://outlet{i}.example/story",
                    published=base[i % len(base)].published) for i in range(n)]


def readback(path: Path) -> dict:
    """What readers see: the tables, and each group's stances in the order they are read."""
    with open_store(path, readonly=True) as store:
        out = {name: [tuple(r) for r in store.query(sql)] for name, sql in TABLES.items()}
        out["order"] = {sid: [(g.id, [s.article_id for s in g.stances])
                              for g in store.load_corroboration(sid)[0]]
                        for (sid,) in store.query("SELECT id FROM stories ORDER BY id")}
    return out


def stored_states(path: Path) -> dict[str, bytes]:
    """Each story's stored state, read back and written as one blob (comparable bytes)."""
    from corroborator.corroboration.story import model_name
    from corroborator.extract import EXTRACTOR_VERSION

    key = fold.state_key(model_name(), EXTRACTOR_VERSION)
    with open_store(path, readonly=True) as store:
        out = {}
        for (sid,) in store.query("SELECT story_id FROM corroboration_state"):
            state = fold.load_state(store.load_story_state(sid), key)
            assert state is not None
            out[sid] = state.dumps()
    return out


@pytest.fixture(scope="module")
def articles() -> list[Article]:
    return smelter_variants(6)


@pytest.fixture(scope="module")
def one_fold(tmp_path_factory, articles) -> Path:
    path = tmp_path_factory.mktemp("one") / "one.db"
    with open_store(path) as store:
        store.add_articles(articles)
        analyze(store, workers=1)
    return path


def test_articles_added_one_at_a_time_equal_one_fold(tmp_path, articles, one_fold,
                                                     monkeypatch):
    written: list[list[str]] = []
    real = store_module._save_state

    def recording(conn, story_id, state, fresh):
        written.append(sorted(state))
        return real(conn, story_id, state, fresh)

    monkeypatch.setattr(store_module, "_save_state", recording)
    path = tmp_path / "steps.db"
    with open_store(path) as store:
        for article in articles:
            store.add_articles([article])
            analyze(store, workers=1)
            n_stories = store.query("SELECT count(*) FROM stories")[0][0]
    assert n_stories == 1
    assert readback(path) == readback(one_fold)
    assert stored_states(path) == stored_states(one_fold)
    last = written[-1]
    n = len(articles)
    assert f"a/{n - 1}" in last and "" in last
    assert not [p for p in last if p.startswith("a/") and p != f"a/{n - 1}"], \
        "an earlier article's part was written again"


def test_a_state_reads_back_from_its_parts_and_writes_only_changes(one_fold):
    from corroborator.corroboration.story import model_name
    from corroborator.extract import EXTRACTOR_VERSION

    key = fold.state_key(model_name(), EXTRACTOR_VERSION)
    with open_store(one_fold, readonly=True) as store:
        (sid,) = store.query("SELECT story_id FROM corroboration_state")[0]
        parts = store.load_story_state(sid)
    state = fold.load_state(parts, key)
    assert state is not None and state.parts() == {"": parts[""]}   # nothing changed
    again = fold.load_state(parts, key)
    again.groups[0].stances = [*again.groups[0].stances,
                               Stance("x", "", "discuss", 0.5, "A sentence.")]
    assert sorted(again.parts()) == ["", "g/0"]
    assert all(isinstance(json.loads(v), dict) for k, v in parts.items() if k.startswith("g/"))
    assert fold.load_state({k: v for k, v in parts.items() if k != "a/1"}, key) is None
    assert fold.load_state({**parts, "g/0": b'{"id": 5, "text": "x"}'}, key) is None
    assert fold.load_state({**parts, "g/0": b"not json"}, key) is None
    assert fold.load_state({**parts, "a/0": parts["a/0"][:-2]}, key) is None
    assert fold.load_state(parts, fold.state_key("other", EXTRACTOR_VERSION)) is None


def test_a_database_from_before_0018_is_upgraded_without_a_new_fold(tmp_path, articles,
                                                                    one_fold, monkeypatch):
    """An older database keeps its one-blob state: it is read, the next article is folded
    onto it alone, and the state is then kept in parts; no stored row is lost."""
    path = tmp_path / "old.db"
    with open_store(path) as store:
        store.add_articles(articles[:-1])
        analyze(store, workers=1)
    blobs = stored_states(path)
    with sqlite3.connect(path) as conn:   # the database as the code before 0018 left it
        conn.execute("DROP TABLE corroboration_state_parts")
        conn.execute("DROP TRIGGER stories_state_parts_ad")
        conn.execute("DELETE FROM migrations WHERE name = '0018_fold_state_parts'")
        conn.executemany("UPDATE corroboration_state SET state = ? WHERE story_id = ?",
                         [(blob, sid) for sid, blob in blobs.items()])
        rows = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in ("claim_groups", "stances", "claim_group_members", "discrepancies")}
    folded = []
    real = fold.add_article

    def counting(state, article, *args, **kwargs):
        folded.append(article.id)
        return real(state, article, *args, **kwargs)

    with open_store(path) as store:
        assert store.query("SELECT count(*) FROM corroboration_state_parts")[0][0] == 0
        assert {t: store.query(f"SELECT count(*) FROM {t}")[0][0] for t in rows} == rows
        monkeypatch.setattr("corroborator.corroboration.story.add_article", counting)
        store.add_articles(articles[-1:])
        analyze(store, workers=1)
        assert store.query("SELECT count(*) FROM corroboration_state_parts")[0][0] > 0
    assert folded == [articles[-1].id]
    assert readback(path) == readback(one_fold)
    assert stored_states(path) == stored_states(one_fold)


def test_a_changed_group_is_updated_in_place_and_keeps_its_stance_order(tmp_path):
    path = tmp_path / "diff.db"
    with open_store(path) as store:
        arts = [Article(text=f"Report {i} on the bridge closure.", title="Bridge",
                        outlet=f"Outlet {i}") for i in range(4)]
        store.add_articles(arts)
        ids = [a.id for a in arts]
        for n, aid in enumerate(ids):
            store.conn.execute("INSERT INTO claims (id, article_id, sentence_idx, text) "
                               "VALUES (?, ?, 0, 'x')", (f"c{n}", aid))
        store.save_story(Story("s1", "Bridge", ids, [], None, None))
        claims = [Claim(aid, 0, "The bridge closes.", 0.9, Attribution("none", None), f"c{n}")
                  for n, aid in enumerate(ids)]

        def group(gid, members, labels):
            return ClaimGroup(gid, "The bridge closes.", members,
                              [Stance(a, gid, lab, 0.5, None) for a, lab in labels],
                              "single-source", 1)

        store.save_corroboration("s1", [group("g1", claims[:1], [(ids[0], "agree"),
                                                                  (ids[1], "unrelated"),
                                                                  (ids[2], "discuss")])], [])
        before = dict(store.query("SELECT article_id, rowid FROM stances"))
        changed = group("g2", claims[:2], [(ids[0], "agree"), (ids[1], "agree"),
                                           (ids[2], "discuss"), (ids[3], "disagree")])
        store.save_corroboration("s1", [changed], [], changes=Changes(
            removed=["g1"], changed=["g2"], new_articles=[ids[3]], renamed={"g1": "g2"}))
        rows = store.query("SELECT article_id, group_id, label, rowid FROM stances "
                           "ORDER BY rowid")
        groups, _ = store.load_corroboration("s1")
    assert [(r[0], r[1], r[2]) for r in rows] == [(ids[0], "g2", "agree"),
                                                   (ids[1], "g2", "agree"),
                                                   (ids[2], "g2", "discuss"),
                                                   (ids[3], "g2", "disagree")]
    assert {r[0]: r[3] for r in rows[:3]} == before          # updated, not rewritten
    assert [(g.id, sorted(c.id for c in g.claims)) for g in groups] == [("g2", ["c0", "c1"])]
    assert [s.article_id for s in groups[0].stances] == ids


def test_every_state_field_is_stored():
    """A field added to StoryState must be written by dumps and parts (else a reloaded
    fold would silently lose it)."""
    from dataclasses import fields

    names = {f.name for f in fields(fold.StoryState)} - {"matrix", "stored"}
    assert names == set(fold._DATA_FIELDS)
    per_part = {"groups", "findings", "entities", "mentions", "name_sentences"}
    assert set(fold._HEAD_FIELDS) == names - per_part
    assert set(fold._HEAD_FIELDS) <= {f.name for f in fields(fold._Head)}
