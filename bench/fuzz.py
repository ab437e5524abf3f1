"""Fuzz ingest with >= 10,000 hostile inputs; report crashes, hangs, peak memory, good rows kept.

Each input is generated from a seed (deterministic), written to a temporary
folder and read with `corroborator.ingest.read_articles` in this process. Inputs
mix hostile parts (the issue-15 attacks: 5,000-digit numbers, 100k-deep arrays,
900-deep nesting, 50,000-attribute HTML, a 200 MB zero-filled gzip member in a
.warc.gz, truncated archives, FIFOs, feeds whose declared encoding lies, entity
bombs, random bytes and markup) with *good* articles where the format allows
(JSONL and CSV rows, feed entries, WARC records before the damage); every good
article must come back.

Figures: tracebacks (an exception escaping ``read_articles``), hangs (an input over
`HANG_S` seconds), the slowest input, peak resident memory of the process, and good
articles kept / expected.

Run (2 cores, shared machine: keep it niced):
    nice -n 15 .venv/bin/python bench/fuzz.py --count 10000
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import os
import random
import resource
import signal
import sys
import tempfile
import time
import traceback
import zlib
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from corroborator.errors import InputError
from corroborator.ingest import read_articles
from corroborator.models import Article

COMMAND = "nice -n 15 .venv/bin/python bench/fuzz.py --count {count}"
#: Seconds after which an input counts as a hang (the issue's target).
HANG_S = 30
#: Peak resident memory allowed for the whole run, MB (the issue's target).
MEMORY_TARGET_MB = 600
GOOD_TEXT = "The harbor council approved the new budget on Monday after a long debate."
PIECES = [
    "<", ">", "</p>", "<p>", "<html>", "<body>", "<div a=1>", "<!--", "<script>", "&amp;",
    "<?xml version='1.0' encoding='utf-16'?>", "<rss>", "<item>", "<![CDATA[", "]]>", "{", "}",
    "[", "]", '"', ",", ":", "null", "1e999", "\x00", "\r", "\n", "\n\n", "\t", ";", "\u202e",
    "\ufeff", "é", "\U0001f600", "WARC/1.0\r\n", "Content-Length: 99\r\n", "\r\n\r\n", ".",
    "The council voted. ", "Mr. ", '"Quote," she said. ', "&#0;", "\\u0000", "title,text\n",
]

Generated = tuple[str, bytes, int]  # file name, content, good articles expected


def good_row(rng: random.Random, number: int) -> dict[str, str]:
    """A good JSON/CSV row whose title marks it as one to keep."""
    return {"title": f"GOOD-{number}-{rng.randrange(10**6)}", "text": GOOD_TEXT}


def noise(rng: random.Random, size: int = 30) -> str:
    """A hostile string of markup, JSON, control and Unicode pieces."""
    parts = [rng.choice(PIECES) for _ in range(rng.randrange(1, size))]
    if rng.random() < 0.3:
        parts.append("".join(chr(rng.randrange(1, 0x2FFF)) for _ in range(rng.randrange(40))))
    return "".join(parts)


def hostile_line(rng: random.Random) -> str:
    """One hostile JSON Lines line (no newline inside)."""
    choices: list[Callable[[], str]] = [
        lambda: '{"n": ' + "1" * rng.randrange(4000, 6000) + ', "text": "x"}',
        lambda: "[" * rng.randrange(1000, 100_001) + "]" * 5,
        lambda: '{"text": ' + "[" * 900 + '"deep"' + "]" * 900 + "}",
        lambda: '{"text": 1.' + "5" * 5000 + "}",
        lambda: noise(rng).replace("\n", " ").replace("\r", " "),
        lambda: '{"text": ' + json.dumps(noise(rng)) + ', "date": "' + "9" * 90 + '"}',
        lambda: '{"title": {"a": [1, 2]}, "text": ["a", ["b", ["c"]]], "byline": [[["x"]]]}',
        lambda: "\x00" * rng.randrange(1, 50),
    ]
    return rng.choice(choices)()


def gen_jsonl(rng: random.Random, index: int) -> Generated:
    """Good rows interleaved with hostile lines."""
    lines, good = [], 0
    for number in range(rng.randrange(1, 5)):
        lines.append(json.dumps(good_row(rng, number)))
        good += 1
        lines.append(hostile_line(rng))
    return f"f{index}.jsonl", ("\n".join(lines) + "\n").encode("utf-8", "surrogatepass"), good


def gen_csv(rng: random.Random, index: int) -> Generated:
    """Good rows interleaved with hostile rows (huge fields, NULs, stray quotes)."""
    import csv

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["title", "text"])
    good = 0
    for number in range(rng.randrange(1, 4)):
        row = good_row(rng, number)
        writer.writerow([row["title"], row["text"]])
        good += 1
        bad = rng.choice([noise(rng), "x" * 10_000_010, "\x00bad", '"unclosed'])
        writer.writerow(["bad", bad])
    return f"f{index}.csv", buffer.getvalue().encode("utf-8", "surrogatepass"), good


def gen_feed(rng: random.Random, index: int) -> Generated:
    """A feed with good entries; its declared encoding may lie, entities may explode."""
    declared = rng.choice(["utf-8", "utf-16", "UTF-32", "iso-8859-1", "bogus-charset"])
    prolog = f'<?xml version="1.0" encoding="{declared}"?>'
    if rng.random() < 0.2:
        prolog += ('<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">'
                   '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY x SYSTEM "file:///etc/passwd">]>')
    good = rng.randrange(1, 4)
    items = "".join(f"<item><title>GOOD-{n}</title><description>{GOOD_TEXT}</description></item>"
                    for n in range(good))
    junk = f"<item><title>junk</title><description>{_xml_safe(noise(rng))}</description></item>"
    body = f'{prolog}<rss version="2.0"><channel><title>F</title>{items}{junk}</channel></rss>'
    encoding = "utf-16" if declared == "utf-16" and rng.random() < 0.5 else "utf-8"
    return f"f{index}.rss", body.encode(encoding), good


def gen_html(rng: random.Random, index: int) -> Generated:
    """Hostile HTML: many attributes, many elements, deep nesting, or random markup."""
    kind = rng.randrange(4)
    if kind == 0:
        attrs = " ".join(f"a{i}='v'" for i in range(rng.choice([2000, 50_000])))
        html = f"<html><body><div {attrs}><p>{GOOD_TEXT}</p></div></body></html>"
    elif kind == 1:
        html = "<div>" * rng.randrange(1000, 100_000) + f"<p>{GOOD_TEXT}</p>"
    elif kind == 2:
        html = "<html><body>" + "<span a=1>w</span>" * rng.randrange(1000, 80_000) + "</body>"
    else:
        html = f"<html><body>{noise(rng, 200)}</body></html>"
    return f"f{index}.html", html.encode("utf-8", "surrogatepass"), 0


def gen_text(rng: random.Random, index: int) -> Generated:
    """Plain text with hostile pieces (runs of dots, control characters, RTL marks)."""
    text = rng.choice(["Headline\n\n" + "." * rng.randrange(1000, 100_000), noise(rng, 300)])
    return f"f{index}.txt", text.encode("utf-8", "surrogatepass"), 0


def gen_bytes(rng: random.Random, index: int) -> Generated:
    """Random bytes under an article extension."""
    extension = rng.choice([".txt", ".html", ".jsonl", ".csv", ".rss", ".json", ".warc", ".md"])
    data = rng.randbytes(rng.randrange(1, 4000))
    if rng.random() < 0.3:
        data = gzip.compress(data)
    return f"f{index}{extension}", data, 0


def gen_warc(rng: random.Random, index: int) -> Generated:
    """A .warc.gz with good records, then a zero bomb, a truncation or garbage."""
    good = rng.randrange(1, 4)
    data = _warc(good)
    damage = rng.randrange(4)
    if damage == 0:
        data += _zero_member(rng.choice([30, 200]) * 1_000_000)
    elif damage == 1:
        data = data[: rng.randrange(len(data) // 2, len(data))]
        good = -1  # some pages before the cut are kept; counted separately
    elif damage == 2:
        data += gzip.compress(rng.randbytes(rng.randrange(1, 2000)))
    if damage == 0:
        good = 0  # the whole archive is refused before parsing (a bomb)
    return f"f{index}.warc.gz", data, good


def gen_json(rng: random.Random, index: int) -> Generated:
    """A JSON document: an articles list, deep nesting or long numbers."""
    if rng.random() < 0.5:
        rows = [good_row(rng, n) for n in range(rng.randrange(1, 4))]
        return f"f{index}.json", json.dumps({"articles": rows}).encode(), len(rows)
    return f"f{index}.json", hostile_line(rng).encode("utf-8", "surrogatepass"), 0


GENERATORS: list[Callable[[random.Random, int], Generated]] = [
    gen_jsonl, gen_csv, gen_feed, gen_html, gen_text, gen_bytes, gen_warc, gen_json,
]
#: How often each generator is used (heavy ones less often).
WEIGHTS = [6, 4, 4, 2, 2, 4, 1, 2]


def _xml_safe(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _warc(pages: int) -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True)
    for number in range(pages):
        html = (f"<html><head><title>GOOD-{number}</title></head><body><article><p>{GOOD_TEXT}"
                "</p></article></body></html>").encode()
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(
            f"http://fuzz.example/{number}", "response", payload=io.BytesIO(html),
            http_headers=headers))
    return buffer.getvalue()


_ZERO_MEMBERS: dict[int, bytes] = {}


def _zero_member(size: int) -> bytes:
    if size not in _ZERO_MEMBERS:
        encoder = zlib.compressobj(9, zlib.DEFLATED, 31)
        block = bytes(1 << 20)
        parts = [encoder.compress(block) for _ in range(size >> 20)]
        _ZERO_MEMBERS[size] = b"".join(parts) + encoder.flush()
    return _ZERO_MEMBERS[size]


LAST_CPU_S = 0.0


class Hang(Exception):
    """An input ran past HANG_S."""


def _alarm(signum: int, frame: object) -> None:
    raise Hang


def run_one(path: Path) -> tuple[list[object], float, str | None]:
    """Read one input; (results, seconds, traceback or "hang" or None).

    The CPU seconds of the last call are left in `LAST_CPU_S` (the machine is shared, so
    wall time alone overstates what an input costs).
    """
    global LAST_CPU_S
    started, cpu = time.monotonic(), time.process_time()
    signal.alarm(HANG_S)
    try:
        results = list(read_articles([path]))
        problem = None
    except Hang:
        results, problem = [], "hang"
    except Exception:  # noqa: BLE001 - a crash is what we count
        results, problem = [], traceback.format_exc(limit=3)
    finally:
        signal.alarm(0)
        LAST_CPU_S = time.process_time() - cpu
    seconds = time.monotonic() - started
    if seconds > HANG_S and problem is None:  # C code the alarm could not interrupt
        problem = "hang"
    return results, seconds, problem


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def special_inputs(folder: Path) -> list[tuple[str, Path, int]]:
    """Inputs that are not files with content: a FIFO in a folder, /dev/zero."""
    holder = folder / "with_fifo"
    holder.mkdir()
    (holder / "good.txt").write_text(f"GOOD-fifo\n\n{GOOD_TEXT}")
    os.mkfifo(holder / "pipe.txt")
    return [("fifo-folder", holder, 1), ("dev-zero", Path("/dev/zero"), 0)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=10_000, help="hostile inputs to generate")
    parser.add_argument("--seed", type=int, default=15)
    args = parser.parse_args(argv)
    signal.signal(signal.SIGALRM, _alarm)
    stats: Counter[str] = Counter()
    kinds: Counter[str] = Counter()
    crashes: list[str] = []
    slowest = (0.0, "")
    slowest_cpu = (0.0, "")
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        rng = random.Random(args.seed)
        for name, path, good in special_inputs(folder):
            results, seconds, problem = run_one(path)
            _tally(stats, results, good, problem, crashes, name)
            print(f"{name}: {seconds:.2f} s, {problem or 'ok'}", file=sys.stderr)
        for index in range(args.count):
            generator = rng.choices(GENERATORS, WEIGHTS)[0]
            name, data, good = generator(random.Random(rng.random()), index)
            path = folder / name
            path.write_bytes(data)
            results, seconds, problem = run_one(path)
            path.unlink()
            kinds[generator.__name__] += 1
            _tally(stats, results, good, problem, crashes, name)
            slowest = max(slowest, (seconds, f"{generator.__name__} ({len(data):,} bytes, "
                                             f"{LAST_CPU_S:.1f} CPU-s)"))
            slowest_cpu = max(slowest_cpu, (LAST_CPU_S, f"{generator.__name__}"))
            if (index + 1) % 1000 == 0:
                print(f"{index + 1:,} inputs, {time.monotonic() - started:.0f} s, "
                      f"peak {peak_mb():.0f} MB", file=sys.stderr)
    elapsed = time.monotonic() - started
    report(args.count, stats, kinds, crashes, slowest, elapsed)
    print(f"most CPU for one input: {slowest_cpu[0]:.1f} CPU-s ({slowest_cpu[1]}); "
          f"load average at the end {', '.join(f'{v:.1f}' for v in os.getloadavg())}")
    ok = (not crashes and stats["hangs"] == 0 and peak_mb() <= MEMORY_TARGET_MB
          and stats["good_kept"] == stats["good_expected"])
    return 0 if ok else 1


def _tally(stats: Counter[str], results: list[object], good: int, problem: str | None,
           crashes: list[str], name: str) -> None:
    """Add one input's outcome to the counters."""
    stats["inputs"] += 1
    stats["articles"] += sum(isinstance(r, Article) for r in results)
    stats["errors"] += sum(isinstance(r, InputError) for r in results)
    kept = sum(isinstance(r, Article) and r.title.startswith("GOOD-") for r in results)
    if problem == "hang":
        stats["hangs"] += 1
    elif problem:
        crashes.append(f"{name}: {problem.strip().splitlines()[-1]}")
    if good >= 0:
        stats["good_expected"] += good
        stats["good_kept"] += min(kept, good)
        stats["good_lost_inputs"] += kept < good
    else:
        stats["truncated_kept"] += kept
    bad_lines = [r for r in results if isinstance(r, InputError) and "\n" in str(r)]
    stats["multi_line_errors"] += len(bad_lines)


def report(count: int, stats: Counter[str], kinds: Counter[str], crashes: list[str],
           slowest: tuple[float, str], elapsed: float) -> None:
    """Print the figures and the command, for docs/benchmarks.md."""
    print(f"inputs: {stats['inputs']:,} ({', '.join(f'{k} {v}' for k, v in sorted(kinds.items()))})")
    print(f"tracebacks: {len(crashes)}; inputs over {HANG_S} s (wall): {stats['hangs']}; "
          f"multi-line errors: {stats['multi_line_errors']}")
    print(f"slowest input: {slowest[0]:.2f} s ({slowest[1]}); total {elapsed:.0f} s")
    print(f"peak resident memory: {peak_mb():.0f} MB (target <= {MEMORY_TARGET_MB} MB)")
    print(f"good articles kept: {stats['good_kept']:,} / {stats['good_expected']:,} "
          f"(inputs losing one: {stats['good_lost_inputs']}); pages kept before a WARC cut: "
          f"{stats['truncated_kept']:,}")
    print(f"articles read: {stats['articles']:,}; one-line errors: {stats['errors']:,}")
    for crash in crashes[:10]:
        print("  crash:", crash)
    print("command:", COMMAND.format(count=count))


if __name__ == "__main__":
    sys.exit(main())
