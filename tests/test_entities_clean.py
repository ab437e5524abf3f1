"""Entities a reader would not call names: function words, roles, products, countries."""

from __future__ import annotations

from corroborator.extract import extract
from corroborator.extract.canon import canonicalize
from corroborator.extract.entities import find_entities
from corroborator.models import Article


def _labels(sentence: str) -> dict[str, str]:
    return {e.text: e.label for e in find_entities(sentence)}


def test_sentence_opening_function_words_and_participles_are_no_names():
    assert _labels("Among those affected, Ana Ruiz said the plant had shut.") == {
        "Ana Ruiz": "PERSON"}
    assert "Adding" not in _labels("Adding to the pressure, the board met on Friday.")
    assert "Across" not in " ".join(_labels("Across Europe, prices rose sharply."))
    assert _labels("WHO officials and Will Smith said so.") == {"WHO": "ORG",
                                                                "Will Smith": "PERSON"}


def test_products_are_never_people():
    labels = _labels("Apple Watch Edition will cost more than the MacBook Pro, Tim Cook said.")
    assert labels["Tim Cook"] == "PERSON"
    assert labels["Apple Watch Edition"] != "PERSON"
    assert labels["MacBook Pro"] != "PERSON"


def test_macbook_spelled_two_ways_is_not_a_person():
    articles = [Article(text="Apple said the new MacBook Air ships in May. Reviewers praised "
                             "the MacBook for its battery, Tim Cook said on Monday.", id="a"),
                Article(text="The new Macbook Air ships in May, Apple said. Reviewers praised "
                             "the Macbook for its battery, Tim Cook said on Monday.", id="b")]
    mentions = [e for a in articles for e in extract(a, trained_ner=False).entities]
    people = {c.canonical for c in canonicalize(mentions) if c.label == "PERSON"}
    assert people == {"Tim Cook"}


def test_a_country_in_a_name_run_does_not_make_the_country_a_person():
    ext = extract(Article(text="Envoy Safira Deborah spoke in Libya on Monday. Libya Safira "
                               "Deborah said the talks had failed. Libya closed its border.",
                          id="x"), trained_ner=False)
    assert all(e.label != "PERSON" for e in ext.entities if e.text == "Libya")
