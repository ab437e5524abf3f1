"""Numbers, money, percentages and dates, normalised; quantities typed; relative dates resolved.

Each number becomes a typed quantity: what it counts (``head``, the lemma of the noun it
modifies: "more than 400 people aboard" counts "people", "$2 million" counts "dollar",
"34.9 percent of downstream traffic" counts "traffic"), whether the figure is exact,
approximate or a bound ("more than 400" is at least 400, "up to 50" at most 50, "about
200" approximate), and whether it is a total, a margin ("won by 203 votes") or a change
("gained 17 votes", "rose by 3%"). ``context`` keeps the first noun after the number, as
before.

Relative days resolve against the article's own date (a date line at the top of the body,
else its publication date): a weekday in past-tense reporting is the most recent such day
on or before that date ("Thursday" in a Thursday article is that day); in a future
clause ("will", "is to", "expected to") or after "next" it is the next such day on or
after it; "last Thursday" is strictly before.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from corroborator.models import Mention
from corroborator.text_norm import STOP_WORDS

SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "m": 1e6,
          "bn": 1e9, "k": 1e3}
WORD_NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90, "hundred": 100, "dozen": 12,
}
CURRENCIES = {"$": "dollar", "US$": "dollar", "€": "euro", "£": "pound", "¥": "yen"}
MONTHS = {m: i for i, m in enumerate(
    "january february march april may june july august september october november december"
    .split(), start=1)}
MONTH_ABBR = {m[:3]: i for m, i in MONTHS.items()} | {"sept": 9}
WEEKDAYS = {d: i for i, d in enumerate(
    "monday tuesday wednesday thursday friday saturday sunday".split())}
HEAD_WORDS = 4          # a head noun is found within this many words after the number
DATELINE_CHARS = 400    # the article's own date line is looked for this far into the body

_MONTH = (r"(?:January|February|March|April|May|June|July|August|September|October|November|"
          r"December|Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|"
          r"Dec\.?)")
_DATE_MDY = re.compile(rf"\b(?P<m>{_MONTH})\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?"
                       rf"(?:,?\s+(?P<y>\d{{4}}))?\b")
_DATE_DMY = re.compile(rf"\b(?P<d>\d{{1,2}})\s+(?P<m>{_MONTH})(?:\s+(?P<y>\d{{4}}))?\b")
_DATE_ISO = re.compile(r"\b(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})\b")
_DATELINE = re.compile(rf"^(?:(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday),?"
                       rf"\s+)?(?P<m>{_MONTH})\s+(?P<d>\d{{1,2}}),?\s+(?P<y>\d{{4}})\s*$",
                       re.MULTILINE)
_RELATIVE = re.compile(
    r"\b(?:(?P<when>last|this|next|on|since|by|until)\s+)?(?P<day>Monday|Tuesday|Wednesday|"
    r"Thursday|Friday|Saturday|Sunday)\b|\b(?P<word>yesterday|today|tomorrow|last week|"
    r"last month|last year)\b",
    re.IGNORECASE,
)
_FUTURE = re.compile(
    r"\b(?:will|shall|won't|'ll|’ll|(?:is|are|was|were) (?:due |set |scheduled |expected )?to"
    r"(?! have)|to be (?:held|announced|released|launched)|scheduled|plans? to|planning to|"
    r"going to|upcoming|expected to|set to|due to)\b",
    re.IGNORECASE,
)
_NUMBER = re.compile(
    r"(?P<cur>US\$|[$€£¥])?\s?(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"(?:\s?(?P<scale>thousand|million|billion|trillion|bn|m|k)\b)?"
    r"(?P<pct>\s?(?:%|percent\b|per cent\b))?"
)
_WORD_NUMBER = re.compile(
    r"\b(?P<word>" + "|".join(k for k in WORD_NUMBERS if k not in ("hundred", "dozen"))
    + r")(?:\s+(?P<scale>thousand|million|billion))?\b(?!-)", re.IGNORECASE,
)
_WORD = re.compile(r"[^\W\d_](?:[\w’'-]|\.(?=\w))*|\d(?:[\d,]|\.(?=\d))*|[^\w\s]")
_AT_LEAST = re.compile(r"\b(?:more than|over|at least|upwards of|in excess of|no fewer than|"
                       r"no less than|above|exceeding|a minimum of|north of)\s*$", re.IGNORECASE)
_AT_MOST = re.compile(r"\b(?:up to|fewer than|less than|under|at most|no more than|"
                      r"as many as|as much as|a maximum of|below|as few as)\s*$", re.IGNORECASE)
_APPROX = re.compile(r"\b(?:about|around|approximately|roughly|some|nearly|almost|"
                     r"an estimated|estimated|close to|circa|or so)\s*$|~\s*$", re.IGNORECASE)
_RANGE_AFTER = re.compile(r"^\s*(?:to|or|-|–)\s*(?:\$|€|£)?\d|^\s*(?:to|or)\s+(?:"
                          + "|".join(WORD_NUMBERS) + r")\b", re.IGNORECASE)
_MARGIN = re.compile(r"\b(?:won|win|wins|winning|lead|leads|led|leading|beat|beats|defeated|"
                     r"edged|ahead|trail(?:s|ed|ing)?|lost|loses)\s+(?:\w+\s+){0,2}?by\s+"
                     r"(?:about |around |nearly |more than |just |only )?\W?$|"
                     r"\b(?:margin|lead|majority) of\s+(?:about |around |nearly |more than |"
                     r"just |only )?\W?$", re.IGNORECASE)
_CHANGE = re.compile(r"\b(?:rose|rise|rises|rising|fell|fall|falls|falling|increased?|"
                     r"increases|increasing|decreased?|decreases|gained?|gains|dropped|drops?|"
                     r"climbed|climbs?|grew|grows?|jumped|jumps?|declined?|declines|slid|"
                     r"slipped|surged|soared|plunged|plummeted|shrank|added|cut|raised|"
                     r"reduced|lowered|up|down)\s+(?:by\s+)?(?:about |around |nearly |more than "
                     r"|almost |some )?\W?$|\b(?:an? )?(?:increase|rise|drop|decline|fall|gain|"
                     r"jump|cut|reduction) of\s+(?:about |around |nearly |more than )?\W?$",
                     re.IGNORECASE)
NOT_HEADS = frozenset("""total prior ago later earlier nearly aboard away including think
    thinks believe believes""".split())   # besides stop words: never the noun a number counts
# Stop words that may still open a counted noun's phrase ("three full work days").
HEAD_ADJECTIVES = frozenset("full whole empty serious top bottom front side part".split())
IRREGULAR = {"people": "people", "men": "man", "women": "woman", "children": "child",
             "feet": "foot", "teeth": "tooth", "mice": "mouse", "geese": "goose",
             "persons": "person", "police": "police", "data": "data", "media": "media",
             "aircraft": "aircraft", "series": "series", "species": "species",
             "news": "news", "lives": "life", "wives": "wife", "knives": "knife",
             "dollars": "dollar", "euros": "euro", "pounds": "pound", "yen": "yen",
             "buses": "bus", "gases": "gas", "viruses": "virus", "bonuses": "bonus",
             "campuses": "campus", "censuses": "census", "crises": "crisis",
             "analyses": "analysis", "theses": "thesis", "statuses": "status"}
NO_HEAD_UNITS = frozenset("percent per cent".split())


def find_mentions(article_id: str, sentence: str, index: int,
                  published: str | date | None = None) -> list[Mention]:
    """Numbers and dates in one sentence; dates resolved against `published` if given."""
    anchor = published if isinstance(published, date) else _parse_iso_date(published)
    dates = _dates(article_id, sentence, index, anchor)
    taken = [(m.context_start, m.context_end) for m in dates]
    numbers = _numbers(article_id, sentence, index, taken)
    return [m.mention for m in dates] + numbers


def article_date(body: str, published: str | None) -> date | None:
    """The article's own date: a date line near the top of the body ("Friday, May 8,
    2009"), else its publication date."""
    match = _DATELINE.search(body[:DATELINE_CHARS])
    if match:
        month = _month_number(match.group("m"))
        try:
            return date(int(match.group("y")), month or 0, int(match.group("d")))
        except ValueError:
            pass
    return _parse_iso_date(published)


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
        value = _relative_date(m, anchor, sentence)
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


