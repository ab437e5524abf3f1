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
