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

import re
from collections.abc import Iterable, Sequence

from corroborator.extract.attribution import attribute
from corroborator.extract.canon import CanonicalEntity, canonicalize
from corroborator.extract.entities import find_entities
from corroborator.extract.numbers import find_mentions
from corroborator.extract.quotes import find_quotes
from corroborator.extract.sentences import Span, split_sentences, strip_dateline
from corroborator.models import Article, Attribution, Claim, Entity, Extraction, Sentence
from corroborator.signals import PROFANITY, outside_quotes

EXTRACTOR_VERSION = "extract-rules.v1"
MIN_CLAIM_WORDS = 5
MAX_BODY_CHARS = 2_000_000
HEADLINE_SEARCH = 3     # the headline may be repeated within the first sentences
KICKER_MAX_WORDS = 3    # a section label above a repeated headline

__all__ = ["EXTRACTOR_VERSION", "CanonicalEntity", "canonicalize", "extract", "extract_batch"]


def extract(article: Article, trained_ner: bool = True) -> Extraction:
    """Extract sentences, entities, quotes, numbers, dates and claims from one article.

    With ``trained_ner`` the bundled spaCy NER labels the mentions the rules leave
    ambiguous; loading it costs about two seconds once per process, so one-shot tools may
    turn it off.
    """
    ext = Extraction(article_id=article.id, version=EXTRACTOR_VERSION)
    body = article.text or ""
    if len(body) > MAX_BODY_CHARS:
        ext.warnings.append(f"body truncated to {MAX_BODY_CHARS} characters")
        body = body[:MAX_BODY_CHARS]
    spans = _drop_repeated_headline(split_sentences(body), article.title)
    if not spans:
        ext.warnings.append("no sentences found")
        return ext
    ext.sentences = _sentences(article.id, spans)
    ext.entities = _entities(article.id, ext.sentences)
    if trained_ner:
        relabel_ambiguous(ext.entities, ext.sentences)
    canonicalize(ext.entities)
    ext.quotes = find_quotes(article.id, body, spans, ext.entities)
    _attribute_quoted(ext)
    for s in ext.sentences:
        ext.mentions.extend(find_mentions(article.id, s.text, s.index, article.published))
    ext.claims = [_claim(s) for s in ext.sentences if _is_claim(s)]
    return ext


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


def extract_batch(articles: Iterable[Article]) -> list[Extraction]:
    """`extract` over a batch: the stage's entry point for local and Ray runners."""
    return [extract(a) for a in articles]


def _sentences(article_id: str, spans: Sequence[Span]) -> list[Sentence]:
    texts = [strip_dateline(s.text)[0] if i == 0 else s.text for i, s in enumerate(spans)]
    scores = _score(texts)
    out = []
    for i, (span, text) in enumerate(zip(spans, texts, strict=True)):
        score = scores[i]
        out.append(Sentence(
            article_id, i, text, span.end - len(text), span.end, refine_type(text, score["type"]),
            round(score["checkworthiness"], 4), attribute(text), score["features"],
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
    for s in sentences:
        for e in find_entities(s.text):
            out.append(Entity(article_id, e.text, e.label, s.index,
                              s.start + e.start, s.start + e.end))
    return out


NER_ONLY = ("parser", "corroborator_sentence_repair", "corroborator_paragraphs")
TRAINED_LABELS = {"PERSON": "PERSON", "ORG": "ORG", "GPE": "GPE", "LOC": "GPE"}


def relabel_ambiguous(entities: list[Entity], sentences: Sequence[Sentence]) -> None:
    """Ask the trained NER about mentions the rules could not label (``MISC``).

    Only sentences holding such a mention go through the model (tok2vec + ner, no
    parser), which keeps extraction fast; the rules' spans and titles are kept.
    """
    ambiguous = [e for e in entities if e.label == "MISC"]
    if not ambiguous:
        return
    nlp = _trained_pipeline()
    if nlp is None:
        return
    indices = sorted({e.sentence_index for e in ambiguous})
    docs = nlp.pipe([sentences[i].text for i in indices], disable=NER_ONLY)
    labels: dict[tuple[int, str], str] = {}
    for index, doc in zip(indices, docs, strict=True):
        for ent in doc.ents:
            for word in ent.text.split():
                labels[(index, word)] = TRAINED_LABELS.get(ent.label_, "MISC")
    for e in ambiguous:
        e.label = labels.get((e.sentence_index, e.text.split()[-1]), "MISC")


def _trained_pipeline():
    from corroborator.errors import CorroboratorError

    try:
        from corroborator.nlp import load_pipeline

        return load_pipeline()
    except (ImportError, CorroboratorError):
        return None


def _attribute_quoted(ext: Extraction) -> None:
    """A sentence carrying a quote with a known speaker is attributed to that speaker."""
    for quote in ext.quotes:
        if not quote.speaker or not 0 <= quote.sentence_index < len(ext.sentences):
            continue
        sentence = ext.sentences[quote.sentence_index]
        if sentence.attribution.kind in ("none", "hedged"):
            kind = attribute(f"{quote.speaker} said this.").kind
            kind = kind if kind in ("anonymous", "wire") else "named"
            sentence.attribution = Attribution(kind, quote.speaker, quote.speaker)


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
