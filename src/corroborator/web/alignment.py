"""Sentence alignment for the side-by-side view of two articles.

Sentences of both articles are paired by the project's one aligner
(:func:`corroborator.align.align_pair`: same statements and conflicting ones), one
partner each, strongest first. Within each aligned pair, numbers and names that differ are marked, and quotes
that both articles carry are highlighted wherever they appear.

This module needs no web extra: :func:`corroborator.views.compare_view` uses it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from corroborator.models import Article, Extraction

MIN_SHARED_QUOTE = 12  # characters: shorter quoted fragments are too common to be telling
NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
QUOTED = re.compile(r"[\"\u201c]([^\"\u201d]{" + str(MIN_SHARED_QUOTE) + r",})[\"\u201d]")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'\u201c(]?[A-Z0-9])")

Mark = tuple[str, str]  # (substring, kind): kind is "quote" or "diff"
Name = tuple[str, str, str]  # (surface text, casefolded canonical, label)


def align_articles(first: Article, ext_a: Extraction, second: Article,
                   ext_b: Extraction) -> dict[str, Any]:
    """Align two articles' sentences; return ``{rows, shared_quotes, differences}``."""
    sents_a, sents_b = _sentences(first, ext_a), _sentences(second, ext_b)
    pairs = _pair(sents_a, sents_b, ext_a, ext_b)
    shared = _shared_quotes(sents_a, ext_a, sents_b, ext_b)
    marks_a: dict[int, list[Mark]] = defaultdict(list)
    marks_b: dict[int, list[Mark]] = defaultdict(list)
    differences = []
    for ia, ib, _ in pairs:
        found = _pair_differences(sents_a[ia], ext_a, sents_b[ib], ext_b)
        for kind, only_a, only_b in found:
            marks_a[ia] += [(v, "diff") for v in only_a]
            marks_b[ib] += [(v, "diff") for v in only_b]
            differences.append({"kind": kind, "a_sentence": sents_a[ia]["index"],
                                "b_sentence": sents_b[ib]["index"], "a": only_a, "b": only_b})
    _mark_quotes(sents_a, [q["a"] for q in shared], marks_a)
    _mark_quotes(sents_b, [q["b"] for q in shared], marks_b)
    rows = _rows(sents_a, sents_b, pairs)
    for row in rows:
        for side, marks in (("a", marks_a), ("b", marks_b)):
            if row[side] is not None:
                position = row.pop(f"_{side}")
                row[side] = row[side] | {"segments": segments(row[side]["text"],
                                                              marks[position])}
    return {"rows": rows, "shared_quotes": shared, "differences": differences}


def segments(text: str, marks: Sequence[Mark]) -> list[dict[str, Any]]:
    """Split `text` into ``{text, mark}`` parts, `mark` None or the kind of the first match."""
    spans = []
    for needle, kind in marks:
        if not needle:
            continue
        found = re.search(re.escape(needle), text, flags=re.IGNORECASE)
        if found:
            spans.append((found.start(), found.end(), kind))
    parts, cursor = [], 0
    for start, end, kind in sorted(spans, key=lambda s: (s[0], -s[1])):
        if start < cursor:
            continue
        if start > cursor:
            parts.append({"text": text[cursor:start], "mark": None})
        parts.append({"text": text[start:end], "mark": kind})
        cursor = end
    if cursor < len(text) or not parts:
        parts.append({"text": text[cursor:], "mark": None})
    return parts


def _sentences(article: Article, ext: Extraction) -> list[dict[str, Any]]:
    if ext.sentences:
        return [{"index": s.index, "text": s.text} for s in ext.sentences]
    pieces = [p.strip() for line in article.text.splitlines() for p in SENTENCE_END.split(line)]
    return [{"index": i, "text": p} for i, p in enumerate(p for p in pieces if p)]


def _pair(sents_a: list[dict], sents_b: list[dict], ext_a: Extraction,
          ext_b: Extraction) -> list[tuple[int, int, float]]:
    """One-to-one pairs (positions in the lists) from the shared aligner, best first."""
    if not sents_a or not sents_b:
        return []
    from corroborator.align import align_pair, make_units
    from corroborator.embed import get_embedder
    from corroborator.models import Sentence

    def units(sents: list[dict], ext: Extraction):
        rows = [Sentence(ext.article_id, pos, s["text"], 0, 0) for pos, s in enumerate(sents)]
        index = {s["index"]: pos for pos, s in enumerate(sents)}
        mentions = [m for m in ext.mentions if m.sentence_index in index]
        return make_units(rows, [_at(m, index[m.sentence_index]) for m in mentions])

    embedder = get_embedder("fast")
    vec_a = embedder.encode([s["text"] for s in sents_a])
    vec_b = embedder.encode([s["text"] for s in sents_b])
    found = align_pair(units(sents_a, ext_a), units(sents_b, ext_b), vec_a, vec_b)
    used_a, used_b, pairs = set(), set(), []
    for pair in sorted(found, key=lambda p: -(p.score or p.cosine)):
        i, j = pair.a.sentence.index, pair.b.sentence.index
        if i not in used_a and j not in used_b:
            used_a.add(i)
            used_b.add(j)
            pairs.append((i, j, round(pair.cosine, 3)))
    return pairs


