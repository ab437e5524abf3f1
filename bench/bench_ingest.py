"""Ingest throughput: a synthetic corpus read as plain-text files and as one JSONL file.

Generates N articles (~400 words each, random but deterministic), writes them
to a temporary folder as ``.txt`` files and as one ``.jsonl`` file, times
`read_articles` over each, prints articles/s and writes ``docs/benchmarks/ingest.md``.

Run:
    .venv/bin/python bench/bench_ingest.py
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from corroborator.errors import InputError
from corroborator.ingest import read_articles
from corroborator.ingest.text import LANGUAGE_SAMPLE_CHARS, LANGUAGE_TRIALS

COMMAND = ".venv/bin/python bench/bench_ingest.py"
REPORT = Path(__file__).resolve().parent.parent / "docs" / "benchmarks" / "ingest.md"
SEED = 20240601
WORDS_PER_ARTICLE = 400
WORDS_PER_PARAGRAPH = 60

_VOCABULARY_TEXT = (
    "the of and to in a is that for on said with as by at from was were has have will would "
    "officials city council government minister police report reported according people year "
    "week month percent million budget vote voters election court judge ruling law bill plan "
    "water power storm bridge road school hospital market prices workers union strike company "
    "shares investors bank rates inflation growth trade exports border talks agreement leaders "
    "statement spokesperson residents local national region province district mayor governor "
    "announced confirmed denied expected warned added told reporters interview during after "
    "before while since under over about more than less new first last second third other"
)
VOCABULARY = tuple(_VOCABULARY_TEXT.split())
NAMES = ("Ana Ruiz", "Tomas Lind", "Priya Natarajan", "Marcus Bell", "Helen Osei", "Jonas Weber")
OUTLETS = ("Harbor Times", "Valley Ledger", "Lakeside Gazette", "Mountain Wire", "Tidewater Post")


@dataclass
class Timing:
    """One timed run."""

    label: str
    articles: int
    errors: int
    seconds: float
    cpu_seconds: float

    @property
    def rate(self) -> float:
        """Articles per second."""
        return self.articles / self.seconds if self.seconds else 0.0

    @property
    def cpu_rate(self) -> float:
        """Articles per CPU second of this process (steadier on a busy machine)."""
        return self.articles / self.cpu_seconds if self.cpu_seconds else 0.0


def make_article(rng: random.Random, index: int) -> dict[str, str]:
    """One synthetic article as a record."""
    words = [rng.choice(VOCABULARY) for _ in range(WORDS_PER_ARTICLE)]
    paragraphs = [
        " ".join(words[start : start + WORDS_PER_PARAGRAPH]).capitalize() + "."
        for start in range(0, WORDS_PER_ARTICLE, WORDS_PER_PARAGRAPH)
    ]
    title = " ".join(rng.choice(VOCABULARY) for _ in range(8)).title()
    return {
        "title": f"{title} {index}",
        "byline": rng.choice(NAMES),
        "outlet": rng.choice(OUTLETS),
        "published": f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        "url": f"https://news.example/{index}",
        "text": "\n\n".join(paragraphs),
    }


def write_corpus(folder: Path, count: int) -> Path:
    """Write `count` articles as text files (100 per sub-folder) and as one JSONL file."""
    rng = random.Random(SEED)
    texts = folder / "texts"
    jsonl = folder / "articles.jsonl"
    with jsonl.open("w", encoding="utf-8") as handle:
        for index in range(count):
            record = make_article(rng, index)
            sub = texts / f"{index // 100:04d}"
            sub.mkdir(parents=True, exist_ok=True)
            body = f"{record['title']}\n\n{record['byline']}\n\n{record['text']}\n"
            (sub / f"{index:05d}.txt").write_text(body, encoding="utf-8")
            handle.write(json.dumps(record) + "\n")
    return jsonl


def time_read(label: str, path: Path) -> Timing:
    """Time one full pass of `read_articles` over `path`."""
    started, cpu_started = time.perf_counter(), time.process_time()
    articles = errors = 0
    for item in read_articles([path]):
        if isinstance(item, InputError):
            errors += 1
        else:
            articles += 1
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    return Timing(label, articles, errors, wall, cpu)


def write_report(timings: list[Timing], count: int, corpus_mb: float,
                 legacy: list[tuple[str, int, int, int, float, float]],
                 http: tuple[int, float, float]) -> None:
    """Write the Markdown report with the figures and the exact command."""
    legacy_rows = "\n".join(
        f"| {name} | {texts} | {old / texts:.0%} | {new / texts:.0%} | {old_s * 1000:.2f} "
        f"| {new_s * 1000:.2f} |" for name, texts, old, new, old_s, new_s in legacy)
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    rows = "\n".join(
        f"| {t.label} | {t.articles:,} | {t.errors} | {t.seconds:.1f} | {t.rate:,.0f} "
        f"| {t.cpu_seconds:.1f} | {t.cpu_rate:,.0f} |"
        for t in timings
    )
    REPORT.write_text(
        f"""# Ingest throughput

