"""The draft's flight rules (kg/draft/missions.py) on texts written for these tests: a mission's
destination, launch vehicle, objective and its events' location, for the mission the sentence
names or the article's (named most, else the graph's mission of the crew it names)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.draft.gazetteer import find_mentions
from kg.draft.missions import flights
from kg.draft.patterns import topic
from kg.inputs.ontology import Ontology, load_ontology
from kg.model import Claim, Entity, EntityValue, Name
from kg.project import open_project
from tests.helpers import draft_kinds

KNOWN = {"mission/comet-3": ("kg:SpaceMission", "Comet 3"), "event/comet-3-launch": ("kg:Launch", "Comet 3 launch"),
         "place/lunar-base": ("kg:SpaceStation", "Lunar Base"), "place/vostok-cosmodrome": ("kg:Spaceport", "Vostok Cosmodrome"),
         "vehicle/tern-rocket": ("kg:LaunchVehicle", "Tern rocket"), "film/north-star": ("schema:Movie", "The North Star"),
         "person/ada-stone": ("schema:Person", "Ada Stone"), "person/ben-frost": ("schema:Person", "Ben Frost")}


@pytest.fixture(scope="module")
def ontology() -> Ontology:
    return load_ontology(open_project(Path(__file__).resolve().parent.parent))


def known_entities(ontology: Ontology) -> dict[str, Entity]:
    return {e: Entity(e, (ontology.expand(kind),), None, (Name(n, "en", True, ()),), "entities.yaml", 1)
            for e, (kind, n) in KNOWN.items()}


def run(text: str, ontology: Ontology, claims: list[Claim]) -> list[tuple[str, str, str, str, str]]:
    known = known_entities(ontology)
    kinds = draft_kinds(known, ontology)

    def valued(value: str) -> list[Claim]:
        return [c for c in claims if c.value == EntityValue(value)]

    found = flights(text, find_mentions(text, known, kinds), kinds, valued)
    assert all(text[c.quote.start:c.quote.end] == c.quote.text for c in found)
    return sorted((c.subject, c.property, str(c.value), c.quote.text, c.rule) for c in found)


def claim(subject: str, prop: str, value: str) -> Claim:
    return Claim(subject, prop, EntityValue(value), (), "mission.yaml", 1)


CREW = [claim("mission/comet-3", "kg:crewMember", "person/ada-stone"),
        claim("mission/comet-3", "kg:crewMember", "person/ben-frost"),
        claim("event/comet-3-launch", "https://schema.org/superEvent", "mission/comet-3")]


def test_a_named_missions_destination_vehicle_objective_and_launch_site(ontology: Ontology) -> None:
    text = ("Comet 3 took off from the Vostok Cosmodrome aboard a Tern rocket. Comet 3 docked at the Lunar Base. "
            "Comet 3 carries a crew of two, to film The North Star.")
    assert run(text, ontology, CREW) == [
        ("event/comet-3-launch", "kg:vehicle", "vehicle/tern-rocket",
         "took off from the Vostok Cosmodrome aboard a Tern rocket", "launch-vehicle-aboard"),
        ("event/comet-3-launch", "schema:location", "place/vostok-cosmodrome", "took off from the Vostok Cosmodrome",
         "launch-location"),
        ("mission/comet-3", "kg:destination", "place/lunar-base", "docked at the Lunar Base", "destination-motion"),
        ("mission/comet-3", "kg:launchVehicle", "vehicle/tern-rocket", "aboard a Tern rocket", "vehicle-aboard"),
        ("mission/comet-3", "kg:missionObjective", "film/north-star", "to film The North Star", "objective-to-film")]


def test_an_unnamed_mission_is_the_one_the_graph_knows_the_named_crew_of(ontology: Ontology) -> None:
    text = "Ada Stone and Ben Frost flew to the Lunar Base."
    kinds = draft_kinds(known_entities(ontology), ontology)
    assert topic(find_mentions(text, known_entities(ontology), kinds),
                 lambda v: [c for c in CREW if c.value == EntityValue(v)], kinds) == "mission/comet-3"
    assert run(text, ontology, CREW) == [("mission/comet-3", "kg:destination", "place/lunar-base",
                                          "flew to the Lunar Base", "destination-motion")]


def test_no_flight_claims_without_a_mission_nor_a_cue_nor_a_value_in_range(ontology: Ontology) -> None:
    assert run("Ada Stone flew to the Lunar Base.", ontology, CREW[:1]) == []  # one crew member: no mission
    assert run("Comet 3 was photographed at the Lunar Base.", ontology, CREW) == []  # no motion
    assert run("Comet 3 wants to make history and outdo The North Star.", ontology, CREW) == []  # another verb's object
    assert run("Comet 3 took off at the Vostok Cosmodrome and then flew past Ada Stone.", ontology, CREW) == [
        ("event/comet-3-launch", "schema:location", "place/vostok-cosmodrome", "took off at the Vostok Cosmodrome",
         "launch-location")]  # a launch "at" a place is where it starts, not where it goes
