"""Numbers, money, percentages and dates, normalised; relative dates resolved.

Each mention keeps a short `context` (the noun after a number, e.g. "jobs" in "1,200
jobs"), so the same quantity can be lined up across articles.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from corroborator.models import Mention

SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "m": 1e6,
          "bn": 1e9, "k": 1e3}
WORD_NUMBERS = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
    "ninety": 90, "hundred": 100, "dozen": 12,
}
MONTHS = {m: i for i, m in enumerate(
    "january february march april may june july august september october november december"
    .split(), start=1)}
MONTH_ABBR = {m[:3]: i for m, i in MONTHS.items()} | {"sept": 9}
WEEKDAYS = {d: i for i, d in enumerate(
    "monday tuesday wednesday thursday friday saturday sunday".split())}

_MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December|Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|Dec\.?)"
_DATE_MDY = re.compile(rf"\b(?P<m>{_MONTH})\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<y>\d{{4}}))?\b")
_DATE_DMY = re.compile(rf"\b(?P<d>\d{{1,2}})\s+(?P<m>{_MONTH})(?:\s+(?P<y>\d{{4}}))?\b")
_DATE_ISO = re.compile(r"\b(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})\b")
_RELATIVE = re.compile(
    r"\b(?:(?P<when>last|this|next|on|since|by|until)\s+)?(?P<day>Monday|Tuesday|Wednesday|"
    r"Thursday|Friday|Saturday|Sunday)\b|\b(?P<word>yesterday|today|tomorrow|last week|"
    r"last month|last year)\b",
    re.IGNORECASE,
)
_NUMBER = re.compile(
    r"(?P<cur>[$€£])?\s?(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"(?:\s?(?P<scale>thousand|million|billion|trillion|bn|m|k)\b)?"
    r"(?P<pct>\s?(?:%|percent\b|per cent\b))?"
    r"(?:\s+(?P<unit>[a-zA-Z][a-zA-Z\-]{2,}(?:\s+[a-z][a-z\-]{2,})?))?"
)
_WORD_NUMBER = re.compile(
    r"\b(?P<word>" + "|".join(k for k in WORD_NUMBERS if k not in ("hundred", "dozen"))
    + r")\s+(?P<unit>[a-z][a-z\-]{2,}(?:\s+[a-z][a-z\-]{2,})?)\b", re.IGNORECASE,
)
UNIT_STOPWORDS = frozenset(
    "and or the of to in on at for from by with as is was were are different more other "
    "additional new further extra separate".split()
)


def find_mentions(article_id: str, sentence: str, index: int,
                  published: str | None = None) -> list[Mention]:
    """Numbers and dates in one sentence; dates resolved against `published` if given."""
    anchor = _parse_iso_date(published)
    dates = _dates(article_id, sentence, index, anchor)
    taken = [(m.context_start, m.context_end) for m in dates]
    numbers = _numbers(article_id, sentence, index, taken)
    return [m.mention for m in dates] + numbers


class _Found:
    def __init__(self, mention: Mention, start: int, end: int) -> None:
        self.mention, self.context_start, self.context_end = mention, start, end


def _dates(article_id: str, sentence: str, index: int, anchor: date | None) -> list[_Found]:
    found = []
    for pattern in (_DATE_MDY, _DATE_DMY, _DATE_ISO):
        for m in pattern.finditer(sentence):
            if any(f.context_start <= m.start() < f.context_end for f in found):
                continue
            value = _absolute_date(m, anchor)
            if value:
                found.append(_Found(Mention(article_id, m.group(), "date", value, index),
                                    m.start(), m.end()))
    for m in _RELATIVE.finditer(sentence):
        value = _relative_date(m, anchor)
        found.append(_Found(Mention(article_id, m.group(), "date", value, index,
                                    unit=None if value else "unresolved"), m.start(), m.end()))
    return found


def _absolute_date(m: re.Match, anchor: date | None) -> str | None:
    month = _month_number(m.group("m"))
    day, year = int(m.group("d")), m.group("y")
    if not month or not 1 <= day <= 31:
        return None
    if year:
        return f"{int(year):04d}-{month:02d}-{day:02d}"
    if anchor:
        return f"{anchor.year:04d}-{month:02d}-{day:02d}"
    return f"--{month:02d}-{day:02d}"


def _month_number(text: str) -> int | None:
    if text.isdigit():
        return int(text) if 1 <= int(text) <= 12 else None
    low = text.lower().rstrip(".")
    return MONTHS.get(low) or MONTH_ABBR.get(low[:4] if low.startswith("sept") else low[:3])


def _relative_date(m: re.Match, anchor: date | None) -> str | None:
    if anchor is None:
        return None
    word = (m.group("word") or "").lower()
    offsets = {"yesterday": -1, "today": 0, "tomorrow": 1}
    if word in offsets:
        return (anchor + timedelta(days=offsets[word])).isoformat()
    if word:
        return None  # "last week" is a range, not a day
    target = WEEKDAYS[m.group("day").lower()]
    when = (m.group("when") or "on").lower()
    delta = (anchor.weekday() - target) % 7
    if when == "next":
        return (anchor + timedelta(days=(target - anchor.weekday()) % 7 or 7)).isoformat()
    if when == "last" and delta == 0:
        delta = 7
    return (anchor - timedelta(days=delta)).isoformat()


def _numbers(article_id: str, sentence: str, index: int,
             taken: list[tuple[int, int]]) -> list[Mention]:
    out = []
    for m in _NUMBER.finditer(sentence):
        if any(s <= m.start("num") < e for s, e in taken) or _is_year(m):
            continue
        value = float(m.group("num").replace(",", ""))
        if m.group("scale"):
            value *= SCALES[m.group("scale").lower()]
        kind = "money" if m.group("cur") else "percent" if m.group("pct") else "number"
        unit = _unit(m.group("unit"))
        end = m.end("pct") if m.group("pct") else m.end("scale") if m.group("scale") else m.end("num")
        text = sentence[m.start():end].strip() + (f" {unit}" if unit else "")
        out.append(Mention(article_id, text, kind, value, index, m.group("cur") or unit,
                           context=unit or ""))
    for m in _WORD_NUMBER.finditer(sentence):
        unit = _unit(m.group("unit"))
        if unit:
            out.append(Mention(article_id, m.group(), "number",
                               float(WORD_NUMBERS[m.group("word").lower()]), index, unit,
                               context=unit))
    return out


def _is_year(m: re.Match) -> bool:
    num = m.group("num")
    return (len(num) == 4 and num.isdigit() and 1800 <= int(num) <= 2100
            and not m.group("cur") and not m.group("pct") and not m.group("scale"))


def _unit(text: str | None) -> str | None:
    if not text:
        return None
    words = [w for w in text.lower().split() if w not in UNIT_STOPWORDS]
    return words[0] if words else None


def _parse_iso_date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None
