"""Benchmark the bundled spaCy pipeline (``corroborator.nlp.load_pipeline``).

Measures, and writes to ``docs/benchmarks/nlp.md`` (plus the scores section of
the model's README):

* NER precision/recall/F1 per type and micro-F1 on UNER English-EWT **test**
  (PER/ORG/LOC, exact span match, UNER's own tokens, one sentence per Doc;
  PERSON->PER, GPE/LOC->LOC, ORG->ORG, other labels ignored).
* Sentence-boundary F1 on raw text: GUM dev news documents (paragraphs joined by
  a newline), all GUM dev documents, and ``tests/fixtures/sentences_news.txt``
  (one sentence per line, joined by spaces into a single paragraph).
* Tag accuracy, UAS and LAS (punctuation excluded, spaCy's scorer) on GUM dev
  from gold tokens.
* Throughput on ~600-word news articles (FNC-1 bodies), model size, load time.

Reads ``../shared/data``; skips each part whose data is absent, with a message.
Usage: ``.venv/bin/python bench/bench_nlp.py [--data DIR] [--articles 200]``
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

import spacy  # noqa: E402
from spacy.tokens import Doc  # noqa: E402
from spacy.training import Example  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "train"))
sys.path.insert(0, str(REPO / "src"))

import spacy_data as sd  # noqa: E402
from corroborator.nlp import PIPELINE_DIR, load_pipeline  # noqa: E402

DEFAULT_DATA = REPO.parent / "shared" / "data"
FIXTURE = REPO / "tests" / "fixtures" / "sentences_news.txt"
OUT_MD = REPO / "docs" / "benchmarks" / "nlp.md"
TO_UNER = {"PERSON": "PER", "PER": "PER", "ORG": "ORG", "GPE": "LOC", "LOC": "LOC"}
TYPES = ("PER", "ORG", "LOC")


def prf(tp: int, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    """Precision, recall and F1 from counts."""
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


# --- NER ---------------------------------------------------------------------------


def bench_ner(nlp, data: Path) -> list[str]:
    """NER scores on UNER EWT test as markdown lines."""
    path = data / "uner_ewt" / "en_ewt-ud-test.iob2"
    if not path.is_file():
        return [f"_NER skipped: {path} not found._"]
    sents = sd.read_iob2(path)
    docs = [Doc(nlp.vocab, words=[w for w, _ in rows]) for rows in sents.values()]
    gold = [{(s, e, t) for s, e, t in sd.iob2_spans([t for _, t in rows])}
            for rows in sents.values()]
    counts: Counter[tuple[str, str]] = Counter()
    for doc, g in zip(nlp.pipe(docs, batch_size=64), gold, strict=True):
        pred = {(e.start, e.end, TO_UNER[e.label_]) for e in doc.ents if e.label_ in TO_UNER}
        for t in TYPES:
            ps = {x for x in pred if x[2] == t}
            gs = {x for x in g if x[2] == t}
            counts[t, "tp"] += len(ps & gs)
            counts[t, "pred"] += len(ps)
            counts[t, "gold"] += len(gs)
    lines = ["| type | precision | recall | F1 | gold spans |", "|---|---|---|---|---|"]
    for t in TYPES:
        p, r, f = prf(counts[t, "tp"], counts[t, "pred"], counts[t, "gold"])
        lines.append(f"| {t} | {p:.3f} | {r:.3f} | {f:.3f} | {counts[t, 'gold']} |")
    tot = [sum(counts[t, k] for t in TYPES) for k in ("tp", "pred", "gold")]
    p, r, f = prf(*tot)
    lines.append(f"| **micro** | **{p:.3f}** | **{r:.3f}** | **{f:.3f}** | {tot[2]} |")
    return lines


# --- sentences -----------------------------------------------------------------------


def raw_text(sents: list[sd.Sentence]) -> tuple[str, list[int]]:
    """Detokenised text of sentences and the character offset where each starts."""
    parts, starts, pos = [], [], 0
    for i, sent in enumerate(sents):
        if i:
            sep = "\n" if sent.newpar else " "
            parts.append(sep)
            pos += len(sep)
        starts.append(pos)
        for tok in sent.tokens:
            piece = tok.form + (" " if tok.space_after else "")
            parts.append(piece)
            pos += len(piece)
        while parts and parts[-1].endswith(" "):
            parts[-1] = parts[-1][:-1]
            pos -= 1
    return "".join(parts), starts


def predicted_starts(doc) -> set[int]:
    """Start offsets of predicted sentences, skipping leading whitespace tokens."""
    out = set()
    for sent in doc.sents:
        toks = [t for t in sent if not t.is_space]
        if toks:
            out.add(toks[0].idx)
    return out


def boundary_counts(nlp, texts: list[tuple[str, list[int]]]) -> tuple[int, int, int]:
    """(true positives, predicted, gold) sentence starts, document starts excluded."""
    tp = n_pred = n_gold = 0
    for doc, (_, gold) in zip(nlp.pipe(t for t, _ in texts), texts, strict=True):
        pred = predicted_starts(doc) - {0}
        gold_set = set(gold) - {0}
        tp += len(pred & gold_set)
        n_pred += len(pred)
        n_gold += len(gold_set)
    return tp, n_pred, n_gold


def fixture_text() -> tuple[str, list[int]]:
    """The hand-labelled fixture as one paragraph and its sentence starts."""
    lines = [ln.strip() for ln in FIXTURE.read_text(encoding="utf-8").splitlines() if ln.strip()]
    starts, pos = [], 0
    for ln in lines:
        starts.append(pos)
        pos += len(ln) + 1
    return " ".join(lines), starts


def bench_sentences(nlp, data: Path) -> list[str]:
    """Sentence-boundary P/R/F1 rows."""
    lines = ["| text | sentences | precision | recall | F1 |", "|---|---|---|---|---|"]
    dev = sorted((data / "gum" / "dev").glob("*.conllu"))
    sets = {}
    if dev:
        texts = {p.stem: raw_text(list(sd.read_conllu(p))) for p in dev}
        sets["GUM dev, news documents"] = [v for k, v in texts.items() if "_news_" in k]
        sets["GUM dev, all genres"] = list(texts.values())
    else:
        lines.insert(0, f"_GUM dev not found under {data}: skipped._\n")
    if FIXTURE.is_file():
        sets[f"{FIXTURE.relative_to(REPO)} (one paragraph)"] = [fixture_text()]
    for name, texts in sets.items():
        tp, n_pred, n_gold = boundary_counts(nlp, texts)
        p, r, f = prf(tp, n_pred, n_gold)
        lines.append(f"| {name} | {n_gold + len(texts)} | {p:.3f} | {r:.3f} | {f:.3f} |")
    return lines


# --- parsing ------------------------------------------------------------------------


def bench_parse(nlp, data: Path) -> list[str]:
    """Tag accuracy, UAS, LAS on GUM dev from gold tokens."""
    folder = data / "gum" / "dev"
    if not folder.is_dir():
        return [f"_Parsing skipped: {folder} not found._"]
    gold = sd.gum_docs(nlp, folder)
    examples = [Example(Doc(nlp.vocab, words=[t.text for t in g],
                            spaces=[bool(t.whitespace_) for t in g]), g) for g in gold]
    scores = nlp.evaluate(examples)
    words = sum(len(g) for g in gold)
    return [
        "| set | words | tag (XPOS) acc | UAS | LAS | sentence F1 (gold tokens) |",
        "|---|---|---|---|---|---|",
        f"| GUM dev (12 docs) | {words} | {scores['tag_acc']:.3f} | {scores['dep_uas']:.3f} "
        f"| {scores['dep_las']:.3f} | {scores['sents_f']:.3f} |",
    ]


# --- speed, size, load ----------------------------------------------------------------


def news_articles(data: Path, n: int, words: int = 600) -> list[str]:
    """Up to n FNC-1 bodies of at least ``words`` words, cut to about ``words`` words."""
    path = data / "fnc1" / "train_bodies.csv"
    if not path.is_file():
        return []
    out = []
    with path.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            toks = row["articleBody"].split(" ")
            if len(toks) >= words:
                out.append(" ".join(toks[:words]))
            if len(out) == n:
                break
    return out


def bench_speed(nlp, data: Path, n: int) -> list[str]:
    """Docs/s and words/s with one process and with two."""
    texts = news_articles(data, n)
    if not texts:
        return ["_Throughput skipped: FNC-1 bodies not found._"]
    list(nlp.pipe(texts[:10]))
    rows = ["| processes | articles | tokens | wall s | articles/s (wall) | tokens/s (wall) "
            "| articles per CPU-s |", "|---|---|---|---|---|---|---|"]
    for n_proc in (1, 2):
        t0, c0 = time.perf_counter(), time.process_time()
        n_tok = sum(len(d) for d in nlp.pipe(texts, batch_size=32, n_process=n_proc))
        dt, cpu = time.perf_counter() - t0, time.process_time() - c0
        per_cpu = f"{len(texts) / cpu:.1f}" if n_proc == 1 else "n/a"
        rows.append(f"| {n_proc} | {len(texts)} | {n_tok} | {dt:.1f} | {len(texts) / dt:.1f} "
                    f"| {n_tok / dt:.0f} | {per_cpu} |")
    rows += ["", "Articles per CPU-second (one process) is the rate one free core would give; "
             "wall figures depend on how busy the shared machine is."]
    return rows


def load_time() -> tuple[float, float]:
    """Wall and CPU seconds for a fresh interpreter to import spaCy and load the pipeline."""
    code = ("import time; t=time.perf_counter(); c=time.process_time(); "
            "from corroborator.nlp import load_pipeline; load_pipeline(); "
            "print(time.perf_counter()-t, time.process_time()-c)")
    env = {**os.environ, "PYTHONPATH": str(REPO / "src"), "HF_HUB_OFFLINE": "1"}
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=env, check=True)
    wall, cpu = res.stdout.strip().splitlines()[-1].split()
    return float(wall), float(cpu)


def size_mb() -> float:
    """Size of the pipeline folder on disk in MB."""
    return sum(p.stat().st_size for p in PIPELINE_DIR.rglob("*") if p.is_file()) / 1e6


# --- report ------------------------------------------------------------------------------


def report(args: argparse.Namespace, command: str) -> str:
    """Run every part and return the markdown report."""
    nlp = load_pipeline()
    parts = [
        "# NLP pipeline benchmark (`en_corroborator`)", "",
        f"Produced by: `{command}`", "",
        f"Machine: {platform.machine()}, {os.cpu_count()} CPU cores (shared; load average "
        f"{os.getloadavg()[0]:.1f} at start), spaCy {spacy.__version__}, "
        f"pipeline {nlp.pipe_names}.", "",
        "## NER: UNER English-EWT test (held out; exact spans)", "",
        *bench_ner(nlp, args.data), "",
        "## Sentence boundaries (raw text)", "", *bench_sentences(nlp, args.data), "",
        "## Tagging and parsing: GUM dev (gold tokens, punctuation excluded)", "",
        *bench_parse(nlp, args.data), "",
        "## Throughput: ~600-word news articles (FNC-1 bodies)", "",
        *bench_speed(nlp, args.data, args.articles), "",
        "## Size and load time", "",
        f"- model folder: {size_mb():.1f} MB on disk",
        "- cold load (fresh interpreter, spaCy import included): {:.2f} s wall, "
        "{:.2f} s CPU".format(*load_time()), "",
    ]
    return "\n".join(parts)


def update_readme(markdown: str) -> None:
    """Put the benchmark body into the model README between its bench markers."""
    readme = PIPELINE_DIR / "README.md"
    start, end = "<!-- bench:start -->", "<!-- bench:end -->"
    if not readme.is_file():
        return
    text = readme.read_text(encoding="utf-8")
    if start in text and end in text:
        body = markdown.split("\n", 2)[2].replace("## ", "### ")
        head, rest = text.split(start, 1)
        text = head + start + "\n" + body + "\n" + end + rest.split(end, 1)[1]
        readme.write_text(text, encoding="utf-8")


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--out", type=Path, default=OUT_MD)
    args = parser.parse_args()
    if not args.data.is_dir():
        print(f"skipped: data folder {args.data} not found (bench needs ../shared/data)")
        return
    command = " ".join([".venv/bin/python", "bench/bench_nlp.py", *sys.argv[1:]])
    markdown = report(args, command)
    print(markdown)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(markdown, encoding="utf-8")
    update_readme(markdown)


if __name__ == "__main__":
    main()
