"""Speakers of reported statements: a record label named in an appositive, "the label"."""

from __future__ import annotations

from corroborator.extract import extract_batch
from corroborator.models import Article

TEXT = (
    "Pop singer Lena Marlowe cancelled her tour on Monday. \"I am heartbroken to let my "
    "fans down,\" the singer said in a statement posted on Instagram. Her record label, "
    "Bright Harbour Records, said the concerts would be rescheduled. In a statement, the "
    "label added that refunds would be issued within 30 days. The spokeswoman, Ilse "
    "Marwick, said tickets stay valid. \"We wish Lena a swift recovery,\" her label said."
)


def _sources() -> dict[str, tuple[str, str | None]]:
    ext = extract_batch([Article(text=TEXT, id="tour")])[0]
    return {s.text.split()[1]: (s.attribution.kind, s.attribution.source) for s in ext.sentences}


def test_singer_and_label_statements_get_their_speakers():
    sources = _sources()
    assert sources["am"] == ("named", "Lena Marlowe")                # "I am ...", the singer said
    assert sources["record"] == ("named", "Bright Harbour Records")   # Her record label, X, said
    assert sources["a"] == ("named", "Bright Harbour Records")        # In a statement, the label
    assert sources["spokeswoman,"] == ("named", "Ilse Marwick")       # The spokeswoman, X, said
    assert sources["wish"] == ("named", "Bright Harbour Records")     # ..., her label said


def test_quotes_carry_the_label_as_speaker():
    ext = extract_batch([Article(text=TEXT, id="tour")])[0]
    speakers = {q.text.split()[0]: q.speaker for q in ext.quotes}
    assert speakers["I"] == "Lena Marlowe"
    assert speakers["We"] == "Bright Harbour Records"


def _attributions(text: str) -> list[tuple[str, str | None]]:
    ext = extract_batch([Article(text=text, id="x")])[0]
    return [(s.attribution.kind, s.attribution.source) for s in ext.sentences]


BLOCK = (
    "The mural on the harbour wall was painted overnight by local artist Mara Quint.\n\n"
    "Quint confirmed on Tuesday that she had painted the harbour mural herself:\n\n"
    "I wanted the fishermen to see their own faces on the wall when they come home.\n\n"
    "It took three nights and more paint than I had planned to buy.\n\n"
    "The council said the mural would stay on the wall until the spring."
)


def test_paragraphs_quoted_after_a_colon_lead_in_carry_its_speaker():
    kinds = _attributions(BLOCK)
    assert kinds[0] == ("none", None)                       # the reporter's own sentence
    assert kinds[2] == ("named", "Quint") and kinds[3] == ("named", "Quint")
    assert kinds[4][1] == "The council"                     # a paragraph with its own source


def test_a_narrated_paragraph_after_a_colon_lead_in_keeps_no_source():
    narrated = BLOCK.replace("I wanted the fishermen", "The fishermen wanted").replace(
        "than I had planned", "than the town had planned")
    kinds = _attributions(narrated)
    assert kinds[2] == ("none", None) and kinds[3] == ("none", None)


def test_unconfirmed_reports_hedge_and_a_named_commenter_is_named():
    from corroborator.extract.sources import classify

    kinds = _attributions("Multiple unconfirmed reports said the ferry had run aground near "
                          "the reef. A death hoax spreading online said the captain had died.")
    assert [kind for kind, _ in kinds] == ["hedged", "hedged"]
    assert classify("a commenter named “seadog77”") == "named"
    assert classify("a user called Jo Brand") == "named"
    assert classify("a commenter") == "anonymous"


def test_hedges_with_an_adverb_or_after_reports_and_a_document_lead_in():
    kinds = _attributions(
        "The captain is also thought to have left the ship before the passengers. The ferry "
        "line may lose its licence amid rumours that the lifeboats were never checked. But "
        "sources who spoke with the harbour master said the crew had been drilled.\n\n"
        "The statement read:\n\nWe are working with the coastguard and we thank our passengers.")
    assert [kind for kind, _ in kinds] == ["hedged", "hedged", "anonymous", "named", "named"]
    assert kinds[3][1] == kinds[4][1] == "The statement"


def test_a_quote_from_a_named_person_saying_takes_that_speaker():
    ext = extract_batch([Article(id="q", text=(
        "The site also carried a made-up quote from harbour engineer Tomas Lind, saying: "
        "\"We will close the bridge for six days while the hull is repaired.\""))])[0]
    assert [q.speaker for q in ext.quotes if q.direct] == ["harbour engineer Tomas Lind"]
