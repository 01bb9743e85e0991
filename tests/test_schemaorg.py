"""schema.org's own definitions: kg reads schema.org terms' domains and ranges from the release it
ships (kg/vocab/schemaorg.nt), and no ontology kg ships or the seed holds redefines one."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.inputs.ontology import SCHEMAORG_FILE, VOCAB_DIR, index_ontology, schemaorg
from kg.namespaces import OWL, RDF, RDFS, SCHEMA, XSD
from tests.conftest import REPOSITORY, SEED

ONTOLOGIES = [
    VOCAB_DIR / "ontology.ttl",
    *sorted((REPOSITORY / "ontology").glob("*.ttl")),
    *sorted((SEED / "ontology").glob("*.ttl")),
    *sorted((VOCAB_DIR.parent / "project" / "template" / "ontology").glob("*.ttl")),
]
BASE = "https://example.org/p/"
PREFIXES = {"schema": SCHEMA, "kg": BASE + "ontology#", "xsd": XSD}


def schemaorg_triples() -> set[ox.Triple]:
    return {q.triple for q in ox.parse(SCHEMAORG_FILE.read_bytes(), format=ox.RdfFormat.N_TRIPLES)}


def redefinitions(path: Path) -> list[str]:
    """Triples of the file on a schema.org subject that say what schema.org does not: a property
    type, a range or a domain, a superclass schema.org's hierarchy does not give."""
    release, schema = schemaorg_triples(), schemaorg()
    defining = {RDFS + "range", RDFS + "domain", SCHEMA + "rangeIncludes", SCHEMA + "domainIncludes"}
    property_types = {OWL + "ObjectProperty", OWL + "DatatypeProperty", RDF + "Property"}
    found = []
    for quad in ox.parse(path.read_bytes(), format=ox.RdfFormat.TURTLE, base_iri=BASE):
        s, p, o = quad.subject, quad.predicate.value, quad.object
        if not (isinstance(s, ox.NamedNode) and s.value.startswith(SCHEMA)):
            continue
        if p in defining and quad.triple not in release:
            found.append(str(quad.triple))
        elif p == RDF + "type" and isinstance(o, ox.NamedNode) and o.value in property_types:
            found.append(str(quad.triple))
        elif p == RDFS + "subClassOf" and isinstance(o, ox.NamedNode) and o.value not in schema.ancestors(s.value):
            found.append(str(quad.triple))
    return found


@pytest.mark.parametrize("path", ONTOLOGIES, ids=lambda p: str(p.relative_to(REPOSITORY)))
def test_no_schemaorg_term_is_redefined(path: Path) -> None:
    assert redefinitions(path) == []


def test_a_redefinition_is_found(tmp_path: Path) -> None:
    """The check itself: the redefinitions the audit found (schema:height typed, schema:text given
    another range) are caught."""
    bad = tmp_path / "bad.ttl"
    bad.write_text(
        "@prefix schema: <https://schema.org/> . @prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
        "@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "schema:height a owl:ObjectProperty . schema:text schema:rangeIncludes rdf:langString .\n"
        "schema:Movie rdfs:subClassOf schema:Person .\n",
        encoding="utf-8",
    )
    assert len(redefinitions(bad)) == 3


def test_schemaorg_file_holds_the_whole_release() -> None:
    schema = schemaorg()
    assert len(schema.properties) > 1400
    assert schema.domains[SCHEMA + "director"] == tuple(sorted(schema.domains[SCHEMA + "director"]))
    assert SCHEMA + "Movie" in schema.domains[SCHEMA + "director"]
    assert schema.ancestors(SCHEMA + "Movie") == {SCHEMA + "CreativeWork", SCHEMA + "Thing"}


def label(term: str) -> ox.Triple:
    return ox.Triple(ox.NamedNode(term), ox.NamedNode(RDFS + "label"), ox.Literal(term.rsplit("/", 1)[1], language="en"))


