"""Corroboration cost as one story grows to 500 articles, through the real `analyze` path.

Articles are variants of the example corpus's smelter story (paragraphs drawn from its
articles in a new order, each under its own outlet), so they share real statements and
land in one story. The script ingests N of them and runs `analyze` (the corroboration
stage then folds the whole story from scratch), then ingests one more and runs `analyze`
again (the stored fold state is continued with that one article). It prints the
corroboration stage's seconds for both, and the CPU seconds of each `analyze` (user+sys
of this process and its inference threads, `workers=1`): on a shared machine the CPU
figure is the one to compare, the wall figure includes the wait for a core.

Targets (issue 20): one article added to a 500-article story ≤ 0.3 s; a 500-article story
corroborated from scratch ≤ 15 s.

Run: .venv/bin/python bench/bench_story_scale.py [--n 500] [--adds 3] [--write]
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "benchmarks" / "story_scale.md"
SEED = 7


def variants(n: int, offset: int = 0) -> list:
    """`n` articles mixing paragraphs of the example smelter story's articles."""
    from corroborator.evaluation.corpus import load_index, load_keyed_articles
    from corroborator.models import Article

    index = load_index(ROOT / "examples")
    base = [a for k, a in load_keyed_articles(ROOT / "examples").items()
            if index[k]["story"] == "A"]
    pool = [(a, p) for a in base for p in a.text.split("\n\n") if len(p.split()) > 6]
    rng = random.Random(SEED + offset)
    out = []
    for i in range(offset, offset + n):
        lead = base[i % len(base)]
        picked = rng.sample(pool, min(len(pool), 9))
        text = "\n\n".join(p for _, p in picked)
        out.append(Article(text=text, title=lead.title, outlet=f"Outlet {i:03d}",
                           url=f"https://outlet{i:03d}.example/story",
                           published=lead.published))
    return out


