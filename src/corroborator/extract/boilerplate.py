"""Text on a news page that is not the article: removed before sentences are typed.

Credit lines ("Reporting by ...; Editing by ...", "... contributed to this report"),
embedded posts (a tweet's text with its "— Name (@handle) Month D, YYYY" signature,
``pic.twitter.com`` and ``t.co`` links), share / subscribe / gallery / comment prompts,
photo captions and credits, update and correction notes, scripts and ad code, and
headings (short lines without a full stop). Removed text is blanked with spaces, not
cut, so every character offset into the body still points at the same place.

Example:
    >>> clean = remove_boilerplate("The mill closed.\\nReporting by Ana Ruiz; Editing by Bo Li")
    >>> clean.text.strip()
    'The mill closed.'
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_EMBED_CHARS = 300   # a tweet, with its signature, fits in this
MAX_HEADING_WORDS = 12  # a line this short with no full stop is a heading or a caption
LEAD_IN_WORDS = 8       # "... was drawn by illustrator Ana Ruiz: <embedded post>"

_MONTH = (r"(?:January|February|March|April|May|June|July|August|September|October|"
          r"November|December)")
_SIGNATURE = re.compile(
    rf"[—–-]{{1,2}}\s*[^\n()]{{0,60}}\(@\w{{1,30}}\)\s+{_MONTH}\s+\d{{1,2}},\s+\d{{4}}")
_EMBED_LINK = re.compile(r"(?:https?://)?(?:pic\.twitter\.com|t\.co)/\w+")
_URL = re.compile(r"https?://\S+")
_HASHTAG = re.compile(r"(?<![\w&])#\w+")
_LINE_JUNK = re.compile(
    r"^\(?(?:additional |further )?(?:reporting|writing|editing|compiled|produced|research"
    r"|graphics?|photos?) by\b"
    r"|\bcontributed (?:reporting )?to this (?:report|story|article)\b"
    r"|;\s*editing by\b"
    r"|^with (?:news )?wire services$"
    r"|^\(?(?:photo|image|picture|pic|video|credit)s?(?: courtesy| credit| by)?\s*[:(]"
    r"|\((?:photo|image|picture)s? (?:courtesy|credit|by)\b[^)]*\)\s*$"
    r"|\bimage: [^.]{1,60}\.?$"
    r"|^\[(?:image|photo|video) via\b"
    r"|^getty\b|/ (?:getty images|ap|afp|reuters|epa)$"
    r"|^(?:follow|share|sign up|subscribe|click here|watch|view|read more|read the original"
    r"|related|more stories|video loading|poll loading|please enable javascript"
    r"|have something to add|for more,|be sure to|for mobile users|using a mobile device"
    r"|sorry,? we are not|advertisement|comments|last update|update\b|correction:"
    r"|claim: |example: |next story|previous story|print this|email this"
    r"|all rights reserved|copyright|©)"
    r"|\bclick here\b|\bview (?:all )?(?:photos|gallery)\b|\ball rights reserved\b"
    r"|^(?:false|true|mixture|unproven|mostly (?:true|false))$"
    r"|^by [a-z .'-]+ \|",
    re.IGNORECASE,
)
_CODE = re.compile(r"^\s*(?:<!--|//|var \w+\s*=)|\bfunction\s*\(|[{}].*;|;.*[{}]|(?:\w+ = [^;]+; ){2}")
_EMAIL_LINE = re.compile(r"^\S+@\S+\.\w+\b")
_TERMINAL = re.compile(r"(?:[.!?…:;]|[.!?][\"'”’)\]]+)\s*$")


@dataclass(frozen=True)
class CleanText:
    """A body with its non-article text blanked, and how many stretches were blanked."""

    text: str
    removed: int


def remove_boilerplate(text: str) -> CleanText:
    """Blank the lines and embedded posts of `text` that are not article prose."""
    chars = list(text)
    removed = _blank_embeds(text, chars)
    lines = _lines(text)
    previous_kept_ends_sentence, previous_junk, after_byline = True, False, False
    for start, end in lines:
        line = "".join(chars[start:end]).strip()
        if not line:
            previous_kept_ends_sentence, previous_junk = True, False
            continue
        code_at = _code_after_prose(line)
        if code_at:
            _blank(chars, start + (len(chars[start:end]) - len("".join(chars[start:end]).lstrip()))
                   + code_at, end)
            removed += 1
            line = line[:code_at].strip()
        junk = after_byline or _is_junk_line(line) or (
            _is_heading(line) and (previous_kept_ends_sentence or previous_junk))
        after_byline = bool(re.match(r"^by [a-z .'-]+ \|", line, re.IGNORECASE))
        if junk:
            _blank(chars, start, end)
            removed += 1
        previous_junk = junk
        previous_kept_ends_sentence = junk or bool(_TERMINAL.search(line))
    return CleanText("".join(chars), removed)


def _lines(text: str) -> list[tuple[int, int]]:
    out, pos = [], 0
    for match in re.finditer(r"\n", text):
        out.append((pos, match.start()))
        pos = match.end()
    out.append((pos, len(text)))
    return out


def _blank(chars: list[str], start: int, end: int) -> None:
    for i in range(start, end):
        if chars[i] != "\n":
            chars[i] = " "


_UNANCHORED = ("contributed", "editing by", "image:", "photo", "picture", "click here", "view ",
               "rights reserved", "/ ", "{", "}", ";", "function", "@", "#", "t.co/",
               "pic.twitter", "wire services", "(", "[", "=", "©")


def _is_junk_line(line: str) -> bool:
    low = line.lower()
    if len(line) > 400 and not any(k in low for k in _UNANCHORED):
        return False  # a long line of prose: nothing below can match
    if _LINE_JUNK.search(line) or _CODE.search(line) or _EMAIL_LINE.match(line):
        return True
    short = len(line) <= MAX_EMBED_CHARS
    if short and (_EMBED_LINK.search(line) or len(_HASHTAG.findall(line)) >= 2):
        return True
    return short and "@" in line and bool(re.search(r"(?<!\w)@\w+", line)) and bool(
        _URL.search(line) or _HASHTAG.search(line))


_CODE_START = re.compile(r"(?<=[.!?”\"])\s+(?=\S*(?:\(function|\{|<!--|var \w+ ?=|\w+\.\w+\())")
PROSE_WORDS = 8


def _code_after_prose(line: str) -> int:
    """Where script code starts after real prose on the same line (0 if it does not)."""
    match = _CODE_START.search(line)
    if match is None or not _CODE.search(line[match.end():]):
        return 0
    return match.end() if len(line[:match.start()].split()) >= PROSE_WORDS else 0


def _is_heading(line: str) -> bool:
    return len(line.split()) <= MAX_HEADING_WORDS and not _TERMINAL.search(line)


def _blank_embeds(text: str, chars: list[str]) -> int:
    """Blank each embedded post: from the line start (or after a long lead-in ending in a
    colon, or the previous signature) to the end of its signature; a signature alone on
    its line takes the short paragraph above it (the post's text) with it."""
    count, last_end = 0, 0
    for match in _SIGNATURE.finditer(text):
        line_start = text.rfind("\n", 0, match.start()) + 1
        start = max(line_start, last_end)
        colon = text.rfind(": ", start, match.start())
        if colon > start and len(text[start:colon].split()) >= LEAD_IN_WORDS:
            start = colon + 1
        if not text[line_start:match.start()].strip():
            start = _previous_short_paragraph(text, line_start)
        _blank(chars, start, match.end())
        last_end = match.end()
        count += 1
    for match in _EMBED_LINK.finditer(text):
        _blank(chars, match.start(), match.end())
    return count


def _previous_short_paragraph(text: str, line_start: int) -> int:
    """The start of the paragraph just above `line_start` if it is post-sized."""
    before = text[:line_start].rstrip()
    start = max(before.rfind("\n\n"), before.rfind("\n")) + 1
    return start if len(before) - start <= MAX_EMBED_CHARS else line_start
