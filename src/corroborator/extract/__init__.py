"""Extraction stage: an article becomes typed, evidence-bearing units.

Sentences (typed, scored for check-worthiness, attributed), entity mentions, direct and
reported quotes with speakers, numbers and dates, and the claims worth checking.

Example:
    >>> from corroborator.models import Article
    >>> ext = extract(Article(text="Officials said 40 people were hurt on Monday."))
    >>> ext.sentences[0].attribution.kind
    'anonymous'
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from corroborator.extract.attribution import attribute
from corroborator.extract.boilerplate import remove_boilerplate
from corroborator.extract.canon import CanonicalEntity, canonicalize
from corroborator.extract.entities import PRODUCT_CUES, find_entities, is_place_name
from corroborator.extract.numbers import article_date, find_mentions
from corroborator.extract.quotes import MAX_QUOTES, Antecedents, find_quotes
from corroborator.extract.sentences import (
    MAX_SENTENCE_CHARS,
    Span,
    split_sentences,
    strip_dateline,
)
from corroborator.extract.sources import Source, classify, find_source
from corroborator.extract.speakers import (
    MAX_PARSE_SENTENCES,
    needs_parse,
    parse_sentences,
    parsed_source,
)
from corroborator.models import Article, Attribution, Claim, Entity, Extraction, Sentence
from corroborator.signals import PROFANITY, outside_quotes

EXTRACTOR_VERSION = "extract-rules.v5"   # v5: colon lead-ins attribute block quotes; hedged sources
MIN_CLAIM_WORDS = 5
MAX_BODY_CHARS = 2_000_000
HEADLINE_SEARCH = 3     # the headline may be repeated within the first sentences
KICKER_MAX_WORDS = 3    # a section label above a repeated headline

__all__ = ["EXTRACTOR_VERSION", "CanonicalEntity", "canonicalize", "extract", "extract_batch"]


def extract(article: Article, trained_ner: bool = True) -> Extraction:
    """Extract sentences, entities, quotes, numbers, dates and claims from one article.

    With ``trained_ner`` the bundled spaCy pipeline labels the mentions the rules leave
    ambiguous (its NER) and finds the speakers the patterns miss (its parser, see
    ``speakers.py``); loading it costs about two seconds once per process, so one-shot
    tools may turn it off. Hostile input (no sentences, one 50,000-character sentence, unbalanced
    quotes, mixed scripts) gives a partial result with a warning, in bounded time.
    """
    ext, state = _extract_rules(article)
    if trained_ner:
        parse_speakers([(ext, state)])
        relabel_ambiguous_batch([ext])
    _finish(ext, state, article)
    return ext


def extract_batch(articles: Iterable[Article], trained_ner: bool = True) -> list[Extraction]:
    """`extract` over a batch: the stage's entry point for local and Ray runners.

    The parser runs once over the sentences of the whole batch whose speaker the patterns
    leave open, and the trained NER once over its ambiguous mentions.
    """
    articles = list(articles)
    done = [_extract_rules(a) for a in articles]
    if trained_ner:
        parse_speakers(done)
        relabel_ambiguous_batch([ext for ext, _ in done])
    for (ext, state), article in zip(done, articles, strict=True):
        _finish(ext, state, article)
    return [ext for ext, _ in done]


@dataclass
class _State:
    """What the rule pass hands to the finishing pass of one article."""

    body: str
    spans: list[Span]
    sources: list[Source | None]


def _extract_rules(article: Article) -> tuple[Extraction, _State | None]:
    """Everything but the trained NER, canonical names, quotes and attribution."""
    ext = Extraction(article_id=article.id, version=EXTRACTOR_VERSION)
    body = article.text or ""
    if len(body) > MAX_BODY_CHARS:
        ext.warnings.append(f"body truncated to {MAX_BODY_CHARS} characters")
        body = body[:MAX_BODY_CHARS]
    anchor = article_date(body, article.published)
    body = remove_boilerplate(body).text
    spans = _drop_repeated_headline(split_sentences(body), article.title)
    if not spans:
        ext.warnings.append("no sentences found")
        return ext, None
    ext.warnings.extend(_shape_warnings(body, spans))
    ext.sentences = _sentences(article.id, spans)
    ext.entities = _entities(article.id, ext.sentences)
    for s in ext.sentences:
        ext.mentions.extend(find_mentions(article.id, s.text, s.index, anchor))
    sources = [find_source(s.text) for s in ext.sentences]
    return ext, _State(body, spans, sources)


def parse_speakers(done: Sequence[tuple[Extraction, _State | None]]) -> None:
    """Parse, in one batched call, every sentence of the batch whose speaker the patterns
    leave open, and take the parse's speaker where it finds one."""
    asks: list[tuple[_State, int, str]] = []
    for ext, state in done:
        if state is None:
            continue
        chosen = [i for i, (s, src) in enumerate(zip(ext.sentences, state.sources, strict=True))
                  if needs_parse(s.text, src)]
        if len(chosen) > MAX_PARSE_SENTENCES:
            ext.warnings.append(f"parsed the first {MAX_PARSE_SENTENCES} of {len(chosen)} "
                                "sentences with an unresolved speaker")
        asks.extend((state, i, ext.sentences[i].text) for i in chosen[:MAX_PARSE_SENTENCES])
    docs = parse_sentences([text for _, _, text in asks])
    for (state, i, text), doc in zip(asks, docs, strict=False):
        found = parsed_source(text, doc)
        if found is not None:
            state.sources[i] = found


