"""Inference: per-pair results whatever the batch, threads or cache; device choice."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from corroborator import analyze, ingest, open_store
from corroborator.cli import main
from corroborator.corroboration import inference
from corroborator.corroboration.inference import (
    ModelError,
    NLIModel,
    PairCache,
    caching,
    get_nli_model,
    pair_key,
    threads_for,
)

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
PAIRS = [
    ("The minister denied the report on Tuesday.", "The minister resigned."),
    ("Officials said 214 people were evacuated from the valley.", "More than 400 people fled."),
    ("A short one.", "Something else entirely, and at much greater length than the premise, "
                     "so the two pairs differ in their number of tokens."),
    ("The council approved the budget by a vote of 7 to 2.", "The council approved the budget."),
]

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def test_a_pair_scores_the_same_alone_with_batch_mates_and_on_any_thread_count():
    together = NLIModel(threads=2).predict(PAIRS)
    alone = np.vstack([NLIModel(threads=1).predict([p]) for p in PAIRS])
    reordered = NLIModel(threads=1).predict(PAIRS[::-1])[::-1]
    assert together.shape == (len(PAIRS), 3)
    np.testing.assert_allclose(together, alone, atol=1e-4)
    np.testing.assert_allclose(together, reordered, atol=1e-4)
    np.testing.assert_allclose(together.sum(axis=1), 1.0, atol=1e-5)


def test_outputs_are_chosen_by_name_and_an_unknown_one_is_named():
    model = get_nli_model()
    logits = model.outputs(PAIRS[:2], ["logits"])["logits"]
    assert logits.shape == (2, 3)
    with pytest.raises(ModelError, match="no output 'nope'"):
        model.outputs(PAIRS[:1], ["nope"])


def test_threads_split_the_cores_among_workers_unless_overridden(monkeypatch):
    monkeypatch.delenv(inference.THREADS_ENV, raising=False)
    monkeypatch.setattr(inference, "_cores", lambda: 8)
    assert (threads_for(1), threads_for(2), threads_for(16)) == (8, 4, 1)
    monkeypatch.setenv(inference.THREADS_ENV, "3")
    assert threads_for(2) == 3


def test_a_cached_pair_is_never_inferred_again_and_scores_the_same(tmp_path):
    model = get_nli_model()
    with open_store(tmp_path / "cache.db") as store:
        with caching(PairCache(store.cached_pairs)) as first:
            fresh = model.predict(PAIRS + PAIRS[:1])           # a repeat is inferred once
        assert len(first.new) == len(PAIRS)
        store.save_pairs(first.take_new())

        calls = []
        with caching(PairCache(store.cached_pairs)) as second:
            real = model._predict
            model._predict = lambda pairs: calls.append(pairs) or real(pairs)
            try:
                again = model.predict(PAIRS)
            finally:
                del model._predict
        assert calls == [] and second.new == [] and second.hits == len(PAIRS)
    np.testing.assert_array_equal(again, fresh[:len(PAIRS)])


def test_a_process_only_cache_infers_a_repeat_once_without_hashing_the_weights():
    model = NLIModel(threads=1)
    with caching(PairCache(process_only=True)) as memo:
        first = model.predict(PAIRS[:2])
        again = model.predict(PAIRS[:2])
    assert memo.hits == 2 and len(memo.new) == 2
    assert getattr(model, "_fingerprint", None) is None
    np.testing.assert_array_equal(first, again)
    np.testing.assert_allclose(first, model.predict(PAIRS[:2]), atol=1e-4)


def test_the_cache_key_depends_on_model_premise_and_hypothesis():
    keys = {pair_key("m1", "a", "b"), pair_key("m2", "a", "b"), pair_key("m1", "b", "a"),
            pair_key("m1", "ab", ""), pair_key("m1", "a", "b")}
    assert len(keys) == 4


def test_reanalysis_infers_no_pair_and_no_stance_pair_twice(tmp_path, monkeypatch):
    with open_store(tmp_path / "ex.db") as store:
        ingest([EXAMPLES / "txt"], store)
        analyze(store, workers=1)
        cached = store.query("SELECT count(*) FROM nli_pairs")[0][0]
        cached_stances = store.query("SELECT count(*) FROM stance_pairs")[0][0]
        before = [tuple(r) for r in store.query(
            "SELECT article_id, group_id, label, score FROM stances ORDER BY 1, 2")]
        inferred, stance_inferred = [], []
        real, real_stance = NLIModel._predict, NLIModel._predict_stance
        monkeypatch.setattr(NLIModel, "_predict",
                            lambda self, pairs: inferred.extend(pairs) or real(self, pairs))
        monkeypatch.setattr(NLIModel, "_predict_stance",
                            lambda self, pairs: stance_inferred.extend(pairs)
                            or real_stance(self, pairs))
        analyze(store, workers=1, rebuild=True)
        after = [tuple(r) for r in store.query(
            "SELECT article_id, group_id, label, score FROM stances ORDER BY 1, 2")]
    assert cached > 0 and inferred == []
    assert cached_stances > 0 and stance_inferred == []
    assert after == before


STANCE_PAIRS = [(h, p + " " + p) for p, h in PAIRS]


def test_a_stance_pair_scores_the_same_alone_with_batch_mates_on_any_thread_count_and_cached(
        tmp_path):
    together = NLIModel(threads=2).predict_stance(STANCE_PAIRS)
    alone = np.vstack([NLIModel(threads=1).predict_stance([p]) for p in STANCE_PAIRS])
    reordered = NLIModel(threads=1).predict_stance(STANCE_PAIRS[::-1])[::-1]
    assert together.shape == (len(STANCE_PAIRS), 4)
    np.testing.assert_allclose(together, alone, atol=1e-4)
    np.testing.assert_allclose(together, reordered, atol=1e-4)
    model = get_nli_model()
    with open_store(tmp_path / "stances.db") as store:
        with caching(PairCache(store.cached_pairs, store.cached_stances)) as first:
            fresh = model.predict_stance(STANCE_PAIRS + STANCE_PAIRS[:1])
        assert len(first.new_stances) == len(STANCE_PAIRS) and first.new == []
        store.save_cache(first)
        with caching(PairCache(store.cached_pairs, store.cached_stances)) as second:
            again = model.predict_stance(STANCE_PAIRS)
        assert second.new_stances == [] and second.stance_hits == len(STANCE_PAIRS)
    np.testing.assert_array_equal(again, fresh[:len(STANCE_PAIRS)])
    np.testing.assert_allclose(fresh[:len(STANCE_PAIRS)], together, atol=1e-4)


def test_a_database_from_before_the_stance_cache_keeps_its_cached_pairs(tmp_path, monkeypatch):
    from corroborator.store import database

    path = tmp_path / "old.db"
    older = [m for m in database.MIGRATIONS if m[0] != "0016_stance_pair_cache"]
    monkeypatch.setattr(database, "MIGRATIONS", older)
    monkeypatch.setattr(database, "SCHEMA_VERSION", len(older))
    with open_store(path) as store:
        store.save_pairs([(pair_key("m", "a", "b"), "m", 0.25, 0.5, 0.25)])
        assert not store.query("SELECT name FROM sqlite_master WHERE name = 'stance_pairs'")
    monkeypatch.undo()
    with open_store(path) as store:
        assert store.cached_pairs([pair_key("m", "a", "b")]) == {
            pair_key("m", "a", "b"): (0.25, 0.5, 0.25)}
        assert store.cached_stances([pair_key("m", "a", "b")]) == {}


def test_device_cuda_without_the_provider_is_one_clear_line(seeds, monkeypatch):
    import onnxruntime as ort

    monkeypatch.setattr(ort, "get_available_providers", lambda: ["CPUExecutionProvider"])
    result = CliRunner().invoke(main, ["compare", *map(str, seeds), "--device", "cuda"])
    assert result.exit_code != 0
    assert "CUDA provider" in result.output and "Traceback" not in result.output
    assert inference.resolve_device("auto") == "cpu"


def test_the_fast_embedder_loads_without_huggingface_hub_and_encodes_as_model2vec_does():
    import subprocess
    import sys

    code = ("import sys; from corroborator.embed import _load_static; _load_static(); "
            "print('huggingface_hub' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "False"
    from model2vec import StaticModel

    from corroborator.embed import STATIC_MODEL_DIR, _load_static

    texts = ["The council approved the budget.", "Ünïcödé and 214 numbers, café."]
    reference = StaticModel.from_pretrained(STATIC_MODEL_DIR, force_download=False)
    np.testing.assert_allclose(_load_static().encode(texts), reference.encode(texts), atol=1e-6)


def test_a_cold_compare_imports_no_fetching_feed_archive_or_training_library(seeds):
    import subprocess
    import sys

    code = ("import sys\n"
            "from corroborator.cli import main\n"
            f"sys.argv = ['corroborator', 'compare', {str(seeds[0])!r}, {str(seeds[1])!r},"
            " '--format', 'json']\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "heavy = ('httpx', 'httpcore', 'feedparser', 'warcio', 'huggingface_hub', 'torch')\n"
            "print([m for m in heavy if m in sys.modules], file=sys.stderr)\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stderr.strip().splitlines()[-1] == "[]"
