"""CPU that ``analyze`` spends per article outside the sentence-pair model (issue 20).

The first N FNC-1 training bodies (read from ../shared at run time, never copied) are
analyzed once to fill the pair caches (``nli_pairs``, ``stance_pairs``). Each measured
run then stores the same bodies in a fresh database holding only those caches and runs
``analyze(store, workers=1)`` in a fresh process that has already analyzed 10 other
bodies (imports, model loads and first calls paid before timing). The sentence-pair model
therefore infers nothing in a measured run: its CPU time is all the rest (extraction,
dedupe, placement, features, the whole-article trees, the store).

Figures: CPU seconds (user + sys of the process) and ms per article, median of
``--runs``; with ``--profile``, one more run under cProfile (timed in process CPU time)
and each stage's share of the analysis (proportions: the profiler inflates absolute
times). ``--db`` keeps the last analyzed database, so two code versions can be compared
row for row; ``--primed`` reuses a database already analyzed on the same bodies.

Run::

    CORROBORATOR_THREADS=1 .venv/bin/python bench/bench_noninference.py --n 150 --runs 3
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("CORROBORATOR_THREADS", "1")
WARM_BODIES = range(1000, 1010)        # analyzed before timing, in another database
CACHES = ("nli_pairs", "stance_pairs")
# (label, file suffix, function name): cumulative profiled time of each stage
STAGES = (
    ("extraction", "corroborator/pipeline.py", "_extract"),
    ("  spaCy parse (speakers)", "extract/speakers.py", "parse_sentences"),
    ("  spaCy NER (ambiguous labels)", "extract/__init__.py", "relabel_ambiguous_batch"),
    ("  rules, entities, numbers, check-worthiness", "extract/__init__.py", "_extract_rules"),
    ("  canonical names, quotes, attribution", "extract/__init__.py", "_finish"),
    ("clustering", "corroborator/pipeline.py", "_cluster"),
    ("  dedupe", "corroborator/dedupe.py", "find_duplicates"),
    ("  story placement", "stories/core.py", "place"),
    ("corroboration", "corroborator/pipeline.py", "_corroborate"),
    ("  judge (verdict features + trees)", "corroboration/judgement.py", "judge"),
    ("    whole-article features", "corroboration/wholebody.py", "job_features"),
    ("    sentence cues (read_cues)", "corroboration/judgement.py", "read_cues"),
    ("embedding (all stages)", "corroborator/embed.py", "encode"),
)


def fnc_articles(n: int) -> list:
    from bench_analyze import fnc_articles as read

    return read(n)


def cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    return own.ru_utime + own.ru_stime


def prime(n: int, path: Path) -> None:
    """Analyze the first `n` bodies once, so that `path` holds every pair they need."""
    from corroborator.pipeline import analyze
    from corroborator.store.store import open_store

    store = open_store(path)
    store.add_articles(fnc_articles(n))
    analyze(store, workers=1)
    store.close()


def fresh_store(n: int, path: Path, primed: Path):
    """A new database with the `n` bodies and the primed pair caches only."""
    from corroborator.store.store import open_store

    store = open_store(path)
    store.add_articles(fnc_articles(n))
    store.close()
    with sqlite3.connect(path) as conn:
        conn.execute("ATTACH ? AS primed", (str(primed),))
        for table in CACHES:
            conn.execute(f"INSERT INTO {table} SELECT * FROM primed.{table}")
    conn.close()
    return open_store(path)


def warm_up() -> None:
    from corroborator.pipeline import analyze
    from corroborator.store.store import open_store

    articles = fnc_articles(WARM_BODIES.stop)[WARM_BODIES.start:]
    with tempfile.TemporaryDirectory() as folder:
        store = open_store(Path(folder) / "warm.db")
        store.add_articles(articles)
        analyze(store, workers=1)
        store.close()


def child(n: int, db: Path, primed: Path, profile: Path | None) -> dict:
    """One measured run (in its own process)."""
    from corroborator.pipeline import analyze

    warm_up()
    store = fresh_store(n, db, primed)
    started, wall = cpu_seconds(), time.perf_counter()
    if profile:
        import cProfile

        profiler = cProfile.Profile(time.process_time)     # CPU time: shares hold under load
        profiler.enable()
        report = analyze(store, workers=1)
        profiler.disable()
        profiler.dump_stats(str(profile))
    else:
        report = analyze(store, workers=1)
    cpu, wall = cpu_seconds() - started, time.perf_counter() - wall
    store.close()
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"cpu_s": round(cpu, 3), "wall_s": round(wall, 3), "stages_s": report.seconds,
            "peak_rss_mib": round(peak_mib)}


def shares(profile: Path) -> dict[str, float]:
    """Each stage's share of the profiled analysis."""
    import pstats

    stats = pstats.Stats(str(profile)).stats       # type: ignore[attr-defined]
    total = sum(v[3] for (f, _, name), v in stats.items()
                if f.endswith("corroborator/pipeline.py") and name == "analyze")
    out = {}
    for label, suffix, name in STAGES:
        seconds = sum(v[3] for (f, _, fn), v in stats.items()
                      if f.endswith(suffix) and fn == name)
        out[label] = round(seconds / total, 3) if total else 0.0
    return out


def run_child(n: int, db: Path, primed: Path, profile: Path | None = None) -> dict:
    cmd = [sys.executable, __file__, "--child", "--n", str(n), "--db", str(db),
           "--primed", str(primed)] + (["--profile", str(profile)] if profile else [])
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=150, help="FNC-1 bodies analyzed")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--profile", type=Path, help="also profile one run into this file")
    parser.add_argument("--db", type=Path, help="keep the last analyzed database here")
    parser.add_argument("--primed", type=Path,
                        help="a database already analyzed on the same N bodies (reused)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.n, args.db, args.primed, args.profile)))
        return
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        primed = args.primed or work / "primed.db"
        if not primed.exists():
            prime(args.n, primed)
        runs = [run_child(args.n, work / f"run{i}.db", primed) for i in range(args.runs)]
        result = {"n": args.n, "runs": runs,
                  "cpu_s_median": statistics.median(r["cpu_s"] for r in runs),
                  "load_average": os.getloadavg()}
        result["ms_per_article"] = round(1000 * result["cpu_s_median"] / args.n, 1)
        if args.profile:
            run_child(args.n, work / "profiled.db", primed, args.profile)
            result["shares"] = shares(args.profile)
        if args.db:
            shutil.copy(work / f"run{args.runs - 1}.db", args.db)
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