def _relative_date(m: re.Match, anchor: date | None, sentence: str) -> str | None:
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
    ahead = (target - anchor.weekday()) % 7
    if when == "next":
        return (anchor + timedelta(days=ahead or 7)).isoformat()
    if when != "last" and _future_clause(sentence, m.start()):
        return (anchor + timedelta(days=ahead)).isoformat()
    back = (anchor.weekday() - target) % 7
    if when == "last" and back == 0:
        back = 7
    return (anchor - timedelta(days=back)).isoformat()


def _future_clause(sentence: str, at: int) -> bool:
    """A future cue in the clause around the weekday ("will meet on Friday")."""
    start = max(sentence.rfind(", ", 0, at), sentence.rfind(";", 0, at), at - 80, 0)
    return bool(_FUTURE.search(sentence[start:at + 20]))


def _numbers(article_id: str, sentence: str, index: int,
             taken: list[tuple[int, int]]) -> list[Mention]:
    out = []
    for m in _NUMBER.finditer(sentence):
        if any(s <= m.start("num") < e for s, e in taken) or _is_year(m) or _in_word(sentence, m):
            continue
        value = float(m.group("num").replace(",", ""))
        if m.group("scale"):
            value *= SCALES[m.group("scale").lower()]
        kind = "money" if m.group("cur") else "percent" if m.group("pct") else "number"
        out.append(_mention(article_id, sentence, index, m, value, kind))
    for m in _WORD_NUMBER.finditer(sentence):
        if any(s <= m.start() < e for s, e in taken) or _hyphen_before(sentence, m.start()):
            continue
        value = float(WORD_NUMBERS[m.group("word").lower()])
        if m.group("scale"):
            value *= SCALES[m.group("scale").lower()]
        if value == 1 and not m.group("scale"):
            continue  # "one witness said": an article, not a count
        mention = _mention(article_id, sentence, index, m, value, "number")
        if mention.head or m.group("scale"):
            out.append(mention)
    return out


