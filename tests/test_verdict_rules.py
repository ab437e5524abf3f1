"""Minimal pairs for each verdict rule: attribution, hedges, quantities and dates.

These exercise the rules alone (no inference model), on sentences written for the test.
"""

from __future__ import annotations

from corroborator.corroboration.judgement import read_cues
from corroborator.corroboration.quantities import quantity_conflict, same_quantity, weekday_conflict
from corroborator.models import Mention


def count(text: str, value: float, head: str, bound: str = "exact",
          aspect: str = "total", kind: str = "number") -> Mention:
    return Mention("a", text, kind, value, head=head, bound=bound, aspect=aspect)


def test_denial_disputes_the_content() -> None:
    cue = read_cues("The governor offered the harbour land to the developers.",
                    "The governor has denied claims that he offered the harbour land.")
    assert cue.denial and "denies or negates it" in cue.reasons()


def test_not_accused_is_a_negation_of_the_accusation() -> None:
    cue = read_cues("The singer was accused of fraud by her former manager.",
                    "At this time, her former manager has not accused her of anything.")
    assert cue.denial


def test_hoax_report_is_no_support() -> None:
    cue = read_cues("The mayor banned bicycles from the old town.",
                    "A hoax report claims the mayor banned bicycles from the old town.")
    assert cue.debunk and cue.reported


def test_quoted_phony_statement_is_no_support() -> None:
    cue = read_cues("The minister said teachers would lose their pensions.",
                    'The phony quote reads: "teachers will lose their pensions."')
    assert cue.debunk


def test_alive_after_reported_death_is_a_debunk() -> None:
    cue = read_cues("Militants reportedly killed the volunteer nurse Amira.",
                    "The volunteer nurse Amira is actually alive, her brother said.")
    assert cue.debunk


def test_hedged_support_is_marked_hedged() -> None:
    cue = read_cues("The striker will join the northern club.",
                    "The striker will reportedly join the northern club.")
    assert cue.hedged and not cue.denial and not cue.debunk


def test_plain_restatement_carries_no_cue() -> None:
    cue = read_cues("The bridge reopened on Monday.", "Traffic crossed the reopened bridge.")
    assert not (cue.denial or cue.debunk or cue.conflict)


def test_more_than_400_conflicts_with_214() -> None:
    claim = [count("214 passengers", 214, "passenger")]
    other = [count("more than 400 people", 400, "people", bound="at_least")]
    assert quantity_conflict(claim, other) == ("214 passengers", "more than 400 people")


def test_about_200_does_not_conflict_with_214() -> None:
    claim = [count("214 passengers", 214, "passenger")]
    other = [count("about 200 people", 200, "people", bound="approximate")]
    assert quantity_conflict(claim, other) is None


def test_margin_is_not_a_gain() -> None:
    margin = [count("by 203 votes", 203, "vote", aspect="margin")]
    gain = [count("17 votes", 17, "vote", aspect="change")]
    assert not same_quantity(margin[0], gain[0])
    assert quantity_conflict(margin, gain) is None


def test_two_margins_that_differ_conflict() -> None:
    a = [count("by 203 votes", 203, "vote", aspect="margin")]
    b = [count("by 230 votes", 230, "vote", aspect="margin")]
    assert quantity_conflict(a, b) is not None


def test_different_things_are_not_compared() -> None:
    a = [count("12 trucks", 12, "truck")]
    b = [count("40 workers", 40, "worker")]
    assert quantity_conflict(a, b) is None


def test_rounded_figure_is_compatible_with_exact_one() -> None:
    a = [count("1,200 jobs", 1200, "job", bound="approximate")]
    b = [count("1,234 jobs", 1234, "job")]
    assert quantity_conflict(a, b) is None


def test_weekday_that_the_date_does_not_fall_on() -> None:
    dated = [Mention("b", "January 8, 2020", "date", "2020-01-08")]   # a Wednesday
    assert weekday_conflict([], dated, "The letter was sent on Tuesday.", "") == (
        "Tuesday", "January 8, 2020")
    assert weekday_conflict([], dated, "The letter was sent on Wednesday.", "") is None


def test_weekday_without_a_calendar_date_is_not_compared() -> None:
    undated = [Mention("b", "last week", "date", "2020-01-01")]
    assert weekday_conflict([], undated, "It happened on Tuesday.", "") is None