def _finish(ext: Extraction, state: _State | None, article: Article) -> None:
    if state is None:
        return
    canonicalize(ext.entities)
    ext.quotes = find_quotes(article.id, state.body, state.spans, ext.entities, state.sources)
    _attribute(ext, state, article.outlet)
    ext.claims = [_claim(s) for s in ext.sentences if _is_claim(s)]


def _shape_warnings(body: str, spans: list[Span]) -> list[str]:
    """Say when the input was cut to keep extraction bounded."""
    out = []
    long = sum(1 for s in spans if s.end - s.start >= MAX_SENTENCE_CHARS)
    if long:
        out.append(f"{long} sentence piece(s) cut at {MAX_SENTENCE_CHARS} characters "
                   "(a sentence that long is not prose)")
    if body.count("“") != body.count("”") or body.count('"') % 2:
        out.append("unbalanced quotation marks: quotes near them may be missed")
    if len(QUOTE_MARKS.findall(body)) > 2 * MAX_QUOTES:
        out.append(f"more than {MAX_QUOTES} quotes: the rest are not resolved")
    return out


QUOTE_MARKS = re.compile(r"[“\"]")


def _attribute(ext: Extraction, state: _State, outlet: str | None) -> None:
    """Attribute every sentence, resolving pronoun sources, then let quotes with a known
    speaker attribute the sentences they span; an outlet citing itself is no source."""
    located = [(s.start, src) for s, src in zip(ext.sentences, state.sources, strict=True)
               if src is not None and src.kind != "pronoun"]
    context = Antecedents.build(ext.entities, located)
    for s, source in zip(ext.sentences, state.sources, strict=True):
        s.attribution = attribute(s.text, lambda p, at=s.start: context.resolve(p, at), source)
    _attribute_quoted(ext, state.body)
    _attribute_block_quotes(ext.sentences, state.body)
    own = _fold_outlet(outlet)
    for s in ext.sentences:
        if own and s.attribution.source and _fold_outlet(s.attribution.source) == own:
            s.attribution = Attribution("none")


def _fold_outlet(name: str | None) -> str:
    if not name:
        return ""
    name = re.sub(r"^(?:the)\s+|\.(?:com|org|net|co\.uk)$|['’]s$", "", name.strip(),
                  flags=re.IGNORECASE)
    return re.sub(r"\W+", "", name).casefold()


def _drop_repeated_headline(spans: list[Span], title: str) -> list[Span]:
    """Pages often repeat the headline (after a section kicker such as "Business") at
    the top of the body; neither is a sentence of the article."""
    head = _squash(title)
    if not head:
        return spans
    for i, span in enumerate(spans[:HEADLINE_SEARCH]):
        first = _squash(span.text)
        same = first == head or (len(first) > 20 and first in head) or (
            len(head) > 20 and head in first and len(first) < 1.3 * len(head))
        if same and all(len(s.text.split()) <= KICKER_MAX_WORDS for s in spans[:i]):
            return spans[i + 1:]
    return spans


