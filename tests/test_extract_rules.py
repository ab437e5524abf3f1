"""Rule-based extraction units: sentences, entities, canonical names, quotes, attribution,
numbers and dates."""

from __future__ import annotations

from corroborator.extract import canonicalize, extract
from corroborator.extract.attribution import attribute
from corroborator.extract.entities import find_entities
from corroborator.extract.numbers import find_mentions
from corroborator.extract.sentences import split_sentences
from corroborator.models import Article, Entity


def test_sentences_survive_titles_initials_and_abbreviations():
    text = ("In response, Brig. Gen. William H. Seeley III wrote a letter. The U.S. military "
            "said it would leave. On Jan. 5 the vote passed.")
    assert [s.text for s in split_sentences(text)] == [
        "In response, Brig. Gen. William H. Seeley III wrote a letter.",
        "The U.S. military said it would leave.",
        "On Jan. 5 the vote passed.",
    ]


def test_boilerplate_paragraphs_are_dropped():
    text = "The plant closed.\n\nRead the original article."
    assert [s.text for s in split_sentences(text)] == ["The plant closed."]


def test_offsets_point_back_into_the_body():
    text = "First one here.  Second one there."
    for span in split_sentences(text):
        assert text[span.start:span.end] == span.text


def test_person_with_title_is_found_without_the_title():
    found = find_entities("In response, Brig. Gen. William H. Seeley III wrote a letter.")
    people = [(e.text, e.title) for e in found if e.label == "PERSON"]
    assert people == [("William H. Seeley III", "Brig. Gen.")]


def test_spelling_variants_and_surnames_resolve_to_one_person():
    mentions = [Entity("a", "William H. Seely III", "PERSON"), Entity("a", "Seely", "MISC"),
                Entity("b", "William H. Seeley III", "PERSON"), Entity("b", "Seeley", "MISC"),
                Entity("b", "Mark Milley", "PERSON"), Entity("b", "Milley", "MISC")]
    people = [e for e in canonicalize(mentions) if e.label == "PERSON"]
    assert len(people) == 2
    seeley = next(p for p in people if "Milley" not in p.canonical)
    assert seeley.variants == {"a": ["William H. Seely III", "Seely"],
                               "b": ["William H. Seeley III", "Seeley"]}


def test_different_people_with_one_first_name_stay_apart():
    mentions = [Entity("a", "Mark Milley", "PERSON"), Entity("a", "Mark Esper", "PERSON")]
    assert len(canonicalize(mentions)) == 2


def test_attribution_kinds():
    assert attribute("Reuters and Agence France Presse confirmed the letter.").kind == "wire"
    assert attribute("The outlet has learned from four different people involved with the "
                     "plan that talks failed.").kind == "anonymous"
    assert attribute("The general reportedly vowed to defy the order.").kind == "hedged"
    named = attribute("Gen. Mark Milley told reporters that it was an unsigned draft.")
    assert (named.kind, named.source) == ("named", "Gen. Mark Milley")
    assert attribute("The smelter opened in 1961.").kind == "none"


def test_quotes_get_speakers_including_documents_and_pronouns():
    body = ("Director Ana Ruiz signed the memo. “We will close the plant in March,” said the "
            "memo signed by Director Ana Ruiz. “Nobody will lose a pension,” she said. "
            "“The talks are over for now,” Ruiz stated.")
    quotes = extract(Article(text=body)).quotes
    speakers = {q.text: q.speaker for q in quotes if q.direct}
    assert speakers["We will close the plant in March"] == "the memo (Director Ana Ruiz)"
    assert speakers["Nobody will lose a pension"] is not None
    assert speakers["The talks are over for now"] == "Ruiz"


def test_numbers_keep_their_unit_and_dates_resolve_against_publication():
    mentions = find_mentions("a", "The company laid off 1,200 workers on Sunday.", 0,
                             published="2020-01-07")
    number = next(m for m in mentions if m.kind == "number")
    assert (number.value, number.context) == (1200.0, "workers")
    date = next(m for m in mentions if m.kind == "date")
    assert date.value == "2020-01-05"
    # a future clause points forward: "will lay off ... on Sunday" is the coming Sunday
    future = find_mentions("a", "The company will lay off 1,200 workers on Sunday.", 0,
                           published="2020-01-07")
    assert next(m for m in future if m.kind == "date").value == "2020-01-12"


def test_money_and_percent():
    mentions = find_mentions("a", "It costs $340 million, up 6.2% on last year.", 0)
    kinds = {m.kind: m.value for m in mentions}
    assert kinds["money"] == 340_000_000
    assert kinds["percent"] == 6.2


def test_pathological_input_is_bounded_and_does_not_crash():
    huge = ("word " * 12_000 + ". ") * 3
    result = extract(Article(text=huge))
    assert result.sentences
    assert extract(Article(text="   ")).warnings == ["no sentences found"]
    unbalanced = extract(Article(text="“This quote never ends. And it goes on. Forever."))
    assert len(unbalanced.sentences) == 3
