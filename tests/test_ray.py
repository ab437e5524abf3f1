"""The Ray engine ends in the same database as the local engine (local Ray, 2 CPUs)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from click.testing import CliRunner

from corroborator import analyze, open_store
from corroborator.cli import main
from corroborator.models import Article
from test_resume import INPUTS, assert_same_database, ingested

ray = pytest.importorskip("ray", reason="the 'ray' extra is not installed")

FNC_BODIES = Path(__file__).resolve().parents[2] / "shared" / "data" / "fnc1" / "train_bodies.csv"


@pytest.fixture(scope="module")
def local_ray():
    """One local Ray with 2 CPUs for the module; the engine uses it as it is."""
    started = not ray.is_initialized()
    for attempt in range(3) if started else ():
        try:                      # a loaded machine can miss Ray's 30 s start-up window
            ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False,
                     logging_level="WARNING")
            break
        except Exception:
            ray.shutdown()
            if attempt == 2:
                raise
    yield ray
    if started:
        ray.shutdown()


def fnc_articles(n: int) -> list[Article]:
    """The first `n` FNC-1 training bodies (read at run time, never stored in the repo)."""
    if not FNC_BODIES.exists():
        pytest.skip("../shared/data/fnc1 is not beside the checkout")
    with FNC_BODIES.open(encoding="utf-8", newline="") as handle:
        rows = [r for _, r in zip(range(n), csv.DictReader(handle), strict=False)]
    return [Article(text=r["articleBody"], title="", url=f"fnc1://body/{r['Body ID']}")
            for r in rows]


def test_ray_engine_equals_local_on_the_examples(tmp_path, local_ray):
    local = ingested(tmp_path / "local.db")
    with open_store(local) as store:
        analyze(store, workers=1)
    on_ray = ingested(tmp_path / "ray.db")
    result = CliRunner().invoke(main, ["analyze", "--db", str(on_ray), "--engine", "ray",
                                       "--format", "json"])
    assert result.exit_code == 0, result.output
    assert '"engine": "ray"' in result.stdout
    assert_same_database(on_ray, local)


@pytest.mark.slow
def test_ray_engine_equals_local_on_300_fnc_bodies(tmp_path, local_ray):
    articles = fnc_articles(300)
    paths = []
    for name, engine in (("local", "local"), ("ray", "ray")):
        path = tmp_path / f"{name}.db"
        with open_store(path) as store:
            store.add_articles(articles)
            report = analyze(store, engine=engine, workers=1 if engine == "local" else None)
            assert report.extracted == 300
        paths.append(path)
    assert_same_database(*paths)


def test_ray_address_needs_the_ray_engine(tmp_path):
    path = ingested(tmp_path / "x.db", INPUTS[:1])
    result = CliRunner().invoke(main, ["analyze", "--db", str(path), "--ray-address", "auto"])
    assert result.exit_code == 1 and "--engine ray" in result.output
