"""Speakers from the dependency parse, for the sentences the patterns leave open.

The reporting-clause patterns of ``sources.py`` run on every sentence; the bundled
parser (``corroborator.nlp``, tok2vec + parser only) reads just the sentences where they
find no speaker although a reporting verb, "according to" or a quotation mark is there.
All such sentences of a batch go through one ``nlp.pipe`` call. In a parsed sentence the
speaker is:

* the subject (``nsubj``) of a reporting verb outside quotation marks ("The mayor told
  reporters ..."); a participle or conjoined verb without one ("..., saying ...") takes
  its governing verb's subject;
* the noun after an inverted verb ("..., said Ana Ruiz, a spokeswoman");
* the noun of "according to X";
* for an appositive, the name rather than the description ("Ilse Marwick, a spokeswoman
  for the authority, said" gives "Ilse Marwick"; "the spokeswoman, Ilse Marwick, said"
  too).

A pronoun subject ("she", "they") is returned as a pronoun source; the caller resolves it
to the nearest compatible antecedent as it does for the patterns' pronouns.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from corroborator.extract.sources import (
    GENERIC_HEADS,
    INSTITUTION_HEADS,
    ROLE_HEADS,
    SPEECH_VERBS,
    Source,
    classify,
    clean_source,
    mask_quotes,
)

PARSE_PIPES = ("tok2vec", "parser")   # no tagger, no NER: the parse alone is read
PARSE_BATCH = 256
MAX_PARSE_CHARS = 600      # longer sentences are left to the patterns (bounded cost)
MAX_PARSE_SENTENCES = 60   # per article
MAX_SPEAKER_TOKENS = 12    # a longer subject phrase is a description, not a speaker
SPEECH = frozenset(SPEECH_VERBS.split("|")) | {"saying", "adding", "telling", "writing",
                                               "noting", "insisting", "warning", "reporting",
                                               "emphasised", "emphasized", "citing"}
INVERTIBLE = frozenset("said says added adds wrote writes asked explained continued noted "
                       "recalled replied answered insisted stated declared tweeted remarked "
                       "concluded warned countered".split())
PARTICIPLES = frozenset("saying adding telling writing noting insisting warning citing".split())
# Words that send a sentence to the parser: the reporting verbs, less those that on 300
# FNC-1 bodies were mostly nouns or gave no speaker ("reports", "claims", "states") --
# a sentence the parse reads for nothing costs as much as one it resolves.
TRIGGERS = SPEECH - frozenset("""reports states alleged alleges claims believe believes
    accused declared warning suggest suggests suggested indicate indicated""".split())
VERB_DEPS = frozenset({"ROOT", "ccomp", "conj", "advcl", "xcomp", "parataxis", "acl",
                       "acl:relcl", "csubj", "advcl:relcl"})
INHERITS = ("conj", "advcl")   # a participle or conjoined verb shares its head's subject
_DROP = frozenset({"appos", "acl", "acl:relcl", "punct", "parataxis", "advcl", "dislocated",
                   "ccomp", "list", "dep", "case", "mark"})
_NEGATION = frozenset({"not", "n't", "never"})
_RELATIVE = frozenset("which who whom whose that".split())
_PRONOUNS = frozenset("he she it they we i you".split())
_NOT_HEADS = frozenset("""none which who whom that what this these those there here all
    some time monday tuesday wednesday thursday friday saturday sunday today yesterday
    january february march april may june july august september october november december
    week month year morning night evening afternoon""".split())
# A lower-case speaker phrase must hold a word for people, a group or a document.
SPEAKER_NOUNS = GENERIC_HEADS | INSTITUTION_HEADS | ROLE_HEADS | frozenset(
    """commenter commenters rep reps outlets outlet newspaper newspapers paper media
    website site blog staff spokesmen spokeswomen leader leaders minister ministers
    authorities officials reporter reporters journalist journalists mayor governor
    president minister secretary senator congressman congresswoman chief ceo chairman
    chairwoman director founder attorney judge prosecutor ambassador king queen prince
    princess pope cleric author professor coach actor actress singer star police sheriff
    commissioner boss head nurse father mother son daughter wife husband brother sister
    parents man woman boy girl company firm group team club network agency board
    committee union party ministry government military army statement""".split()) - _PRONOUNS
_AGENT_NOUN = re.compile(r"(?:er|or|ist|ian|ant|ent)s?$")   # manager, analyst, resident
_QUOTE_CHARS = "\"“”"
_WORDS = re.compile(r"[a-z]+")


def needs_parse(sentence: str, source: Source | None) -> bool:
    """Whether the parse should look for `sentence`'s speaker: the patterns found none
    although a reporting verb, "according to" or a quotation mark is there."""
    if source is not None or len(sentence) > MAX_PARSE_CHARS:
        return False
    outside = _WORDS.findall(mask_quotes(sentence).lower())
    return "according" in outside or any(w in TRIGGERS for w in outside)


def parse_sentences(texts: Sequence[str]) -> list:
    """Parse `texts` in one batched call (tok2vec + parser); ``[]`` if spaCy or the
    bundled pipeline is unavailable."""
    if not texts:
        return []
    from corroborator.errors import CorroboratorError

    try:
        from corroborator.nlp import load_pipeline

        nlp = load_pipeline()
    except (ImportError, CorroboratorError):
        return []
    off = [p for p in nlp.pipe_names if p not in PARSE_PIPES and p != "corroborator_paragraphs"]
    with nlp.select_pipes(disable=off):
        return list(nlp.pipe(texts, batch_size=PARSE_BATCH))


def parsed_source(sentence: str, doc) -> Source | None:
    """The speaker of `sentence` (the text `doc` was parsed from), or None."""
    quoted = quoted_chars(sentence)
    best: tuple[int, Source] | None = None
    for tok in doc:
        if _inside(tok, quoted):
            continue
        low = tok.lower_
        if low == "according":
            head = _according_head(tok)
            found = _source(sentence, head, "according to") if head is not None else None
            rank = 1
        elif (low in SPEECH and tok.dep_ in VERB_DEPS and not tok.text[:1].isupper()
              and not any(c.lower_ in _NEGATION for c in tok.children)):
            found = _source(sentence, _subject(tok, quoted), tok.text)
            rank = 0 if tok.dep_ == "ROOT" or tok.head.dep_ == "ROOT" else 2
        else:
            continue
        if found is not None and any(w in found.text.lower().split() for w in _RELATIVE):
            found = None
        if found is not None and (best is None or rank < best[0]):
            best = (rank, found)
    return best[1] if best else None


def quoted_chars(sentence: str) -> list[bool]:
    """For each character, whether it lies inside quotation marks; an opening mark left
    unclosed quotes the rest of the sentence, a closing mark never opened the start."""
    masked = mask_quotes(sentence)
    quoted = [a != b for a, b in zip(sentence, masked, strict=True)]
    first_close = masked.find("”")
    first_open = masked.find("“")
    if first_close >= 0 and (first_open < 0 or first_close < first_open):
        quoted[:first_close] = [True] * first_close
    last_open = max(masked.rfind("“"), masked.rfind('"') if masked.count('"') % 2 else -1)
    if last_open >= 0 and "”" not in masked[last_open:] and (
            masked[last_open] == "“" or masked.count('"') % 2):
        quoted[last_open:] = [True] * (len(sentence) - last_open)
    return quoted


def _inside(tok, quoted: list[bool]) -> bool:
    return tok.idx < len(quoted) and quoted[tok.idx]


def _according_head(tok):
    """"according to X": the noun both "according" and "to" attach to."""
    nxt = tok.nbor(1) if tok.i + 1 < len(tok.doc) else None
    if nxt is None or nxt.lower_ != "to":
        return None
    head = tok.head if tok.head.i > tok.i else nxt.head
    if head.i <= nxt.i or head.is_punct:
        return None
    return head


def _subject(verb, quoted: list[bool]):
    """The subject of a reporting verb: its own, an inverted one, or its governor's."""
    seen = 0
    while verb is not None and seen < 4:
        if any(c.dep_ == "aux:pass" for c in verb.children):  # "was reported by X"
            return next((c for c in verb.children if c.dep_ in ("obl", "obl:agent")
                         and any(k.lower_ == "by" for k in c.children)), None)
        subject = next((c for c in verb.children if c.dep_ == "nsubj"
                        and not _inside(c, quoted)), None)
        if subject is not None:
            return subject
        inverted = _inverted_subject(verb, quoted)
        if inverted is not None:
            return inverted
        if (verb.dep_ not in INHERITS or verb.head.i == verb.i
                or (seen == 0 and verb.lower_ not in PARTICIPLES and verb.dep_ != "conj")):
            return None
        verb, seen = verb.head, seen + 1
    return None


