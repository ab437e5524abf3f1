"""Speakers from the dependency parse (issue 12), on fictional sentences.

The parse reads the sentences the reporting-clause patterns leave without a speaker;
these tests call it directly (``parsed_source``) and through ``extract``, where a
pronoun it finds resolves to the nearest compatible antecedent.
"""

from __future__ import annotations

import pytest

from corroborator.extract import extract, extract_batch
from corroborator.extract.sources import find_source
from corroborator.extract.speakers import (
    needs_parse,
    parse_sentences,
    parsed_source,
    quoted_chars,
)
from corroborator.models import Article


def _speaker(sentence: str):
    docs = parse_sentences([sentence])
    if not docs:
        pytest.skip("the bundled spaCy pipeline is not available")
    return parsed_source(sentence, docs[0])


def _text_kind(sentence: str) -> tuple[str, str] | None:
    found = _speaker(sentence)
    return (found.text, found.kind) if found else None


def test_appositive_speaker_is_the_name_not_the_description():
    assert _text_kind("Ilse Marwick, a spokeswoman for the water authority, said the dam "
                      "was safe.") == ("Ilse Marwick", "named")
    assert _text_kind("The harbour master, Tomas Brek, said the ferry would sail."
                      ) == ("Tomas Brek", "named")


def test_subject_of_told_and_inverted_said():
    assert _text_kind("The mayor told reporters that the bridge would reopen on Monday."
                      )[0] == "The mayor"
    assert _text_kind("The ferry was cancelled, said Ana Ruiz, a spokeswoman."
                      ) == ("Ana Ruiz", "named")


def test_according_to_and_passive_by():
    assert _text_kind("The bridge will reopen in May, according to the regional transport "
                      "ministry.") == ("the regional transport ministry", "named")
    assert _text_kind("The sale was first reported by the Harbour Gazette."
                      ) == ("the Harbour Gazette", "named")


def test_pronoun_and_organisation_subjects():
    assert _text_kind("Later, she insisted on Friday that the contract had been void."
                      ) == ("she", "pronoun")
    assert _text_kind("In a statement released late on Friday, they denied that anyone "
                      "had been hurt.") == ("they", "pronoun")
    assert _text_kind("The company on Friday denied that the mine had leaked."
                      ) == ("The company", "named")


def test_no_speaker_for_negated_verbs_non_agents_and_quoted_verbs():
    assert _speaker("Officials have not confirmed the cause of the fire.") is None
    assert _speaker("Early signs indicated that the fire had started in the kitchen.") is None
    assert _speaker("The notice read: “The mayor has confirmed that the pool will close") is None


def test_only_sentences_the_patterns_leave_open_are_parsed():
    said = "The mayor said the bridge would reopen."
    assert not needs_parse(said, find_source(said))
    reporting = "Sources are reporting that the singer has left the band."
    assert find_source(reporting) is None and needs_parse(reporting, None)
    assert not needs_parse("“We will be back next year.”", None)   # all inside quotes
    assert not needs_parse("The ferry left at noon.", None)
    assert not needs_parse("x said " * 200, None)                    # too long to parse


def test_quoted_chars_covers_unclosed_and_unopened_quotes():
    text = "He wrote: “The mayor has confirmed"
    flags = quoted_chars(text)
    assert not any(flags[:9]) and all(flags[text.index("The"):])
    tail = "the pool will close,” she said."
    flags = quoted_chars(tail)
    assert all(flags[:tail.index("”")]) and not flags[tail.index("she")]


def _sources(body: str) -> list[tuple[str, str | None]]:
    ext = extract(Article(text=body))
    return [(s.attribution.kind, s.attribution.source) for s in ext.sentences]


def test_she_resolves_to_the_nearest_person_through_the_parse():
    body = ("Orla Brennan sued Lanternfish Records on Monday. "
            "She is insisting that the contract had been void for years.")
    assert _sources(body)[1] == ("named", "Orla Brennan")


def test_they_resolves_to_the_organisation_through_the_parse():
    body = ("Orla Brennan sued Lanternfish Records on Monday. "
            "They are reporting that sales of her albums rose by half.")
    assert _sources(body)[1] == ("named", "Lanternfish Records")


def test_anonymous_and_passive_sources_through_extract_batch():
    exts = extract_batch([Article(text="Sources are reporting that the singer Orla Brennan "
                                       "has left the band."),
                          Article(text="The sale of the harbour was first reported by the "
                                       "Harbour Gazette on Monday.")])
    assert exts[0].sentences[0].attribution.kind == "anonymous"
    assert (exts[1].sentences[0].attribution.kind,
            exts[1].sentences[0].attribution.source) == ("named", "the Harbour Gazette")


def test_a_quote_takes_the_parsed_speaker_when_the_patterns_find_none():
    body = ("Reached on Tuesday, a manager at the dealership would not comment on the car, "
            "saying “we cannot give that out over the phone” before hanging up.")
    quotes = [q for q in extract(Article(text=body)).quotes if q.direct]
    assert quotes and quotes[0].speaker and "manager" in quotes[0].speaker
