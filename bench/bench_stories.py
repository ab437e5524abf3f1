"""Benchmark (and tune) duplicate detection and story clustering.

Subcommands:

* ``tune``: fit the logistic "join or new story" model on the FNC-1 tune half
  (teacher-forced candidates) and sweep the join probability; prints the constants
  that go into ``corroborator/stories/decision.py``.
* ``precise``: the same scores with the precise (MiniLM) embedder, saved to
  ``bench/out/bench_stories_precise.json`` for ``run`` to report.
* ``run`` (default): B-cubed and pairwise F1 on the FNC-1 stories (all, tune half, test
  half), the precise figures if computed, the short-text cut-off, duplicates on FNC-1 and the
  syndication check on ``examples/``, placement latency and memory per article in a
  100,000-article synthetic store, and the cost of loading the MinHash LSH. Writes
  ``docs/benchmarks/stories.md``.

Usage (first derive the gold set):
    .venv/bin/python bench/fnc1_stories.py
    .venv/bin/python bench/bench_stories.py tune
    .venv/bin/python bench/bench_stories.py precise     # slow: MiniLM on torch, cached in out/
    .venv/bin/python bench/bench_stories.py run [--synthetic 100000]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from corroborator.dedupe import DedupeConfig, find_duplicates, minhash, shingles
from corroborator.evaluation.clusters import read_gold, score_clusters
from corroborator.models import Article
from corroborator.store import open_store
from corroborator.stories import ClusterConfig, Clusterer, cluster_records
from corroborator.stories.features import featurize, skip_reason
from corroborator.stories.memory import MemoryBackend, embed_articles
from corroborator.stories.persist import STATE_COLUMNS, StoreBackend, index_path, pack_terms

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
DOC = ROOT / "docs" / "benchmarks" / "stories.md"
FNC1 = {part: OUT / f"fnc1_stories{suffix}.jsonl"
        for part, suffix in (("all", ""), ("tune", "_tune"), ("test", "_test"))}
TIME_WEIGHT = -2.0          # prior: FNC-1 has no dates to fit it on
PRECISE_OUT = OUT / "bench_stories_precise.json"
JOIN_GRID = (0.05, 0.08, 0.1, 0.12, 0.15, 0.2, 0.25, 0.3)


# -- tuning ---------------------------------------------------------------------------------

def training_rows(articles: list[Article], gold: list[str],
                  config: ClusterConfig) -> tuple[np.ndarray, np.ndarray]:
    """Candidate feature rows with the gold story forced (teacher forcing), and labels."""
    keep = [(a, g) for a, g in zip(articles, gold, strict=True)
            if skip_reason(a, config.min_words, config.language) is None]
    vectors = embed_articles([a for a, _ in keep], config)
    clusterer = Clusterer(MemoryBackend(vectors.shape[1]), config)
    rows, labels = [], []
    for order, ((article, story), vector) in enumerate(zip(keep, vectors, strict=True)):
        placement = clusterer.place(featurize(article, vector, order), forced_story=story)
        for cand in placement.candidates:
            rows.append(cand.features)
            labels.append(cand.story_id == story)
    return np.array(rows), np.array(labels)


def tune(config: ClusterConfig) -> tuple[ClusterConfig, list[dict]]:
    """Fit weights on the tune half, pick the join probability with the best B-cubed F1."""
    from sklearn.linear_model import LogisticRegression

    articles, gold = read_gold(FNC1["tune"])
    x, y = training_rows(articles, gold, config)
    model = LogisticRegression(C=1.0, max_iter=1000).fit(x[:, :-1], y)
    weights = (*(round(float(w), 3) for w in model.coef_[0]), TIME_WEIGHT)
    fitted = replace(config, weights=weights, bias=round(float(model.intercept_[0]), 3))
    sweep = []
    for join in JOIN_GRID:
        trial = replace(fitted, join_probability=join)
        sweep.append({"join": join, **score_clusters(cluster_records(articles, trial), gold)})
    best = max(sweep, key=lambda r: r["bcubed_f1"])
    return replace(fitted, join_probability=best["join"]), sweep


# -- quality --------------------------------------------------------------------------------

def evaluate(config: ClusterConfig | None, part: str) -> dict:
    articles, gold = read_gold(FNC1[part])
    start = time.perf_counter()
    labels = cluster_records(articles, config)
    return {**score_clusters(labels, gold), "seconds": round(time.perf_counter() - start, 1)}


def examples_check(root: Path) -> dict:
    """Cluster and dedupe the examples corpus in published order; check syndication."""
    from corroborator.evaluation.corpus import load_index, load_keyed_articles

    articles, index = load_keyed_articles(root), load_index(root)
    keys = sorted(articles, key=lambda k: (articles[k].published or "", k))
    result = score_clusters(cluster_records([articles[k] for k in keys]),
                            [index[k]["story"] for k in keys])
    expected = {(k, v["kind"].removeprefix("syndicated copy of ").strip())
                for k, v in index.items() if v.get("kind", "").startswith("syndicated copy of")}
    with tempfile.TemporaryDirectory() as tmp, open_store(Path(tmp) / "ex.db") as store:
        store.add_articles([articles[k] for k in keys])
        key_of = {articles[k].id: k for k in keys}
        links = find_duplicates(store, [articles[k].id for k in keys])
    found = {(key_of[lk.article_id], key_of[lk.original_id]) for lk in links}
    return {**result, "syndicated_expected": sorted(expected), "links": sorted(found),
            "kinds": sorted({lk.kind for lk in links}),
            "all_found": expected <= found, "false_links": sorted(found - expected)}


def jaccard_sweep(thresholds=(0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)) -> dict:
    """FNC-1 body pairs at or above each MinHash-estimated Jaccard: same vs across stories.

    This is how MIN_JACCARD was chosen: the lowest value with no pair across two stories.
    """
    articles, gold = read_gold(FNC1["all"])
    config = DedupeConfig()
    sets = [shingles(a.text, config.shingle_words) for a in articles]
    sigs = np.stack([minhash(s, config).hashvalues for s in sets])
    labels = np.array(gold)
    usable = np.array([len(s) >= config.min_shingles for s in sets])
    upper = np.triu_indices(len(articles), 1)
    est = np.stack([(sigs == row).mean(1) for row in sigs])[upper]
    same = (labels[:, None] == labels[None, :])[upper]
    ok = (usable[:, None] & usable[None, :])[upper]
    return {str(t): {"same_story": int((est[same & ok] >= t).sum()),
                     "across_stories": int((est[~same & ok] >= t).sum())} for t in thresholds}


def fnc1_duplicates() -> dict:
    """Copy links among the FNC-1 bodies, and how many cross gold stories (false merges)."""
    articles, gold = read_gold(FNC1["all"])
    story = {a.id: g for a, g in zip(articles, gold, strict=True)}
    with tempfile.TemporaryDirectory() as tmp, open_store(Path(tmp) / "d.db") as store:
        store.add_articles(articles)
        start = time.perf_counter()
        links = find_duplicates(store, [a.id for a in articles])
        seconds = time.perf_counter() - start
    kinds: dict[str, int] = {}
    for link in links:
        kinds[link.kind] = kinds.get(link.kind, 0) + 1
    cross = sum(story[lk.article_id] != story[lk.original_id] for lk in links)
    return {"links": len(links), "kinds": kinds, "cross_story": cross,
            "min_similarity": min((lk.similarity for lk in links), default=None),
            "seconds": round(seconds, 1)}


# -- scale: latency and memory --------------------------------------------------------------

def build_synthetic_store(path: Path, n: int, dim: int, model: str, seed: int = 0) -> dict:
    """A store of `n` clustered synthetic articles (10 per story), written directly."""
    rng = np.random.default_rng(seed)
    vocab = [f"term{i}" for i in range(20000)]
    n_stories = max(1, n // 10)
    centers = _unit(rng.normal(size=(n_stories, dim)).astype(np.float32))
    start = time.perf_counter()
    with open_store(path) as store:
        for lo in range(0, n, 5000):
            store.add_articles([Article(text=" ".join(rng.choice(vocab, 30)), id=f"syn{i}")
                                for i in range(lo, min(n, lo + 5000))])
        story_of = np.arange(n) % n_stories
        vectors = _unit(centers[story_of] + 0.6 * rng.normal(size=(n, dim)).astype(np.float32)
                        / np.sqrt(dim) * 4)
        _write_synthetic_rows(store, rng, vocab, vectors, story_of, n_stories, model)
        backend = StoreBackend(store, model, dim)       # builds and writes the index file
        built = {"articles": n, "stories": n_stories, "index_status": backend.index_status,
                 "build_seconds": round(time.perf_counter() - start, 1)}
    return built | {"centers": centers}


def _write_synthetic_rows(store, rng, vocab, vectors, story_of, n_stories, model) -> None:
    with store.transaction() as conn:
        conn.executemany(
            "INSERT INTO stories (id, title, n_articles, n_sources) VALUES (?, ?, 10, 10)",
            [(f"story{s}", f"Synthetic story {s}") for s in range(n_stories)])
        for s in range(n_stories):
            members = vectors[story_of == s]
            terms = {str(t): round(float(w), 3) for t, w in
                     zip(rng.choice(vocab, 300, replace=False), rng.uniform(1, 10, 300),
                         strict=True)}
            entities = {f"name {int(e)}": int(c) for e, c in
                        zip(rng.integers(0, 50000, 50), rng.integers(1, 10, 50), strict=True)}
            conn.execute(f"INSERT INTO story_state ({STATE_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?)",
                         (f"story{s}", len(members), len(members),
                          members.sum(0).astype(np.float32).tobytes(), "",
                          json.dumps(entities), None, None, None, pack_terms(terms)))
        conn.executemany("INSERT INTO story_articles VALUES (?,?,?,?)",
                         [(f"syn{i}", f"story{int(s)}", 0.9, i + 1)
                          for i, s in enumerate(story_of)])
        conn.executemany("INSERT INTO article_vectors VALUES (?,?,?)",
                         [(f"syn{i}", model, v.astype(np.float32).tobytes())
                          for i, v in enumerate(vectors)])
        df = rng.integers(1, len(story_of) // 20, len(vocab))
        conn.executemany("INSERT INTO story_term_df VALUES (?,?)",
                         [("", len(story_of)), *zip(vocab, (int(d) for d in df), strict=True)])


def _unit(x: np.ndarray) -> np.ndarray:
    return x / np.linalg.norm(x, axis=-1, keepdims=True)


def placement_latency(path: Path, built: dict, dim: int, model: str, trials: int = 200) -> dict:
    """Open the synthetic store and time placing `trials` more articles (no embedding).

    Wall and CPU time (``time.process_time``) of each placement: on a loaded machine the
    CPU time is the steadier figure of the work done.
    """
    rng = np.random.default_rng(1)
    vocab = [f"term{i}" for i in range(20000)]
    centers = built["centers"]
    with open_store(path) as store:
        start = time.perf_counter()
        backend = StoreBackend(store, model, dim)
        open_seconds = time.perf_counter() - start
        clusterer = Clusterer(backend, ClusterConfig())
        times, cpu, joined = [], [], 0
        for t in range(trials):
            text = " ".join(rng.choice(vocab, 200)) + " Alder Grove met Kestrel Council."
            article = Article(text=text, id=f"new{t}", language="en")
            store.add_articles([article])
            vector = _unit(centers[t] + 0.15 * rng.normal(size=dim).astype(np.float32))
            tick, cpu_tick = time.perf_counter(), time.process_time()
            placement = clusterer.place(featurize(article, vector, built["articles"] + t))
            times.append((time.perf_counter() - tick) * 1000)
            cpu.append((time.process_time() - cpu_tick) * 1000)
            joined += not placement.new_story
        backend.save()
        index_bytes = index_path(store).stat().st_size
        state_bytes = store.query("SELECT sum(length(vector_sum) + length(terms) + "
                                  "coalesce(length(terms_packed), 0) + length(entities)) "
                                  "FROM story_state")[0][0]
    n = built["articles"] + trials
    return {"open_seconds": round(open_seconds, 2),
            "median_ms": round(statistics.median(times), 2),
            "p95_ms": round(sorted(times)[int(0.95 * len(times)) - 1], 2),
            "cpu_median_ms": round(statistics.median(cpu), 2),
            "cpu_p95_ms": round(sorted(cpu)[int(0.95 * len(cpu)) - 1], 2),
            "joined_existing": joined, "trials": trials,
            "index_bytes_per_article": round(index_bytes / n),
            "vector_row_bytes": dim * 4,
            "story_state_bytes_per_article": round(state_bytes / n)}


def lsh_load_cost(n: int) -> dict:
    """Seconds to rebuild the LSH from `n` stored signatures vs re-shingling texts."""
    from datasketch import MinHash, MinHashLSH

    from corroborator.dedupe import MINHASH_SCHEME

    config = DedupeConfig()
    rng = np.random.default_rng(2)
    values = rng.integers(0, 2**32 - 1, size=(n, config.num_perm), dtype=np.uint64)
    start = time.perf_counter()
    lsh = MinHashLSH(threshold=config.lsh_threshold, num_perm=config.num_perm)
    for i, row in enumerate(values):
        lsh.insert(f"a{i}", MinHash(num_perm=config.num_perm, seed=config.seed, hashvalues=row,
                                    scheme=MINHASH_SCHEME), check_duplication=False)
    from_signatures = time.perf_counter() - start
    articles, _ = read_gold(FNC1["all"])
    start = time.perf_counter()
    for article in articles:
        minhash(shingles(article.text), config)
    per_text = (time.perf_counter() - start) / len(articles)
    return {"signatures": n, "from_signatures_seconds": round(from_signatures, 1),
            "reshingle_seconds_estimate": round(per_text * n, 1),
            "signature_bytes": config.num_perm * 8}


# -- driver ---------------------------------------------------------------------------------

def cache_embeddings(kind: str) -> None:
    """Memoise the shared embedder's `encode` per text (bench only: sweeps re-embed)."""
    from corroborator.embed import get_embedder

    embedder = get_embedder(kind)
    encode, memo = embedder.encode, {}

    def cached(texts, batch_size: int = 256):
        missing = [t for t in dict.fromkeys(texts) if t not in memo]
        if missing:
            memo.update(zip(missing, encode(missing, batch_size=batch_size), strict=True))
        return np.stack([memo[t] for t in texts]) if texts else encode(texts)

    embedder.encode = cached


