"""Fast checks of the bundled spaCy pipeline (offline, a few seconds)."""

from __future__ import annotations

import pytest

from corroborator import nlp as nlp_mod
from corroborator.errors import CorroboratorError

pytestmark = pytest.mark.skipif(
    not (nlp_mod.PIPELINE_DIR / "config.cfg").is_file(),
    reason="bundled pipeline not built (train/train_spacy.py)",
)

PARAGRAPH = (
    'Brig. Gen. William H. Seely III arrived in Kabul on Jan. 5. "We will stay," he said. '
    '"The work is not finished." Officials at the U.S. embassy declined to comment.'
)
SENTENCES = [
    "Brig. Gen. William H. Seely III arrived in Kabul on Jan. 5.",
    '"We will stay," he said.',
    '"The work is not finished."',
    "Officials at the U.S. embassy declined to comment.",
]


@pytest.fixture(scope="module")
def nlp():
    return nlp_mod.load_pipeline()


def test_loads_offline_and_is_cached(nlp, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    assert nlp_mod.load_pipeline() is nlp
    assert {"tagger", "parser", "ner"} <= set(nlp.pipe_names)


def test_person_with_titles(nlp):
    doc = nlp("Brig. Gen. William H. Seeley III wrote a letter to the Iraqi ministry of defense.")
    people = [e.text for e in doc.ents if e.label_ == "PERSON"]
    assert any("William" in p and "Seeley" in p for p in people), people


def test_org_and_place(nlp):
    doc = nlp("Engineers from Microsoft flew to Germany last week to meet Siemens.")
    labels = {e.text: e.label_ for e in doc.ents}
    assert labels.get("Germany") == "GPE", labels
    assert "ORG" in {labels.get("Microsoft"), labels.get("Siemens")}, labels


def test_sentence_split_of_news_paragraph(nlp):
    doc = nlp(PARAGRAPH)
    assert [s.text.strip() for s in doc.sents] == SENTENCES


def test_missing_folder_gives_clear_error(monkeypatch, tmp_path):
    monkeypatch.setattr(nlp_mod, "PIPELINE_DIR", tmp_path / "absent")
    nlp_mod.load_pipeline.cache_clear()
    try:
        with pytest.raises(CorroboratorError, match="pipeline not found"):
            nlp_mod.load_pipeline()
    finally:
        nlp_mod.load_pipeline.cache_clear()
