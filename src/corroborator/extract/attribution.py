"""Who a sentence's claim comes from: named, wire, anonymous, hedged, or the author (none)."""

from __future__ import annotations

import re

from corroborator.models import Attribution

WIRE_AGENCIES = (
    r"Reuters|AFP|Agence France[- ]Presse|Associated Press|the AP|AP|Bloomberg|UPI|"
    r"United Press International|Xinhua|dpa|Deutsche Presse-Agentur|EFE|ANSA|Kyodo|TASS|"
    r"Interfax|ANI|PTI|Yonhap|[A-Z][a-z]+ (?:Press|News) Agency(?: \([A-Z]{2,5}\))?|"
    r"[A-Z][a-z]+ (?:Wire|Newswire)"
)
_WIRE = re.compile(rf"\b(?P<wire>{WIRE_AGENCIES})\b")
_WIRE_VERB = re.compile(
    r"\b(reported|reports|confirmed|confirms|said|says|according to|as reported by|verified|"
    r"learned|obtained|cited|quoted|told)\b", re.IGNORECASE,
)
SPEECH_VERBS = (
    r"said|says|say|stated|states|told|tells|added|adds|wrote|writes|announced|announces|"
    r"confirmed|confirms|denied|denies|claimed|claims|warned|warns|insisted|insists|"
    r"explained|noted|argued|acknowledged|admitted|declared|testified|informed|"
    r"responded|replied|tweeted|disclosed|revealed|maintained|asserted|contended|"
    r"predicted|estimated|reported"
)
_ANONYMOUS = re.compile(
    r"\b(?:(?:unnamed|anonymous|unidentified)\s+(?:\w+\s+)?(?:officials?|sources?|people|"
    r"persons?|aides?|diplomats?)|"
    r"(?:\w+\s+)?(?:officials|sources|insiders|aides|diplomats)\s+(?:\w+\s+){0,6}?"
    r"(?:said|say|told|tell|familiar|involved|speaking)|"
    r"(?:one|two|three|four|five|six|several|multiple|some|many|\d+)\s+(?:different\s+)?"
    r"(?:people|persons|sources|officials|individuals|insiders)\b|"
    r"(?:people|persons|sources?|officials?)\s+(?:familiar|involved|close|briefed|"
    r"with knowledge)\b|"
    r"on (?:the )?condition of anonymity|(?:asked|declined) (?:not )?to be (?:named|identified)|"
    r"not authori[sz]ed to speak|a source\b|sources say|sources said|has learned from)",
    re.IGNORECASE,
)
_HEDGE = re.compile(
    r"\b(reportedly|allegedly|purportedly|supposedly|apparently|rumou?red|"
    r"(?:is|are|was|were) (?:said|believed|thought|rumou?red) to|unconfirmed|"
    r"it is claimed|claims? to have|may have|might have|could have)\b",
    re.IGNORECASE,
)
_ACCORDING_TO = re.compile(
    r"\baccording to (?P<src>(?:the |a |an )?[A-Za-z][\w.’'\-]*(?:\s+[A-Z][\w.’'\-]*){0,6}"
    r"(?:\s+(?:spokes(?:man|woman|person)|officials?|ministry|office|statement))?)"
)
_NAMED_SPEECH = re.compile(
    rf"(?P<src>(?:[A-Z][\w.’'\-]*\s+){{0,5}}[A-Z][\w.’'\-]*(?:\s+(?:III|II|Jr\.))?"
    rf"|(?:a|an|the)\s+(?:[A-Z][\w\-]*\s+)?(?:spokes(?:man|woman|person)|official|"
    rf"statement|letter|memo|report|ministry|department))"
    rf",?(?:\s+\w+){{0,2}}?\s+(?:{SPEECH_VERBS})\b"
)
_INVERTED_SPEECH = re.compile(
    rf"[,”\"]\s*(?:{SPEECH_VERBS}|read)\s+(?P<src>(?:the |a |an )?[A-Z]?[\w.’'\-]+"
    rf"(?:\s+[A-Z][\w.’'\-]*){{0,6}})"
)
PRONOUNS = frozenset("he she it they we i you this that there".split())


def attribute(sentence: str) -> Attribution:
    """Classify how `sentence` is sourced, with the source phrase and its span."""
    for finder in (_wire, _anonymous, _named, _hedged):
        found = finder(sentence)
        if found is not None:
            return found
    return Attribution("none")


def _wire(sentence: str) -> Attribution | None:
    match = _WIRE.search(sentence)
    if match and _WIRE_VERB.search(sentence):
        return Attribution("wire", match.group("wire"), match.group())
    return None


def _anonymous(sentence: str) -> Attribution | None:
    match = _ANONYMOUS.search(sentence)
    if match:
        return Attribution("anonymous", match.group().strip(), match.group())
    return None


def _named(sentence: str) -> Attribution | None:
    for pattern in (_ACCORDING_TO, _NAMED_SPEECH, _INVERTED_SPEECH):
        for match in pattern.finditer(sentence):
            source = _trim_source(match.group("src"))
            if source and source.split()[0].lower() not in PRONOUNS:
                return Attribution("named", source, match.group().strip())
    return None


def _hedged(sentence: str) -> Attribution | None:
    match = _HEDGE.search(sentence)
    if match:
        return Attribution("hedged", None, match.group())
    return None


_LEADING = re.compile(r"^(?:In|On|At|As|But|And|Meanwhile|However|Soon|Then|Later|Also|Yet)\s+")


def _trim_source(source: str) -> str:
    source = source.strip(" ,.;:")
    while _LEADING.match(source):
        source = _LEADING.sub("", source, count=1)
    return source
