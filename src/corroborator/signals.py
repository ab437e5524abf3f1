"""Article signals: described with the sentences that show them, never a verdict.

Each signal names what it measures, its value and the evidence spans. There is no
overall "fake" or "bias" score: a reader weighs the evidence.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from corroborator.models import Extraction, Signal

MAX_EVIDENCE = 4
OPINION_SHARE_FOR_OPINION = 0.30
OPINION_SHARE_FOR_MIXED = 0.12

_QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"")
_FIRST_PERSON = re.compile(r"\b(I|I'm|I’m|I've|I’ve|me|my|mine|we|we're|we’re|we've|we’ve|"
                           r"us|our|ours|ourselves)\b")
PROFANITY = re.compile(
    r"\b(fuck\w*|shit\w*|bullshit|damn\w*|goddamn\w*|crap\w*|bastard\w*|ass|asses|asshole\w*|"
    r"piss\w*|bitch\w*|hell)\b", re.IGNORECASE,
)
LOADED = re.compile(
    r"\b(warmongers?|war machine|hell states?|ravaged|lies|lying|liars?|corrupt\w*|"
    r"police state|regime|thugs?|evil|disgrace\w*|shameful|outrage\w*|scandal\w*|"
    r"catastroph\w*|disastrous|radical\w*|extremists?|propaganda|puppets?|criminal\w*|"
    r"slaughter\w*|massacre\w*|tyrann\w*|traitors?|betray\w*|sham|hoax|cover-?up|"
    r"so-called|elites?|politically elite|blinders|bad guy|aggressor|"
    r"reckless\w*|incompetent|corrupt|greed\w*|brainwash\w*|stooges?)\b",
    re.IGNORECASE,
)
CALL_TO_ACTION = re.compile(
    r"\b(call your (representative|senator|congressman|mp)|contact your|sign (the|our|this) "
    r"petition|share this|spread the word|join us|take action|demand that|you'?d do well to|"
    r"watch the video|read this article|tell your|write to your|vote (for|against)|"
    r"boycott|donate|subscribe|get involved|stand up|speak out|don'?t let)\b",
    re.IGNORECASE,
)


def describe(extraction: Extraction, headline: str = "") -> list[Signal]:
    """All signals of one article, each with its evidence sentences."""
    aid = extraction.article_id
    sentences = [s.text for s in extraction.sentences]
    return [
        _opinion(aid, extraction),
        _matches(aid, "first_person", sentences, _FIRST_PERSON, strip_quotes=True,
                 description="first-person voice of the author (outside quotes)"),
        _matches(aid, "loaded_language", sentences, LOADED,
                 description="loaded or emotive words"),
        _matches(aid, "profanity", sentences, PROFANITY, description="profane words"),
        _rhetorical_questions(aid, extraction),
        _matches(aid, "calls_to_action", sentences, CALL_TO_ACTION, strip_quotes=True,
                 description="the reader is told to do something"),
        _sourcing(aid, extraction),
        _quotes_per_claim(aid, extraction),
    ]


def describe_batch(extractions: Sequence[Extraction]) -> list[list[Signal]]:
    """`describe` over a batch: the stage's entry point for local and Ray runners."""
    return [describe(e) for e in extractions]


def outside_quotes(text: str) -> str:
    """`text` with quoted passages blanked out: what the author says in their own voice."""
    return _QUOTED.sub(" ", text)


def _matches(aid: str, name: str, sentences: Sequence[str], pattern: re.Pattern,
             description: str, strip_quotes: bool = False) -> Signal:
    evidence, words = [], Counter()
    for text in sentences:
        found = pattern.findall(outside_quotes(text) if strip_quotes else text)
        if found:
            evidence.append(text)
            words.update(w if isinstance(w, str) else w[0] for w in found)
    summary = ", ".join(f"{w.lower()} ×{n}" if n > 1 else w.lower()
                        for w, n in words.most_common(6))
    return Signal(aid, name, len(evidence), evidence[:MAX_EVIDENCE],
                  f"{description}: {summary}" if summary else f"no {description}")


def _opinion(aid: str, ext: Extraction) -> Signal:
    typed = [s for s in ext.sentences if s.type in ("claim", "opinion", "question")]
    opinion = [s for s in typed if s.type in ("opinion", "question")]
    share = len(opinion) / len(typed) if typed else 0.0
    if share >= OPINION_SHARE_FOR_OPINION:
        value = "opinion"
    elif share >= OPINION_SHARE_FOR_MIXED:
        value = "mixed"
    else:
        value = "reporting"
    description = (f"{len(opinion)} of {len(typed)} sentences are opinion or questions "
                   f"({share:.0%}); reads as {value}")
    return Signal(aid, "opinion_vs_reporting", value, [s.text for s in opinion[:MAX_EVIDENCE]],
                  description)


def _rhetorical_questions(aid: str, ext: Extraction) -> Signal:
    questions = [s.text for s in ext.sentences
                 if outside_quotes(s.text).rstrip().endswith("?")]
    return Signal(aid, "rhetorical_questions", len(questions), questions[:MAX_EVIDENCE],
                  f"{len(questions)} question(s) asked by the author")


def _sourcing(aid: str, ext: Extraction) -> Signal:
    claims = [s for s in ext.sentences if s.type == "claim"]
    counts = Counter(s.attribution.kind for s in claims)
    total = sum(counts.values()) or 1
    shares = {k: round(counts.get(k, 0) / total, 3)
              for k in ("named", "wire", "anonymous", "hedged", "none")}
    evidence = []
    for kind in ("wire", "named", "anonymous", "hedged"):
        example = next((s for s in claims if s.attribution.kind == kind), None)
        if example:
            source = example.attribution.source or example.attribution.span or ""
            evidence.append(f"[{kind}: {source}] {example.text}")
    description = ", ".join(f"{k} {v:.0%}" for k, v in shares.items() if v) or "no claims"
    return Signal(aid, "sourcing", shares, evidence, f"claims by attribution: {description}")


def _quotes_per_claim(aid: str, ext: Extraction) -> Signal:
    direct = [q for q in ext.quotes if q.direct]
    n_claims = max(1, len(ext.claims))
    value = round(len(direct) / n_claims, 3)
    evidence = [f"{q.speaker or 'unattributed'}: “{q.text}”" for q in direct[:MAX_EVIDENCE]]
    return Signal(aid, "quotes_per_claim", value, evidence,
                  f"{len(direct)} direct quote(s) for {len(ext.claims)} claim(s)")
