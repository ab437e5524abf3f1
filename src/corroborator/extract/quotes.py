"""Direct and reported quotes, with the speaker resolved.

Direct quotes are found over the whole body (so a quote may span sentences) in straight or
curly marks. The speaker is the source of the reporting clause next to the quote (see
``sources.py``): after it ("…,” the staffer said"; "…,” said Ana Ruiz, a spokeswoman"),
before it ("Ruiz told reporters: “…”"), or elsewhere in the quote's sentence ("One person
said the battery lasts “about a day”"). A pronoun speaker resolves to the nearest
compatible antecedent (``Antecedents``): he / she / I to the last person who spoke or
was named, they / it / we and "the company" to the last organisation or group. A quote
with no reporting clause continues the previous quote's speaker, or takes the speaker
of a sentence ending in a colon just before it. Reported speech ("X said that …",
"according to X, …") gives indirect quotes.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from corroborator.extract.attribution import COMPANY_WORDS
from corroborator.extract.sentences import Span
from corroborator.extract.sources import (
    ORG_ANAPHOR,
    PERSON_ANAPHOR,
    Source,
    classify,
    find_source,
)
from corroborator.models import Entity, Quote

MIN_QUOTE_WORDS = 3
MAX_QUOTES = 2000          # per article; beyond this, quotes are not resolved
CONTEXT_CHARS = 200        # reporting clause searched this far after a closing mark
# A quote closes at its mark, or, in the multi-paragraph style, runs to the end of a
# paragraph whose next paragraph opens with a quotation mark again.
_QUOTE = re.compile(r"“(?P<a>[^“”]{3,}?)”|\"(?P<b>[^\"\n]{3,}?)\"|"
                    r"“(?P<c>[^“”\n]{3,}?)(?=\n\s*\n\s*“)|\"(?P<d>[^\"\n]{3,}?)(?=\n\s*\n\s*\")")
_DOC_READ = re.compile(r"^\W*(?P<src>(?:the|a|an|its|his|her|their)\s+(?:[\w-]+\s+){0,2}?"
                       r"(?:post|statement|letter|message|sign|note|tweet|headline|caption|"
                       r"report|release|memo|website|page|article))\s+(?:read|reads|stated|"
                       r"states|says|said)\b", re.IGNORECASE)
_QUOTED_AS = re.compile(r"\bquoted\s+(?P<src>(?:an?|the|one|two|several)\s+[\w\s.-]{2,60}?|"
                        r"[A-Z][\w.-]*(?:\s+[A-Z][\w.-]*){0,4})\s+as\s+saying\b")
_QUOTE_FROM = re.compile(r"\b(?:quotes?|comments?|remarks?|statement)\s+(?:from|by|attributed\s+to)"
                         r"\s+(?P<src>(?:[\w.-]+\s+){0,3}?[A-Z][\w.’'-]*(?:\s+[A-Z][\w.’'-]*){0,4})"
                         r"(?:,?\s*(?:saying|who\s+said|which\s+read)\b)?\s*[:,]?\s*$")
_PARTICIPLE = re.compile(r",?\s*\b(?:saying|adding|writing|telling|noting|declaring|insisting|"
                         r"explaining|arguing|warning|stating|tweeting)\b")
_MAIN_SUBJECT = re.compile(r"^(?:[^,]{0,90},\s+)?(?P<src>.{2,120}?)\s+(?:would|will|has|had|"
                           r"have|was|is|did|does|also|later|then|vowed|promised|[a-z]+ed|"
                           r"[a-z]+s)\b")
MAX_GAP = 200   # a quote with no reporting clause continues one ending this close before
MAX_REPORTER_WORDS = 6   # a longer "source" phrase is a description, not a reporter
SHORT_CLAUSE = 80   # ...even across a paragraph break, after a short reporting clause
_LEAD_READ = re.compile(r"(?P<src>(?:the|a|an|its|his|her|their)\s+(?:[\w-]+\s+){0,2}?"
                        r"(?:post|statement|letter|message|note|tweet|report|release|memo|"
                        r"website|page|article))\s+(?:read|reads)\s*:$", re.IGNORECASE)
_DOC = re.compile(r"^(?:the|a|an|their|his|her|its)\s+(?:\w+\s+)?(?:letter|memo|memorandum|"
                  r"statement|report|email|e-mail|document|note|notice|filing|release|post|"
                  r"tweet)\b", re.IGNORECASE)
_SIGNED_BY = re.compile(r"(?:letter|memo|memorandum|statement)\s+(?:was\s+)?(?:signed|written|"
                        r"sent)\s+by\s+(?:[a-z]+\s+){0,3}(?P<author>(?:[A-Z][\w.’'\-]*\s+){0,5}"
                        r"[A-Z][\w’'\-]*(?:\s+(?:III|II|IV|Jr\.))?)")
PERSON_PRONOUNS = frozenset({"he", "she", "i"})
GROUP_PRONOUNS = frozenset({"they", "it", "we"})
COMPANY_CUES = re.compile(
    r"\b(Inc|Corp|Corporation|Company|Co|Ltd|LLC|Group|Holdings|Minerals|Mining|Systems|"
    r"Industries|Technologies|Foods|Airlines|Motors|Energy|Bank|Partners|Media|Lines)\b\.?")


@dataclass
class Antecedents:
    """Who could be meant by a pronoun at a given offset: people and organisations named
    (entities) and sources that spoke, in the order they appear."""

    people: list[tuple[int, str]] = field(default_factory=list)
    speakers: list[tuple[int, str]] = field(default_factory=list)
    groups: list[tuple[int, str, str]] = field(default_factory=list)
    organisations: list[tuple[int, str]] = field(default_factory=list)

    @classmethod
    def build(cls, entities: Sequence[Entity], sources: Sequence[tuple[int, Source]]
              ) -> Antecedents:
        """From the article's entities and each sentence's resolved source (with offset)."""
        out = cls()
        for e in entities:
            if e.label == "PERSON" or (e.label == "MISC" and len(e.text.split()) > 1
                                       and _looks_like_person(e.text)):
                out.people.append((e.start, e.canonical or e.text))
            elif e.label == "ORG":
                out.organisations.append((e.start, e.canonical or e.text))
        for offset, source in sources:
            out.add_speaker(offset, source.text, source.kind)
        out.people.sort()
        out.speakers.sort()
        out.groups.sort()
        out.organisations.sort()
        return out

    def add_speaker(self, offset: int, text: str, kind: str) -> None:
        """Record a resolved speaker as a possible antecedent."""
        if kind == "named" and _looks_like_person(text):
            bisect.insort(self.speakers, (offset, text))
        elif kind in ("named", "anonymous", "wire"):
            bisect.insort(self.groups, (offset, text, kind))

    def resolve(self, pronoun: str, offset: int) -> tuple[str, str] | None:
        """The nearest compatible antecedent before `offset`, with its kind."""
        low = pronoun.lower()
        if low in PERSON_PRONOUNS or PERSON_ANAPHOR.match(low):
            speaker = _last_before(self.speakers, offset)
            mention = _last_before(self.people, offset)
            if speaker and offset - speaker[0] <= SPEAKER_WINDOW:
                return speaker[1], "named"
            found = mention or speaker
            return (found[1], "named") if found else None
        if ORG_ANAPHOR.match(low):
            org = _last_before(self.organisations, offset)
            return (org[1], "named") if org else None
        if low in COMPANY_WORDS:
            main = self.main_organisation(offset)
            return (main, "named") if main else None
        if low in GROUP_PRONOUNS:
            group = _last_before(self.groups, offset)
            org = _last_before(self.organisations, offset)
            if group and (not org or group[0] >= org[0]):
                return group[1], group[2]
            return (org[1], "named") if org else None
        return None

    def main_organisation(self, offset: int) -> str | None:
        """"The company": the organisation named most often before `offset`."""
        seen = [name for at, name in self.organisations if at < offset]
        for wanted in (lambda n: bool(COMPANY_CUES.search(n)), lambda n: True):
            counts: dict[str, int] = {}
            for name in filter(wanted, seen):
                counts[name] = counts.get(name, 0) + 1
            if counts:
                return max(counts, key=lambda k: (counts[k], len(k)))
        return None


SPEAKER_WINDOW = 700   # a pronoun prefers a person who spoke this close before it


def _last_before(items: list, offset: int):
    index = bisect.bisect_left(items, (offset,))
    return items[index - 1] if index else None


_PERSON_NAME = re.compile(r"^(?:(?:Mr|Mrs|Ms|Dr|Sen|Rep|Gov|Gen|Adm|Sgt|Det|Prof)\.?\s+)?"
                          r"[^\W\d_][\w’'.-]*(?:\s+[^\W\d_][\w’'.-]*){0,3}$")
_NOT_PERSON = re.compile(r"\b(?:News|Times|Post|Journal|Department|Ministry|Police|Council|"
                         r"Agency|Office|Court|Inc|Corp|Group|Company|University|Government|"
                         r"Press|Online|Media|Television|TV|Radio|Health|Center|Centre)\b")


def _looks_like_person(text: str) -> bool:
    text = text.split(" of ")[0]
    words = text.split()
    return (bool(_PERSON_NAME.match(text)) and not _NOT_PERSON.search(text)
            and all(w[:1].isupper() for w in words) and not text.isupper())


def find_quotes(article_id: str, body: str, sentences: Sequence[Span],
                entities: Sequence[Entity], sources: Sequence[Source | None] | None = None
                ) -> list[Quote]:
    """All direct and reported quotes of one article body, in order.

    Args:
        sources: optional, each sentence's source as found by ``find_source`` (computed
            here when not given).
    """
    if sources is None:
        sources = [find_source(s.text) for s in sentences]
    located = [(s.start, src) for s, src in zip(sentences, sources, strict=True)
               if src is not None and src.kind != "pronoun"]
    context = Antecedents.build(entities, located)
    quotes = _direct_quotes(article_id, body, sentences, context, sources)
    quoted = {q.sentence_index for q in quotes}
    for index, (span, source) in enumerate(zip(sentences, sources, strict=True)):
        if index not in quoted and source is not None:
            quotes.extend(_reported(article_id, span, index, source, context))
    quotes.sort(key=lambda q: q.sentence_index)
    return quotes


def _direct_quotes(article_id: str, body: str, sentences: Sequence[Span],
                   context: Antecedents, sources: Sequence[Source | None]) -> list[Quote]:
    found: list[Quote] = []
    starts = [s.start for s in sentences]
    author = _document_author(body)
    previous_end = -1
    for n, match in enumerate(_QUOTE.finditer(body)):
        if n >= MAX_QUOTES:
            break
        text = next(g for g in match.groups() if g is not None).strip().rstrip(",")
        if len(text.split()) < MIN_QUOTE_WORDS:
            continue
        index = max(0, bisect.bisect_right(starts, match.start()) - 1)
        parsed = sources[index] if sources and sources[index] is not None and (
            sources[index].origin == "parse") else None
        speaker, kind = _speaker(body, match, sentences, index, context, author, parsed)
        gap = body[previous_end:match.start()]
        opens_sentence = not body[sentences[index].start:match.start()].strip() if sentences else True
        if speaker is None and opens_sentence and found and found[-1].speaker and len(gap) <= MAX_GAP and (
                "\n\n" not in gap or len(gap) <= SHORT_CLAUSE):
            speaker, kind = found[-1].speaker, "continuation"
        if speaker and kind not in ("pronoun", "continuation"):
            context.add_speaker(match.start(), speaker, classify(speaker))
        found.append(Quote(article_id, text, speaker, True, index, kind))
        previous_end = match.end()
    return found


def _speaker(body: str, match: re.Match, sentences: Sequence[Span], index: int,
             context: Antecedents, author: str | None, parsed: Source | None = None
             ) -> tuple[str | None, str | None]:
    """The quote's speaker from the reporting clause after it, before it, a participle or
    a colon lead-in (patterns), else the speaker the parse found in its sentence."""
    sentence = sentences[index] if sentences else None
    end_of = sentence.end if sentence and sentence.end > match.end() else len(body)
    after = body[match.end():min(end_of, match.end() + CONTEXT_CHARS)]
    after = after.split("“")[0].split("\n")[0]
    at = match.start()
    candidates = [(_special_after(after), at), (find_source("“x x x,” " + after.lstrip()), at)]
    if sentence is not None:
        from_ = max(sentence.start, match.start() - 400)
        before = body[from_:match.start()]
        if before.strip():
            found = find_source(before + "“x x x.”")
            # "She told X that ... “…”": the pronoun is resolved where it stands
            candidates.append((found, from_ + found.start if found else at))
            candidates.append((_quote_from(before), at))
            candidates.append((_participle_subject(before), at))
        candidates.append((_colon_lead_in(sentences, index, body, match.start()), at))
        candidates.append((parsed, sentence.start + parsed.start if parsed else at))
    for source, offset in candidates:
        if source is not None:
            return _resolve(source, offset, context, author)
    return None, None


def _special_after(after: str) -> Source | None:
    """"…,” the post read." and "…,” the paper quoted a police source as saying."."""
    for pattern in (_DOC_READ, _QUOTED_AS):
        match = pattern.search(after)
        if match and (pattern is _QUOTED_AS or match.start() == 0):
            text = match.group("src").strip()
            return Source(text, classify(text), 0, len(text), "said")
    return None


def _quote_from(before: str) -> Source | None:
    """"... carried a made-up quote from Nasa scientist Earl Godoy, saying: “…”": the
    quote's speaker is named as its origin just before it."""
    match = _QUOTE_FROM.search(before)
    if match is None:
        return None
    text = match.group("src").strip()
    return Source(text, classify(text), 0, len(text), "said")


