"""Real web pages in (issue 21): refusals, text, outlet names and titles.

Reads the 243 saved pages of ``../shared/data/pages/trafilatura_eval`` (their URLs and
``with``/``without`` snippets in ``pages.json``) and the hand-labelled outlet names of
the 173 English pages in ``bench/data/pages_outlets.json``. For each page it runs
`corroborator.ingest.parse_html` and, for comparison, trafilatura alone, then prints:

* pages refused (any ``InputError``), with the reason;
* text precision / recall / F1 from the snippets, as the trafilatura evaluation counts
  them (a ``with`` snippet found is a true positive, a ``without`` snippet found a false
  positive), and how many snippets hold (``with`` found, ``without`` absent). Ours is
  the stored record, headline and body (the body leaves out a first line that repeats
  the headline); trafilatura's is ``trafilatura.extract`` of the same bytes;
* outlet name right (English pages, against the labels);
* titles without a site suffix (English pages: no leading or trailing title part that
  names the labelled outlet or the site's domain).

Figures are given for the dev pages, the held-out pages (a third of the sites, chosen by
a hash of the site's domain before any tuning) and all pages.

Run: .venv/bin/python bench/bench_pages.py [--show-misses] [--no-trafilatura]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
import unicodedata
import zlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from corroborator.errors import InputError
from corroborator.ingest import parse_html

ROOT = Path(__file__).resolve().parents[1]
PAGES = ROOT.parent / "shared" / "data" / "pages" / "trafilatura_eval"
LABELS = ROOT / "bench" / "data" / "pages_outlets.json"
COMMAND = ".venv/bin/python bench/bench_pages.py"
#: One site in HELD_OUT_EVERY is held out (by a CRC32 of its domain), never looked at when tuning.
HELD_OUT_EVERY = 3
_TITLE_PARTS = re.compile(r"\s+[|–—\-:»·/]+\s+|\s*\|\s*|\s+::\s+")


@dataclass
class Tally:
    """Counts for one group of pages."""

    pages: int = 0
    refused: int = 0
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    outlet_pages: int = 0
    outlet_right: int = 0
    title_clean: int = 0
    misses: list[str] = field(default_factory=list)

    def add_snippets(self, text: str, page: dict) -> None:
        """Count the page's ``with`` and ``without`` snippets against `text`."""
        flat = _flat(text)
        for snippet in page.get("with", []):
            if _flat(snippet) in flat:
                self.tp += 1
            else:
                self.fn += 1
        for snippet in page.get("without", []):
            if _flat(snippet) in flat:
                self.fp += 1
            else:
                self.tn += 1

    def scores(self) -> dict[str, float]:
        """Precision, recall, F1 and the share of snippets that hold."""
        precision = self.tp / max(self.tp + self.fp, 1)
        recall = self.tp / max(self.tp + self.fn, 1)
        f1 = 2 * precision * recall / max(precision + recall, 1e-9)
        held = (self.tp + self.tn) / max(self.tp + self.fp + self.fn + self.tn, 1)
        return {"precision": precision, "recall": recall, "f1": f1, "snippets_hold": held}


def _flat(text: str) -> str:
    """Text compared for snippets: NFC, spaces collapsed."""
    return " ".join(unicodedata.normalize("NFC", text or "").split())


def norm_name(name: str | None) -> str:
    """An outlet name compared loosely: case, punctuation and a leading 'The' ignored."""
    text = unicodedata.normalize("NFKC", name or "").casefold().strip()
    text = re.sub(r"^the\s+", "", text)
    return "".join(char for char in text if char.isalnum())


def site_of(url: str, file: str) -> str:
    """The page's host (or, for pages saved without a URL, its file name)."""
    if url.startswith("hard::"):
        return Path(file).name
    return (urlsplit(url).hostname or "").removeprefix("www.")


def held_out(url: str, file: str) -> bool:
    """Whether a page belongs to the held-out third (by its site)."""
    return zlib.crc32(site_of(url, file).encode()) % HELD_OUT_EVERY == 0


def has_site_suffix(title: str, names: list[str], url: str, file: str) -> bool:
    """Whether the title's first or last part names the outlet or the site's domain."""
    parts = [part for part in _TITLE_PARTS.split(title or "") if part.strip()]
    if len(parts) < 2:
        return False
    host = site_of(url, file)
    labels = {norm_name(name) for name in names} | {norm_name(host)}
    labels |= {norm_name(piece) for piece in host.split(".") if len(piece) > 3}
    edges = {norm_name(parts[0]), norm_name(parts[-1])}
    return any(edge and any(edge == lab or (len(edge) > 3 and edge in lab) for lab in labels)
               for edge in edges)


