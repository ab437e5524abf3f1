"""Incremental corroboration: a story is a fold over its articles, continued from its
stored state, with the work per new article bounded whatever the story's size."""

from __future__ import annotations

from pathlib import Path

import pytest

from corroborator import analyze, ingest, open_store
from corroborator.corroboration import fold as incremental
from corroborator.corroboration.story import corroborate_articles
from corroborator.embed import get_embedder
from corroborator.extract import extract
from corroborator.models import Article

ROOT = Path(__file__).resolve().parents[1]

FACTS = [
    "The Dunmore ferry terminal will close for repairs on March 3, the port authority said.",
    "Repairs to the ramp are expected to take six weeks and cost 2.1 million euros.",
    "Commuters will be offered a free shuttle bus to the Kestrel Bay pier.",
    "The terminal handled 1.4 million passengers last year.",
    "Union representative Ilse Marwick said staff would keep their pay during the closure.",
    "A ferry struck the ramp in January, damaging its hydraulic supports.",
]


def story_articles(n: int) -> list[Article]:
    """`n` fictional reports of one event, each with a different mix of the facts."""
    out = []
    for i in range(n):
        facts = [FACTS[(i + j) % len(FACTS)] for j in range(4)]
        out.append(Article(text=" ".join(facts), title="Dunmore ferry terminal to close",
                           outlet=f"Harbour Post {i}", url=f"https://post{i}.example/ferry"))
    return out


def test_a_one_article_story_is_never_aligned(monkeypatch):
    def no_alignment(*args, **kwargs):
        raise AssertionError("a single article was aligned")

    monkeypatch.setattr(incremental, "align_pair", no_alignment)
    [article] = story_articles(1)
    result = corroborate_articles([article], {article.id: extract(article)},
                                  get_embedder("fast"))
    assert result.claim_groups
    assert {g.status for g in result.claim_groups} == {"single-source"}


def test_a_new_article_is_aligned_with_a_bounded_number_of_earlier_ones(monkeypatch):
    articles = story_articles(incremental.PARTNERS + 6)
    extractions = {a.id: extract(a) for a in articles}
    calls = []
    real = incremental.align_pair

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(incremental, "align_pair", counting)
    result = corroborate_articles(articles, extractions, get_embedder("fast"))
    # one alignment per (new article, partner), never one per earlier article
    assert len(calls) <= incremental.PARTNERS * (len(articles) - 1)
    assert len(calls) < len(articles) * (len(articles) - 1) // 2
    shared = [g for g in result.claim_groups if len({c.article_id for c in g.claims}) >= 3]
    assert shared, "the facts every article repeats are shared claim groups"
    assert any(g.status == "corroborated" for g in shared)


def test_one_more_article_continues_the_stored_fold(tmp_path, monkeypatch):
    """Analyze a story, then one more article of it: only that article is folded in."""
    first, last = story_articles(4)[:3], story_articles(4)[3]
    folded = []
    real = incremental.add_article

    def counting(state, article, *args, **kwargs):
        folded.append(article.id)
        return real(state, article, *args, **kwargs)

    path = tmp_path / "story.db"
    with open_store(path) as store:
        store.add_articles(first)
        analyze(store, workers=1)
        monkeypatch.setattr("corroborator.corroboration.story.add_article", counting)
        store.add_articles([last])
        report = analyze(store, workers=1)
        assert len(report.stories_touched) == 1
        assert folded == [last.id]
        groups = store.query("SELECT count(*) FROM claim_groups")[0][0]
        stances = store.query("SELECT count(DISTINCT article_id) FROM stances")[0][0]
    assert groups > 0 and stances == 4


def test_a_state_from_other_code_is_not_reused():
    state = incremental.StoryState(incremental.state_key("model-a", "extract-1"))
    blob = state.dumps()
    assert incremental.load_state(blob, state.key) is not None
    assert incremental.load_state(blob, incremental.state_key("model-b", "extract-1")) is None
    assert incremental.load_state(b"not a pickle", state.key) is None


@pytest.mark.skipif(not (ROOT / "examples" / "txt").exists(), reason="examples/ missing")
def test_rebuild_folds_every_story_again(tmp_path):
    path = tmp_path / "ex.db"
    with open_store(path) as store:
        ingest([ROOT / "examples" / "txt"], store)
        analyze(store, workers=1)
        before = store.query("SELECT id, status FROM claim_groups ORDER BY id")
        report = analyze(store, workers=1, rebuild=True)
        assert report.stories_touched
        after = store.query("SELECT id, status FROM claim_groups ORDER BY id")
    assert [tuple(r) for r in before] == [tuple(r) for r in after]
