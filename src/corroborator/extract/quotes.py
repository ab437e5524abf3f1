"""Direct and reported quotes, with the speaker resolved.

Direct quotes are found over the whole body (so a quote may span sentences) in straight or
curly marks; the speaker comes from the words around the closing or opening mark ("…,”
Seeley stated", "said the letter signed by Brigadier General Seely", "X told reporters:
“…”"). A pronoun speaker ("she said", "it said") resolves to the last person, or the last
document, named before it. Reported speech ("X said that …", "according to X, …") gives
indirect quotes. Document quotes are attributed to the document and, where the article
names one, its author.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from corroborator.extract.attribution import SPEECH_VERBS
from corroborator.extract.sentences import Span
from corroborator.models import Entity, Quote

MIN_QUOTE_WORDS = 3
_QUOTE = re.compile(r"“(?P<a>[^“”]{3,}?)”|\"(?P<b>[^\"\n]{3,}?)\"")
_NAME = (r"(?:[A-Z][\w.’'\-]*\s+){0,5}[A-Z][\w’'\-]*(?:\s+(?:III|II|IV|Jr\.|\d{1,4}))?")
_DOC = r"(?i:the|a|an|their|his|her|its)\s+(?:\w+\s+)?(?:letter|memo|memorandum|statement|report|email|e-mail|document|note|notice|filing|release|post|tweet)"
_AFTER_VERB_FIRST = re.compile(
    rf"^\s*[,.!?]?\s*[”\"]?\s*,?\s*(?:{SPEECH_VERBS}|read|reads|continued)\s+"
    rf"(?P<who>{_DOC}(?:\s+(?:signed|written|sent)\s+by\s+(?P<author>{_NAME}))?|{_NAME}|"
    rf"(?:the|a|an)\s+[\w\s-]{{0,40}}?(?:spokes(?:man|woman|person)|official|officer))"
)
_AFTER_NAME_FIRST = re.compile(
    rf"^\s*[,.!?]?\s*[”\"]?\s*,?\s*(?P<who>{_NAME}|he|she|it|they|we|I)\s+"
    rf"(?:{SPEECH_VERBS}|continued)\b"
)
_AFTER_DOC_FIRST = re.compile(
    rf"^\s*[,.!?]?\s*[”\"]?\s*,?\s*(?P<who>{_DOC})\s+(?:says|said|states|stated|reads|read|adds|added)\b"
)
_BEFORE = re.compile(
    rf"(?P<who>{_DOC}(?:\s+(?:signed|written|sent)\s+by\s+(?:[a-z]+\s+){{0,3}}"
    rf"(?P<author>{_NAME}))?|{_NAME}|he|she|it|they)\s+(?:{SPEECH_VERBS})(?:\s+\w+){{0,2}}"
    rf"\s*[:,]?\s*$"
)
_GROUP = (r"(?i:a|an|the|his|her|its|their|two|three|four|five|six|several|some|many|\d+)\s+[\w\s'’-]{0,50}?"
          r"(?:people|persons|officials?|sources?|spokes(?:man|woman|person)|officers?|"
          r"residents?|workers?|analysts?|executives?|ministry|company|union|police|campaign|"
          r"agency|authority|office|department|statement)(?:\s+[a-z][\w'’-]*){0,6}?")
_REPORTED = re.compile(
    rf"(?P<who>{_NAME}|{_GROUP})(?:,\s[^,“”\"]{{3,140}},)?\s+(?:{SPEECH_VERBS})"
    rf"(?:\s+(?:reporters|journalists|us|them|him|her|lawmakers|residents))?"
    rf"(?:\s+(?:on|late|early|last|this)\s+\w+(?:\s+(?:morning|afternoon|evening|night))?)?"
    rf"\s+(?:that\s+)?(?!(?:on|in|at|last|early|late|citing|after|before)\b)"
    rf"(?P<what>[a-z][^“”\"]{{10,}})"
)
_ACCORDING = re.compile(rf"according to (?P<who>{_NAME}|(?:the|a|an)\s+[\w\s-]{{3,40}}?),")
_AFTER_ACCORDING = re.compile(
    rf"^\s*[,.!?]?\s*[”\"]?\s*,?\s*according to (?P<who>{_NAME}|(?:the|a|an)\s+[\w\s-]{{3,40}}?)[.,;]"
)
_SIGNED_BY = re.compile(rf"(?P<doc>letter|memo|memorandum|statement)\s+(?:was\s+)?(?:signed|written|sent)\s+by\s+(?P<author>{_NAME})")
PRONOUNS_PERSON = {"he", "she", "they", "we", "i"}
PRONOUNS_THING = {"it"}


def find_quotes(article_id: str, body: str, sentences: Sequence[Span],
                entities: Sequence[Entity]) -> list[Quote]:
    """All direct and reported quotes of one article body, in order."""
    quotes = _direct_quotes(article_id, body, sentences, entities)
    quoted_sentences = {q.sentence_index for q in quotes}
    for index, span in enumerate(sentences):
        if index not in quoted_sentences:
            quotes.extend(_reported(article_id, span.text, index, entities))
    quotes.sort(key=lambda q: q.sentence_index)
    return quotes


def _direct_quotes(article_id: str, body: str, sentences: Sequence[Span],
                   entities: Sequence[Entity]) -> list[Quote]:
    found, last_doc = [], _document_author(body)
    for match in _QUOTE.finditer(body):
        text = (match.group("a") or match.group("b")).strip().rstrip(",")
        if len(text.split()) < MIN_QUOTE_WORDS:
            continue
        index = _sentence_at(sentences, match.start())
        speaker, kind = _speaker(body, match, sentences, index, entities, last_doc)
        if speaker is None and sentences:
            reported = _REPORTED.search(sentences[index].text)
            if reported:
                speaker, kind = reported.group("who").strip(), "reported"
        found.append(Quote(article_id, text, speaker, True, index, kind))
    _fill_continuations(found)
    return found


def _speaker(body: str, match: re.Match, sentences: Sequence[Span], index: int,
             entities: Sequence[Entity], document: str | None) -> tuple[str | None, str | None]:
    after = body[match.end():match.end() + 160]
    line_start = body.rfind("\n", 0, match.start()) + 1
    before = body[max(line_start, match.start() - 160):match.start()]
    for pattern, text in ((_AFTER_VERB_FIRST, after), (_AFTER_NAME_FIRST, after),
                          (_AFTER_DOC_FIRST, after), (_AFTER_ACCORDING, after),
                          (_BEFORE, before)):
        found = pattern.search(text)
        if found:
            return _resolve(found, sentences, index, entities, document)
    return None, None


def _resolve(found: re.Match, sentences: Sequence[Span], index: int,
             entities: Sequence[Entity], document: str | None) -> tuple[str | None, str]:
    who = found.group("who").strip()
    author = found.groupdict().get("author")
    low = who.lower()
    doc = re.match(_DOC, who)
    if doc:
        author = author or document
        name = _doc_name(doc.group())
        return (f"{name} ({author.strip()})" if author else name), "document"
    if author:
        return author.strip(), "document"
    if low in PRONOUNS_PERSON:
        return _recent_speaker(sentences, index) or _last_person(entities, index), "pronoun"
    if low in PRONOUNS_THING:
        return (document or _last_person(entities, index)), "pronoun"
    if low in COMPANY_WORDS:
        return _main_organisation(entities, index) or who, "coreference"
    return who, "named"


COMPANY_CUES = re.compile(
    r"\b(Inc|Corp|Corporation|Company|Co|Ltd|LLC|Group|Holdings|Minerals|Mining|Systems|"
    r"Industries|Technologies|Foods|Airlines|Motors|Energy|Bank|Partners|Media)\b\.?")
COMPANY_WORDS = {"the company", "the firm", "the group", "the business", "the operator"}


def _main_organisation(entities: Sequence[Entity], index: int) -> str | None:
    """"The company": the organisation named most often up to this sentence."""
    seen = [e for e in entities if e.sentence_index <= index]
    for wanted in (lambda e: e.label == "ORG" and COMPANY_CUES.search(e.canonical),
                   lambda e: e.label == "ORG", lambda e: e.label == "MISC"):
        counts: dict[str, int] = {}
        for e in filter(wanted, seen):
            counts[e.canonical] = counts.get(e.canonical, 0) + 1
        if counts:
            return max(counts, key=lambda k: (counts[k], len(k)))
    return None


def _recent_speaker(sentences: Sequence[Span], index: int) -> str | None:
    """A pronoun's antecedent: the named speaker of this or the previous sentence."""
    for i in (index, index - 1):
        if 0 <= i < len(sentences):
            found = _REPORTED.search(sentences[i].text)
            if found and found.group("who").split()[0].lower() not in PRONOUNS_PERSON | {
                    "it", "the", "a", "an", "his", "her", "its", "their"}:
                return found.group("who").strip()
    return None