def test_schemaorg_terms_take_schemaorg_domains_and_ranges_as_xsd() -> None:
    """A schema.org property the ontology only names (a label) is a property with schema.org's
    domain and range, data types written as kg writes them; no regeneration for a new term."""
    terms = ["director", "name", "startDate", "birthDate", "numberOfEpisodes", "location", "duration"]
    ontology = index_ontology([label(SCHEMA + t) for t in terms], PREFIXES)
    props = ontology.properties
    assert props[SCHEMA + "director"].ranges == (SCHEMA + "Person",)
    assert props[SCHEMA + "name"].ranges == (RDF + "langString", XSD + "string")
    assert props[SCHEMA + "startDate"].ranges == (XSD + "date", XSD + "dateTime")
    assert props[SCHEMA + "birthDate"].ranges == (XSD + "date",)
    assert props[SCHEMA + "birthDate"].domains == (SCHEMA + "Person",)
    assert props[SCHEMA + "numberOfEpisodes"].ranges == (XSD + "integer",)
    assert props[SCHEMA + "duration"].ranges == (XSD + "duration", SCHEMA + "QuantitativeValue")
    assert props[SCHEMA + "location"].class_ranges == (
        SCHEMA + "Place", SCHEMA + "PostalAddress", SCHEMA + "VirtualLocation")


def test_a_term_schemaorg_does_not_have_is_no_property() -> None:
    ontology = index_ontology([label(SCHEMA + "launchDate")], PREFIXES)
    assert ontology.properties == {}


def test_kg_terms_keep_their_own_domain_and_range() -> None:
    kg = BASE + "ontology#"
    triples = [
        ox.Triple(ox.NamedNode(kg + "age"), ox.NamedNode(RDF + "type"), ox.NamedNode(OWL + "DatatypeProperty")),
        ox.Triple(ox.NamedNode(kg + "age"), ox.NamedNode(RDFS + "domain"), ox.NamedNode(SCHEMA + "Person")),
        ox.Triple(ox.NamedNode(kg + "age"), ox.NamedNode(RDFS + "range"), ox.NamedNode(XSD + "integer")),
    ]
    info = index_ontology(triples, PREFIXES).properties[kg + "age"]
    assert (info.domains, info.ranges) == ((SCHEMA + "Person",), (XSD + "integer",))


MIXED_RANGE = """\
entities:
  - id: organization/agency
    type: schema:Organization
    names:
      - {text: "the agency", preferred: true, refs: [{source: 002_61f4a650ca5522b8, quote: "before returning to Earth on October 17th"}]}
  - id: place/steppe
    type: schema:Place
    names:
      - {text: "Earth", preferred: true, refs: [{source: 002_61f4a650ca5522b8, quote: "Earth"}]}
claims:
  - subject: organization/agency
    property: schema:areaServed
    value: place/steppe
    refs: [{source: 002_61f4a650ca5522b8, quote: "before returning to Earth on October 17th"}]
  - subject: organization/agency
    property: schema:areaServed
    value: {text: "Earth", lang: en}
    refs: [{source: 002_61f4a650ca5522b8, quote: "before returning to Earth on October 17th"}]
"""


def test_a_schemaorg_term_named_by_a_label_is_usable_in_claims(tmp_path: Path) -> None:
    """schema:areaServed, which no ontology of the seed names, works once the project's ontology
    gives it a label (no KG003); its range (Place or Text, among others) takes an entity id as the entity and
    a text as text."""
    from kg.inputs.facts import read_facts
    from kg.inputs.ontology import load_ontology
    from kg.inputs.sources import load_sources
    from kg.model import EntityValue, LiteralValue
    from kg.project import open_project

    project = open_project(SEED)
    ontology = load_ontology(project)
    ontology = index_ontology([*ontology.triples, label(SCHEMA + "areaServed")], ontology.prefixes)
    facts_file = tmp_path / "landing.yaml"
    facts_file.write_text(MIXED_RANGE, encoding="utf-8")
    facts = read_facts([facts_file], ontology, load_sources(SEED / "sources"))
    assert [str(p) for p in facts.problems] == []
    assert [c.value for c in facts.claims] == [EntityValue("place/steppe"),
                                               LiteralValue("Earth", RDF + "langString", "en")]
    without = read_facts([facts_file], load_ontology(project), load_sources(SEED / "sources"))
    assert {p.rule.code for p in without.problems} == {"KG003"}
