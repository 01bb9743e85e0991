"""The draft's sentence splitter: decimals, times, initials and abbreviations do not end a sentence."""

from __future__ import annotations

from kg.draft import patterns
from kg.draft.candidates import Mention
from kg.draft.sentences import sentence_around, sentence_ends
from tests.helpers import kinds_of

MISSION = "mission/soyuz-ms-99"


def mission_at(text: str) -> Mention:
    start = text.index("Soyuz MS-99")
    return Mention(MISSION, "Soyuz MS-99", start, start + len("Soyuz MS-99"), "Soyuz MS-99", "name-exact", 1.0)


def test_a_time_with_a_decimal_point_does_not_split_the_sentence() -> None:
    # the old splitter cut at "4." and lost the mission from the date's sentence
    text = "Soyuz MS-99 docked at 4.36 am on October 5. The crew slept."
    claims = patterns.dates(text, [mission_at(text)], "2021-10-06", {"kg:dockingTime": {"date", "dateTime"}},
                            kinds_of({MISSION: "kg:SpaceMission"}), lambda v: [])
    assert [(c.subject, c.property, c.value, c.rule) for c in claims] == \
        [(MISSION, "kg:dockingTime", "2021-10-05", "date-date")]
    quote = claims[0].quote
    assert text[quote.start:quote.end] == quote.text == "4.36 am on October 5"  # widen() cut it at "4." once


def test_initials_and_abbreviations_do_not_end_a_sentence_but_a_full_stop_does() -> None:
    text = "Dr. J. Smith saw Soyuz MS-99 launch at 5 p.m. on October 4. It rained on October 5."
    assert [text[i] for i in sentence_ends(text)] == [".", "."]
    left, right = sentence_around(text, text.index("Smith"), text.index("Smith") + 5)
    assert text[left:right] == "Dr. J. Smith saw Soyuz MS-99 launch at 5 p.m. on October 4."
    claims = patterns.dates(text, [mission_at(text)], "2021-10-06", {"kg:launchDate": {"date"}},
                            kinds_of({MISSION: "kg:SpaceMission"}), lambda v: [])
    assert [(c.subject, c.property, c.value) for c in claims] == [(MISSION, "kg:launchDate", "2021-10-04")]


def test_a_decimal_number_stays_inside_its_sentence() -> None:
    text = "Soyuz MS-99, with 3.5 tonnes aboard, lifted off on October 5. Next."
    left, right = sentence_around(text, text.index("October"), text.index("October") + 9)
    assert text[left:right] == "Soyuz MS-99, with 3.5 tonnes aboard, lifted off on October 5."