def _mention(article_id: str, sentence: str, index: int, m: re.Match, value: float,
             kind: str) -> Mention:
    end = m.end()
    after = sentence[end:]
    if after.startswith("-") and re.match(r"-[^\W\d_]+", after):  # "500-pound", "2-inch"
        unit_word = re.match(r"-([^\W\d_]+)", after).group(1)
        head, noun = _lemma(unit_word), unit_word
        end += 1 + len(unit_word)
        if head in ("year", "month", "day", "week") and re.match(r"-\w+-old", after):
            head = None  # an age, "81-year-old"
    else:
        noun = _head_noun(after, kind)
        head = _lemma(noun) if noun else None
    if kind == "money":
        head = CURRENCIES.get(m.group("cur"), head)
    elif kind == "percent" and head is None:
        head = "percent"
    start = m.start("cur") if "cur" in m.groupdict() and m.group("cur") else (
        m.start("num") if "num" in m.groupdict() else m.start())
    before = sentence[max(0, start - 40):start]
    text = sentence[start:end].strip() + (f" {noun}" if noun and kind == "number"
                                           and noun not in sentence[start:end] else "")
    unit = (m.group("cur") if kind == "money" else None) or (noun.lower() if noun else None)
    return Mention(article_id, text, kind, value, index, unit, context=(noun or "").lower(),
                   head=head, bound=_bound(before, sentence[end:end + 12]),
                   aspect=_aspect(before))


