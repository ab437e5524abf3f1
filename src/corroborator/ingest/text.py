"""Plain-text articles, and helpers every format shares (paragraphs, language, outlet).

The plain-text layout: the first non-empty line is the headline when it reads as
one (short, not a finished sentence, not the start of a wrapped paragraph); an
optional short byline line follows ("Matthew Petti", "By Jane Doe"); optionally a
short dateline; then the body, whose paragraphs are kept and joined by blank lines.
A file whose first line is prose (a one-paragraph wire item) is all body, with no
headline.
"""

from __future__ import annotations

import functools
import re

from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory
from langdetect.lang_detect_exception import LangDetectException

from corroborator.ingest.dates import find_date_in_text
from corroborator.ingest.options import input_error
from corroborator.models import Article

DetectorFactory.seed = 0

#: Fewest words for which language detection is attempted.
MIN_LANGUAGE_WORDS = 20
#: Characters of text handed to the language detector (more adds time, not accuracy).
LANGUAGE_SAMPLE_CHARS = 1000
#: Random restarts langdetect averages over (its default is 7; 3 agrees on news text
#: at about 60% of the cost, see bench/bench_ingest.py).
LANGUAGE_TRIALS = 3
#: Most words in a byline line, not counting a leading "By".
MAX_BYLINE_WORDS = 6
#: Most words in a line read as a dateline ("Published January 6, 2020").
MAX_DATELINE_WORDS = 8
#: Most words in a header line holding a byline and a date together.
MAX_HEADER_WORDS = MAX_BYLINE_WORDS + MAX_DATELINE_WORDS
#: Lines after the headline searched for a byline or dateline.
HEADER_LINES = 3
#: Most words in a first line read as a headline.
MAX_HEADLINE_WORDS = 25
#: Most characters in a first line read as a headline.
MAX_HEADLINE_CHARS = 250

_BLANK_LINE = re.compile(r"\n[ \t\f\v]*\n")
_SPACES = re.compile(r"[ \t\f\v\u00a0]+")
_BY = re.compile(r"^by\s+", re.IGNORECASE)
_SEPARATORS = re.compile(r"\s+[|·•—–-]\s+|\s*\|\s*")
_NAME_JOINERS = frozenset(
    {
        "and",
        "&",
        "de",
        "del",
        "della",
        "da",
        "di",
        "van",
        "von",
        "der",
        "den",
        "la",
        "le",
        "du",
        "al",
        "bin",
        "ibn",
        "y",
        "e",
        "st.",
        "jr.",
        "jr",
        "sr.",
    }
)
_MARKUP_EDGES = "#*_> \t"


def parse_text(text: str, source: str = "<text>") -> Article:
    """Parse one plain-text article.

    Args:
        text: The article: headline line, optional byline line, then the body.
        source: The input's name, kept in ``Article.source`` and used in errors.

    Returns:
        An `Article` with ``format="text"``; a dateline near the top becomes an
        unreliable ``published`` date.

    Raises:
        InputError: "no article text found" when there is no body after the headline.

    Example:
        >>> article = parse_text("Bridge reopens\\nBy Ana Ruiz\\n\\nThe bridge reopened.")
        >>> (article.title, article.byline, article.text)
        ('Bridge reopens', 'Ana Ruiz', 'The bridge reopened.')
    """
    lines = normalize_newlines(text).split("\n")
    start = _first_nonblank(lines, 0)
    if start is None:
        raise input_error(source, "no article text found")
    if not looks_like_headline(lines, start):
        return _untitled(lines[start:], source)
    title = _strip_markup(lines[start])
    byline, published, body_start = _read_header(lines, start + 1)
    body = split_paragraphs("\n".join(lines[body_start:]))
    if not body:
        raise input_error(source, "no article text found (only a headline)")
    return Article(
        text=body,
        title=title,
        byline=byline,
        published=published,
        date_reliable=False,
        language=detect_language(body),
        source=source,
        format="text",
        metadata={"date_source": "text"} if published else {},
    )


def looks_like_headline(lines: list[str], index: int) -> bool:
    """Whether line `index` reads as a headline: short, not ending like a sentence, and
    not continued by a lower-case line (a paragraph wrapped at a fixed width)."""
    line = _strip_markup(lines[index])
    words = line.split()
    if not words or len(words) > MAX_HEADLINE_WORDS or len(line) > MAX_HEADLINE_CHARS:
        return False
    if line.endswith((".", ",", ";")) and not line.endswith("..."):
        return False
    following = lines[index + 1].strip() if index + 1 < len(lines) else ""
    return not following[:1].islower() or looks_like_byline(following)


def _untitled(lines: list[str], source: str) -> Article:
    """An article without a headline: every line is body."""
    body = split_paragraphs("\n".join(lines))
    return Article(text=body, title="", language=detect_language(body), source=source,
                   format="text")


