"""The draft's relations between joined mentions (kg/draft/relations.py) on texts written for these
tests: containment between places (the ontology's one property from Place to Place) and a person's
organisation by the possessive; each stays silent where the join is a list or a coordination."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.draft.gazetteer import find_mentions, name_forms
from kg.draft.relations import relations
from kg.inputs.ontology import Ontology, load_ontology
from kg.model import Entity, Name
from kg.namespaces import SCHEMA
from kg.project import open_project
from tests.helpers import draft_kinds

KINDS = {"place/vostok-cosmodrome": ("kg:Spaceport", "Vostok Cosmodrome"), "country/freedonia": ("schema:Country", "Freedonia"),
         "country/sylvania": ("schema:Country", "Sylvania"), "city/karaganda": ("schema:City", "Karaganda"),
         "place/lunar-base": ("kg:SpaceStation", "Lunar Base"),
         "place/lunar-base-north": ("schema:Place", "northern wing of the Lunar Base"),
         "person/ada-stone": ("schema:Person", "Ada Stone"), "org/helio-works": ("schema:Corporation", "Helio Works"),
         "org/orbitex": ("schema:Corporation", "Orbitex")}


@pytest.fixture(scope="module")
def ontology() -> Ontology:
    return load_ontology(open_project(Path(__file__).resolve().parent.parent))


def found(text: str, ontology: Ontology) -> list[tuple[str, str, str, str, int, str]]:
    known = {e: Entity(e, (ontology.expand(kind),), None, (Name(name, "en", True, ()),), "entities.yaml", 1)
             for e, (kind, name) in KINDS.items()}
    kinds = draft_kinds(known, ontology)
    claims = relations(text, find_mentions(text, known, kinds), kinds, name_forms(known))
    assert all(text[c.quote.start:c.quote.end] == c.quote.text for c in claims)
    return sorted((c.subject, c.property, str(c.value), c.quote.text, c.quote.start, c.rule) for c in claims)


def test_a_place_beside_a_place_is_contained_in_it(ontology: Ontology) -> None:
    text = "The probe left the Vostok Cosmodrome, Freedonia, at dawn; its makers work in Karaganda in Sylvania."
    assert found(text, ontology) == [
        ("city/karaganda", "schema:containedInPlace", "country/sylvania", "Karaganda in Sylvania",
         text.index("Karaganda"), "place-beside-place"),
        ("place/vostok-cosmodrome", "schema:containedInPlace", "country/freedonia", "Vostok Cosmodrome, Freedonia",
         text.index("Vostok"), "place-beside-place")]


def test_a_place_named_of_another_is_contained_in_it(ontology: Ontology) -> None:
    text = "They slept in the northern wing of the Lunar Base."
    assert found(text, ontology) == [("place/lunar-base-north", "schema:containedInPlace", "place/lunar-base",
                                      "northern wing of the Lunar Base", text.index("northern"), "place-of-place")]


def test_a_list_of_places_or_a_country_first_is_no_containment(ontology: Ontology) -> None:
    assert found("Teams came from Karaganda, Freedonia and Sylvania.", ontology) == []
    assert found("Teams came from Freedonia, Karaganda.", ontology) == []
    assert found("Ada Stone flew from Karaganda to the Lunar Base.", ontology) == []


def test_a_persons_organisation_is_owned_by_the_person(ontology: Ontology) -> None:
    text = "Investors cheered Ada Stone's Helio Works."
    assert found(text, ontology) == [("org/helio-works", "kg:ownedBy", "person/ada-stone", "Ada Stone's Helio Works",
                                      text.index("Ada"), "possessive-owner")]


def test_a_possessive_over_a_coordination_owns_nothing(ontology: Ontology) -> None:
    assert found("Investors cheered Ada Stone's Helio Works and Orbitex.", ontology) == []
    assert found("Investors cheered Ada Stone and Helio Works.", ontology) == []


def test_a_first_the_text_credits_a_mention_with() -> None:
    from kg.draft.relations import firsts

    known = {"person/ada-stone": Entity("person/ada-stone", (), None, (Name("Ada Stone", "en", True, ()),), "f", 1)}
    text = ("Ada Stone's first walk on the Moon, in 2031, came early. Then the first solo orbit of Mars, flown by Ada Stone. "
            "Ada Stone's firstborn and Ada Stone's second flight do not count.")
    found = firsts(text, find_mentions(text, known, draft_kinds(known)), "en")
    assert [(c.subject, c.property, c.value, c.quote.text, c.rule) for c in found] == [
        ("person/ada-stone", "kg:notableFirst", {"text": "first walk on the Moon", "lang": "en"},
         "Ada Stone's first walk on the Moon", "first-credited"),
        ("person/ada-stone", "kg:notableFirst", {"text": "first solo orbit of Mars", "lang": "en"},
         "first solo orbit of Mars, flown by Ada Stone", "first-credited")]


def test_the_place_a_named_work_is_filmed_at(ontology: Ontology) -> None:
    from kg.draft.relations import filming_locations

    kinds = {**KINDS, "film/deep-orbit": ("schema:Movie", "Deep Orbit")}
    known = {e: Entity(e, (ontology.expand(kind),), None, (Name(name, "en", True, ()),), "entities.yaml", 1)
             for e, (kind, name) in kinds.items()}
    kinds = draft_kinds(known, ontology)
    text = ("Deep Orbit will be shot aboard the Lunar Base. Ada Stone plans to shoot a film at the Vostok Cosmodrome. "
            "Helio Works is shooting in Karaganda.")
    found = filming_locations(text, find_mentions(text, known, kinds), kinds)
    # "a film" is another film than the article's; a sentence naming no work films the article's (named most)
    assert [(c.subject, c.property, c.value, c.quote.text, c.rule) for c in found] == [
        ("film/deep-orbit", "kg:filmingLocation", "place/lunar-base", "shot aboard the Lunar Base", "filmed-at-place"),
        ("film/deep-orbit", "kg:filmingLocation", "city/karaganda", "shooting in Karaganda", "filmed-at-place")]


def test_a_series_a_sentence_names_is_not_what_it_films(ontology: Ontology) -> None:
    """A series is many works: "to film on" a place is of the one work the article names most."""
    from kg.draft.relations import filming_locations

    kinds = {**KINDS, "film/deep-orbit": ("schema:Movie", "Deep Orbit"), "work/star-saga": ("schema:MovieSeries", "Star Saga")}
    known = {e: Entity(e, (ontology.expand(kind),), None, (Name(name, "en", True, ()),), "entities.yaml", 1)
             for e, (kind, name) in kinds.items()}
    kinds = draft_kinds(known, ontology)
    text = "Deep Orbit is ready. Ada Stone, the star of the Star Saga films, was due to film on the Lunar Base."
    found = filming_locations(text, find_mentions(text, known, kinds), kinds)
    assert [(c.subject, c.value) for c in found] == [("film/deep-orbit", "place/lunar-base")]