def run(args: argparse.Namespace) -> dict:
    cache_embeddings("fast")
    results: dict = {"fast": {part: evaluate(None, part) for part in ("all", "tune", "test")}}
    print(json.dumps(results["fast"]), flush=True)
    results["min_words_25"] = evaluate(ClusterConfig(min_words=25), "all")
    if PRECISE_OUT.exists():
        results.update(json.loads(PRECISE_OUT.read_text()))
    results["examples"] = examples_check(ROOT / "examples")
    results["fnc1_duplicates"] = fnc1_duplicates()
    results["jaccard_sweep"] = jaccard_sweep()
    print(json.dumps({k: results[k] for k in ("examples", "fnc1_duplicates")}), flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "synthetic.db"
        built = build_synthetic_store(path, args.synthetic, 256, "static-minilm-256.v1")
        results["scale"] = {k: v for k, v in built.items() if k != "centers"}
        results["scale"] |= placement_latency(path, built, 256, "static-minilm-256.v1")
    results["lsh"] = lsh_load_cost(args.synthetic)
    print(json.dumps({k: results[k] for k in ("scale", "lsh")}), flush=True)
    return results


def run_precise() -> dict:
    """The precise (MiniLM) embedder: with the fast model's weights, and re-tuned."""
    cache_embeddings("precise")
    precise = ClusterConfig(embedder="precise")
    start = time.perf_counter()
    results = {"precise_fast_weights": {p: evaluate(precise, p) for p in ("all", "test")}}
    results["precise_seconds_all_with_embedding"] = round(time.perf_counter() - start, 1)
    tuned, _ = tune(precise)
    results["precise_tuned"] = {"config": _config_dict(tuned),
                                **{p: evaluate(tuned, p) for p in ("all", "test")}}
    PRECISE_OUT.write_text(json.dumps(results, indent=1))
    return results


def _config_dict(config: ClusterConfig) -> dict:
    return {"weights": config.weights, "bias": config.bias, "join": config.join_probability}


def write_report(results: dict, command: str) -> None:
    DOC.parent.mkdir(parents=True, exist_ok=True)
    DOC.write_text(render(results, command), encoding="utf-8")
    (OUT / "bench_stories.json").write_text(json.dumps(results, indent=2, default=str))


def _row(name: str, r: dict) -> str:
    return (f"| {name} | {r['bcubed_precision']:.3f} | {r['bcubed_recall']:.3f} | "
            f"**{r['bcubed_f1']:.3f}** | {r['pairwise_precision']:.3f} | "
            f"{r['pairwise_recall']:.3f} | **{r['pairwise_f1']:.3f}** | {r['n_pred']} / "
            f"{r['n_gold']} | {r.get('seconds', '')} |")


def _sweep(sweep: dict) -> str:
    return ", ".join(f"≥{t}: {v['same_story']}/{v['across_stories']}" for t, v in sweep.items())


def render(results: dict, command: str) -> str:
    head = ("| run | B³ P | B³ R | B³ F1 | pair P | pair R | pair F1 | stories pred / gold "
            "| s |\n|---|---|---|---|---|---|---|---|---|")
    rows = [_row(f"fast, FNC-1 {p}", results["fast"][p]) for p in ("all", "tune", "test")]
    rows.append(_row("fast, FNC-1 all, min_words=25 (the former default)", results["min_words_25"]))
    for key in ("precise_fast_weights", "precise_tuned"):
        if key in results:
            rows += [_row(f"{key.replace('_', ' ')}, FNC-1 {p}", results[key][p])
                     for p in ("all", "test")]
    rows.append(_row("fast, examples/ (22 articles)", results["examples"]))
    ex, dup, scale, lsh = (results[k] for k in ("examples", "fnc1_duplicates", "scale", "lsh"))
    return "\n".join([
        "# Story clustering and duplicate detection: benchmarks", "",
        f"Generated by `{command}` (2 CPU cores). Gold: `bench/fnc1_stories.py` (FNC-1 "
        "training split, 191 stories over 1,683 bodies, no headlines, no dates); the tune "
        "half (95 stories) fitted the decision model, the test half was not used for fitting.",
        "", "Commands: `.venv/bin/python bench/fnc1_stories.py`, then "
        "`.venv/bin/python bench/bench_stories.py tune` (prints the fitted constants), "
        "`.venv/bin/python bench/bench_stories.py precise` (slow), "
        "`.venv/bin/python bench/bench_stories.py run`.",
        "", "## Clustering quality", "", head, *rows, "",
        "`s`: seconds for `cluster_records` including embedding; the bench memoises "
        "embeddings per text, so only the first run of each model pays for them.",
        (f"Precise (MiniLM on torch) embedding + clustering of all 1,683 bodies took "
         f"{results['precise_seconds_all_with_embedding']} s, against "
         f"{results['fast']['all']['seconds']} s with the fast model."
         if "precise_seconds_all_with_embedding" in results else
         "Precise embedder: not measured (run `bench_stories.py precise`)."),
        "Anchors: Miranda et al. 2018 (streaming multilingual clusterer) 0.94 pairwise F1; "
        "SCStory 0.88 B-cubed F1 (other corpora, so only indicative).",
        "Articles under `min_words` (default 8; 1 FNC-1 body, 55 under the former 25) "
        "are unclustered and count as singletons; the Spanish article of `examples/` is unclustered by design.",
        "", "## Duplicates and syndication", "",
        f"* examples/: expected syndicated copies {ex['syndicated_expected']}; links found "
        f"{ex['links']} (kinds {ex['kinds']}); all found: **{ex['all_found']}**; false links: "
        f"**{ex['false_links'] or 'none'}**.",
        f"* FNC-1 (1,683 bodies): {dup['links']} copy links {dup['kinds']} in {dup['seconds']} s; "
        f"links across two gold stories (false merges): **{dup.get('cross_story', '?')}**; "
        f"lowest accepted similarity {dup.get('min_similarity')}.",
        "* Near-copy threshold: FNC-1 body pairs at or above a MinHash Jaccard estimate "
        f"(same story / across stories): {_sweep(results.get('jaccard_sweep', {}))}. "
        "`MIN_JACCARD` = 0.5 is the lowest with no pair across stories; datasketch's "
        "default 0.9 keeps only a third of the copies.",
        f"* LSH start-up: rebuilding it from {lsh['signatures']:,} stored signatures takes "
        f"{lsh['from_signatures_seconds']} s, against ~{lsh['reshingle_seconds_estimate']} s "
        f"to re-shingle and re-hash the texts; a signature is {lsh['signature_bytes']} bytes.",
        "", "## Scale: placement latency and memory", "",
        f"Synthetic store of {scale['articles']:,} clustered articles ({scale['stories']:,} "
        f"stories of 10, random vectors, 300 terms and 50 names per story), built in "
        f"{scale['build_seconds']} s. Opening it (index load and check): "
        f"{scale['open_seconds']} s. Placing one more article (features, ANN search, "
        f"candidate states, decision, one transaction, index add; embedding excluded): "
        f"median **{scale['median_ms']} ms**, p95 {scale['p95_ms']} ms over "
        f"{scale['trials']} articles ({scale['joined_existing']} joined a story); CPU time "
        f"(`process_time`) median {scale.get('cpu_median_ms', '—')} ms, "
        f"p95 {scale.get('cpu_p95_ms', '—')} ms.", "",
        f"Memory per stored article: index {scale['index_bytes_per_article']} bytes + vector "
        f"row {scale['vector_row_bytes']} bytes + story state "
        f"{scale['story_state_bytes_per_article']} bytes (amortised).", "",
    ])


def rerender() -> None:
    """Re-run the cheap duplicate check and re-write the report from saved results."""
    results = json.loads((OUT / "bench_stories.json").read_text())
    results["fnc1_duplicates"] = fnc1_duplicates()
    results["jaccard_sweep"] = jaccard_sweep()
    write_report(results, "python bench/bench_stories.py run")


def main() -> None:
    parser = argparse.ArgumentParser(description="Benchmark story clustering and dedupe.")
    parser.add_argument("command", nargs="?", default="run",
                        choices=("run", "tune", "precise", "rerender"))
    parser.add_argument("--synthetic", type=int, default=100_000)
    args = parser.parse_args()
    if not FNC1["all"].exists():
        sys.exit("run bench/fnc1_stories.py first")
    if args.command == "tune":
        cache_embeddings("fast")
        config, sweep = tune(ClusterConfig())
        print(json.dumps({"config": _config_dict(config), "sweep": sweep}, indent=1))
        return
    if args.command == "rerender":
        rerender()
        print(DOC.read_text())
        return
    if args.command == "precise":
        print(json.dumps(run_precise(), indent=1))
        return
    results = run(args)
    write_report(results, "python bench/bench_stories.py " + " ".join(sys.argv[1:]))
    print(DOC.read_text())


if __name__ == "__main__":
    main()
