"""One vocabulary for every place findings are shown: terminal, HTML report, web app.

Stance labels are the model's (agree, disagree, discuss, unrelated); people read them
as verbs about an outlet ("Coast Radio disputes"). Statuses are the claim group's.
"""

from __future__ import annotations

STANCE_SYMBOL = {"agree": "✓", "disagree": "✗", "discuss": "?", "unrelated": "–"}
STANCE_TEXT = {"agree": "agrees", "disagree": "disputes", "discuss": "discusses",
               "unrelated": "unrelated"}
NO_COVERAGE = "no coverage"
STATUS_SYMBOL = {"corroborated": "✓", "disputed": "✗", "unclear": "?", "single-source": "●"}
STATUS_TEXT = {"corroborated": "Corroborated", "disputed": "Disputed", "unclear": "Unclear",
               "single-source": "Single source"}
COVERAGE_TEXT = {"agree": "agree", "dispute": "dispute", "silent": "silent"}
"""The three parts of a story's coverage bar: outlets agreeing, disputing, silent."""


def plural(count: int, noun: str, plural_form: str | None = None) -> str:
    """``1 article``, ``2 articles``; `plural_form` for irregular nouns."""
    word = noun if count == 1 else (plural_form or noun + "s")
    return f"{count} {word}"
