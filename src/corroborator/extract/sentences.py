"""Sentence splitting for news text, robust to titles, initials and quotes.

Rules, not a model: a candidate boundary is a ``.``, ``!`` or ``?`` (possibly followed by
closing quotes or brackets) then whitespace and an upper-case letter, digit or opening
quote. Boundaries after known abbreviations ("Brig. Gen.", "U.S.", "Jan.") and single
initials ("William H. Seely") are not sentence ends. Paragraph breaks always are.
Bylines, datelines and boilerplate lines ("Read the original article.") are dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import regex

ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof sr jr st mt ft gen lt col maj capt cpt sgt cpl pvt adm cmdr brig
    gov sen rep reps sens pres supt insp det rev hon amb atty gens
    co corp inc ltd llc bros dept univ assn est no nos vol vs etc al approx fig
    jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thur thurs fri sat sun
    ala ariz ark calif colo conn del fla ga ill ind kan ky la md mass mich minn miss mo mont
    neb nev okla ore pa tenn tex va vt wash wis wyo""".split()
)
# Abbreviations that never end a sentence (titles precede a name).
TITLES = frozenset(
    "mr mrs ms dr prof gen lt col maj capt cpt sgt cpl pvt adm cmdr brig gov sen rep "
    "supt insp det rev hon amb atty st mt ft".split()
)

BOILERPLATE = re.compile(
    r"^(read the original article|article posted with permission|this (story|article) "
    r"(was|has been) (distributed|published|republished|updated)|click here|subscribe|"
    r"sign up for|share this|follow us|all rights reserved|copyright|©|advertisement|"
    r"related:|watch:|photo:|image:|editor'?s note)",
    re.IGNORECASE,
)
DATELINE = re.compile(
    r"^(?P<place>[A-Z][A-Za-z .'-]{1,40}(?:, [A-Z][A-Za-z .'-]{1,30}){0,2}"
    r"(?:,? (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.? \d{1,2})?)"
    r"\s*(?:\([^)]{1,30}\))?\s*[—–-]{1,2}\s+"
)
# A run of marks is matched once, from its first mark, with possessive quantifiers: a
# 100,000-character run of "." costs one linear scan, not a quadratic backtrack.
# Any script's capitals (or caseless letters) may open the next sentence.
_BOUNDARY = regex.compile(
    r"(?<![.!?…])[.!?…]++[\"'”’)\]]*+(?=\s+[\"'“‘(\[]?[\p{Lu}\p{Lo}\p{Nd}])")
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.]*)\.$")
_PARAGRAPH = re.compile(r"\n\s*\n|\r\n\s*\r\n")
MAX_SENTENCE_CHARS = 2000


@dataclass(frozen=True)
class Span:
    """A sentence as character offsets into the body, with its text."""

    start: int
    end: int
    text: str


def split_sentences(text: str) -> list[Span]:
    """Split a body into sentences, keeping offsets; drops boilerplate paragraphs."""
    spans: list[Span] = []
    for p_start, p_end in _paragraphs(text):
        paragraph = text[p_start:p_end]
        if _is_boilerplate(paragraph):
            continue
        for s, e in _split_paragraph(paragraph):
            spans.extend(_span(text, p_start + s, p_start + e))
    return spans


def _paragraphs(text: str) -> list[tuple[int, int]]:
    out, pos = [], 0
    for match in _PARAGRAPH.finditer(text):
        out.append((pos, match.start()))
        pos = match.end()
    out.append((pos, len(text)))
    return [(s, e) for s, e in out if text[s:e].strip()]


def _is_boilerplate(paragraph: str) -> bool:
    stripped = paragraph.strip()
    return bool(BOILERPLATE.match(stripped)) and len(stripped) < 300


def _split_paragraph(paragraph: str) -> list[tuple[int, int]]:
    cuts, start = [], 0
    for match in _BOUNDARY.finditer(paragraph):
        if _is_abbreviation(paragraph, match.start(), match.group()):
            continue
        cuts.append((start, match.end()))
        start = match.end()
    cuts.append((start, len(paragraph)))
    return cuts


def _is_abbreviation(paragraph: str, dot_at: int, mark: str) -> bool:
    """True if the period at `dot_at` belongs to an abbreviation or an initial."""
    if not mark.startswith("."):
        return False
    if len(mark) > 1 and mark[1] in ".…":
        return False  # an ellipsis ends a sentence when a capital follows
    head = paragraph[max(0, dot_at - 20):dot_at + 1]
    match = _WORD_BEFORE.search(head)
    if not match:
        return False
    word = match.group(1)
    lower = word.lower().rstrip(".")
    if lower in TITLES:
        return True
    if len(word) == 1 and word.isupper():
        return True  # an initial: "William H. Seely"
    if "." in word:
        return _dotted_abbreviation_continues(paragraph, dot_at)  # "U.S." mid-sentence
    return lower in ABBREVIATIONS and _next_word_is_lower_or_name(paragraph, dot_at)


def _dotted_abbreviation_continues(paragraph: str, dot_at: int) -> bool:
    """After "U.S." a sentence continues unless a typical sentence opener follows."""
    nxt = paragraph[dot_at + 1:dot_at + 30].split()
    if not nxt:
        return False
    return nxt[0].strip("\"'“‘") not in SENTENCE_OPENERS


def _next_word_is_lower_or_name(paragraph: str, dot_at: int) -> bool:
    nxt = paragraph[dot_at + 1:dot_at + 30].split()
    if not nxt:
        return False
    word = nxt[0].strip("\"'“‘(")
    return bool(word) and (word[0].isdigit() or word not in SENTENCE_OPENERS)


SENTENCE_OPENERS = frozenset(
    "The A An In On At But And However He She It They We I This That These Those There "
    "Meanwhile After Before When While As If Yet So Still Its His Her Their Our Officials "
    "Soon Then Now Some Many Most No Yes What Who Why How".split()
)


def _span(text: str, start: int, end: int) -> list[Span]:
    """Trim whitespace; chop pathological sentences so later stages stay linear."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start >= end:
        return []
    if end - start <= MAX_SENTENCE_CHARS:
        return [Span(start, end, " ".join(text[start:end].split()))]
    pieces = []
    for s in range(start, end, MAX_SENTENCE_CHARS):
        e = min(end, s + MAX_SENTENCE_CHARS)
        pieces.append(Span(s, e, " ".join(text[s:e].split())))
    return pieces


def strip_dateline(sentence: str) -> tuple[str, str | None]:
    """Split "Baghdad, Iraq — On Sunday, ..." into the sentence and its dateline place."""
    match = DATELINE.match(sentence)
    if not match or len(match.group("place").split()) > 5:
        return sentence, None
    return sentence[match.end():], match.group("place").strip()