def _inverted_subject(verb, quoted: list[bool]):
    """", said Ana Ruiz": a noun right after a verb that follows a comma or a quote."""
    if verb.i == 0 or verb.lower_ not in INVERTIBLE:
        return None
    before = verb.doc[verb.i - 1]
    if before.text not in (",", *_QUOTE_CHARS) and not before.text.endswith(("”", '"')):
        return None
    return next((c for c in verb.rights if c.dep_ in ("obj", "nsubj", "obl")
                 and not _inside(c, quoted) and c.i <= verb.i + 4), None)


def _source(sentence: str, head, verb: str) -> Source | None:
    if head is None or head.is_punct:
        return None
    head = _name_of_appositive(head)
    if head.lower_ in _NOT_HEADS:
        return None
    tokens = [head] if head.lower_ in _PRONOUNS else _phrase(head, keep_acl=True)
    if len(tokens) > MAX_SPEAKER_TOKENS:  # "a person identifying himself as ...": kept if short
        tokens = _phrase(head, keep_acl=False)
    if not tokens or len(tokens) > MAX_SPEAKER_TOKENS:
        return None
    start, end = tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)
    text = clean_source(sentence[start:end])
    if not text or not any(ch.isalpha() for ch in text):
        return None
    if head.lower_ not in _PRONOUNS and not head.text[:1].isupper() and not (
            _AGENT_NOUN.search(head.lower_)) and not any(
            w.strip(".,’'").lower() in SPEAKER_NOUNS for w in text.split()):
        return None  # "early signs indicated": not a source
    at = sentence.find(text, start)
    return Source(text, classify(text), at, at + len(text), verb, "parse")