Synthetic corpus: {count:,} articles of ~{WORDS_PER_ARTICLE} words (random words from a fixed
vocabulary, seed {SEED}), {corpus_mb:.1f} MB as JSONL. Each run is one full pass of
`corroborator.ingest.read_articles`, which includes headline/byline parsing, date parsing
and language detection (langdetect, {LANGUAGE_TRIALS} trials on the first
{LANGUAGE_SAMPLE_CHARS:,} characters of each text).

| input | articles | errors | wall s | articles/s (wall) | CPU s | articles/CPU-s |
|---|---:|---:|---:|---:|---:|---:|
{rows}

Machine: {platform.platform()}, Python {platform.python_version()}, {os.cpu_count()} CPU cores;
load average {load} when the runs finished (other work shares the machine, so the
CPU-time figures are the steadier ones). Single process, no parallelism. Language
detection is about 90% of the per-article CPU time.

Command:

```
{COMMAND}
```

## HTTP fetching (httpx)

{http[0]} pages of ~2 KB fetched one after another from a loopback server with
`corroborator.ingest.http.fetch` (httpx, a new connection per URL, total deadline and
streaming caps): {http[1]:.2f} s, {http[0] / max(http[1], 1e-9):.0f} pages/s,
{http[2] * 1000 / max(http[0], 1):.2f} CPU-ms per page.

## Undeclared 8-bit text (charset guessing)