def _at(mention, position: int):
    from dataclasses import replace

    return replace(mention, sentence_index=position)


def _rows(sents_a: list[dict], sents_b: list[dict],
          pairs: list[tuple[int, int, float]]) -> list[dict[str, Any]]:
    """Rows in A's order; B's unpaired sentences appear just before the next B sentence shown."""
    partner = {i: (j, sim) for i, j, sim in pairs}
    paired_b = {j for _, j, _ in pairs}
    pending_b = [j for j in range(len(sents_b)) if j not in paired_b]
    rows: list[dict[str, Any]] = []

    def flush_b(before: int) -> None:
        while pending_b and pending_b[0] < before:
            j = pending_b.pop(0)
            rows.append({"a": None, "b": sents_b[j], "_b": j, "similarity": None})

    for i, sentence in enumerate(sents_a):
        if i in partner:
            j, sim = partner[i]
            flush_b(j)
            rows.append({"a": sentence, "b": sents_b[j], "_a": i, "_b": j, "similarity": sim})
        else:
            rows.append({"a": sentence, "b": None, "_a": i, "similarity": None})
    flush_b(len(sents_b))
    return rows


def _normal(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.casefold()).split())


def _quotes(sents: list[dict], ext: Extraction) -> list[str]:
    found = [q.text for q in ext.quotes if len(q.text) >= MIN_SHARED_QUOTE]
    for s in sents:
        found += QUOTED.findall(s["text"])
    return list(dict.fromkeys(found))


def _shared_quotes(sents_a: list[dict], ext_a: Extraction, sents_b: list[dict],
                   ext_b: Extraction) -> list[dict[str, str]]:
    """Quotes both articles carry (same words, ignoring case and punctuation)."""
    shared = []
    quotes_b = [(q, _normal(q)) for q in _quotes(sents_b, ext_b)]
    for qa in _quotes(sents_a, ext_a):
        na = _normal(qa)
        for qb, nb in quotes_b:
            if na and nb and (na == nb or (min(len(na), len(nb)) >= MIN_SHARED_QUOTE
                                           and (na in nb or nb in na))):
                shared.append({"a": qa, "b": qb})
                break
    return shared


def _mark_quotes(sents: list[dict], quotes: list[str], marks: dict[int, list[Mark]]) -> None:
    for position, sentence in enumerate(sents):
        low = sentence["text"].casefold()
        for quote in quotes:
            if quote.casefold() in low:
                marks[position].append((quote, "quote"))


def _pair_differences(sa: dict, ext_a: Extraction, sb: dict,
                      ext_b: Extraction) -> list[tuple[str, list[str], list[str]]]:
    """Numbers and names that differ between two aligned sentences (both must have some)."""
    out = []
    nums_a, nums_b = _numbers(sa["text"]), _numbers(sb["text"])
    if nums_a and nums_b and set(nums_a.values()) != set(nums_b.values()):
        only_a = [raw for raw, v in nums_a.items() if v not in nums_b.values()]
        only_b = [raw for raw, v in nums_b.items() if v not in nums_a.values()]
        out.append(("number", only_a, only_b))
    names_a, names_b = _names(sa, ext_a), _names(sb, ext_b)
    only_a, only_b = _name_changes(names_a, names_b), _name_changes(names_b, names_a)
    if only_a or only_b:
        out.append(("name", only_a, only_b))
    return out


def _name_changes(mine: set[Name], theirs: set[Name]) -> list[str]:
    """Names spelled differently in the other sentence, or replaced by another of the same kind."""
    their_canon = {c for _, c, _ in theirs}
    their_text = {t.casefold() for t, _, _ in theirs}
    my_canon = {c for _, c, _ in mine}
    changed = set()
    for text, canon, label in mine:
        if text.casefold() in their_text:
            continue
        if canon in their_canon or any(lb == label and cb not in my_canon for _, cb, lb in theirs):
            changed.add(text)
    return sorted(changed)


def _numbers(text: str) -> dict[str, str]:
    return {m: m.replace(",", "") for m in NUMBER.findall(text)}


def _names(sentence: dict, ext: Extraction) -> set[Name]:
    return {(e.text, e.canonical.casefold(), e.label) for e in ext.entities
            if e.sentence_index == sentence["index"] and e.text in sentence["text"]}
