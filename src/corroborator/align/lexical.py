"""Content words reduced to comparable "concepts": stems, plus a few news synonym classes.

Stop words and stems come from :mod:`corroborator.text_norm` (spaCy's list, Porter).

Static sentence embeddings blur long news sentences together; the overlap of these
concepts (who, what happened, to whom) is the second, explainable half of deciding that
two sentences state the same thing.
"""

from __future__ import annotations

import re
from functools import lru_cache

from corroborator.text_norm import STOP_WORDS, stem

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
_CLASS = {key: name for name, words in SYNONYMS.items() for word in words.split()
          for key in (stem(word), word)}
_TOKEN = re.compile(r"[A-Za-z][A-Za-z.'’\-]*|\d[\d,.]*")


@lru_cache(maxsize=65536)
def concept(token: str) -> str | None:
    """The concept of one token, or None for a stopword."""
    low = token.lower().strip(".'’-")
    if low.endswith("’s") or low.endswith("'s"):
        low = low[:-2]
    if not low or low in STOP_WORDS:
        return None
    if low[0].isdigit():
        return low.replace(",", "")
    stemmed = stem(low)
    return _CLASS.get(low) or _CLASS.get(stemmed) or stemmed


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


def concept_sequence(text: str) -> list[str]:
    """The content concepts of `text` in reading order, repeats kept (for term counts and
    bigrams)."""
    return [c for c in map(concept, _TOKEN.findall(text)) if c]


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
