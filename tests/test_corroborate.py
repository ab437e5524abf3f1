"""Claim groups, statuses and the HTML report's safety, on small hand-written articles."""

from __future__ import annotations

import time

from corroborator.compare import compare
from corroborator.corroboration.story import _claim_conflicts
from corroborator.extract import extract
from corroborator.models import Article, Stance
from corroborator.report import comparison_html

PLANT = Article(
    text="Harlow Foods will close its Eastgate plant on June 4 and cut 300 jobs, the company "
         "told staff on Monday. The plant opened in 1972 and makes frozen pastry for export. "
         "Union leader Ana Ruiz said workers had not been consulted.",
    title="Harlow Foods to close Eastgate plant", outlet="Valley Courier")
COPY = Article(
    text=PLANT.text + "\n\nThis story was distributed by the Valley Courier.",
    title="Eastgate plant to close", outlet="Hill Times", url="https://hilltimes.example/x")
DENIAL = Article(
    text="Harlow Foods denied on Tuesday that it would close its Eastgate plant. A company "
         "spokesperson said the plant would stay open and that no jobs would be cut this year. "
         "Union leader Ana Ruiz said workers were relieved but still wanted answers.",
    title="Harlow Foods denies Eastgate closure", outlet="Metro Daily")


def test_syndicated_copy_does_not_corroborate_its_original():
    result = compare([PLANT, COPY])
    assert result.duplicates == {COPY.id: PLANT.id}
    groups = [g for g in result.claim_groups if len(g.claims) == 2]
    assert groups and all(g.status != "corroborated" for g in groups)
    assert all(g.independent_sources == 1 for g in groups)


def test_denial_disputes_the_closure():
    result = compare([PLANT, DENIAL])
    disputed = [g for g in result.claim_groups if g.status == "disputed"]
    assert any("close" in g.text for g in disputed)
    assert any(d.kind == "negation" for d in result.discrepancies)


def test_model_only_disagreements_become_claim_discrepancies():
    result = compare([PLANT, DENIAL])
    group = result.claim_groups[0]
    group.stances.append(Stance(DENIAL.id, group.id, "disagree", 0.8,
                                "A brand new sentence that contradicts the claim."))
    names = {a.id: a.outlet or a.id for a in result.articles}
    found = _claim_conflicts(result.claim_groups, result.discrepancies, names)
    assert found and found[0].kind == "claim" and DENIAL.id in found[0].articles


def test_html_report_escapes_hostile_articles():
    hostile = Article(
        text="<script>alert(1)</script> The plant <img src=x onerror=alert(1)> will close on "
             "June 4, officials said. “<script>alert(2)</script> we are sorry,” Ruiz said.",
        title="<script>alert(3)</script>", outlet="<img src=x onerror=alert(4)>",
        url="javascript:alert(5)")
    page = comparison_html(compare([hostile, PLANT]).to_dict())
    assert "<script>alert" not in page and "<img src=x" not in page
    assert 'href="javascript:' not in page
    assert "&lt;script&gt;alert(3)&lt;/script&gt;" in page


def test_a_one_megabyte_article_is_extracted_in_bounded_time():
    paragraph = ("The council said on Monday that 40 streets would be closed for repairs "
                 "after the storm, and officials warned that more closures could follow. ")
    body = "\n\n".join(paragraph * 5 for _ in range(1_000_000 // (len(paragraph) * 5)))
    start = time.perf_counter()
    result = extract(Article(text=body))
    assert time.perf_counter() - start < 60
    assert len(result.sentences) > 1000


def test_non_english_text_gives_a_partial_result_not_a_crash():
    result = extract(Article(text="El consejo dijo el lunes que cuarenta calles serán cerradas. "
                                  "Los vecinos protestaron.", language="es"))
    assert result.sentences


def test_a_weak_dispute_shown_as_discussion_counts_again_once_the_claim_is_disputed():
    """Statuses depend on the stances alone, not on the order articles arrived in."""
    from corroborator.corroboration.judgement import get_verdict_model
    from corroborator.corroboration.story import _status
    from corroborator.models import Claim, ClaimGroup

    model = get_verdict_model()
    claim = Claim("a", 0, "The Eastgate plant will close on June 4.")
    weak = Stance("b", "g", "disagree", 0.3, "Some doubt it.",
                  probabilities={"disagree": model.unclear_threshold / 2})
    group = ClaimGroup("g", claim.text, [claim], [Stance("a", "g", "agree", 1.0, claim.text),
                                                   weak])
    assert _status(group, {}, model)[0] == "single-source" and weak.label == "discuss"
    group.stances.append(Stance("c", "g", "disagree", 0.9, "The plant stays open.",
                                probabilities={"disagree": 0.99}))
    assert _status(group, {}, model)[0] == "disputed"
    assert weak.label == "disagree"


def test_a_weak_agreement_does_not_corroborate_but_the_claims_maker_still_counts():
    """An article that does not make the claim corroborates it only from the model's
    corroboration threshold; the status is the same however often it is derived."""
    from corroborator.corroboration.judgement import get_verdict_model
    from corroborator.corroboration.story import WEAK_AGREEMENT, _status
    from corroborator.models import Claim, ClaimGroup

    model = get_verdict_model()
    assert model.corroborate_threshold > 0
    claim = Claim("a", 0, "The Eastgate plant will close on June 4.")
    maker = Stance("a", "g", "agree", 0.2, claim.text, probabilities={"agree": 0.2})
    weak = Stance("b", "g", "agree", 0.5, "The plant may close.",
                  probabilities={"agree": model.corroborate_threshold - 0.1})
    group = ClaimGroup("g", claim.text, [claim], [maker, weak])
    for _ in range(2):
        assert _status(group, {}, model)[0] == "single-source"
        assert maker.label == "agree" and weak.label == "discuss"
        assert WEAK_AGREEMENT in weak.reasons
    weak.probabilities["agree"] = model.corroborate_threshold + 0.1
    assert _status(group, {}, model)[0] == "corroborated" and weak.label == "agree"


def test_reconciling_again_changes_nothing():
    from corroborator.corroboration.story import _reconcile

    result = compare([PLANT, DENIAL])
    before = [(g.status, [(s.article_id, s.label, s.score, s.evidence) for s in g.stances])
              for g in result.claim_groups]
    assert _reconcile(result.claim_groups, result.discrepancies) == set()
    after = [(g.status, [(s.article_id, s.label, s.score, s.evidence) for s in g.stances])
             for g in result.claim_groups]
    assert after == before