def _participle_subject(before: str) -> Source | None:
    """"X would not comment, saying “…”": the quote belongs to the clause's subject."""
    if not _PARTICIPLE.search(before):
        return None
    clause = before[:_PARTICIPLE.search(before).start()]
    match = _MAIN_SUBJECT.match(clause.strip())
    if match is None:
        return None
    text = match.group("src").strip(" ,")
    words = text.split()
    if not words or len(words) > 12 or text[:1].islower():
        return None
    return Source(text, classify(text), 0, len(text), "said")


def _colon_lead_in(sentences: Sequence[Span], index: int, body: str, at: int) -> Source | None:
    """"Thomas told NT News:" followed by the quote in the next sentence or paragraph."""
    lead = body[max(0, at - 300):at].rstrip()
    if not lead.endswith(":") or index == 0 and sentences[0].start >= at:
        return None
    start = max(lead.rfind(". "), lead.rfind("\n")) + 1
    read = _LEAD_READ.search(lead[start:])
    if read:
        text = read.group("src")
        return Source(text, classify(text), 0, len(text), "read")
    return find_source(lead[start:] + " “x x x.”")


def _resolve(source: Source, offset: int, context: Antecedents,
             author: str | None) -> tuple[str | None, str]:
    text = source.text
    if _DOC.match(text):
        parts = re.split(r"\s+(?:signed|written|sent)\s+by\s+", text, maxsplit=1)
        name, signer = parts[0], parts[1] if len(parts) > 1 else ""
        name = re.sub(r"^(the|a|an|their|his|her|its)\s+", "the ", name, flags=re.IGNORECASE)
        signer = re.sub(r"^(?:[a-z]+\s+){0,3}", "", signer).strip() or author
        return (f"{name} ({signer})" if signer else name), "document"
    if (source.kind == "pronoun" or text.lower() in COMPANY_WORDS
            or PERSON_ANAPHOR.match(text) or ORG_ANAPHOR.match(text)):
        resolved = context.resolve(text, offset)
        if resolved is None:
            return (None if source.kind == "pronoun" else text), "pronoun"
        return resolved[0], "pronoun" if source.kind == "pronoun" else "coreference"
    return text, "named" if source.kind in ("named", "wire") else source.kind


