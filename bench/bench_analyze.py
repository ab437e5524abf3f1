"""Analyze at scale (issue 13): throughput, incremental equality, placement, start-up, Ray.

Real FNC-1 training bodies (read from ../shared at run time, never copied) are stored,
then analyzed. Figures:

* ``analyze`` wall time and articles/s at 1 and 2 local workers, per-stage seconds, and
  the CPU seconds of the whole process tree;
* incremental: the same bodies in 8 batches (one analyze after each) against one run:
  equal databases, and the last batch's corroboration time against the first's;
* the Ray engine (local Ray, 1 and 2 CPUs) against the local engine: wall time and equal
  databases;
* placement latency at 100k stored articles with real ISO dates (synthetic store);
* cold ``corroborator --help`` (median of 5).

Writes docs/benchmarks/analyze.json and prints a Markdown section for
docs/benchmarks.md. Run::

    .venv/bin/python bench/bench_analyze.py --n 2000
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FNC_BODIES = ROOT.parent / "shared" / "data" / "fnc1" / "train_bodies.csv"
OUT = ROOT / "docs" / "benchmarks" / "analyze.json"
sys.path.insert(0, str(ROOT / "tests"))      # the database snapshot used by the tests
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")


def fnc_articles(n: int) -> list:
    from corroborator.models import Article

    with FNC_BODIES.open(encoding="utf-8", newline="") as handle:
        rows = [r for _, r in zip(range(n), csv.DictReader(handle), strict=False)]
    return [Article(text=r["articleBody"], title="", url=f"fnc1://body/{r['Body ID']}")
            for r in rows]


def cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def one_run(path: Path, articles: list, **options) -> dict:
    """Store `articles` at `path`, analyze them once, return the figures."""
    from corroborator import analyze, open_store

    with open_store(path) as store:
        store.add_articles(articles)
        cpu, start = cpu_seconds(), time.perf_counter()
        report = analyze(store, **options)
        wall = time.perf_counter() - start
        cpu = cpu_seconds() - cpu
        stories = store.count_stories()
        groups = store.query("SELECT count(*) FROM claim_groups")[0][0]
    return {"articles": len(articles), "wall_s": round(wall, 1),
            "articles_per_s": round(len(articles) / wall, 1), "cpu_s": round(cpu, 1),
            "stages_s": report.seconds, "workers": report.workers, "engine": report.engine,
            "stories": stories, "claim_groups": groups}


def incremental(path: Path, articles: list, batches: int, workers: int) -> dict:
    """Analyze after each of `batches` equal slices of `articles`."""
    from corroborator import analyze, open_store

    size = -(-len(articles) // batches)
    rows = []
    with open_store(path) as store:
        for i in range(0, len(articles), size):
            store.add_articles(articles[i:i + size])
            start = time.perf_counter()
            report = analyze(store, workers=workers)
            rows.append({"wall_s": round(time.perf_counter() - start, 1),
                         "stories_touched": len(report.stories_touched)} | report.seconds)
    first, last = rows[0]["corroborate"], rows[-1]["corroborate"]
    return {"batches": rows, "total_wall_s": round(sum(r["wall_s"] for r in rows), 1),
            "corroborate_last_over_first": round(last / first, 2) if first else None}


def equal(a: Path, b: Path) -> bool:
    from test_resume import snapshot

    left, right = snapshot(a), snapshot(b)
    differing = [t for t in left if left[t] != right[t]]
    if differing:
        print(f"  differing tables: {differing}", file=sys.stderr)
    return not differing


def ray_run(path: Path, articles: list, cpus: int) -> dict:
    import ray

    ray.init(num_cpus=cpus, include_dashboard=False, log_to_driver=False,
             logging_level="WARNING")
    try:
        return one_run(path, articles, engine="ray")
    finally:
        ray.shutdown()


def placement_at_scale(n: int) -> dict:
    """Median placement latency with `n` stored articles carrying real ISO dates."""
    from bench_stories import build_synthetic_store, placement_latency
    from corroborator.store import open_store

    model, dim = "static-minilm-256.v1", 256
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "scale.db"
        built = build_synthetic_store(path, n, dim, model)
        with open_store(path) as store, store.transaction() as conn:
            conn.execute("UPDATE story_state SET first_published = "
                         "'2025-0' || (1 + rowid % 9) || '-1' || (rowid % 10) || 'T08:00:00', "
                         "last_published = '2025-0' || (1 + rowid % 9) || '-2' || (rowid % 8) "
                         "|| 'T18:30:00'")
        return placement_latency(path, built, dim, model)


def cold_help() -> dict:
    """Median wall and CPU seconds of 5 cold `corroborator --help` processes."""
    cli = ROOT / ".venv" / "bin" / "corroborator"
    walls, cpus = [], []
    for _ in range(5):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run([str(cli), "--help"], check=True, capture_output=True)
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return {"wall_s": round(statistics.median(walls), 3),
            "cpu_s": round(statistics.median(cpus), 3)}


def markdown(r: dict) -> str:
    n = r.get("n", 0)
    lines = [f"Command: `{r.get('command', '')}` — {n:,} real FNC-1 training bodies, "
             f"{r['cores']} cores{r.get('note', '')}.", "",
             "| run | wall s | articles/s | CPU s | extract s | cluster s | corroborate s |",
             "|---|---|---|---|---|---|---|"]
    for name in ("local_w1", "local_w2", "ray_1cpu", "ray_2cpu"):
        if name in r:
            x, s = r[name], r[name]["stages_s"]
            lines.append(f"| {name} | {x['wall_s']} | {x['articles_per_s']} | {x['cpu_s']} | "
                         f"{s.get('extract')} | {s.get('cluster')} | {s.get('corroborate')} |")
    inc = r.get("incremental")
    if inc:
        lines += ["", f"Incremental, {len(inc['batches'])} batches: total "
                      f"{inc['total_wall_s']} s; database equal to one run: "
                      f"**{r['incremental_equal']}**; last batch's corroboration / first's: "
                      f"**{inc['corroborate_last_over_first']}**."]
    if "ray_equal" in r:
        lines += [f"Ray engine database equal to the local engine's: **{r['ray_equal']}**."]
    if "placement" in r:
        p = r["placement"]
        lines += [f"Placement at {r['placement_n']:,} stored articles (real ISO dates): "
                  f"median **{p['median_ms']} ms**, p95 {p['p95_ms']} ms."]
    if "help" in r:
        lines += [f"Cold `corroborator --help`: median **{r['help']['wall_s']} s** wall, "
                  f"{r['help']['cpu_s']} CPU-s, of 5."]
    if "workers_equal" in r:
        lines += [f"1 and 2 workers give equal databases: **{r['workers_equal']}**."]
    return "\n".join(lines)


PARTS = ("help", "local", "w1", "incremental", "ray", "placement")


def run_parts(parts: list[str], articles: list, args: argparse.Namespace, r: dict) -> None:
    """Run the chosen parts; the ones comparing databases need "local" (2 workers)."""
    if "help" in parts:
        r["help"] = cold_help()
    if "placement" in parts:
        r["placement_n"] = args.placement_n
        r["placement"] = placement_at_scale(args.placement_n)
    if not {"local", "w1", "incremental", "ray"} & set(parts):
        return
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        r["local_w2"] = one_run(tmp / "w2.db", articles, workers=2)
        print(json.dumps(r["local_w2"]), file=sys.stderr)
        if "w1" in parts:
            r["local_w1"] = one_run(tmp / "w1.db", articles, workers=1)
            r["workers_equal"] = equal(tmp / "w1.db", tmp / "w2.db")
        if "incremental" in parts:
            r["incremental"] = incremental(tmp / "inc.db", articles, args.batches, 2)
            r["incremental_equal"] = equal(tmp / "inc.db", tmp / "w2.db")
        if "ray" in parts:
            for cpus in (1, 2):
                r[f"ray_{cpus}cpu"] = ray_run(tmp / f"ray{cpus}.db", articles, cpus)
                print(json.dumps(r[f"ray_{cpus}cpu"]), file=sys.stderr)
            r["ray_equal"] = equal(tmp / "ray2.db", tmp / "w2.db")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--batches", type=int, default=8)
    parser.add_argument("--placement-n", type=int, default=100_000)
    parser.add_argument("--only", nargs="*", choices=PARTS, default=list(PARTS),
                        help="parts to run; results merge into docs/benchmarks/analyze.json")
    parser.add_argument("--note", default="", help="e.g. why N was reduced")
    args = parser.parse_args()
    if not FNC_BODIES.exists():
        sys.exit(f"{FNC_BODIES} not found: the FNC-1 data must sit in ../shared")
    articles = fnc_articles(args.n)
    r: dict = json.loads(OUT.read_text()) if OUT.exists() and args.only != list(PARTS) else {}
    if {"local", "w1", "incremental", "ray"} & set(args.only):
        r |= {"n": len(articles), "note": args.note and f" ({args.note})",
              "command": "python bench/bench_analyze.py " + " ".join(sys.argv[1:])}
    r["cores"] = os.cpu_count()
    run_parts(args.only, articles, args, r)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(r, indent=1) + "\n", encoding="utf-8")
    print(markdown(r))


if __name__ == "__main__":
    main()
