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


class PeakMemory:
    """Peak resident memory of this process and all its descendants, sampled every 0.2 s."""

    def __init__(self) -> None:
        import threading

        self.peak, self._stop = 0, threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        while not self._stop.wait(0.2):
            self.peak = max(self.peak, tree_rss(os.getpid()))


def tree_rss(root: int) -> int:
    """Resident bytes of `root` and its descendants (Linux /proc)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
                parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
    tree, frontier = {root}, [root]
    while frontier:
        pid = frontier.pop()
        kids = [p for p, pp in parents.items() if pp == pid and p not in tree]
        tree.update(kids)
        frontier.extend(kids)
    total = 0
    for pid in tree:
        try:
            pages = int(Path(f"/proc/{pid}/statm").read_text().split()[1])
        except (OSError, ValueError, IndexError):
            continue
        total += pages * os.sysconf("SC_PAGE_SIZE")
    return total


def one_run(path: Path, articles: list, **options) -> dict:
    """Store `articles` at `path`, analyze them once, return the figures."""
    from corroborator import analyze, open_store

    with open_store(path) as store:
        store.add_articles(articles)
        cpu, start = cpu_seconds(), time.perf_counter()
        with PeakMemory() as memory:
            report = analyze(store, **options)
        wall = time.perf_counter() - start
        cpu = cpu_seconds() - cpu
        stories = store.count_stories()
        groups = store.query("SELECT count(*) FROM claim_groups")[0][0]
    return {"articles": len(articles), "wall_s": round(wall, 1),
            "articles_per_s": round(len(articles) / wall, 1), "cpu_s": round(cpu, 1),
            "articles_per_cpu_s": round(len(articles) / cpu, 1) if cpu else None,
            "peak_rss_mb": round(memory.peak / 2**20),
            "load_average": round(os.getloadavg()[0], 1),
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
                  f"median **{p['median_ms']} ms**, p95 {p['p95_ms']} ms wall; CPU "
                  f"(`process_time`) median {p.get('cpu_median_ms')} ms, p95 "
                  f"{p.get('cpu_p95_ms')} ms; {p['trials']} placements."]
    if "help" in r:
        lines += [f"Cold `corroborator --help`: median **{r['help']['wall_s']} s** wall, "
                  f"{r['help']['cpu_s']} CPU-s, of 5."]
    if "workers_equal" in r:
        lines += [f"1 and 2 workers give equal databases: **{r['workers_equal']}**."]
    return "\n".join(lines)


def index_scale(n: int, queries: int = 300, dtypes: tuple[str, ...] = ("f32", "f16")) -> dict:
    """The story index alone at `n` synthetic articles (the 1M plan), per vector type:
    build rate (two threads), search latency and recall@NEIGHBOURS against exact search
    with the project's settings, file size, and opening the file loaded vs memory-mapped
    (seconds and resident memory added; a mapped file's pages are page cache, shared and
    reclaimable). Articles are 10 per story around random story centres (cosine ~0.6
    between two of a story); the probes are new articles of random stories."""
    import numpy as np

    rng = np.random.default_rng(3)
    centers = _unit_rows(rng.normal(size=(max(1, n // 10), 256)).astype(np.float32))
    data = _unit_rows(centers[np.arange(n) % len(centers)]
                      + rng.normal(scale=NOISE, size=(n, 256)).astype(np.float32))
    probes = _unit_rows(centers[rng.integers(0, len(centers), queries)]
                        + rng.normal(scale=NOISE, size=(queries, 256)).astype(np.float32))
    exact = _exact_neighbours(data, probes, NEIGHBOURS_BENCH)
    out: dict = {"n": n}
    for dtype in dtypes:
        out[dtype] = _index_figures(data, probes, exact, dtype)
    return out


NEIGHBOURS_BENCH = 24   # corroborator.stories.core.NEIGHBOURS, checked in _index_figures
NOISE = 0.05            # per dimension: cosine ~0.78 to the story centre, ~0.6 between articles


def _exact_neighbours(data, probes, k: int) -> list[set[int]]:
    """The `k` rows of `data` with the highest dot product with each probe (brute force)."""
    import numpy as np

    best_ids = np.zeros((len(probes), 0), dtype=np.int64)
    best = np.zeros((len(probes), 0), dtype=np.float32)
    for lo in range(0, len(data), 100_000):
        sims = probes @ data[lo:lo + 100_000].T
        top = np.argpartition(-sims, k - 1, axis=1)[:, :k]
        best = np.concatenate([best, np.take_along_axis(sims, top, 1)], axis=1)
        best_ids = np.concatenate([best_ids, top + lo], axis=1)
        keep = np.argpartition(-best, k - 1, axis=1)[:, :k]
        best, best_ids = np.take_along_axis(best, keep, 1), np.take_along_axis(best_ids, keep, 1)
    return [set(row.tolist()) for row in best_ids]


def _unit_rows(x):
    import numpy as np

    return x / np.linalg.norm(x, axis=1, keepdims=True)


def _index_figures(data, probes, exact: list[set[int]], dtype: str) -> dict:
    import numpy as np
    from usearch.index import Index

    from corroborator.stories import core

    assert core.NEIGHBOURS == NEIGHBOURS_BENCH
    index = Index(ndim=data.shape[1], metric="cos", dtype=dtype,
                  connectivity=core.INDEX_CONNECTIVITY, expansion_add=core.INDEX_EXPANSION_ADD,
                  expansion_search=core.INDEX_EXPANSION_SEARCH)
    start = time.perf_counter()
    for lo in range(0, len(data), 50_000):
        hi = min(len(data), lo + 50_000)
        index.add(np.arange(lo, hi, dtype=np.uint64), data[lo:hi], threads=2)
    build = time.perf_counter() - start
    times, hits = [], 0
    for q, want in zip(probes, exact, strict=True):
        tick = time.process_time()
        found = index.search(q, NEIGHBOURS_BENCH, threads=1)
        times.append((time.process_time() - tick) * 1000)
        hits += len(want & {int(k) for k in found.keys})
    with tempfile.TemporaryDirectory() as tmp:
        path = str(Path(tmp) / "i.usearch")
        index.save(path)
        del index
        size = Path(path).stat().st_size
        opened = {}
        for view in (False, True):
            rss, tick = _rss_bytes(), time.perf_counter()
            restored = Index.restore(path, view=view)
            restored.search(probes[0], NEIGHBOURS_BENCH, threads=1)
            opened[view] = (time.perf_counter() - tick, _rss_bytes() - rss)
            del restored
    return {"build_s": round(build, 1), "adds_per_s": round(len(data) / build),
            "search_cpu_median_ms": round(statistics.median(times), 3),
            "search_cpu_p95_ms": round(sorted(times)[int(.95 * len(times))], 3),
            "recall_at_24": round(hits / (len(exact) * NEIGHBOURS_BENCH), 4),
            "file_mb": round(size / 2**20), "bytes_per_article": round(size / len(data)),
            "open_loaded_s": round(opened[False][0], 2),
            "open_loaded_rss_mb": round(opened[False][1] / 2**20),
            "open_view_s": round(opened[True][0], 3),
            "open_view_rss_mb": round(opened[True][1] / 2**20)}


def _rss_bytes() -> int:
    """Resident memory of this process (Linux), in bytes."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


PARTS = ("help", "local", "w1", "incremental", "ray", "placement", "index")


def run_parts(parts: list[str], articles: list, args: argparse.Namespace, r: dict) -> None:
    """Run the chosen parts; the ones comparing databases need "local" (2 workers)."""
    if "help" in parts:
        r["help"] = cold_help()
    if "placement" in parts:
        r["placement_n"] = args.placement_n
        r["placement"] = placement_at_scale(args.placement_n)
    if "index" in parts:
        r["index_scale"] = [index_scale(n) for n in args.index_n]
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
    parser.add_argument("--index-n", type=int, nargs="*", default=[100_000, 1_000_000])
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