def _squash(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def _sentences(article_id: str, spans: Sequence[Span]) -> list[Sentence]:
    texts = [strip_dateline(s.text)[0] if i == 0 else s.text for i, s in enumerate(spans)]
    scores = _score(texts)
    out = []
    for i, (span, text) in enumerate(zip(spans, texts, strict=True)):
        score = scores[i]
        out.append(Sentence(
            article_id, i, text, span.end - len(text), span.end, refine_type(text, score["type"]),
            round(score["checkworthiness"], 4), Attribution(), score["features"],
        ))
    return out


_AUTHOR_VOICE = re.compile(r"\b(I|I'm|I’m|I've|I’ve|my|we|we're|we’re|our|us|let's|let’s)\b",
                           re.IGNORECASE)
_PRESCRIPTIVE = re.compile(r"\b(should|must|ought to|needs? to|deserves?)\b", re.IGNORECASE)
_IMPERATIVE = re.compile(r"^(?:(?:then|so|now|and|please),?\s+)?(call|come|tell|write|join|"
                         r"demand|ask|sign|share|stand|vote|"
                         r"don't|do not|remember|imagine|consider|look|let's|let’s)\b",
                         re.IGNORECASE)
_NO_COMMENT = re.compile(
    r"\b(declined to comment|did not (?:immediately )?respond|could not (?:be reached|"
    r"independently verify)|has not seen the|did not return|no comment)\b", re.IGNORECASE)


def refine_type(text: str, kind: str) -> str:
    """Correct the scorer's sentence type with news cues it does not see: the author's own
    voice, prescriptions, commands and profanity mark opinion; no-comment lines are other."""
    if kind == "question":
        return kind
    outside = outside_quotes(text).strip()
    if _NO_COMMENT.search(outside):
        return "other"
    if len(outside.split()) < MIN_CLAIM_WORDS - 2:
        return kind
    if (_AUTHOR_VOICE.search(outside) or _PRESCRIPTIVE.search(outside)
            or _IMPERATIVE.match(outside) or PROFANITY.search(outside)):
        return "opinion"
    return kind


def _entities(article_id: str, sentences: Sequence[Sentence]) -> list[Entity]:
    out = []
    titled = set()
    for s in sentences:
        for e in find_entities(s.text):
            out.append(Entity(article_id, e.text, e.label, s.index,
                              s.start + e.start, s.start + e.end))
            if e.title:
                titled.add(e.text)
    doubtful = not_people(out) - titled
    for e in out:
        if e.label == "PERSON" and e.text in doubtful:
            e.label = "MISC"
    return out


NER_ONLY = ("tagger", "parser", "corroborator_sentence_repair", "corroborator_paragraphs")
TRAINED_LABELS = {"PERSON": "PERSON", "ORG": "ORG", "GPE": "GPE", "LOC": "GPE"}
NER_BATCH = 256
MAX_NER_SENTENCES = 200   # distinct names per article; beyond this the rules' labels stand


def relabel_ambiguous_batch(extractions: Sequence[Extraction]) -> None:
    """Label the mentions the rules could not (``MISC``), batched across all articles.

    First the article's own evidence: a word of a person's name mentioned elsewhere in
    it ("Kim" after "Kim Jong-un") takes that type. Then the trained NER (tok2vec + ner,
    no tagger or parser) reads one short window around each distinct remaining name per
    article, all windows of the batch in one ``nlp.pipe``; its label applies to every
    mention of that name in the article. The rules' spans and titles are kept.
    """
    asks: list[tuple[int, str, str]] = []
    for n, ext in enumerate(extractions):
        _label_from_article(ext)
        for text, window in _windows(ext):
            asks.append((n, text, window))
    if not asks:
        return
    nlp = _trained_pipeline()
    if nlp is None:
        return
    labels: dict[tuple[int, str], str] = {}
    with nlp.select_pipes(disable=[p for p in NER_ONLY if p in nlp.pipe_names]):
        docs = nlp.pipe([w for _, _, w in asks], batch_size=NER_BATCH)
        for (n, text, _), doc in zip(asks, docs, strict=True):
            label = next((TRAINED_LABELS.get(e.label_, "MISC") for e in doc.ents
                          if text.split()[-1] in e.text.split()), "MISC")
            labels[(n, text)] = label if trust_ner(text, label) else "MISC"
    for n, ext in enumerate(extractions):
        doubtful = not_people(ext.entities)
        for e in ext.entities:
            if e.label == "MISC" and e.text not in doubtful:
                e.label = labels.get((n, e.text), "MISC")


def trust_ner(name: str, label: str) -> bool:
    """Whether to keep the small NER's label for an ambiguous name. Measured on the dev
    labels (bench_realnews.py, docs/benchmarks.md): its PERSON label for a multi-word name
    is mostly right; for single words, places and organisations it guesses too often
    ("Ebola" as a place, "Apple" as a person), so those stay untyped (MISC)."""
    words = name.split()
    return (label in TRUSTED_NER_LABELS and len(words) >= MIN_NER_WORDS
            and not any(w in PRODUCT_CUES for w in words))


TRUSTED_NER_LABELS = ("PERSON",)
MIN_NER_WORDS = 2
WINDOW_CHARS = 50   # context the NER reads on each side of an ambiguous name


def not_people(entities: Sequence[Entity]) -> set[str]:
    """Names (untyped, or typed PERSON only because they look like one) that the article
    itself says are no person: a word of the name typed as a place or organisation on
    its own, or a first word that opens several other names ("Apple Watch", "Apple
    Stores", "Apple Watch Edition": a brand, not a given name)."""
    typed = {e.text for e in entities if e.label in ("GPE", "ORG")}
    openers: dict[str, set[str]] = {}
    for e in entities:
        words = e.text.split()
        if len(words) > 1:
            openers.setdefault(words[0], set()).add(e.text)
    out = set()
    for e in entities:
        words = e.text.split()
        if e.label in ("MISC", "PERSON") and len(words) > 1 and (
                any(w in typed for w in words) or len(openers[words[0]]) >= MIN_OPENED):
            out.add(e.text)
    return out


MIN_OPENED = 3   # distinct names opened by one word before it reads as a brand


def _label_from_article(ext: Extraction) -> None:
    """Names typed elsewhere in the same article type their ambiguous mentions: the full
    name "Ana Ruiz" typed PERSON makes a bare "Ana Ruiz" or "Ruiz" a person too."""
    typed = {e.text: e.label for e in ext.entities if e.label in ("PERSON", "ORG", "GPE")}
    words = {w: "PERSON" for name, label in typed.items() if label == "PERSON"
             and len(name.split()) > 1 for w in name.split()
             if not is_place_name(w) and w not in PRODUCT_CUES}
    for e in ext.entities:
        if e.label == "MISC":
            e.label = typed.get(e.text) or words.get(e.text, "MISC")


def _windows(ext: Extraction) -> list[tuple[str, str]]:
    """One short window of text around the first mention of each distinct MISC name."""
    seen: dict[str, str] = {}
    for e in ext.entities:
        if (e.label != "MISC" or e.text in seen or len(seen) >= MAX_NER_SENTENCES
                or len(e.text.split()) < MIN_NER_WORDS):  # its label would not be trusted
            continue
        if not 0 <= e.sentence_index < len(ext.sentences):
            continue
        sentence = ext.sentences[e.sentence_index]
        at = e.start - sentence.start
        if not 0 <= at <= len(sentence.text):
            at = max(0, sentence.text.find(e.text))
        left = sentence.text.rfind(" ", 0, max(0, at - WINDOW_CHARS)) + 1
        right = sentence.text.find(" ", min(len(sentence.text), at + len(e.text) + WINDOW_CHARS))
        seen[e.text] = sentence.text[left:right if right > 0 else len(sentence.text)]
    distinct = len({e.text for e in ext.entities
                    if e.label == "MISC" and len(e.text.split()) >= MIN_NER_WORDS})
    if distinct > MAX_NER_SENTENCES:
        ext.warnings.append(f"trained NER asked about the first {MAX_NER_SENTENCES} of "
                            f"{distinct} unlabelled names")
    return list(seen.items())


def _trained_pipeline():
    from corroborator.errors import CorroboratorError

    try:
        from corroborator.nlp import load_pipeline

        return load_pipeline()
    except (ImportError, CorroboratorError):
        return None


def _attribute_quoted(ext: Extraction, body: str) -> None:
    """A sentence carrying (part of) a quote with a known speaker is attributed to them."""
    starts = [s.start for s in ext.sentences]
    for quote in ext.quotes:
        if not quote.speaker or not quote.direct or not (
                0 <= quote.sentence_index < len(ext.sentences)):
            continue
        first = ext.sentences[quote.sentence_index]
        at = body.find(quote.text, first.start) if quote.direct else first.start
        end = at + len(quote.text) if at >= 0 else first.end
        kind = classify(quote.speaker)
        kind = kind if kind in ("anonymous", "wire", "hedged") else "named"
        last = max(quote.sentence_index, bisect.bisect_right(starts, end - 1) - 1)
        for sentence in ext.sentences[quote.sentence_index:last + 1]:
            if sentence.attribution.kind in ("none", "hedged") or (
                    sentence.attribution.source is None and sentence.attribution.kind != "none"):
                sentence.attribution = Attribution(kind, quote.speaker, quote.speaker)


def _attribute_block_quotes(sentences: Sequence[Sentence], body: str) -> None:
    """Paragraphs quoted without quotation marks after a lead-in that ends its paragraph
    with a colon and has a source ("She also confirmed she created the piece:") carry that
    source, when the first of them speaks in the first or second person ("This is
    irrelevant, I don't want ..."): up to MAX_BLOCK_PARAGRAPHS, stopping at a paragraph
    with a source of its own."""
    paragraphs = _paragraphs(sentences, body)
    for i, paragraph in enumerate(paragraphs[:-1]):
        lead = paragraph[-1]
        if not (lead.text.rstrip().endswith(":") and lead.attribution.source):
            continue
        block = paragraphs[i + 1:i + 1 + MAX_BLOCK_PARAGRAPHS]
        if not _SPEAKER_VOICE.search(" ".join(s.text for s in block[0])):
            continue
        for quoted in block:
            if any(s.attribution.kind != "none" for s in quoted):
                break
            for sentence in quoted:
                sentence.attribution = Attribution(lead.attribution.kind, lead.attribution.source,
                                                   lead.attribution.span)


def _paragraphs(sentences: Sequence[Sentence], body: str) -> list[list[Sentence]]:
    """Sentences grouped by paragraph (a line break between two sentences starts one)."""
    paragraphs: list[list[Sentence]] = []
    for sentence in sentences:
        if not paragraphs or "\n" in body[paragraphs[-1][-1].end:sentence.start]:
            paragraphs.append([])
        paragraphs[-1].append(sentence)
    return paragraphs


#: Most paragraphs a colon lead-in attributes (a block quote's length is not marked).
MAX_BLOCK_PARAGRAPHS = 3
#: A first- or second-person word: quoted speech, not the reporter's narration.
_SPEAKER_VOICE = re.compile(r"\b(?:I|I'm|I’m|I've|I’ve|my|we|we're|we’re|our|us|you|your)\b")


def _is_claim(sentence: Sentence) -> bool:
    return sentence.type == "claim" and len(sentence.text.split()) >= MIN_CLAIM_WORDS


def _claim(sentence: Sentence) -> Claim:
    return Claim(sentence.article_id, sentence.index, sentence.text,
                 sentence.checkworthiness, sentence.attribution)


def _score(texts: list[str]) -> list[dict]:
    """Sentence type and check-worthiness from the trained scorer, or rules if absent."""
    try:
        from corroborator.extract.checkworthy import score_sentences

        scored = score_sentences(texts)
    except (ImportError, OSError):  # the trained scorer is not installed
        return [_rule_score(t) for t in texts]
    return [{"type": s.type, "checkworthiness": s.checkworthiness,
             "features": dict(s.features) | {"reasons": s.reasons}} for s in scored]


def _rule_score(text: str) -> dict:
    words = text.split()
    if text.rstrip().endswith("?"):
        kind = "question"
    elif len(words) < MIN_CLAIM_WORDS:
        kind = "other"
    else:
        kind = "claim"
    has_number = any(c.isdigit() for c in text)
    return {"type": kind, "checkworthiness": 0.5 if has_number else 0.2,
            "features": {"has_number": has_number}}
