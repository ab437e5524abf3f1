"""The cue vocabulary of verdicts: words that debunk, deny, hedge, frame a report or confirm.

Shared by the sentence rules (:mod:`corroborator.corroboration.judgement`) and the
whole-article features (:mod:`corroborator.corroboration.wholebody`), so both read a
claim's context with one vocabulary.
"""

from __future__ import annotations

import re

DEBUNK = re.compile(
    r"\b(hoax(?:es)?|fake|phony|phoney|fabricat\w+|made[- ]up|debunk\w*|myth|satir\w+|"
    r"untrue|not true|false(?:ly)?|baseless|unfounded|no evidence|no truth|"
    r"not (?:accurate|correct|real|genuine|authentic)|misinformation|disinformation|"
    r"(?:is|was|are|were) (?:still |actually |in fact |very much )?alive|alive and well|rumou?rs? (?:are|were|is|was) (?:false|untrue|wrong))\b",
    re.IGNORECASE)
DENIAL = re.compile(
    r"\b(den(?:y|ies|ied|ying)|refut\w+|reject\w*|dismiss\w*|rebut\w*|disput\w+|"
    r"contradict\w*|retract\w*|walk(?:ed|s)? back|no plans?|not (?:been )?(?:made|decided|"
    r"final|signed)|unsigned|could ?n[o']t (?:confirm|verify)|cannot (?:confirm|verify)|"
    r"unable to (?:confirm|verify)|has not|have not|had not|did not|does not|do not|never|(?:is|was|are|were) not|isn't|wasn't|weren't|aren't|hasn't|haven't|didn't|doesn't)\b",
    re.IGNORECASE)
EXPLICIT_DENIAL = re.compile(
    r"\b(den(?:y|ies|ied|ying)|disput(?:ed|es|ing)|refut(?:ed|es|ing)|rebut\w*|"
    r"reject(?:ed|s|ing) (?:the )?(?:claims?|reports?|allegations?|suggestions?)|"
    r"hoax(?:es)?|fake|phony|phoney|debunk\w*|untrue|not true|no evidence|baseless|"
    r"unfounded|(?:is|was|are|were) (?:still |actually |in fact )?alive)\b",
    re.IGNORECASE)
REPORT_FRAME = re.compile(
    r"\b(claim(?:s|ed)?|report(?:s|ed)?|rumou?r(?:s|ed)?|stor(?:y|ies)|quote|post(?:s|ed)?|"
    r"article|tweet(?:s|ed)?|viral|circulat\w+|purport\w*|alleg\w+|supposed\w*)\b",
    re.IGNORECASE)
HEDGE = re.compile(
    r"\b(reportedly|allegedly|purportedly|apparently|supposedly|rumou?r\w*|unconfirmed|"
    r"unverified|may|might|could|appears? to|seems? to|is said to|are said to|claims?|"
    r"according to (?:unnamed|anonymous)|sources say)\b",
    re.IGNORECASE)
CONFIRM = re.compile(
    r"\b(confirm(?:s|ed|ation)?|officially|announc(?:ed|es)|verified|indeed|revealed|"
    r"proved|proof|acknowledg(?:ed|es)|admit(?:s|ted)?)\b",
    re.IGNORECASE)
# Broader vocabularies for the whole-article features, where a word is counted, not parsed.
REFUTE = re.compile(
    r"\b(den(?:y|ies|ied|ying|ial)|refut\w+|reject\w*|dismiss\w*|rebut\w*|disput\w+|"
    r"contradict\w*|retract\w*|prank\w*|doctored|photoshopped|spoof\w*|parod\w+|bogus|wrong|"
    r"incorrect|misleading|erroneous|nonsense|lie[sd]?|doubt\w*|fraud\w*)\b",
    re.IGNORECASE)
REPORTING = re.compile(
    r"\b(according|sources?|whether|if|perhaps|likely|unclear|unknown|possibl[ey]|"
    r"suggest\w*|believed|speculat\w+|investigat\w+|verif\w+|appears?|seems?)\b",
    re.IGNORECASE)
