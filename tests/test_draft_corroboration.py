"""The draft's known-claim rules (kg/draft/corroboration.py) on texts written for these tests: a
known claim whose subject and value one sentence names (known-claim-in-sentence), and known claims
of an unnamed subject whose values a sentence lists (known-claims-implied)."""

from __future__ import annotations

import functools

import pyoxigraph as ox

from kg.draft.corroboration import corroborated, implied
from kg.draft.gazetteer import find_mentions
from kg.inputs.ontology import Ontology, index_ontology
from kg.model import Claim, Entity, EntityValue, Name
from kg.namespaces import SCHEMA
from tests.helpers import draft_kinds

KG = "https://example.org/kg/"
NAMES = {"person/ada-stone": "Ada Stone", "person/ben-frost": "Ben Frost", "person/cleo-marsh": "Cleo Marsh",
         "org/helio-works": "Helio Works", "place/lunar-base": "Lunar Base", "mission/aurora-7": "Aurora 7",
         "event/aurora-7-launch": "Aurora 7 launch", "mission/zephyr-2": "Zephyr 2"}
CLASSES = {"mission": KG + "Mission", "event": SCHEMA + "Event", "person": SCHEMA + "Person",
           "org": SCHEMA + "Organization", "place": SCHEMA + "Place"}
ONTOLOGY = f"""
@prefix kg: <{KG}> . @prefix schema: <{SCHEMA}> .
@prefix owl: <http://www.w3.org/2002/07/owl#> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
kg:Mission a owl:Class ; rdfs:subClassOf schema:Event .
kg:crewMember a owl:ObjectProperty ; rdfs:domain kg:Mission ; rdfs:range schema:Person .
kg:participant a owl:ObjectProperty ; rdfs:domain schema:Event ; rdfs:range schema:Person .
kg:destination a owl:ObjectProperty ; rdfs:domain kg:Mission ; rdfs:range schema:Place .
kg:ownedBy a owl:ObjectProperty ; rdfs:range schema:Person .
"""


def known() -> dict[str, Entity]:
    return {e: Entity(e, (CLASSES[e.partition("/")[0]],), None, (Name(n, "en", True, ()),), "entities.yaml", 1)
            for e, n in NAMES.items()}


@functools.cache
def ontology() -> Ontology:
    triples = [ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(ONTOLOGY, format=ox.RdfFormat.TURTLE)]
    return index_ontology(triples, {"kg": KG, "schema": SCHEMA})


def implied_in(text: str) -> list:
    entities = known()
    kinds = draft_kinds(entities, ontology())
    return implied(text, find_mentions(text, entities, kinds), about, valued, compact, kinds)


def claim(subject: str, prop: str, value: str, rank: str = "normal") -> Claim:
    return Claim(subject, KG + prop, EntityValue(value), (), "facts.yaml", 1, rank=rank)


CLAIMS = [claim("org/helio-works", "ownedBy", "person/ada-stone"),
          claim("org/helio-works", "foundedBy", "person/cleo-marsh", rank="deprecated"),
          claim("mission/aurora-7", "crewMember", "person/ben-frost"),
          claim("mission/aurora-7", "crewMember", "person/cleo-marsh"),
          claim("mission/aurora-7", "destination", "place/lunar-base"),
          claim("event/aurora-7-launch", "participant", "person/ben-frost"),
          claim("event/aurora-7-launch", "participant", "person/cleo-marsh")]


def about(subject: str) -> list[Claim]:
    return [c for c in CLAIMS if c.subject == subject]


def valued(value: str) -> list[Claim]:
    return [c for c in CLAIMS if isinstance(c.value, EntityValue) and c.value.id == value]


def compact(iri: str) -> str:
    return "kg:" + iri.removeprefix(KG)


def rows(found: list) -> list[tuple]:
    return sorted((c.subject, c.property, c.value, c.quote.text, c.quote.start, c.rule) for c in found)


def test_a_known_claim_one_sentence_names_both_ends_of_is_proposed_again() -> None:
    text = "Shares in Helio Works rose. The founder Ada Stone sold Helio Works in May. Cleo Marsh left Helio Works."
    found = corroborated(text, find_mentions(text, known(), draft_kinds(known(), ontology())), about, compact)
    quote = "Ada Stone sold Helio Works"
    assert rows(found) == [("org/helio-works", "kg:ownedBy", "person/ada-stone", quote, text.index(quote),
                            "known-claim-in-sentence")]
    assert all(text[c.quote.start:c.quote.end] == c.quote.text for c in found)


def test_no_known_claim_across_sentences_nor_deprecated() -> None:
    text = "Ada Stone spoke first. Helio Works said nothing. Cleo Marsh joined Helio Works."
    assert corroborated(text, find_mentions(text, known(), draft_kinds(known(), ontology())), about, compact) == []


def test_values_a_sentence_lists_of_an_unnamed_subject_are_the_subjects_claims() -> None:
    text = "Ben Frost and Cleo Marsh took off at dawn. They reached orbit."
    found = implied_in(text)
    quote = "Ben Frost and Cleo Marsh"
    # the mission (three known claims) wins over its launch (two) for the same values
    assert rows(found) == [("mission/aurora-7", "kg:crewMember", "person/ben-frost", quote, 0, "known-claims-implied"),
                           ("mission/aurora-7", "kg:crewMember", "person/cleo-marsh", quote, 0, "known-claims-implied")]


def test_one_value_or_a_named_subject_implies_nothing() -> None:
    one = "Ben Frost took off at dawn."
    assert implied_in(one) == []
    named = "Aurora 7 carried Ben Frost and Cleo Marsh."
    assert implied_in(named) == []


def test_a_sentence_naming_another_holder_of_the_property_implies_nothing() -> None:
    """"X and Y returned aboard Zephyr 2" speaks of that mission, not of Aurora 7 nor of its
    launch (an event: a mission is one, so Zephyr 2 could hold kg:participant too); a draft
    of a new article proposed the seed's launch participants from such a sentence."""
    assert implied_in("Ben Frost and Cleo Marsh came back aboard Zephyr 2.") == []
    # a place named beside them is no holder of either property: the crew is still implied
    found = implied_in("Ben Frost and Cleo Marsh spent a week at Lunar Base.")
    assert {(c.subject, c.property) for c in found} == {("mission/aurora-7", "kg:crewMember")}
