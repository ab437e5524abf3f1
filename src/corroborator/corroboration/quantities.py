"""Typed quantities and dates compared the way a reader would.

Two figures are compared only when they count the same thing (kind, aspect, head noun or
unit: "214 passengers" and "more than 400 people aboard" are both counts of people; a
margin "by 203 votes" is not a gain "17 votes"), each as the interval its bound allows:
"more than 400" is [400, ∞), "about 200" is 200 ± 10 %, an exact figure allows rounding.
A weekday conflicts with a calendar date that does not fall on it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from datetime import date
from functools import lru_cache

from corroborator.models import Mention

APPROX_TOLERANCE = 0.10        # "about 200" covers 180..220
EXACT_TOLERANCE = 0.02         # rounding between two exact figures
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
KEPT_TEXTS = 16384     # texts whose time frame and weekdays are kept (read once per text)


CUMULATIVE = re.compile(r"\b(so far|to date|in total|a total of|since|altogether|overall|"
                        r"cumulative|in all|over the (?:past|last)|this year|to now)\b",
                        re.IGNORECASE)
ONE_DAY = re.compile(r"\b(today|yesterday|tonight|on (?:monday|tuesday|wednesday|thursday|"
                     r"friday|saturday|sunday)|on (?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|"
                     r"nov|dec)\w* \d{1,2}|in a single day|in one day|overnight|per day|a day|"
                     r"each day|daily)\b", re.IGNORECASE)


@lru_cache(maxsize=KEPT_TEXTS)
def time_frame(text: str) -> str | None:
    """``cumulative`` ("so far", "since"), ``day`` ("on Monday", "daily") or None (kept per
    text: a story weighs the same sentences against many claims)."""
    if CUMULATIVE.search(text):
        return "cumulative"
    if ONE_DAY.search(text):
        return "day"
    return None


def same_time_frame(text_a: str, text_b: str) -> bool:
    """False when one statement gives a running total and the other one day's figure
    ("more than 135 airstrikes so far" vs "four airstrikes on Monday"): their figures are
    not for the same fact."""
    a, b = time_frame(text_a), time_frame(text_b)
    return not (a and b and a != b)


def value_range(m: Mention) -> tuple[float, float] | None:
    """The interval a number mention allows, from its value and bound."""
    try:
        v = float(m.value)
    except (TypeError, ValueError):
        return None
    if m.bound == "at_least":
        return v, math.inf
    if m.bound == "at_most":
        return -math.inf, v
    tol = APPROX_TOLERANCE if m.bound == "approximate" else EXACT_TOLERANCE
    return v - abs(v) * tol, v + abs(v) * tol


def same_quantity(a: Mention, b: Mention) -> bool:
    """Two mentions count the same thing: same kind, aspect and head noun (or unit)."""
    if _kind(a.kind) != _kind(b.kind) or a.aspect != b.aspect or a.kind == "date":
        return False
    if a.kind in ("money", "percent"):
        return (a.unit or "") == (b.unit or "") and (a.head or "") == (b.head or "")
    if a.head and b.head:
        return a.head == b.head or _people(a.head) and _people(b.head)
    return bool(a.context) and a.context == b.context


def _kind(kind: str) -> str:
    return "count" if kind in ("number", "quantity") else kind


_PEOPLE = frozenset("people person passenger passengers resident residents civilian civilians "
                    "victim victims individual individuals".split())


def _people(head: str) -> bool:
    return head.casefold() in _PEOPLE


def quantity_conflict(a: Sequence[Mention], b: Sequence[Mention]) -> tuple[str, str] | None:
    """The first pair of figures for the same thing whose ranges cannot both hold (pairs
    with the very same head noun first); none when the other side also gives a compatible
    figure for it."""
    pairs = [(ma, mb) for ma in a for mb in b if same_quantity(ma, mb)]
    pairs.sort(key=lambda p: p[0].head != p[1].head)
    for ma, mb in pairs:
        ra, rb = value_range(ma), value_range(mb)
        if ra is None or rb is None:
            continue
        if _disjoint(ra, rb) and not _any_compatible(ma, b) and not _any_compatible(mb, a):
            return ma.text, mb.text
    return None


def _disjoint(a: tuple[float, float], b: tuple[float, float]) -> bool:
    return a[1] < b[0] or b[1] < a[0]


def _any_compatible(m: Mention, others: Sequence[Mention]) -> bool:
    """True when `others` also gives a figure for m's quantity that m allows."""
    r = value_range(m)
    for o in others:
        ro = value_range(o) if o.kind != "date" else None
        if r and ro and same_quantity(m, o) and not _disjoint(r, ro):
            return True
    return False


def weekday_conflict(a: Sequence[Mention], b: Sequence[Mention], text_a: str = "",
                     text_b: str = "") -> tuple[str, str] | None:
    """A weekday named on one side that the other side's calendar date does not fall on,
    as (side a's value, side b's value)."""
    for m in b:
        when = _calendar_date(m)
        if when and (days_a := _weekdays(text_a)) and WEEKDAYS[when.weekday()] not in days_a:
            return days_a[0].title(), m.text
    for m in a:
        when = _calendar_date(m)
        if when and (days_b := _weekdays(text_b)) and WEEKDAYS[when.weekday()] not in days_b:
            return m.text, days_b[0].title()
    return None


_LETTER_RUNS = re.compile(r"[A-Za-z]+")


@lru_cache(maxsize=KEPT_TEXTS)
def _weekdays(text: str) -> tuple[str, ...]:
    return tuple(w for w in _LETTER_RUNS.findall(text.casefold()) if w in WEEKDAYS)


def _calendar_date(m: Mention) -> date | None:
    """A date written with a day number and a year-resolvable value."""
    if m.kind != "date" or not any(ch.isdigit() for ch in m.text):
        return None
    try:
        return date.fromisoformat(str(m.value)[:10])
    except ValueError:
        return None


