"""Only the inference that can change a verdict (issue 20): sentence pairs only for the
evidence of an agreement or a dispute, the stance head's close look only where agreement or
disagreement is plausible, and a maker's own claim looked at only near a rejecting word."""

from __future__ import annotations

import pytest

from corroborator.corroboration.inference import get_nli_model
from corroborator.corroboration.judgement import (
    ClaimView,
    get_verdict_model,
    judge,
    may_reject,
    view_article,
)
from corroborator.corroboration.wholebody import get_wholebody_model
from corroborator.embed import get_embedder
from corroborator.extract import extract
from corroborator.models import Article

CLAIM = "The mayor of Springfield resigned on Monday after a corruption inquiry."
BODIES = {
    "restates": "The mayor of Springfield resigned on Monday after a corruption inquiry. "
                "He stepped down after the inquiry found irregular payments. "
                "The city council will choose an interim mayor next week.",
    "rejects": "Reports that the mayor of Springfield resigned on Monday are false. "
               "A spokesman denied that the mayor resigned and called the story a hoax. "
               "The mayor will attend the council meeting on Thursday.",
}


class Counting:
    """The shipped inference model, counting the pairs each head is asked about."""

    def __init__(self) -> None:
        self.real = get_nli_model()
        self.has_stance = self.real.has_stance
        self.pairs = self.passages = 0

    def predict(self, pairs):
        self.pairs += len(pairs)
        return self.real.predict(pairs)

    def predict_stance(self, pairs):
        self.passages += len(pairs)
        return self.real.predict_stance(pairs)


@pytest.fixture(scope="module")
def jobs():
    embedder = get_embedder("fast")
    claim = ClaimView(CLAIM, embedder.encode([CLAIM])[0])
    out = {}
    for name, body in BODIES.items():
        ext = extract(Article(text=body, title=""))
        out[name] = (claim, view_article(ext, embedder.encode([s.text for s in ext.sentences])))
    return out


def test_the_shipped_verdict_model_reads_no_sentence_pair():
    assert not get_verdict_model().reads_pairs


def test_labels_do_not_wait_for_sentence_pairs(jobs):
    pairs = list(jobs.values())
    lazy, full = Counting(), Counting()
    without = judge(pairs, nli=lazy, evidence=())
    with_evidence = judge(pairs, nli=full)
    assert lazy.pairs == 0
    assert [v.label for v in without] == [v.label for v in with_evidence]
    assert [v.probabilities for v in without] == [v.probabilities for v in with_evidence]


def test_sentence_pairs_are_inferred_only_for_agreements_and_disputes(jobs):
    nli = Counting()
    verdicts = judge([jobs["restates"], jobs["rejects"]], nli=nli)
    assert [v.label for v in verdicts] == ["agree", "disagree"]
    assert 0 < nli.pairs <= 6          # three candidates each, at most
    assert "resigned" in verdicts[0].evidence
    discussed = Counting()
    judge([jobs["restates"]], nli=discussed, evidence=("discuss",))
    assert discussed.pairs == 0


def test_a_rejecting_word_calls_for_a_close_look(jobs):
    assert may_reject(CLAIM, jobs["rejects"][1])
    assert not may_reject(CLAIM, jobs["restates"][1])
    embedder = get_embedder("fast")
    ext = extract(Article(text="The mayor of Springfield did not resign on Monday.", title=""))
    negated = view_article(ext, embedder.encode([s.text for s in ext.sentences]))
    assert may_reject(CLAIM, negated)
    assert not may_reject(CLAIM, negated, negation=False)


@pytest.mark.skipif(get_wholebody_model() is None, reason="the whole-article model is not shipped")
def test_the_cascade_looks_only_where_a_stance_is_plausible(jobs, monkeypatch):
    from corroborator.corroboration import judgement

    pairs = [jobs["restates"], jobs["rejects"]]
    looked, cascaded = Counting(), Counting()
    full = judge(pairs, nli=looked, cascade=True)
    assert looked.passages == 2        # the whole-article model finds both plausible
    monkeypatch.setattr(judgement, "LOOK_AGREE", 1.1)
    monkeypatch.setattr(judgement, "LOOK_DISAGREE", 1.1)
    quick = judge(pairs, nli=cascaded, cascade=True)
    assert cascaded.passages == 1      # only the one with a rejecting word
    assert quick[1].label == full[1].label == "disagree"
    whole = get_wholebody_model().predict_jobs(pairs[:1])[0]
    assert quick[0].probabilities["agree"] == pytest.approx(float(whole[0]), abs=1e-4)




@pytest.mark.skipif(get_wholebody_model() is None, reason="the whole-article model is not shipped")
def test_a_cap_on_close_looks_keeps_the_likeliest_stance(jobs):
    nli = Counting()
    capped = judge([jobs["restates"], jobs["rejects"]], nli=nli, looks=1)
    assert nli.passages == 1
    assert len(capped) == 2