def _head_noun(after: str, kind: str) -> str | None:
    """The noun a number modifies: the last word of the noun phrase right after it (after
    "of" for a percentage), stopping at a function word, verb or punctuation."""
    words = _WORD.findall(after[:120])
    if kind == "percent" and words[:1] == ["of"]:
        words = words[1:]
    elif kind == "percent":
        return words[0] if words and _nounish(words[0]) else None
    while words and words[0].lower() in ("of", "the", "a", "an") and kind != "number":
        words = words[1:]
    if words and words[0].lower() in SCALES:
        words = words[1:]
    if words and words[0].lower() in ("to", "or", "and", "-", "–"):  # "30 to 40 people"
        words = words[2:] if len(words) > 1 and _is_number(words[1]) else []
    if words[:1] == ["of"] and kind == "number":
        words = words[1:]
        while words and words[0].lower() in ("the", "a", "an", "‘", "'", "“", '"'):
            words = words[1:]
    phrase: list[str] = []
    for word in words[:HEAD_WORDS]:
        if not _nounish(word):
            break
        phrase.append(word.strip("’'"))
    plural = next((w for w in phrase if _plural(w)), None)
    return plural or (phrase[-1] if phrase else None)


def _plural(word: str) -> bool:
    low = word.lower()
    return low in IRREGULAR or (low.endswith("s") and not low.endswith(("ss", "us", "is"))
                                and len(low) > 3)


def _nounish(word: str) -> bool:
    low = word.lower().strip("’'")
    return (bool(low) and low[0].isalpha()
            and (low not in STOP_WORDS or low in HEAD_ADJECTIVES)
            and low not in NOT_HEADS
            and not (low.endswith("ed") and len(low) > 4 and low not in ("hundred",))
            and low not in NO_HEAD_UNITS)


def _is_number(word: str) -> bool:
    return word[:1].isdigit() or word.lower() in WORD_NUMBERS


def _lemma(word: str) -> str:
    """A light English lemma for a counted noun: "people", "vote", "body", "inch"."""
    low = word.strip("’'").lower()
    keep_case = word[:1].isupper() and not word.isupper()
    if low in IRREGULAR:
        base = IRREGULAR[low]
    elif low.endswith("ies") and len(low) > 4:
        base = low[:-3] + "y"
    elif low.endswith(("sses", "xes", "ches", "shes", "zes")):
        base = low[:-2]
    elif low.endswith("s") and not low.endswith(("ss", "us", "is")) and len(low) > 3:
        base = low[:-1]
    else:
        base = low
    return base[:1].upper() + base[1:] if keep_case else base


def _bound(before: str, after: str) -> str:
    if _AT_LEAST.search(before) or re.match(r"^\s*(?:or more|-plus|\+)", after):
        return "at_least"
    if _AT_MOST.search(before) or re.match(r"^\s*or (?:fewer|less)", after):
        return "at_most"
    if _APPROX.search(before) or _RANGE_AFTER.match(after) or re.search(
            r"\b(?:\d+|" + "|".join(WORD_NUMBERS) + r")\s*(?:to|or|-|–)\s*$", before,
            re.IGNORECASE):
        return "approximate"
    return "exact"


def _aspect(before: str) -> str:
    if _MARGIN.search(before):
        return "margin"
    if _CHANGE.search(before):
        return "change"
    return "total"


def _is_year(m: re.Match) -> bool:
    num = m.group("num")
    return (len(num) == 4 and num.isdigit() and 1800 <= int(num) <= 2100
            and not m.group("cur") and not m.group("pct") and not m.group("scale"))


def _in_word(sentence: str, m: re.Match) -> bool:
    """Digits inside a word or code ("F-250", "MI5", "9/11", "2:20") are not quantities."""
    start = m.start("num") if not m.group("cur") else m.start()
    prev = sentence[start - 1:start]
    nxt = sentence[m.end():m.end() + 1]
    return (bool(prev) and (prev.isalnum() or prev in "-/:#@_")) or (
        bool(nxt) and (nxt.isalpha() or nxt in "/:@_") and not m.group("pct")
        and not m.group("scale"))


def _hyphen_before(sentence: str, at: int) -> bool:
    return at > 0 and sentence[at - 1] in "-–"


def _parse_iso_date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None
