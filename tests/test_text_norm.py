"""One source of stop words and stems (corroborator.text_norm) for every stage."""

from __future__ import annotations

import subprocess
import sys

from corroborator.align.lexical import concept, concepts
from corroborator.extract import numbers
from corroborator.stories import features
from corroborator.text_norm import STOP_WORDS, is_stop_word, stem


def test_stop_words_are_spacys_plus_attribution_words():
    from spacy.lang.en.stop_words import STOP_WORDS as SPACY

    from corroborator.text_norm import CONTENT_WORDS

    assert set(SPACY) - CONTENT_WORDS <= STOP_WORDS
    assert {"said", "according", "mr"} <= STOP_WORDS
    assert is_stop_word("The") and not is_stop_word("parliament")


def test_the_three_places_share_one_stop_word_list():
    assert numbers.STOP_WORDS is STOP_WORDS
    assert features.STOP_WORDS is STOP_WORDS
    for word in ("the", "whereas", "said"):
        assert concept(word) is None
        assert word not in features.term_weights(f"{word} {word} parliament")
        assert not numbers._nounish(word)
    assert concept("parliament") and numbers._nounish("people")


def test_inflections_share_a_concept():
    assert stem("voting") == stem("votes") == stem("voted") == "vote"
    assert concept("voted") == concept("vote")
    assert concept("votes") == concept("voting")
    assert concepts("Lawmakers voted to expel the troops") == concepts(
        "the lawmakers' vote expelling troops")


def test_synonym_classes_key_on_the_stems():
    assert concept("withdrawals") == concept("left") == "LEAVE"
    assert concept("confirms") == concept("verifying") == "CONFIRM"
    assert concept("U.S.") == "US"


def test_entities_drop_stop_words_days_and_contractions():
    found = features.extract_entities("However, It's Monday. Senator Jane Smith met We're")
    assert found == {"jane smith"}   # a leading title is not part of the story name


def test_importing_text_norm_does_not_import_spacy():
    code = ("import sys, corroborator.text_norm, corroborator.align.lexical; "
            "print('spacy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"
