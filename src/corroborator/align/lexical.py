"""Content words reduced to comparable "concepts": stems, plus a few news synonym classes.

Static sentence embeddings blur long news sentences together; the overlap of these
concepts (who, what happened, to whom) is the second, explainable half of deciding that
two sentences state the same thing.
"""

from __future__ import annotations

import re
from functools import lru_cache

STOPWORDS = frozenset(
    """a an the and or but if then so of to in on at by for with from as into onto over under
    about after before during while since until than that this these those there here it its
    is are was were be been being has have had do does did will would shall should can could
    may might must not no nor very just also only even still yet already more most much many
    some any all each every both either neither such own same other another which who whom
    whose what when where why how i me my we us our you your he him his she her they them
    their its one ones said says say told according reportedly mr ms mrs dr""".split()
)
SYNONYMS = {
    "LEAVE": "leave leaving left depart departure departing withdraw withdrawal withdrawing "
             "exit exiting expel expelled expelling oust ousted pull pullout evict evicted "
             "kick",
    "TROOPS": "troops troop forces force military soldiers army personnel",
    "KILL": "kill killed killing assassinate assassinated assassination slain dead death "
            "deaths died die dies dying fatalities",
    "DECIDE": "decision decide decided decides request requested ask asked demand demanded "
              "vote voted voting votes",
    "ORDER": "order ordered orders require required mandate mandated",
    "CONFIRM": "confirm confirmed confirms verify verified authenticate authenticity authentic",
    "DENY": "deny denied denies reject rejected dismiss dismissed refute refuted dispute "
            "disputed disputes contradict contradicted",
    "CLOSE": "close closed closing closure shut shutdown suspend suspended halt halted",
    "JOBS": "jobs job workers employees staff positions layoffs",
    "LETTER": "letter letters memo memorandum document note draft",
    "DEFY": "defy defies defied defying refuse refused refuses refusing flout flouted",
    "SAY": "state stated statement announce announced announcement",
    "PARLIAMENT": "parliament parliamentary lawmakers legislature congress assembly mps",
    "US": "u.s u.s. us usa america american americans washington",
}
PREDICATES = frozenset({"CONFIRM", "DENY", "LEAVE", "KILL", "DECIDE", "CLOSE", "SAY", "ORDER",
                        "DEFY"})
_CLASS = {word: name for name, words in SYNONYMS.items() for word in words.split()}
_TOKEN = re.compile(r"[A-Za-z][A-Za-z.'’\-]*|\d[\d,.]*")
_SUFFIXES = ("ations", "ation", "ments", "ment", "ings", "ing", "ies", "ied", "ed", "es", "s")


@lru_cache(maxsize=65536)
def concept(token: str) -> str | None:
    """The concept of one token, or None for a stopword."""
    low = token.lower().strip(".'’-")
    if low.endswith("’s") or low.endswith("'s"):
        low = low[:-2]
    if not low or low in STOPWORDS:
        return None
    if low[0].isdigit():
        return low.replace(",", "")
    stemmed = stem(low)
    return _CLASS.get(low) or _CLASS.get(stemmed) or stemmed


def stem(word: str) -> str:
    """A crude suffix-stripping stem, enough to match "voted" with "vote"."""
    if word.endswith(("ies", "ied")) and len(word) > 4:
        return word[:-3] + "y"
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


NOUN_SUFFIXES = ("ure", "ion", "ions", "ment", "ments", "al", "als")


def predicate_concepts(text: str) -> frozenset[str]:
    """Predicate concepts carried by verb-like words ("shut", "closes"), not by nouns
    ("closure", "decision"): what a headline asserts happens."""
    out = set()
    for token in _TOKEN.findall(text):
        c = concept(token)
        if c in PREDICATES and not token.lower().endswith(NOUN_SUFFIXES):
            out.add(c)
    return frozenset(out)


@lru_cache(maxsize=200_000)
def concepts(text: str) -> frozenset[str]:
    """The set of content concepts in `text` (cached: stories compare the same sentences
    many times)."""
    out = set()
    for token in _TOKEN.findall(text):
        c = concept(token)
        if c:
            out.add(c)
    return frozenset(out)
