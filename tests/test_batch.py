"""The same stages run through the local runner and survive the trip to plain records."""

from __future__ import annotations

import pytest

from corroborator.batch import extraction_from_dict, run_local, run_on_ray, to_plain
from corroborator.errors import MissingExtraError
from corroborator.extract import extract
from corroborator.models import Article

ARTICLE = Article(text="Officials said 40 people were hurt on Monday. “We are shocked,” "
                       "Mayor Ana Ruiz said.", title="Crash", published="2026-03-03")


def test_local_runner_equals_calling_the_stage():
    assert run_local(["extract"], [ARTICLE])[0] == extract(ARTICLE)


def test_extraction_round_trips_through_plain_records():
    ext = extract(ARTICLE)
    assert extraction_from_dict(to_plain(ext)) == ext


def test_signals_follow_extraction():
    signals = run_local(["extract", "signals"], [ARTICLE])[0]
    assert {s.name for s in signals} >= {"sourcing", "opinion_vs_reporting"}


def test_unknown_stage_names_the_choices():
    with pytest.raises(ValueError, match="choose from"):
        run_local(["nope"], [ARTICLE])


def test_ray_runner_says_which_extra_is_missing():
    try:
        import ray  # noqa: F401
    except ImportError:
        with pytest.raises(MissingExtraError, match=r"corroborator\[ray\]"):
            run_on_ray(["extract"], [ARTICLE])
    else:
        assert run_on_ray(["extract"], [ARTICLE])[0] == extract(ARTICLE)