def _doc_name(phrase: str) -> str:
    return re.sub(r"^(the|a|an|their|his|her|its)\s+", "the ", phrase)


def _document_author(body: str) -> str | None:
    match = _SIGNED_BY.search(body)
    return match.group("author").strip() if match else None


def _last_person(entities: Sequence[Entity], index: int) -> str | None:
    people = [e for e in entities if e.label == "PERSON" and e.sentence_index <= index]
    return people[-1].text if people else None


def _fill_continuations(quotes: list[Quote]) -> None:
    """A quote with no speaker right after a quote of one speaker continues that speaker."""
    for previous, current in zip(quotes, quotes[1:], strict=False):
        if current.speaker is None and previous.speaker is not None and (
            current.sentence_index - previous.sentence_index <= 1
        ):
            current.speaker, current.speaker_kind = previous.speaker, "continuation"


def _reported(article_id: str, sentence: str, index: int,
              entities: Sequence[Entity] | None = None) -> list[Quote]:
    match = _REPORTED.search(sentence) or _ACCORDING.search(sentence)
    if not match:
        return []
    who = re.sub(r"^(?:As|But|And|Meanwhile|However|Soon|Then)\s+", "", match.group("who").strip())
    if not who or who.split()[0].lower() in PRONOUNS_PERSON | PRONOUNS_THING | {"the", "a", "an"} and (
        len(who.split()) == 1
    ):
        return []
    company = re.search(r"\bthe (?:company|firm|group)$", who, re.IGNORECASE)
    if company:
        who = company.group()
    if who.lower() in COMPANY_WORDS and entities is not None:
        who = _main_organisation(entities, index) or who
    what = match.groupdict().get("what") or sentence[match.end():]
    what = what.strip().rstrip(".")
    if len(what.split()) < MIN_QUOTE_WORDS:
        return []
    return [Quote(article_id, what, who, False, index, "reported")]


def _sentence_at(sentences: Sequence[Span], offset: int) -> int:
    """The index of the last sentence starting at or before `offset`."""
    index = 0
    for i, span in enumerate(sentences):
        if span.start > offset:
            break
        index = i
    return index
