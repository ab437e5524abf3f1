"""English stop words and stems: the one source that every stage uses.

* Stop words are spaCy's English list plus a few words news reports use for attribution
  ("said", "according", "Mr"), less the words spaCy lists that carry content in a news
  claim: particles of phrasal verbs ("pull out", "shut down", "call off"), number words
  (a digit is a concept too) and bounds ("at least 12"). The list is read from spaCy's installed ``stop_words``
  module file rather than imported through the package: ``import spacy`` costs about two
  seconds (thinc and its dependencies), the file about a millisecond.
* Stems are the Porter stemmer from Snowball, through PyStemmer (C): "voted", "votes" and
  "voting" all become "vote". (Snowball's newer English stemmer measured no better on the
  verdict and corroboration benchmarks; see docs/benchmarks.md.)
"""

from __future__ import annotations

import importlib.util
import os.path
import sys
import threading
from types import ModuleType

ATTRIBUTION_WORDS = frozenset("said says say told according reportedly mr mrs ms dr".split())
CONTENT_WORDS = frozenset("""out off down up back two three four five six eight nine ten eleven
twelve fifteen twenty forty fifty sixty hundred first third least less few several""".split())
CALENDAR_WORDS = frozenset("""
monday tuesday wednesday thursday friday saturday sunday january february march april may
june july august september october november december today yesterday tomorrow
""".split())
PAGE_WORDS = frozenset("""
image images photo photos video read click share follow subscribe advertisement getty update
updated breaking news report reports
""".split())


def _spacy_stop_words() -> ModuleType:
    """spaCy's ``spacy.lang.en.stop_words`` module, without importing spaCy itself."""
    loaded = sys.modules.get("spacy.lang.en.stop_words")
    if loaded is not None:
        return loaded
    spacy = importlib.util.find_spec("spacy")
    if spacy is None or spacy.origin is None:
        raise ImportError("spaCy is not installed: its English stop-word list is needed")
    path = os.path.join(os.path.dirname(spacy.origin), "lang", "en", "stop_words.py")
    spec = importlib.util.spec_from_file_location("_corroborator_spacy_en_stop_words", path)
    if spec is None or spec.loader is None:
        raise ImportError(f"spaCy's English stop-word list is missing: {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


STOP_WORDS: frozenset[str] = (frozenset(_spacy_stop_words().STOP_WORDS) - CONTENT_WORDS
                              | ATTRIBUTION_WORDS)
"""Lower-cased English stop words (spaCy's, less content words) and attribution words."""

NOT_NAMES: frozenset[str] = STOP_WORDS | CALENDAR_WORDS | PAGE_WORDS
"""Capitalised words that are not names: stop words, days, months, page furniture."""

_local = threading.local()


def is_stop_word(word: str) -> bool:
    """Whether `word` (any case) is a stop word."""
    return word.lower() in STOP_WORDS


def stem(word: str) -> str:
    """The Porter stem of a lower-cased word ("voting" → "vote")."""
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:     # a PyStemmer object must not be shared between threads
        import Stemmer

        stemmer = _local.stemmer = Stemmer.Stemmer("porter")
    return stemmer.stemWord(word)