def run(n: int, adds: int = 1, keep: Path | None = None, base: Path | None = None) -> dict:
    """Fold `n` variants from scratch, then add one more article `adds` times (each to a
    copy of the `n`-article database), with wall and CPU seconds of each step. `keep`
    saves the `n`-article database; `base` reuses one so saved instead of building it
    (the from-scratch figures are then absent)."""
    from corroborator import analyze, open_store

    stage = _StageCPU()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "scale.db"
        first, total, first_cpu = {}, 0.0, 0.0
        if base is not None:
            _copy_db(base, path)
        else:
            with open_store(path) as store, stage:
                store.add_articles(variants(n))
                start, cpu = time.perf_counter(), _cpu()
                first = analyze(store, workers=1).seconds
                total, first_cpu = time.perf_counter() - start, _cpu() - cpu
            if keep is not None:
                _copy_db(path, keep)
        with open_store(path) as store:
            sizes = [r[0] for r in store.query(
                "SELECT n_articles FROM stories ORDER BY n_articles DESC")]
        scratch_cpu, steps = stage.take(), []
        for k in range(adds):
            copy = Path(tmp) / f"add{k}.db"
            _copy_db(path, copy)
            with open_store(copy) as store, stage:
                store.add_articles(variants(1, offset=n))
                start, cpu = time.perf_counter(), _cpu()
                second = analyze(store, workers=1)
                steps.append((time.perf_counter() - start, _cpu() - cpu, stage.take(),
                              second.seconds))
                groups = store.query("SELECT count(*) FROM claim_groups")[0][0]
    added, second_cpu, add_stage_cpu, second = sorted(steps, key=lambda s: s[2])[len(steps) // 2]
    return {"n": n, "stories": len(sizes), "largest": sizes[0] if sizes else 0,
            "first": first, "first_wall": total, "second": second,
            "second_wall": added, "groups": groups, "first_cpu": first_cpu,
            "second_cpu": second_cpu, "scratch_corroborate_cpu": scratch_cpu,
            "add_corroborate_cpu": [round(s[2], 2) for s in steps],
            "add_corroborate_cpu_median": add_stage_cpu}


def _copy_db(source: Path, target: Path) -> None:
    """Copy a database with its story index (a closed store leaves no write-ahead log)."""
    import shutil

    for suffix in ("", ".stories.usearch"):
        if Path(f"{source}{suffix}").exists():
            shutil.copy(f"{source}{suffix}", f"{target}{suffix}")


class _StageCPU:
    """CPU seconds spent corroborating (``workers=1`` corroborates in this process)."""

    spent = 0.0

    def __enter__(self) -> _StageCPU:
        import corroborator.batch as batch

        self.spent, self._batch, real = 0.0, batch, batch.corroborate_here
        self._real = real

        def timed(store, story_id):
            before = _cpu()
            try:
                return real(store, story_id)
            finally:
                self.spent += _cpu() - before

        batch.corroborate_here = timed
        return self

    def __exit__(self, *exc) -> None:
        self._batch.corroborate_here = self._real

    def take(self) -> float:
        spent, self.spent = self.spent, 0.0
        return spent


def _cpu() -> float:
    """User+sys seconds of this process, all its threads (inference included)."""
    import os

    t = os.times()
    return t.user + t.system


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=500)
    parser.add_argument("--adds", type=int, default=1,
                        help="times the one-article step is measured (median reported)")
    parser.add_argument("--write", action="store_true", help=f"write {OUT.name}")
    parser.add_argument("--keep", type=Path, help="save the N-article database here")
    parser.add_argument("--base", type=Path,
                        help="start from this saved N-article database (no from-scratch run)")
    args = parser.parse_args()
    r = run(args.n, args.adds, args.keep, args.base)
    scratch = r["first"].get("corroborate", 0.0)
    one = r["second"].get("corroborate", 0.0)
    print(f"{r['n']} articles → {r['stories']} stories (largest {r['largest']}), "
          f"{r['groups']} claim groups")
    print(f"from scratch: corroborate {scratch:.1f} s wall, "
          f"{r['scratch_corroborate_cpu']:.1f} CPU-s (whole analyze {r['first_wall']:.1f} s "
          f"wall, {r['first_cpu']:.1f} CPU-s: {r['first']})")
    print(f"one more article: corroborate {one:.2f} s wall, CPU-s {r['add_corroborate_cpu']} "
          f"(whole analyze {r['second_wall']:.2f} s wall, {r['second_cpu']:.2f} CPU-s: "
          f"{r['second']})")
    if args.write:
        reused = " --base DB" if args.base else ""
        OUT.write_text("\n".join([
            f"# One story of {r['n']} articles", "",
            f"Command: `.venv/bin/python bench/bench_story_scale.py --n {r['n']} "
            f"--adds {len(r['add_corroborate_cpu'])}{reused} --write` "
            "(2 shared CPU cores). Articles mix paragraphs of the example smelter story's "
            "articles, a new outlet each; they are generated, not held-out data.", "",
            f"- stories: {r['stories']} (largest {r['largest']} articles), "
            f"{r['groups']} claim groups",
            (f"- corroborating the story from scratch (fold of every article): "
             f"**{scratch:.1f} s** wall, **{r['scratch_corroborate_cpu']:.1f} CPU-s** "
             f"(target ≤ 15 s); whole `analyze` {r['first_wall']:.1f} s wall, "
             f"{r['first_cpu']:.1f} CPU-s: {r['first']}") if not args.base else
            ("- from scratch: not run here (the database was built once with `--keep` and "
             "reused with `--base`; see docs/benchmarks.md for that run)"),
            f"- adding one article to it: corroboration **{one:.2f} s** wall, "
            f"**{r['add_corroborate_cpu_median']:.2f} CPU-s** (median of "
            f"{r['add_corroborate_cpu']}; target ≤ 0.3 s); "
            f"whole `analyze` {r['second_wall']:.2f} s wall, {r['second_cpu']:.2f} CPU-s: "
            f"{r['second']}",
            "",
        ]) + "\n")


if __name__ == "__main__":
    main()