def trafilatura_text(html: bytes, url: str | None) -> str:
    """trafilatura alone, with its defaults (comments off, as corroborator runs it)."""
    import trafilatura

    return trafilatura.extract(html, url=url, include_comments=False) or ""


def run(show_misses: bool, with_trafilatura: bool) -> dict[str, dict[str, Tally]]:
    """Score every page; returns tallies per system ('ours', 'trafilatura') and group."""
    pages = json.loads((PAGES / "pages.json").read_text())
    labels = json.loads(LABELS.read_text())["outlets"]
    systems = ("ours", "trafilatura") if with_trafilatura else ("ours",)
    tallies = {s: {g: Tally() for g in ("dev", "held-out", "all")} for s in systems}
    reasons: Counter[str] = Counter()
    cpu = Counter()
    for url, page in pages.items():
        file = page["file"]
        name = Path(file).name
        html = (PAGES / file).read_bytes()
        page_url = None if url.startswith("hard::") else url
        groups = ("held-out" if held_out(url, file) else "dev", "all")
        started = time.process_time()
        try:
            article = parse_html(html, source=name, url=page_url)
            title, outlet = article.title, article.outlet
            text = f"{title}\n\n{article.text}"  # the record: its headline and its body
        except InputError as error:
            reasons[error.problem] += 1
            text = title = outlet = ""
            for group in groups:
                tallies["ours"][group].refused += 1
        cpu["ours"] += time.process_time() - started
        for group in groups:
            tally = tallies["ours"][group]
            tally.pages += 1
            tally.add_snippets(text, page)
            if name in labels:
                tally.outlet_pages += 1
                right = norm_name(outlet) in {norm_name(n) for n in labels[name]}
                clean = bool(title) and not has_site_suffix(title, labels[name], url, file)
                tally.outlet_right += right
                tally.title_clean += clean
                if group != "all" and not (right and clean):
                    tally.misses.append(f"{name}: outlet {outlet!r} title {title!r}")
        if with_trafilatura:
            started = time.process_time()
            alone = trafilatura_text(html, page_url)
            cpu["trafilatura"] += time.process_time() - started
            for group in groups:
                tallies["trafilatura"][group].pages += 1
                tallies["trafilatura"][group].add_snippets(alone, page)
    for problem, count in reasons.most_common():
        print(f"refused x{count}: {problem}")
    for system, seconds in cpu.items():
        print(f"{system}: {len(pages) / seconds:.1f} pages per CPU-second ({seconds:.1f} CPU-s)")
    if show_misses:
        for group in ("dev", "held-out"):
            for miss in tallies["ours"][group].misses:
                print(f"[{group}] {miss}")
    return tallies


def report(tallies: dict[str, dict[str, Tally]], seconds: float) -> None:
    """Print one table of every figure."""
    print(f"\n{'system':12} {'group':9} {'pages':>5} {'refused':>7} {'P':>6} {'R':>6} {'F1':>6} "
          f"{'hold':>6} {'outlet':>12} {'title':>12}")
    for system, groups in tallies.items():
        for group, t in groups.items():
            s = t.scores()
            outlet = f"{t.outlet_right}/{t.outlet_pages}" if system == "ours" else "-"
            title = f"{t.title_clean}/{t.outlet_pages}" if system == "ours" else "-"
            print(f"{system:12} {group:9} {t.pages:5d} {t.refused:7d} {s['precision']:6.4f} "
                  f"{s['recall']:6.4f} {s['f1']:6.4f} {s['snippets_hold']:6.4f} "
                  f"{outlet:>12} {title:>12}")
    print(f"\n{seconds:.1f} CPU-s; command: {COMMAND}")


def main() -> None:
    """Parse arguments, score the pages, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show-misses", action="store_true", help="list wrong outlets/titles")
    parser.add_argument("--no-trafilatura", action="store_true", help="skip trafilatura alone")
    args = parser.parse_args()
    if not PAGES.exists():
        sys.exit(f"{PAGES}: not found (the shared pages set)")
    start = time.process_time()
    tallies = run(args.show_misses, not args.no_trafilatura)
    report(tallies, time.process_time() - start)


if __name__ == "__main__":
    main()
