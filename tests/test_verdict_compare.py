"""Verdicts end to end through `compare`, on short articles written for the test."""

from __future__ import annotations

import pytest

from corroborator.compare import compare
from corroborator.models import Article


def article(outlet: str, text: str) -> Article:
    return Article(text=text, title="", outlet=outlet)


def numbers_in_conflict(result) -> list:
    return [d for d in result.discrepancies if d.kind == "number"]


FERRY_A = article("Harbour Times", "The ferry Northern Star sank off Cape Mallow on Sunday. "
                  "The ferry was carrying more than 400 people aboard when it sank, port "
                  "officials said. Rescue boats searched the area through the night.")
FERRY_B = article("Coast Daily", "The ferry Northern Star sank off Cape Mallow on Sunday. "
                  "The ferry was carrying 214 passengers when it sank, the coast guard said. "
                  "Divers reached the wreck on Monday.")
FERRY_C = article("Bay Radio", "The ferry Northern Star sank off Cape Mallow on Sunday. "
                  "The ferry was carrying about 200 people when it sank, the coast guard said. "
                  "Families gathered at the port.")


def test_more_than_400_people_against_214_passengers_is_a_conflict() -> None:
    result = compare([FERRY_A, FERRY_B])
    found = numbers_in_conflict(result)
    assert found and {"400 people", "214 passengers"} <= {v for d in found for v in d.values}
    assert any(g.status == "disputed" for g in result.claim_groups)


def test_about_200_people_is_compatible_with_214_passengers() -> None:
    assert not numbers_in_conflict(compare([FERRY_B, FERRY_C]))


RECOUNT_A = article("Kestrel Ledger", "Councillor Mara Rowan won the ward recount by 203 "
                    "votes on Friday, the election office said. Turnout was low.")
RECOUNT_B = article("Valley Post", "Councillor Mara Rowan gained 17 votes in the ward recount "
                    "on Friday, the election office said. Her rival conceded.")


def test_a_margin_is_not_compared_with_a_gain() -> None:
    assert not numbers_in_conflict(compare([RECOUNT_A, RECOUNT_B]))


HOAX_A = article("Morning Wire", "The city will ban cars from the old town from May, the "
                 "mayor announced on Tuesday. Shop owners said they feared losing customers.")
HOAX_B = article("Fact Desk", "A hoax report claims the city will ban cars from the old town. "
                 "The mayor's office said the report is false and no ban is planned.")


def test_a_hoax_report_disputes_rather_than_supports() -> None:
    result = compare([HOAX_A, HOAX_B])
    ban = [g for g in result.claim_groups if "ban cars" in g.text]
    assert ban and all(g.status != "corroborated" for g in ban)
    assert all("hoax" not in g.text.lower() for g in result.claim_groups
               if g.status == "corroborated")
    stances = [s for g in ban for s in g.stances if s.article_id == HOAX_B.id]
    assert stances and all(s.label in ("disagree", "discuss") for s in stances)


def test_hedged_support_is_weaker_than_a_direct_assertion() -> None:
    from corroborator.corroboration.story import check_claim
    from corroborator.extract import extract

    direct = article("Sport Daily", "The striker will join Northern United next season, the "
                     "club confirmed on Friday. He signed a four-year contract.")
    hedged = article("Transfer Talk", "The striker will reportedly join Northern United next "
                     "season, according to unnamed sources. Talks are said to be advanced.")
    verdicts = dict((a.outlet, v) for a, v in check_claim(
        "The striker will join Northern United next season.", [direct, hedged],
        {a.id: extract(a) for a in (direct, hedged)}))
    assert verdicts["Sport Daily"].label == "agree"
    assert (verdicts["Transfer Talk"].probabilities["agree"]
            < verdicts["Sport Daily"].probabilities["agree"])
    assert verdicts["Transfer Talk"].label != "disagree"


def test_very_long_articles_are_compared_in_bounded_memory_with_a_warning() -> None:
    from corroborator.corroboration.result import MAX_ALIGNED_SENTENCES

    body = " ".join(f"Crews repaired {n} streets in the north district on Monday."
                    for n in range(MAX_ALIGNED_SENTENCES + 100))
    first = article("Long One", body)
    second = article("Long Two", body.replace("north", "south"))
    result = compare([first, second])
    warnings = result.extractions[first.id].warnings
    assert any(f"only the first {MAX_ALIGNED_SENTENCES}" in w for w in warnings)


@pytest.mark.xfail(reason="the shipped verdict model (passage stance head + overlap blended with the whole-article model, chosen by the tune-side ablation) reads this pair as discussion; the explicit-denial rule lost on tune and held-out test (docs/benchmarks/verdicts.md)", strict=False)
def test_an_explicit_company_denial_disputes_the_claim() -> None:
    from corroborator.corroboration.story import check_claim
    from corroborator.extract import extract

    denial = article("Ledger", "Harlow Foods on Monday disputed reports that it will close its "
                     "Eastgate plant, saying a leaked memo was an early draft.")
    [(_, verdict)] = check_claim("Harlow Foods will close its Eastgate plant.", [denial],
                                 {denial.id: extract(denial)})
    assert verdict.label == "disagree" and "disputed reports" in verdict.evidence
    assert any("denies" in r for r in verdict.reasons)
