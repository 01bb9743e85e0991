"""The draft's new-entity cues (kg/draft/cues.py) on texts written for these tests: an agent noun
before a person's name is an occupation (new, or a new form of the occupation its slug names), and
not after a capitalised word (a position: "Kremlin spokesman"), nor a qualitative adjective."""

from __future__ import annotations

from kg.draft.cues import find_new_entities
from kg.draft.gazetteer import find_mentions
from kg.draft.patterns import occupations
from kg.model import Claim, Entity, EntityValue, Name
from kg.namespaces import SCHEMA
from tests.helpers import draft_kinds

KNOWN = {"person/ivan-petrov": ("Person", "Ivan Petrov"), "person/lena-kho": ("Person", "Lena Kho"),
         "occupation/chemical-engineer": ("Occupation", "process chemist"),
         "occupation/medical-officer": ("Occupation", "medical officer")}


def known() -> dict[str, Entity]:
    return {e: Entity(e, (SCHEMA + kind,), None, (Name(name, "en", True, ()),), "entities.yaml", 1)
            for e, (kind, name) in KNOWN.items()}


def cues(text: str, claims: list[Claim] | None = None) -> tuple[list[tuple[str, tuple[str, ...], str, str]], list[tuple[str, str, str | None, str]],
                              list[tuple[str, str, str, str]]]:
    kinds = draft_kinds(known())
    found = find_mentions(text, known(), kinds)
    entities, mentions = find_new_entities(text, known(), found, {}, lambda iri: iri, kinds,
                                           lambda s: [c for c in claims or [] if c.subject == s])
    every = sorted([*found, *mentions], key=lambda m: (m.start, m.end))
    claims = [(c.subject, c.property, str(c.value), c.quote.text) for c in occupations(text, every, kinds)]
    return ([(e.id, e.types, e.name, e.quote.text) for e in entities],
            [(m.entity, m.form, m.known_form, m.rule) for m in mentions], claims)


def test_an_agent_noun_before_a_name_is_a_new_occupation() -> None:
    entities, mentions, claims = cues("The report was written by political scientist Ivan Petrov and cameraman Lena Kho.")
    assert entities == [
        ("occupation/cameraman", ("schema:Occupation",), "cameraman", "cameraman Lena Kho"),
        ("occupation/political-scientist", ("schema:Occupation",), "political scientist",
         "political scientist Ivan Petrov")]
    assert [m[3] for m in mentions] == ["occupation-agent-noun"] * 2
    assert sorted(claims) == [
        ("person/ivan-petrov", "schema:hasOccupation", "occupation/political-scientist", "political scientist Ivan Petrov"),
        ("person/lena-kho", "schema:hasOccupation", "occupation/cameraman", "cameraman Lena Kho")]


def test_an_agent_noun_that_names_a_known_occupation_is_its_new_form() -> None:
    entities, mentions, _ = cues("A plant run by chemical engineer Lena Kho.")
    assert entities == []
    assert mentions == [("occupation/chemical-engineer", "chemical engineer", "process chemist", "occupation-agent-noun")]


def test_no_occupation_after_a_capitalised_word_nor_from_a_qualifier_nor_without_a_name() -> None:
    assert cues("Kremlin spokesman Ivan Petrov spoke.")[0] == []
    assert cues("The veteran Ivan Petrov spoke.")[0] == []
    assert cues("The manager said political scientists Ivan disagree.")[0] == []
    entities, _, _ = cues("The former teacher Lena Kho spoke.")
    assert entities == [("occupation/teacher", ("schema:Occupation",), "teacher", "teacher Lena Kho")]


def test_in_a_language_is_no_place_in_a_town_is() -> None:
    entities, _, _ = cues("The title, in Spanish: “Reto”, was filmed in Karaganda; in Japanese it is shorter.")
    assert [(e[0], e[3]) for e in entities] == [("place/karaganda", "in Karaganda")]


def test_an_agent_noun_worded_like_the_occupation_the_graph_gives_the_person_is_its_new_form() -> None:
    held = [Claim("person/ivan-petrov", SCHEMA + "hasOccupation", EntityValue("occupation/medical-officer"), (), "p.yaml", 1)]
    entities, mentions, claims = cues("The body was seen by medical examiner Ivan Petrov.", held)
    assert entities == []
    assert mentions == [("occupation/medical-officer", "medical examiner", "medical officer", "occupation-agent-noun")]
    assert claims == [("person/ivan-petrov", "schema:hasOccupation", "occupation/medical-officer",
                       "medical examiner Ivan Petrov")]
    # no shared word, or an occupation the graph gives someone else: a new occupation
    assert cues("The body was seen by examiner Ivan Petrov.", held)[0][0][0] == "occupation/examiner"
    assert cues("The body was seen by medical examiner Lena Kho.", held)[0][0][0] == "occupation/medical-examiner"
