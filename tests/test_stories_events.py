"""Stories as an editor groups them: one event across days and wordings, not one celebrity.

Small synthetic articles, clustered in arrival order with the default (fast) embedder.
"""

from __future__ import annotations

from corroborator.models import Article
from corroborator.stories import cluster_records
from corroborator.stories.features import extract_entities

BACKGROUND = [
    ("bg1", "2024-03-01", "Harrowgate council approves solar farm",
     "The Harrowgate city council voted seven to two on Monday to approve a 40 megawatt "
     "solar farm on former farmland east of the city. Councillor Imran Fairweather said the "
     "panels would power about twelve thousand homes, while the Harrowgate Rural Society "
     "said the farm would spoil views of the valley and harm skylarks nesting there."),
    ("bg2", "2024-03-01", "Dunmore Minerals posts record profit",
     "Dunmore Minerals reported a record annual profit of 310 million dollars on Thursday, "
     "lifted by higher copper prices and a new smelter at Redfern. Chief executive Ana Ruiz "
     "told analysts the company would raise its dividend and hire four hundred workers "
     "for a second mine in the northern hills next year."),
    ("bg3", "2024-03-02", "Wexley schools close for flu outbreak",
     "All nine primary schools in Wexley will stay closed until Friday after an outbreak of "
     "influenza kept a third of pupils at home, the district health office said. Parents "
     "were asked to keep children with a fever indoors, and the clinics on Market Street "
     "extended their opening hours to vaccinate families over the weekend."),
]

FERRY_DAY_ONE = (
    "ferry1", "2024-03-04", "Ferry runs aground off Wexley Point",
    "The passenger ferry Kestrel Star ran aground off Wexley Point on Monday night with 212 "
    "people on board. Coast guard lifeboats took everyone ashore before dawn and nobody was "
    "badly hurt, the coast guard said. The vessel, run by Harbor Lines, was sailing its "
    "evening route to Tamsin Island in calm weather when it struck the reef.")
FERRY_DAY_TWO = (
    "ferry2", "2024-03-05", "Investigators board stricken Kestrel Star",
    "Marine investigators climbed aboard the stranded Kestrel Star on Tuesday to inspect "
    "its hull and bridge equipment. Harbor Lines denied reports that a steering fault had "
    "sent the vessel onto the rocks at Wexley Point and said its crew had followed every "
    "procedure. Salvage tugs are expected to refloat the ship at high tide on Thursday.")

SINGER_TOUR = (
    "tour1", "2024-03-04", "Lena Marlowe announces stadium tour",
    "Pop singer Lena Marlowe announced a forty-date stadium tour on Monday, starting in "
    "Lisbon in June and ending in Chicago in December. Tickets go on sale next week and her "
    "label, Bright Harbour Records, said a new album would be released before the first "
    "concert. Marlowe told fans the show would include songs from all five of her records.")
SINGER_COURT = (
    "court1", "2024-03-05", "Marlowe wins lawsuit over stolen song",
    "A federal judge ruled on Tuesday that a songwriter from Ohio had copied the melody of "
    "Lena Marlowe's 2019 hit and ordered him to pay 1.2 million dollars in damages. The "
    "judge found that the chorus of his song matched hers note for note. His lawyer said "
    "he would appeal the verdict to a higher court in the spring.")


def _article(row: tuple[str, str, str, str]) -> Article:
    key, day, title, text = row
    return Article(text=text, title=title, id=key, published=f"{day}T09:00:00Z", language="en")


def _labels(rows) -> dict[str, str]:
    articles = [_article(r) for r in rows]
    return {a.id: label for a, label in zip(articles, cluster_records(articles), strict=True)}


def test_same_event_a_day_later_in_other_words_joins_its_story():
    labels = _labels([*BACKGROUND, FERRY_DAY_ONE, FERRY_DAY_TWO])
    assert labels["ferry2"] == labels["ferry1"]
    assert len(set(labels.values())) == len(BACKGROUND) + 1


def test_unrelated_events_sharing_a_celebrity_stay_apart():
    labels = _labels([*BACKGROUND, SINGER_TOUR, SINGER_COURT])
    assert labels["court1"] != labels["tour1"]
    assert len(set(labels.values())) == len(BACKGROUND) + 2


def test_story_names_are_names_not_common_words_or_roles():
    text = ("Adding to the pressure, the CEO of Dunmore Minerals said the Company would "
            "close. Among those affected, Ana Ruiz said the Board had met. Meanwhile, "
            "Coast Guard crews searched the Tamsin River.")
    names = extract_entities(text)
    assert {"dunmore minerals", "ana ruiz", "tamsin river", "coast guard"} <= names
    assert not names & {"adding", "among", "ceo", "company", "board", "meanwhile"}
