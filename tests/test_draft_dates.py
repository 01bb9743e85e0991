"""The draft's date rule (kg.draft.patterns.dates) on texts written for these tests: a date and
time resolved against the article's date, of the mission the sentence names, else of the one the
article names most."""

from __future__ import annotations

from kg.draft import patterns
from kg.draft.candidates import Mention
from kg.model import Claim, EntityValue
from kg.namespaces import SCHEMA
from tests.helpers import kinds_of

RANGES = {"schema:endDate": {"date", "dateTime"}, "kg:launchDate": {"date"}, "schema:startDate": {"date", "dateTime"},
          "kg:dockingTime": {"dateTime"}}


def mentions_of(text: str, names: dict[str, str]) -> list[Mention]:
    found = []
    for name, entity in names.items():
        at = text.find(name)
        while at >= 0:
            found.append(Mention(entity, name, at, at + len(name), name, "name-exact", 1.0))
            at = text.find(name, at + 1)
    return sorted(found, key=lambda m: m.start)


def rows(text: str, names: dict[str, str], events: dict[str, tuple[str, str]] | None = None
         ) -> list[tuple[str, str, str, str, float, str]]:
    """`events`: a known event -> (its class, the mission it is of)."""
    kinds = kinds_of({**dict.fromkeys(names.values(), "kg:SpaceMission"), **{e: c for e, (c, _) in (events or {}).items()}})
    of = [Claim(e, SCHEMA + "superEvent", EntityValue(m), (), "mission.yaml", 1) for e, (_, m) in (events or {}).items()]
    claims = patterns.dates(text, mentions_of(text, names), "2030-03-09", RANGES, kinds,
                            lambda v: [c for c in of if c.value == EntityValue(v)])
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


def test_the_date_of_a_launch_is_the_start_of_the_missions_known_launch() -> None:
    """A mission whose launch the graph knows as an event: the date is that event's start; a
    mission without one keeps its own property."""
    text = "Kestrel 4 took off on March 3 at 10.15 am GMT. Heron 2 took off on March 4."
    names = {"Kestrel 4": "mission/kestrel-4", "Heron 2": "mission/heron-2"}
    events = {"event/kestrel-4-launch": ("kg:Launch", "mission/kestrel-4"),
              "event/heron-2-docking": ("kg:Docking", "mission/heron-2")}
    assert [(s, p, v, r) for s, p, v, _, _, r in rows(text, names, events)] == [
        ("event/kestrel-4-launch", "schema:startDate", "2030-03-03T10:15:00Z", "date-of-event-datetime"),
        ("mission/heron-2", "kg:launchDate", "2030-03-04", "date-date")]


def test_a_time_with_its_zone_and_no_day_is_on_the_articles_date() -> None:
    text = "Kestrel 4 arrived at the station at 9:22 am GMT. It docked again at 11:40 am, then at 2.05 pm UTC on March 2."
    assert [(s, p, v, r) for s, p, v, _, _, r in rows(text, {"Kestrel 4": "mission/kestrel-4"})] == [
        ("mission/kestrel-4", "kg:dockingTime", "2030-03-09T09:22:00Z", "date-datetime"),
        ("mission/kestrel-4", "kg:dockingTime", "2030-03-02T14:05:00Z", "date-article-mission-datetime")]
