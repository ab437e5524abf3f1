"""The real-news evaluation set of issue 12: labels in the repository, text from ../shared.

Labels (``bench/data/realnews_labels.json``) name FNC-1 body ids and character offsets
into each body; GUM news documents bring their own gold entities, and the file adds
hand labels for their relative dates. The article text is read at run time from
``../shared/data`` and never stored here. Each document carries its split (``dev`` or
``test``), fixed before any rule was tuned: the held-out third is the documents whose
SHA-1 of the id is divisible by three.
"""

from __future__ import annotations

import csv
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LABELS = ROOT / "bench" / "data" / "realnews_labels.json"
SHARED = ROOT.parent / "shared" / "data"
NAMED_SHARE = 0.6  # a mention is named when proper nouns fill most of it
GUM_TYPES = {"person": "PERSON", "place": "GPE", "organization": "ORG"}


@dataclass
class LabelledDoc:
    """One labelled article: its text, date and gold annotations (offsets into text)."""

    source: str
    id: str
    split: str
    text: str
    date: str
    title: str = ""
    quotes: list[dict] = field(default_factory=list)
    attributions: list[dict] = field(default_factory=list)
    junk: list[list[int]] = field(default_factory=list)
    dates: list[dict] = field(default_factory=list)
    quantities: list[dict] = field(default_factory=list)
    entities: list[dict] = field(default_factory=list)
    named: list[dict] = field(default_factory=list)


def split_of(doc_id: str) -> str:
    """The split fixed before tuning: one third held out by a hash of the id."""
    return "test" if int(hashlib.sha1(doc_id.encode()).hexdigest(), 16) % 3 == 0 else "dev"


def available(shared: Path = SHARED) -> bool:
    """Whether the shared FNC-1 and GUM data this set reads are present."""
    return (shared / "fnc1" / "train_bodies.csv").is_file() and (shared / "gum").is_dir()


def load(shared: Path = SHARED, labels: Path = LABELS) -> list[LabelledDoc]:
    """All labelled documents, FNC-1 bodies first, then GUM news documents."""
    spec = json.loads(labels.read_text())
    bodies = _fnc_bodies(shared / "fnc1" / "train_bodies.csv")
    docs = []
    for d in spec["fnc1"]:
        fields = {k: v for k, v in d.items() if k not in ("source", "id", "split", "date")}
        docs.append(LabelledDoc("fnc1", d["id"], d["split"], bodies[d["id"]], d["date"],
                                **fields))
    gum_dates = spec.get("gum_dates", {})
    for path in sorted((shared / "gum").glob("*/GUM_news_*.conllu")):
        doc = read_gum(path)
        doc.dates = gum_dates.get(doc.id, [])
        docs.append(doc)
    return docs


def _fnc_bodies(path: Path) -> dict[str, str]:
    csv.field_size_limit(1 << 27)
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["Body ID"]: row["articleBody"] for row in csv.DictReader(handle)}


def read_gum(path: Path) -> LabelledDoc:
    """A GUM document as text (paragraphs split by blank lines) with its named mentions:
    person, place and organisation mentions that hold a proper noun."""
    name = path.stem
    meta, pieces, tokens = {}, [], []
    length, open_par = 0, False
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# meta::"):
            key, _, value = line[8:].partition(" = ")
            meta[key] = value
        elif line.startswith("# newpar"):
            open_par = bool(pieces)
        elif line and not line.startswith("#"):
            cols = line.split("\t")
            if "-" in cols[0] or "." in cols[0]:
                continue
            sep = ("\n\n" if open_par else " ") if pieces and not pieces[-1][1] else ""
            if open_par and pieces:
                sep = "\n\n"
            open_par = False
            length += len(sep)
            start = length
            length += len(cols[1])
            pieces.append((sep + cols[1], "SpaceAfter=No" in cols[9]))
            tokens.append((start, length, cols[3], cols[9]))
    text = "".join(p for p, _ in pieces)
    return LabelledDoc("gum", name, split_of(name), text, meta.get("dateCreated", ""),
                       meta.get("title", ""), named=_gum_mentions(tokens))


def _gum_mentions(tokens: list[tuple[int, int, str, str]]) -> list[dict]:
    open_: dict[str, list[list]] = {}
    out: list[dict] = []
    for start, end, upos, misc in tokens:
        opened, closed = _entity_items(misc)
        now = []
        for content, single in opened:
            fields = content.split("-")
            mention = [fields[1] if len(fields) > 1 else "", start, []]
            (now if single else open_.setdefault(fields[0], [])).append(mention)
        if upos == "PROPN":
            for mention in [*now, *(m for ms in open_.values() for m in ms)]:
                mention[2].append((start, end))
        for mention in now:
            _finish(mention, end, out)
        for ident in closed:
            if open_.get(ident):
                _finish(open_[ident].pop(), end, out)
    return out


def _entity_items(misc: str) -> tuple[list[tuple[str, bool]], list[str]]:
    """Openings (content, closes on this token) and closing ids of one token's Entity=."""
    value = next((p[7:] for p in misc.split("|") if p.startswith("Entity=")), "")
    opened, closed, i = [], [], 0
    while i < len(value):
        if value[i] == "(":
            j = i + 1
            while j < len(value) and value[j] not in "()":
                j += 1
            single = j < len(value) and value[j] == ")"
            opened.append((value[i + 1:j], single))
            i = j + 1 if single else j
        elif value[i].isdigit():
            j = i
            while j < len(value) and value[j].isdigit():
                j += 1
            closed.append(value[i:j])
            i = j + 1
        else:
            i += 1
    return opened, closed


def _finish(mention: list, end: int, out: list[dict]) -> None:
    kind, start, proper = mention
    covered = sum(e - s for s, e in proper)
    if kind in GUM_TYPES and proper and covered >= NAMED_SHARE * (end - start - 4):
        out.append({"start": start, "end": end, "type": GUM_TYPES[kind],
                    "proper": [proper[0][0], proper[-1][1]]})