def split_paragraphs(text: str) -> str:
    """Tidy a body: paragraphs (blank-line blocks, else single lines) joined by blank lines."""
    text = normalize_newlines(text).strip()
    if not text:
        return ""
    if _BLANK_LINE.search(text):
        blocks = [" ".join(_clean_lines(block)) for block in _BLANK_LINE.split(text)]
    else:
        blocks = _clean_lines(text)
    return "\n\n".join(block for block in blocks if block)


def normalize_newlines(text: str) -> str:
    """Turn CRLF and lone CR into LF and drop a leading BOM character."""
    return text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


#: Share of the most common English function words above which text is taken as English
#: without running langdetect (news English sits near 0.35, other languages below 0.08).
ENGLISH_FUNCTION_WORD_SHARE = 0.22
_ENGLISH_FUNCTION_WORDS = frozenset(
    "the of and to in a is that for on was with as by it at from he said his be are were "
    "has have had its an this but not they which will who their would been".split()
)


def looks_english(text: str) -> bool:
    """A fast, conservative English check on function-word frequency."""
    words = text[:LANGUAGE_SAMPLE_CHARS].lower().split()
    if not words:
        return False
    hits = sum(1 for w in words if w.strip(".,;:!?\"'“”’()") in _ENGLISH_FUNCTION_WORDS)
    return hits / len(words) >= ENGLISH_FUNCTION_WORD_SHARE


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of `text`'s language, or None for short or undetectable text."""
    if len(text.split(None, MIN_LANGUAGE_WORDS)) < MIN_LANGUAGE_WORDS:
        return None
    if looks_english(text):
        return "en"
    try:
        detector = _detector_factory().create()
        detector.n_trial = LANGUAGE_TRIALS
        detector.append(text[:LANGUAGE_SAMPLE_CHARS])
        code = detector.detect()
    except LangDetectException:
        return None
    return None if code == "unknown" else code.split("-")[0]


@functools.cache
def _detector_factory() -> DetectorFactory:
    """langdetect's language profiles, loaded once, with a fixed seed for determinism."""
    factory = DetectorFactory()
    factory.load_profile(PROFILES_DIRECTORY)
    factory.set_seed(0)
    return factory


def outlet_from_url(url: str | None) -> str | None:
    """The registered domain of `url` (``news.bbc.co.uk`` -> ``bbc.co.uk``), as a fallback
    outlet name; hosts outside the Public Suffix List lose only ``www.`` and the port."""
    from corroborator.ingest.outlets import Site

    return Site.of(url).domain if url else None


def looks_like_byline(line: str) -> bool:
    """Whether a line reads as a byline: short, no final period, "By ..." or name-like."""
    line = _strip_markup(line)
    if not line or line[-1] in ".?!:;" or any(char.isdigit() for char in line):
        return False
    has_by = bool(_BY.match(line))
    words = _BY.sub("", line).replace(",", " ").split()
    if not words or len(words) > MAX_BYLINE_WORDS:
        return False
    return has_by or (len(words) >= 2 and all(_is_name_word(word) for word in words))


def clean_byline(line: str) -> str:
    """A byline without markup, a leading "By" and surrounding spaces."""
    return _BY.sub("", _strip_markup(line)).strip(" ,")


def _read_header(lines: list[str], index: int) -> tuple[str | None, str | None, int]:
    """Consume an optional byline and dateline after the headline; return where the body starts."""
    byline: str | None = None
    published: str | None = None
    for _ in range(HEADER_LINES):
        found = _first_nonblank(lines, index)
        if found is None:
            break
        line = _strip_markup(lines[found])
        if len(line.split()) > MAX_HEADER_WORDS or line.endswith("."):
            break
        parts = [part for part in _SEPARATORS.split(line) if part]
        name = parts[0] if parts and byline is None and looks_like_byline(parts[0]) else None
        date = _dateline(parts[1:] if name else parts)
        if name is None and date is None:
            break
        byline = clean_byline(name) if name else byline
        published = published or date
        index = found + 1
    return byline, published, index


def _dateline(parts: list[str]) -> str | None:
    """A date from short header fragments ("Published Jan 6, 2020"), or None."""
    for part in parts:
        if len(part.split()) <= MAX_DATELINE_WORDS:
            found = find_date_in_text(part)
            if found:
                return found
    return None


def _is_name_word(word: str) -> bool:
    """Whether a word can be part of a person's or desk's name."""
    return word.lower() in _NAME_JOINERS or word[:1].isupper()


def _first_nonblank(lines: list[str], start: int) -> int | None:
    """Index of the first non-blank line at or after `start`, or None."""
    for index in range(start, len(lines)):
        if lines[index].strip():
            return index
    return None


def _clean_lines(block: str) -> list[str]:
    """The non-empty lines of a block, stripped, with runs of spaces collapsed."""
    return [_SPACES.sub(" ", line).strip() for line in block.split("\n") if line.strip()]


def _strip_markup(line: str) -> str:
    """A line without Markdown heading/emphasis marks at its edges."""
    return _SPACES.sub(" ", line.strip(_MARKUP_EDGES)).strip()