Texts from small per-language vocabularies, encoded without any declaration, decoded
by the old hand-written rule (UTF-8, else cp1252, else latin-1) and by `decode_bytes`
(UTF-8, else charset-normalizer's guess with cp1252 kept on a tie). "Right" means the
decoded text equals the original.

| encoding | texts | old rule right | charset-normalizer right | old ms/text (CPU) | new ms/text (CPU) |
|---|---:|---:|---:|---:|---:|
{legacy_rows}

Store-insert throughput: to be added.
""",
        encoding="utf-8",
    )


#: Short vocabularies (written for this benchmark) per legacy encoding, to build texts with
#: no declared charset: the decoder must guess.
LEGACY_WORDS = {
    "cp1252": "café naïve “quoted” résumé – déjà façade Zürich señor año crème brûlée the of "
              "and council budget harbor bridge voted",
    "cp1251": "совет города принял бюджет мост порт голосование министр заявил в на и что "
              "новости сегодня выборы",
    "cp1253": "το δημοτικό συμβούλιο ψήφισε τον προϋπολογισμό γέφυρα λιμάνι υπουργός δήλωσε "
              "και σε ειδήσεις σήμερα",
    "cp1250": "rada miasta przyjęła budżet most port głosowanie minister oświadczył że "
              "wiadomości dziś wybory Łódź źródło",
    "cp1254": "belediye meclisi bütçeyi onayladı köprü liman oylama bakan açıkladı ve "
              "haberler bugün seçim İstanbul ğüşöç",
}


def legacy_decoding(count: int) -> list[tuple[str, int, int, float, float]]:
    """Per encoding: (name, texts, decoded right by the old rule / by decode_bytes, seconds each).

    The old rule is the hand-written fallback this replaced: cp1252, else latin-1.
    """
    from corroborator.ingest.decode import decode_bytes

    rng = random.Random(SEED)
    rows = []
    for encoding, words in LEGACY_WORDS.items():
        vocabulary = words.split()
        texts = [" ".join(rng.choice(vocabulary) for _ in range(rng.randrange(8, 120)))
                 for _ in range(count)]
        data = [text.encode(encoding) for text in texts]
        started = time.process_time()
        old = sum(_old_fallback(raw) == text for raw, text in zip(data, texts, strict=True))
        old_s = time.process_time() - started
        started = time.process_time()
        new = sum(decode_bytes(raw, "x").text == text for raw, text in zip(data, texts,
                                                                           strict=True))
        new_s = time.process_time() - started
        rows.append((encoding, count, old, new, old_s / count, new_s / count))
    return rows


def http_fetch_rate(count: int, fetch_function: object = None) -> tuple[int, float, float]:
    """Fetch `count` pages from a loopback server; (fetched, seconds, CPU seconds).

    `fetch_function` replaces `corroborator.ingest.http.fetch` (to time an older one).
    """
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from corroborator.ingest import IngestOptions
    from corroborator.ingest.http import fetch

    page = ("<html><head><title>Harbor</title></head><body><article><p>"
            + " ".join(VOCABULARY[:60]) + ".</p></article></body></html>").encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, *args: object) -> None:
            """Quiet."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    get = fetch_function or fetch
    started, cpu = time.perf_counter(), time.process_time()
    fetched = sum(bool(get(f"{base}/p{i}.html", IngestOptions()).body)  # type: ignore[operator]
                  for i in range(count))
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    server.shutdown()
    return fetched, seconds, cpu


def _old_fallback(data: bytes) -> str:
    """The hand-written rule before charset-normalizer: UTF-8, cp1252, latin-1."""
    for encoding in ("utf-8", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def main(argv: list[str] | None = None) -> int:
    """Generate the corpus, time both inputs, print and record the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000, help="articles to generate")
    parser.add_argument("--no-report", action="store_true", help="do not write the Markdown")
    parser.add_argument("--http", type=int, default=300, help="pages fetched over loopback")
    parser.add_argument("--legacy", type=int, default=200,
                        help="texts per legacy encoding for the charset-guessing comparison")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        jsonl = write_corpus(folder, args.count)
        print(f"generated {args.count:,} articles in {time.perf_counter() - started:.1f} s")
        timings = [
            time_read("plain-text files (folder)", folder / "texts"),
            time_read("one JSONL file", jsonl),
        ]
        corpus_mb = jsonl.stat().st_size / 1e6
    for timing in timings:
        print(
            f"{timing.label:28s} {timing.articles:>7,} articles  {timing.seconds:6.2f} s  "
            f"{timing.rate:8,.0f} articles/s  {timing.cpu_rate:8,.0f} articles/CPU-s  "
            f"({timing.errors} errors)"
        )
    http = http_fetch_rate(args.http) if args.http else (0, 0.0, 0.0)
    if args.http:
        print(f"HTTP fetch over loopback: {http[0]} pages in {http[1]:.2f} s "
              f"({http[0] / http[1]:.0f}/s, {http[2] * 1000 / http[0]:.2f} CPU-ms each)")
    legacy = legacy_decoding(args.legacy) if args.legacy else []
    for name, texts, old, new, old_s, new_s in legacy:
        print(f"undeclared {name:7s} {texts} texts: old rule {old / texts:4.0%} right "
              f"({old_s * 1000:.2f} ms each), charset-normalizer {new / texts:4.0%} right "
              f"({new_s * 1000:.2f} ms each)")
    if not args.no_report:
        write_report(timings, args.count, corpus_mb, legacy, http)
        print(f"wrote {REPORT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
