"""The draft's date rule (kg.draft.patterns.dates) on texts written for these tests: a date and
time resolved against the article's date, of the mission the sentence names, else of the one the
article names most."""

from __future__ import annotations

from kg.draft import patterns
from kg.draft.candidates import Mention
from tests.helpers import kinds_of

RANGES = {"schema:endDate": {"date", "dateTime"}, "kg:launchDate": {"date"}}


def mentions_of(text: str, names: dict[str, str]) -> list[Mention]:
    found = []
    for name, entity in names.items():
        at = text.find(name)
        while at >= 0:
            found.append(Mention(entity, name, at, at + len(name), name, "name-exact", 1.0))
            at = text.find(name, at + 1)
    return sorted(found, key=lambda m: m.start)


def rows(text: str, names: dict[str, str]) -> list[tuple[str, str, str, str, float, str]]:
    kinds = kinds_of(dict.fromkeys(names.values(), "kg:SpaceMission"))
    claims = patterns.dates(text, mentions_of(text, names), "2030-03-09", RANGES, kinds)
    assert all(text[c.quote.start:c.quote.end] == c.quote.text for c in claims)
    return [(c.subject, c.property, c.value, c.quote.text, c.confidence, c.rule) for c in claims]


def test_a_sentence_without_its_mission_dates_the_mission_the_article_names() -> None:
    """"The capsule … landed this morning at 6.12 am GMT": the article's one mission (it was not
    proposed at all, though the issue's own example reads so)."""
    text = ("Two pilots came home aboard Kestrel 4 after a month in orbit. The capsule landed in the "
            "desert this morning at 6.12 am GMT, the agency said.")
    assert rows(text, {"Kestrel 4": "mission/kestrel-4"}) == [
        ("mission/kestrel-4", "schema:endDate", "2030-03-09T06:12:00Z",
         "in the desert this morning at 6.12 am GMT, the agency",
         0.4, "date-article-mission-datetime")]


def test_the_mission_the_sentence_names_wins_and_without_a_mission_nothing_is_dated() -> None:
    text = ("Kestrel 4 is the agency's flagship. Kestrel 4 flew twice. Heron 2 landed yesterday. "
            "The capsule landed this morning at 6.12 am GMT.")
    names = {"Kestrel 4": "mission/kestrel-4", "Heron 2": "mission/heron-2"}
    assert [(s, p, v, c, r) for s, p, v, _, c, r in rows(text, names)] == [
        ("mission/heron-2", "schema:endDate", "2030-03-08", 0.6, "date-date"),
        ("mission/kestrel-4", "schema:endDate", "2030-03-09T06:12:00Z", 0.4, "date-article-mission-datetime")]
    assert rows("The capsule landed this morning at 6.12 am GMT.", {}) == []