def _document_author(body: str) -> str | None:
    match = _SIGNED_BY.search(body)
    return match.group("author").strip() if match else None


_THAT = re.compile(r"^\s*(?:(?:reporters|journalists|us|them|him|her|lawmakers|residents|"
                   r"the \w+(?: \w+)?)\s+)?(?:(?:on|late|early|last|this)\s+\w+"
                   r"(?:\s+(?:morning|afternoon|evening|night))?\s+)?(?:that\s+)?")


def _reported(article_id: str, span: Span, index: int, source: Source,
              context: Antecedents) -> list[Quote]:
    """Reported speech: the words after the reporting verb, credited to its source."""
    if source.kind == "hedged" or len(source.text.split()) > MAX_REPORTER_WORDS:
        return []
    if not source.verb or source.verb == "according to":
        what = span.text[:source.start].rstrip(" ,")
    else:
        at = span.text.find(source.verb, source.end)
        if at < 0:
            at = span.text.find(source.verb)
            what = span.text[:source.start].rstrip(" ,") if at < source.start else ""
        else:
            what = span.text[at + len(source.verb):]
            what = what[_THAT.match(what).end():]
    what = what.strip().rstrip(".")
    if len(what.split()) < MIN_QUOTE_WORDS or not what[:1].isalpha():
        return []
    who, kind = _resolve(source, span.start, context, None)
    if who is None:
        return []
    return [Quote(article_id, what, who, False, index, "reported" if kind == "named" else kind)]