def _name_of_appositive(head):
    """The name where the subject is a description with a name beside it, either as an
    appositive ("the spokeswoman, Ilse Marwick,") or as a misparsed subject of the
    description ("Ilse Marwick, a spokeswoman ..., said")."""
    if head.text[:1].isupper() and not head.is_sent_start:
        return head
    for child in head.children:
        if child.dep_ in ("appos", "nsubj") and child.text[:1].isupper() and child.i != head.i:
            return child
    return head


def _phrase(head, keep_acl: bool) -> list:
    """The noun phrase of `head`: its subtree without relative clauses, appositives and
    anything past a comma; a participle clause ("a commenter named X") only if asked."""
    keep = [head]
    for child in head.children:
        if (child.dep_ in _DROP and not (keep_acl and child.dep_ == "acl")
                or child.dep_.startswith(("nsubj", "cc", "conj"))):
            continue
        keep.extend(child.subtree)
    keep.sort(key=lambda t: t.i)
    lo = hi = keep.index(head)
    while lo > 0 and keep[lo - 1].i == keep[lo].i - 1 and keep[lo - 1].text != ",":
        lo -= 1
    while hi + 1 < len(keep) and keep[hi + 1].i == keep[hi].i + 1 and keep[hi + 1].text != ",":
        hi += 1
    return keep[lo:hi + 1]
