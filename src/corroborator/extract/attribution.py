"""Who a sentence's claim comes from: named, wire, anonymous, hedged, or the author (none).

The source is the subject of the sentence's reporting verb (see ``sources.py``); a
pronoun source ("she said") is resolved by the caller's ``resolve`` against the
article's earlier speakers. Without a reporting verb, anonymity cues ("on condition of
anonymity", "people familiar with") and hedges ("reportedly", "purportedly", "is said
to") still classify the sentence.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from corroborator.extract.sources import (
    ORG_ANAPHOR,
    PERSON_ANAPHOR,
    SPEECH_VERBS,
    WIRE,
    Source,
    find_source,
)
from corroborator.models import Attribution

__all__ = ["SPEECH_VERBS", "attribute", "Resolver"]

Resolver = Callable[[str], "tuple[str, str] | None"]
"""Maps a pronoun or "the company" to (source, kind), or None when unresolved."""

_WIRE_RELAY = re.compile(rf"\b(?:according to|as reported by|reported by|citing)\s+(?:the\s+)?"
                         rf"(?P<wire>{WIRE})\b")
_ANONYMOUS = re.compile(
    r"\b(?:on (?:the )?condition of anonymity|(?:asked|declined|requested) (?:not )?to be "
    r"(?:named|identified)|not authori[sz]ed to (?:speak|discuss|comment)|"
    r"(?:people|persons|sources?|officials?) (?:familiar|involved|close|briefed|"
    r"with (?:direct )?knowledge)|(?:unnamed|anonymous|unidentified)\s+(?:\w+\s+)?"
    r"(?:officials?|sources?|people|persons?|aides?|diplomats?)|"
    r"has learned from|sources (?:say|said|tell|told)|sources who (?:spoke|talked))\b",
    re.IGNORECASE,
)
_HEDGE = re.compile(
    r"\b(reportedly|allegedly|purportedly|supposedly|apparently|rumou?red|rumou?rs?|"
    r"purported|alleged|unconfirmed|unverified|"
    r"(?:is|are|was|were|been) (?:(?:also|still|now|widely|further) )?(?:said|believed|"
    r"thought|rumou?red|suspected|reported) to|"
    r"(?:given|amid|following|after|despite) (?:\w+ )?(?:reports|rumou?rs|speculation) (?:that|of)|"
    r"(?:is|are|was|were) suspected of|appears? to|appears? likely|seems? to|"
    r"it is claimed|claims? to have|may have|might have|could have|word has it|"
    r"could not be (?:immediately |independently )?(?:verified|confirmed)|"
    r"^(?:unconfirmed |unverified )?(?:reports|rumou?rs) (?:that|of)|believed to|"
    r"(?:earlier |unconfirmed )?suggestions?|reports? (?:emerged|surfaced|circulated))\b",
    re.IGNORECASE,
)
#: A lead-in giving a document's words: "The report read:", "Her post says:".
_DOCUMENT_READ = re.compile(r"^\W*(?P<src>(?:the|a|an|its|his|her|their)\s+(?:[\w-]+\s+){0,2}?"
                            r"(?:post|statement|letter|message|note|tweet|report|release|memo|"
                            r"website|page|article|disclaimer|notice))\s+(?:read|reads|says|"
                            r"stated|states)\s*:\s*$", re.IGNORECASE)
_NO_SOURCE = re.compile(r"\b(?:could not be reached|did not (?:immediately )?respond|"
                        r"declined to comment|has not commented|did not return)\b", re.IGNORECASE)


_UNSET = Source("", "none", -1, -1)


def attribute(sentence: str, resolve: Resolver | None = None,
              source: Source | None = _UNSET) -> Attribution:
    """Classify how `sentence` is sourced, with the source phrase and its span.

    Args:
        sentence: one sentence of an article.
        resolve: optional; turns a pronoun source ("she", "they") or "the company" into
            the article's earlier speaker and its kind.
        source: the sentence's source if already found with ``find_source``.
    """
    if source is _UNSET:
        source = find_source(sentence)
    if source is not None and not _NO_SOURCE.search(sentence[:source.start]):
        found = _from_source(sentence, source, resolve)
        if found is not None:
            return found
    read = _DOCUMENT_READ.match(sentence)
    if read:  # "The report read:" introduces the document's words
        return Attribution("named", read.group("src"), read.group())
    relay = _WIRE_RELAY.search(sentence)
    if relay:
        return Attribution("wire", relay.group("wire"), relay.group())
    anonymous = _ANONYMOUS.search(sentence)
    if anonymous:
        return Attribution("anonymous", anonymous.group().strip(), anonymous.group())
    hedge = _HEDGE.search(sentence)
    if hedge:
        return Attribution("hedged", None, hedge.group())
    return Attribution("none")


_HEDGED_VERB = re.compile(r"\b(?:reportedly|allegedly|purportedly|supposedly|apparently)\b",
                          re.IGNORECASE)


def _from_source(sentence: str, source: Source, resolve: Resolver | None) -> Attribution | None:
    verb_at = sentence.find(source.verb, source.end) if source.verb else -1
    between = sentence[source.end:verb_at] if verb_at > 0 else ""
    hedge = _HEDGED_VERB.search(between)
    if hedge:  # "The general reportedly vowed ...": the report, not the general, is the source
        return Attribution("hedged", None, hedge.group())
    span = sentence[min(source.start, _verb_at(sentence, source)):source.end].strip()
    text, kind = source.text, source.kind
    if (kind == "pronoun" or text.lower() in COMPANY_WORDS or PERSON_ANAPHOR.match(text)
            or ORG_ANAPHOR.match(text)):
        resolved = resolve(text) if resolve else None
        if resolved is None and kind != "pronoun":
            return Attribution(kind, text, span)
        if resolved is None:
            return None if kind == "pronoun" else Attribution("named", text, span)
        text, kind = resolved
    if kind == "anonymous" or _ANONYMOUS.search(sentence):
        return Attribution("anonymous", text, span)
    if kind == "hedged":
        return Attribution("hedged", text, span)
    return Attribution(kind if kind in ("wire", "named") else "named", text, span)


def _verb_at(sentence: str, source: Source) -> int:
    at = sentence.find(source.verb, source.end) if source.verb else -1
    return source.start if at < 0 else min(source.start, at)


COMPANY_WORDS = frozenset({"the company", "the firm", "the group", "the business",
                           "the operator", "the organisation", "the organization"})
