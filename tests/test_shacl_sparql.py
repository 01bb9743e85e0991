"""The compiled SHACL engine (kg.shacl.compiled: shapes compiled to SPARQL on pyoxigraph) against the
pyshacl engine (kg.shacl.pyshacl_engine).

Every test runs BOTH engines on the same data and shapes and requires the same outcomes: (severity,
focus node, path, value, shape) for every result. The per-constraint cases also pin the outcomes
expected; one test requires the same messages too, where the compiled engine words them as pyshacl
does (kg.shacl.compiled.KNOWN_DIFFERENCES lists where it cannot).

The per-constraint cases validate against FROZEN_SHAPES (a copy of shapes/ as it covered every
construct: qualifiedValueShape, targetSubjectsOf, per-node SPARQL constraints) and FROZEN_VOCABULARY;
the build tests read the frozen seed project tests/fixtures/seed (copied where they build), never the
repository's own facts/, shapes/, ontology/ or output/."""

from __future__ import annotations

import random
import shutil
import textwrap
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.errors import InputError
from kg.inputs.ontology import Vocabulary, read_vocabulary
from kg.namespaces import OA, OWL, PROV, RDF, SCHEMA
from kg.pipeline import BuildResult, build
from kg.project import Project, open_project
from kg.shacl import ENGINES, ShaclReport, validate
from kg.shacl.compiled import validate_fast
from kg.shacl.shapes import load_shapes, vocabulary_layer
from tests.helpers import MISSION_ENTITY, PLANNED_RETURN_CLAIMS

SEED = Path(__file__).parent / "fixtures" / "seed"
SEED_PROJECT = open_project(SEED)
BASE = SEED_PROJECT.base_iri
KG = SEED_PROJECT.kg
KGSH = BASE + "shapes#"
EX = BASE + "id/"
XSD = "http://www.w3.org/2001/XMLSchema#"

PREFIXES = f"""
@prefix kg: <{KG}> .
@prefix ex: <{EX}> .
@prefix src: <{BASE}source/> .
@prefix schema: <https://schema.org/> .
@prefix wd: <http://www.wikidata.org/entity/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <{XSD}> .
@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix wikibase: <http://wikiba.se/ontology#> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix kgsh: <{KGSH}> .
"""


# shapes/ as it was when kg.shacl_sparql was written: every construct of the brief in use.
FROZEN_SHAPES = {
    "conflicts.ttl": """
@prefix kgsh: <https://example.org/vyzov/shapes#> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .

kgsh:Conflict a sh:NodeShape ;
    sh:targetSubjectsOf rdf:type ;
    sh:severity sh:Warning ;
    sh:sparql kgsh:Conflict-functionalValues .

kgsh:Conflict-functionalValues a sh:SPARQLConstraint ;
    sh:prefixes kgsh:prefixes ;
    sh:message "sources disagree on {?path}: {?value} is one of several values" ;
    sh:select \"\"\"
        SELECT $this ?path ?value WHERE {
            ?path a kg:SingleValuedProperty .
            $this ?path ?value .
            FILTER EXISTS { $this ?path ?other . FILTER (?other != ?value) }
        }
    \"\"\" .
""",
    "domain.ttl": """
@prefix kgsh: <https://example.org/vyzov/shapes#> .
@prefix kg: <https://example.org/vyzov/ontology#> .
@prefix schema: <https://schema.org/> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .

kgsh:Entity a sh:NodeShape ;
    sh:targetClass schema:Person , schema:Organization , schema:Place , schema:Event ,
        schema:Vehicle , schema:Occupation , schema:Role , schema:Movie , schema:MovieSeries ,
        schema:TVSeries , schema:Quotation , kg:FilmProject ;
    sh:property kgsh:Entity-name , kgsh:Entity-alternateName , kgsh:Entity-owlSameAs ,
        kgsh:Entity-schemaSameAs .
kgsh:Entity-name a sh:PropertyShape ;
    sh:path schema:name ; sh:minCount 1 ; sh:datatype rdf:langString ; sh:uniqueLang true ;
    sh:message "an entity needs exactly one schema:name per language" .
kgsh:Entity-alternateName a sh:PropertyShape ;
    sh:path schema:alternateName ; sh:datatype rdf:langString ;
    sh:message "alternate names are language-tagged strings" .
kgsh:Entity-owlSameAs a sh:PropertyShape ;
    sh:path owl:sameAs ; sh:maxCount 1 ; sh:nodeKind sh:IRI ;
    sh:pattern "^http://www\\\\.wikidata\\\\.org/entity/Q[1-9][0-9]*$" ;
    sh:message "owl:sameAs must be one Wikidata item IRI (http://www.wikidata.org/entity/Q…)" .
kgsh:Entity-schemaSameAs a sh:PropertyShape ;
    sh:path schema:sameAs ; sh:maxCount 1 ; sh:nodeKind sh:IRI ;
    sh:pattern "^https://www\\\\.wikidata\\\\.org/wiki/Q[1-9][0-9]*$" ;
    sh:message "schema:sameAs must be one Wikidata page IRI (https://www.wikidata.org/wiki/Q…)" .

kgsh:Movie a sh:NodeShape ;
    sh:targetClass schema:Movie ;
    sh:property kgsh:Movie-director , kgsh:Movie-actor , kgsh:Movie-producer ,
        kgsh:Movie-budgetDisclosed , kgsh:Movie-shootingDuration , kgsh:Movie-filmingLocation .
kgsh:Movie-director a sh:PropertyShape ;
    sh:path schema:director ; sh:minCount 1 ; sh:class schema:Person ;
    sh:message "a movie needs a director who is a schema:Person" .
kgsh:Movie-actor a sh:PropertyShape ;
    sh:path schema:actor ; sh:class schema:Person ;
    sh:message "a movie's actor must be a schema:Person" .
kgsh:Movie-producer a sh:PropertyShape ;
    sh:path schema:producer ;
    sh:or ( [ sh:class schema:Person ] [ sh:class schema:Organization ] ) ;
    sh:message "a producer is a schema:Person or schema:Organization" .
kgsh:Movie-budgetDisclosed a sh:PropertyShape ;
    sh:path kg:budgetDisclosed ; sh:datatype xsd:boolean ;
    sh:message "kg:budgetDisclosed is an xsd:boolean" .
kgsh:Movie-shootingDuration a sh:PropertyShape ;
    sh:path kg:shootingDuration ; sh:datatype xsd:duration ;
    sh:message "kg:shootingDuration is an xsd:duration" .
kgsh:Movie-filmingLocation a sh:PropertyShape ;
    sh:path kg:filmingLocation ; sh:class schema:Place ;
    sh:message "a filming location is a schema:Place" .

kgsh:Person a sh:NodeShape ;
    sh:targetClass schema:Person ;
    sh:property kgsh:Person-age , kgsh:Person-height , kgsh:Person-nationality , kgsh:Person-occupation .
kgsh:Person-age a sh:PropertyShape ;
    sh:path kg:age ; sh:datatype xsd:integer ; sh:minInclusive 0 ; sh:maxInclusive 150 ;
    sh:message "an age is an xsd:integer between 0 and 150" .
kgsh:Person-height a sh:PropertyShape ;
    sh:path schema:height ; sh:class schema:QuantitativeValue ;
    sh:message "a height is a schema:QuantitativeValue" .
kgsh:Person-nationality a sh:PropertyShape ;
    sh:path schema:nationality ; sh:class schema:Country ;
    sh:message "a nationality is a schema:Country" .
kgsh:Person-occupation a sh:PropertyShape ;
    sh:path schema:hasOccupation ; sh:class schema:Occupation ;
    sh:message "an occupation is a schema:Occupation" .

kgsh:SpaceMission a sh:NodeShape ;
    sh:targetClass kg:SpaceMission ;
    sh:property kgsh:SpaceMission-crewMember , kgsh:SpaceMission-launchDate ,
        kgsh:SpaceMission-launchSite , kgsh:SpaceMission-dockingTime ,
        kgsh:SpaceMission-plannedReturnDate , kgsh:SpaceMission-operator .
kgsh:SpaceMission-crewMember a sh:PropertyShape ;
    sh:path kg:crewMember ; sh:class schema:Person ;
    sh:message "a crew member is a schema:Person" .
kgsh:SpaceMission-launchDate a sh:PropertyShape ;
    sh:path kg:launchDate ; sh:minCount 1 ; sh:datatype xsd:date ;
    sh:message "a space mission needs a launch date (xsd:date)" .
kgsh:SpaceMission-launchSite a sh:PropertyShape ;
    sh:path kg:launchSite ; sh:class schema:Place ;
    sh:message "a launch site is a schema:Place" .
kgsh:SpaceMission-dockingTime a sh:PropertyShape ;
    sh:path kg:dockingTime ; sh:datatype xsd:dateTime ;
    sh:message "a docking time is an xsd:dateTime" .
kgsh:SpaceMission-plannedReturnDate a sh:PropertyShape ;
    sh:path kg:plannedReturnDate ; sh:datatype xsd:date ;
    sh:message "a planned return date is an xsd:date" .
kgsh:SpaceMission-operator a sh:PropertyShape ;
    sh:path kg:operator ; sh:class schema:Organization ;
    sh:message "an operator is a schema:Organization" .

kgsh:QuantitativeValue a sh:NodeShape ;
    sh:targetClass schema:QuantitativeValue ;
    sh:property kgsh:QuantitativeValue-value , kgsh:QuantitativeValue-unitCode .
kgsh:QuantitativeValue-value a sh:PropertyShape ;
    sh:path schema:value ; sh:minCount 1 ; sh:maxCount 1 ; sh:datatype xsd:decimal ;
    sh:message "a quantity has exactly one xsd:decimal schema:value" .
kgsh:QuantitativeValue-unitCode a sh:PropertyShape ;
    sh:path schema:unitCode ; sh:minCount 1 ; sh:maxCount 1 ; sh:datatype xsd:string ;
    sh:message "a quantity has exactly one UN/CEFACT schema:unitCode" .

kgsh:NewsArticle a sh:NodeShape ;
    sh:targetClass schema:NewsArticle ;
    sh:property kgsh:NewsArticle-text , kgsh:NewsArticle-sha256 , kgsh:NewsArticle-language .
kgsh:NewsArticle-text a sh:PropertyShape ;
    sh:path schema:text ; sh:minCount 1 ; sh:maxCount 1 ; sh:datatype xsd:string ;
    sh:message "a source article carries its full text once" .
kgsh:NewsArticle-sha256 a sh:PropertyShape ;
    sh:path kg:sha256 ; sh:minCount 1 ; sh:maxCount 1 ; sh:datatype xsd:hexBinary ;
    sh:pattern "^[0-9a-f]{64}$" ;
    sh:message "a source article has one SHA-256 checksum (64 hex digits)" .
kgsh:NewsArticle-language a sh:PropertyShape ;
    sh:path schema:inLanguage ; sh:minCount 1 ; sh:maxCount 1 ;
    sh:message "a source article states its language once" .
""",
    "provenance.ttl": """
@prefix kgsh: <https://example.org/vyzov/shapes#> .
@prefix kg: <https://example.org/vyzov/ontology#> .
@prefix schema: <https://schema.org/> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix wikibase: <http://wikiba.se/ontology#> .

kgsh:prefixes a owl:Ontology ;
    sh:declare [ sh:prefix "rdf" ; sh:namespace "http://www.w3.org/1999/02/22-rdf-syntax-ns#"^^xsd:anyURI ] ,
        [ sh:prefix "owl" ; sh:namespace "http://www.w3.org/2002/07/owl#"^^xsd:anyURI ] ,
        [ sh:prefix "schema" ; sh:namespace "https://schema.org/"^^xsd:anyURI ] ,
        [ sh:prefix "prov" ; sh:namespace "http://www.w3.org/ns/prov#"^^xsd:anyURI ] ,
        [ sh:prefix "oa" ; sh:namespace "http://www.w3.org/ns/oa#"^^xsd:anyURI ] ,
        [ sh:prefix "kg" ; sh:namespace "https://example.org/vyzov/ontology#"^^xsd:anyURI ] .

kgsh:AssertedTriple a sh:NodeShape ;
    sh:targetSubjectsOf rdf:type ;
    sh:sparql kgsh:AssertedTriple-hasStatement .
kgsh:AssertedTriple-hasStatement a sh:SPARQLConstraint ;
    sh:prefixes kgsh:prefixes ;
    sh:message "asserted triple {$this} {?path} {?value} has no statement node with a reference" ;
    sh:select \"\"\"
        SELECT $this ?path ?value WHERE {
            FILTER NOT EXISTS { $this a rdf:Statement }
            FILTER NOT EXISTS { $this a oa:SpecificResource }
            FILTER NOT EXISTS { $this a oa:TextQuoteSelector }
            FILTER NOT EXISTS { $this a oa:TextPositionSelector }
            FILTER NOT EXISTS { $this a schema:NewsArticle }
            FILTER NOT EXISTS { $this a kg:SingleValuedProperty }
            $this ?path ?value .
            FILTER (?path != owl:sameAs && ?path != schema:sameAs)
            FILTER NOT EXISTS {
                ?statement rdf:subject $this ; rdf:predicate ?path ; rdf:object ?value ;
                    prov:wasDerivedFrom ?reference .
                ?reference a oa:SpecificResource .
            }
        }
    \"\"\" .

kgsh:Statement a sh:NodeShape ;
    sh:targetClass rdf:Statement ;
    sh:property kgsh:Statement-subject , kgsh:Statement-predicate , kgsh:Statement-object ,
        kgsh:Statement-rank , kgsh:Statement-reference , kgsh:Statement-primarySource .
kgsh:Statement-subject a sh:PropertyShape ;
    sh:path rdf:subject ; sh:minCount 1 ; sh:maxCount 1 ; sh:nodeKind sh:IRI ;
    sh:message "a statement has exactly one rdf:subject IRI" .
kgsh:Statement-predicate a sh:PropertyShape ;
    sh:path rdf:predicate ; sh:minCount 1 ; sh:maxCount 1 ; sh:nodeKind sh:IRI ;
    sh:message "a statement has exactly one rdf:predicate IRI" .
kgsh:Statement-object a sh:PropertyShape ;
    sh:path rdf:object ; sh:minCount 1 ; sh:maxCount 1 ;
    sh:message "a statement has exactly one rdf:object" .
kgsh:Statement-rank a sh:PropertyShape ;
    sh:path wikibase:rank ; sh:minCount 1 ; sh:maxCount 1 ;
    sh:in ( wikibase:PreferredRank wikibase:NormalRank wikibase:DeprecatedRank ) ;
    sh:message "a statement has one Wikibase rank" .
kgsh:Statement-reference a sh:PropertyShape ;
    sh:path prov:wasDerivedFrom ; sh:minCount 1 ; sh:class oa:SpecificResource ;
    sh:message "a statement is derived from at least one reference (oa:SpecificResource)" .
kgsh:Statement-primarySource a sh:PropertyShape ;
    sh:path prov:hadPrimarySource ; sh:minCount 1 ; sh:class schema:NewsArticle ;
    sh:message "a statement names at least one source article" .

kgsh:Reference a sh:NodeShape ;
    sh:targetClass oa:SpecificResource ;
    sh:property kgsh:Reference-source , kgsh:Reference-quoteSelector , kgsh:Reference-positionSelector ;
    sh:sparql kgsh:Reference-exactIsSlice .
kgsh:Reference-source a sh:PropertyShape ;
    sh:path oa:hasSource ; sh:minCount 1 ; sh:maxCount 1 ; sh:class schema:NewsArticle ;
    sh:message "a reference has exactly one source article" .
kgsh:Reference-quoteSelector a sh:PropertyShape ;
    sh:path oa:hasSelector ; sh:qualifiedValueShape [ sh:class oa:TextQuoteSelector ] ;
    sh:qualifiedMinCount 1 ; sh:qualifiedMaxCount 1 ;
    sh:message "a reference has exactly one oa:TextQuoteSelector" .
kgsh:Reference-positionSelector a sh:PropertyShape ;
    sh:path oa:hasSelector ; sh:qualifiedValueShape [ sh:class oa:TextPositionSelector ] ;
    sh:qualifiedMinCount 1 ; sh:qualifiedMaxCount 1 ;
    sh:message "a reference has exactly one oa:TextPositionSelector" .
kgsh:Reference-exactIsSlice a sh:SPARQLConstraint ;
    sh:prefixes kgsh:prefixes ;
    sh:message "oa:exact {?value} is not the text of the source at [{?start}, {?end})" ;
    sh:select \"\"\"
        SELECT $this ?value ?start ?end WHERE {
            $this oa:hasSource ?source ; oa:hasSelector ?quote , ?position .
            ?quote a oa:TextQuoteSelector ; oa:exact ?value .
            ?position a oa:TextPositionSelector ; oa:start ?start ; oa:end ?end .
            ?source schema:text ?text .
            FILTER (?end > STRLEN(?text) || STR(SUBSTR(?text, ?start + 1, ?end - ?start)) != STR(?value))
        }
    \"\"\" .

kgsh:TextQuoteSelector a sh:NodeShape ;
    sh:targetClass oa:TextQuoteSelector ;
    sh:property kgsh:TextQuoteSelector-exact , kgsh:TextQuoteSelector-prefix , kgsh:TextQuoteSelector-suffix .
kgsh:TextQuoteSelector-exact a sh:PropertyShape ;
    sh:path oa:exact ; sh:minCount 1 ; sh:maxCount 1 ; sh:datatype xsd:string ; sh:minLength 1 ;
    sh:message "a quote selector has exactly one non-empty oa:exact string" .
kgsh:TextQuoteSelector-prefix a sh:PropertyShape ;
    sh:path oa:prefix ; sh:maxCount 1 ; sh:datatype xsd:string ;
    sh:message "a quote selector has at most one oa:prefix string" .
kgsh:TextQuoteSelector-suffix a sh:PropertyShape ;
    sh:path oa:suffix ; sh:maxCount 1 ; sh:datatype xsd:string ;
    sh:message "a quote selector has at most one oa:suffix string" .

kgsh:TextPositionSelector a sh:NodeShape ;
    sh:targetClass oa:TextPositionSelector ;
    sh:property kgsh:TextPositionSelector-start , kgsh:TextPositionSelector-end .
kgsh:TextPositionSelector-start a sh:PropertyShape ;
    sh:path oa:start ; sh:minCount 1 ; sh:maxCount 1 ; sh:datatype xsd:integer ;
    sh:minInclusive 0 ; sh:lessThan oa:end ;
    sh:message "a position selector has one integer oa:start, at least 0 and less than oa:end" .
kgsh:TextPositionSelector-end a sh:PropertyShape ;
    sh:path oa:end ; sh:minCount 1 ; sh:maxCount 1 ; sh:datatype xsd:integer ;
    sh:message "a position selector has one integer oa:end" .
""",
}


def outcomes(report: ShaclReport) -> list[tuple[str, str, str | None, str | None, str]]:
    """Every result's (severity, focus, path, value, shape), repeats kept, in a stable order."""
    return sorted((r.outcome for r in report.results), key=repr)


def both(
    triples: list[ox.Triple], vocabulary: list[ox.Triple], settings: Project, shapes: Vocabulary | None = None
) -> tuple[ShaclReport, ShaclReport]:
    """Both engines, through kg.shacl.validate, on the same input (the project's own shapes unless
    `shapes` are given); they must report the same outcomes."""
    shapes = shapes or own_shapes(settings)
    slow, fast = (validate(triples, vocabulary, settings, engine=name, shapes=shapes) for name in ("pyshacl", "fast"))
    assert outcomes(fast) == outcomes(slow)
    assert components(fast) == components(slow)
    assert all(r.component for r in fast.results)
    assert fast.conforms == slow.conforms
    return slow, fast


def components(report: ShaclReport) -> list[tuple[tuple[str, str, str | None, str | None, str], str]]:
    """Every result's outcome with its sh:sourceConstraintComponent."""
    return sorted(((r.outcome, r.component) for r in report.results), key=repr)


def test_the_engines_behind_validate() -> None:
    assert list(ENGINES) == ["pyshacl", "fast"]
    with pytest.raises(InputError, match="unknown SHACL engine 'jena' \\(use one of pyshacl, fast\\)"):
        validate([], [], SEED_PROJECT, engine="jena")


def own_shapes(project: Project) -> Vocabulary:
    """The test's shapes only (its project's shapes/), without the ones kg ships."""
    return read_vocabulary(sorted(project.shapes_dir.glob("*.ttl")), project)


FROZEN_VOCABULARY = """
kg:SpaceMission rdfs:subClassOf schema:Event . kg:CrewedSpaceMission rdfs:subClassOf kg:SpaceMission .
schema:Event rdfs:subClassOf schema:Thing . schema:Place rdfs:subClassOf schema:Thing .
kg:Spaceport rdfs:subClassOf schema:Place . schema:City rdfs:subClassOf schema:Place .
schema:Organization rdfs:subClassOf schema:Thing . schema:GovernmentOrganization rdfs:subClassOf schema:Organization .
kg:SpaceAgency rdfs:subClassOf schema:GovernmentOrganization . schema:Person rdfs:subClassOf schema:Thing .
kg:launchDate a kg:SingleValuedProperty . kg:plannedReturnDate a kg:SingleValuedProperty .
kg:shootingDuration a kg:SingleValuedProperty . kg:age a kg:SingleValuedProperty .
"""


@pytest.fixture(scope="module")
def frozen(tmp_path_factory: pytest.TempPathFactory) -> Project:
    root = tmp_path_factory.mktemp("frozen")
    (root / "shapes").mkdir()
    for name, text in FROZEN_SHAPES.items():
        (root / "shapes" / name).write_text(text, encoding="utf-8")
    return Project(root=root, name="test", title="Test", base_iri=BASE, source_text="full")


@pytest.fixture(scope="module")
def frozen_vocabulary() -> list[ox.Triple]:
    return parse(FROZEN_VOCABULARY)


def parse(turtle: str) -> list[ox.Triple]:
    return [q.triple for q in ox.parse(PREFIXES + textwrap.dedent(turtle), format=ox.RdfFormat.TURTLE)]


def custom_settings(tmp_path: Path, shapes: str) -> Project:
    (tmp_path / "shapes").mkdir(exist_ok=True)
    (tmp_path / "shapes" / "custom.ttl").write_text(PREFIXES + textwrap.dedent(shapes), encoding="utf-8")
    return Project(root=tmp_path, name="test", title="Test", base_iri=BASE, source_text="full")


# ------------------------------------------------------------------ 1. realistic graphs from the build

SMOKE_FACTS = """\
entities:
  - id: person/klim-shipenko
    type: schema:Person
    wikidata: Q27990623
    names:
      - text: Klim Shipenko
        preferred: true
        refs:
          - {source: 001_b25d8b9e867eeac6, quote: "38-year-old director Klim Shipenko"}
      - text: Klim Chipenko
        refs:
          - {source: 000_d6db8baa69644283, quote: "director Klim Chipenko, 38"}
  - id: film/vyzov
    type: schema:Movie
    names:
      - text: Vyzov
        lang: ru-Latn
        preferred: true
        refs:
          - {source: 004_ba6c03b084f54831, quote: "the film with the working title of “Vysov”"}
""" + MISSION_ENTITY + """\
claims:
  - subject: film/vyzov
    property: schema:director
    value: person/klim-shipenko
    refs:
      - {source: 004_ba6c03b084f54831, quote: "The film is directed by Russian filmmaker Klim Shipenko"}
  - subject: person/klim-shipenko
    property: kg:age
    value: 38
    qualifiers: {point_in_time: 2021-10-05}
    refs:
      - {source: 000_d6db8baa69644283, quote: "director Klim Chipenko, 38"}
  - subject: person/klim-shipenko
    property: schema:height
    value: {amount: 1.9, unit: m}
    refs:
      - {source: 001_b25d8b9e867eeac6, quote: "due to his height of 1.9 metres"}
  - subject: mission/soyuz-ms-19
    property: kg:launchDate
    value: 2021-10-05
    refs:
      - {source: 004_ba6c03b084f54831, quote: "docked this Tuesday (05.10.2021)"}
""" + PLANNED_RETURN_CLAIMS


@pytest.fixture(scope="module")
def small_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Project, BuildResult]:
    """kg's pipeline on the seed fixture's sources and ontology, with a fixed set of facts and the
    frozen shapes."""
    root = tmp_path_factory.mktemp("project")
    for folder in ("sources", "ontology", "reference"):
        shutil.copytree(SEED / folder, root / folder)
    (root / "facts").mkdir()
    (root / "facts" / "claims.yaml").write_text(SMOKE_FACTS, encoding="utf-8")
    (root / "shapes").mkdir()
    for name, text in FROZEN_SHAPES.items():
        (root / "shapes" / name).write_text(text, encoding="utf-8")
    settings = Project(root=root, name="test", title="Test", base_iri=BASE, source_text="full")
    return settings, build(settings, run_shacl=False)


@pytest.fixture(scope="module")
def seed_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Project, BuildResult]:
    """The seed fixture, copied and built as it is (its facts, kg's shapes and its own)."""
    root = tmp_path_factory.mktemp("seed") / "seed"
    shutil.copytree(SEED, root)
    project = open_project(root)
    return project, build(project, run_shacl=False)


def test_small_build_conforms_with_the_conflict_as_warnings(small_build: tuple[Project, BuildResult]) -> None:
    settings, result = small_build
    slow, fast = both(result.graph.triples(), vocabulary_layer(result.inputs.ontology.triples, settings.kg), settings)
    assert fast.conforms
    assert [(r.severity, r.path, r.value, r.shape) for r in fast.results] == [
        ("warning", KG + "plannedReturnDate", day, KGSH + "Conflict") for day in ("2021-10-16", "2021-10-17")
    ]
    assert fast.results[0].message == (
        f"sources disagree on {KG}plannedReturnDate: 2021-10-16 is one of several values"
    )


@pytest.mark.parametrize("which", ["small_build", "seed_build"])
def test_builds_with_the_seed_shapes(which: str, seed_build: tuple[Project, BuildResult],
                                     request: pytest.FixtureRequest) -> None:
    """kg's shipped shapes plus the seed project's, over a build of the seed and over the small build."""
    _, result = request.getfixturevalue(which)
    seed, _ = seed_build
    slow, fast = both(result.graph.triples(), vocabulary_layer(result.inputs.ontology.triples, seed.kg), seed,
                      load_shapes(seed))
    if which == "seed_build":
        assert len(result.graph.triples()) > 6000
        assert fast.conforms  # the seed is published: its build passes SHACL
        assert {r.shape for r in fast.warnings} == {KGSH + "Conflict"}
        # `--validator auto` is the compiled engine: the published report is the one pyshacl writes
        assert fast.turtle == slow.turtle


def break_graph(triples: list[ox.Triple]) -> list[ox.Triple]:
    """Realistic violations: the first statement loses its references, one quote is altered, one
    position selector gets start = end, one entity gets a second name in the same language."""
    out = list(triples)
    statement = next(t.subject for t in out if t.predicate.value == PROV + "wasDerivedFrom")
    out = [t for t in out if not (t.subject == statement and t.predicate.value == PROV + "wasDerivedFrom")]
    quote = next(t for t in out if t.predicate.value == OA + "exact")
    out[out.index(quote)] = ox.Triple(quote.subject, quote.predicate, ox.Literal(quote.object.value + "!"))
    end = next(t for t in out if t.predicate.value == OA + "end")
    start = next(t for t in out if t.subject == end.subject and t.predicate.value == OA + "start")
    out[out.index(end)] = ox.Triple(end.subject, end.predicate, start.object)
    name = next(t for t in out if t.predicate.value == SCHEMA + "name")
    out.append(ox.Triple(name.subject, name.predicate, ox.Literal("Another", language=name.object.language)))
    return out


def test_small_build_with_realistic_violations(small_build: tuple[Project, BuildResult]) -> None:
    settings, result = small_build
    slow, fast = both(break_graph(result.graph.triples()), vocabulary_layer(result.inputs.ontology.triples, settings.kg), settings)
    assert not fast.conforms
    shapes = {r.shape.removeprefix(KGSH) for r in fast.violations}
    assert {"Statement-reference", "AssertedTriple", "Reference", "TextPositionSelector-start", "Entity-name"} <= shapes



# ------------------------------------------------------------------ 2. one case per constraint kind

V, W = "violation", "warning"
CASES = [
    pytest.param(
        """ex:m a kg:CrewedSpaceMission ; schema:name "Soyuz MS-19"@en .""",
        [(V, EX + "m", KG + "launchDate", None, "SpaceMission-launchDate")],
        id="minCount-missing-launch-date-subclass-target",
    ),
    pytest.param(
        """ex:p a schema:Person ; schema:name "P"@en ; owl:sameAs wd:Q1 , wd:Q2 .""",
        [(V, EX + "p", OWL + "sameAs", None, "Entity-owlSameAs")],
        id="maxCount-two-wikidata-links",
    ),
    pytest.param(
        """ex:m a kg:SpaceMission ; kg:launchDate "2021-10-05T09:22:00"^^xsd:dateTime .""",
        [(V, EX + "m", KG + "launchDate", "2021-10-05T09:22:00", "SpaceMission-launchDate")],
        id="datatype-dateTime-for-date",
    ),
    pytest.param(
        """ex:p a schema:Person ; kg:age "38" .""",
        [(V, EX + "p", KG + "age", "38", "Person-age")] * 3,  # datatype, and a string is not >= 0 nor <= 150
        id="datatype-string-age",
    ),
    pytest.param(
        """ex:p a schema:Person ; kg:age "thirty"^^xsd:integer .""",
        [(V, EX + "p", KG + "age", "thirty", "Person-age")] * 3,
        id="datatype-ill-typed-integer",
    ),
    pytest.param(
        """ex:f a schema:Movie ; schema:director ex:agency . ex:agency a kg:SpaceAgency .""",
        [(V, EX + "f", SCHEMA + "director", EX + "agency", "Movie-director")],
        id="class-wrong-class",
    ),
    pytest.param(
        """ex:f a schema:Movie ; schema:director ex:d ; kg:filmingLocation ex:port , ex:pers , "Moscow" .
        ex:d a schema:Person . ex:port a kg:Spaceport . ex:pers a schema:Person .""",
        [(V, EX + "f", KG + "filmingLocation", EX + "pers", "Movie-filmingLocation"),
         (V, EX + "f", KG + "filmingLocation", "Moscow", "Movie-filmingLocation")],
        id="class-subclass-accepted-literal-refused",
    ),
    pytest.param(
        """ex:p a schema:Person ; owl:sameAs "http://www.wikidata.org/entity/Q5" .
        ex:q a schema:Person ; owl:sameAs "http://www.wikidata.org/entity/Q5\\n" .""",
        # the pattern itself matches both: in Python's re (pyshacl), "$" also matches before a final newline
        [(V, EX + "p", OWL + "sameAs", "http://www.wikidata.org/entity/Q5", "Entity-owlSameAs"),
         (V, EX + "q", OWL + "sameAs", "http://www.wikidata.org/entity/Q5\n", "Entity-owlSameAs")],
        id="nodeKind-literal-instead-of-IRI",
    ),
    pytest.param(
        """ex:p a schema:Person ; owl:sameAs wd:P31 ; schema:sameAs <https://www.wikidata.org/wiki/Q0123> .""",
        [(V, EX + "p", OWL + "sameAs", "http://www.wikidata.org/entity/P31", "Entity-owlSameAs"),
         (V, EX + "p", SCHEMA + "sameAs", "https://www.wikidata.org/wiki/Q0123", "Entity-schemaSameAs")],
        id="pattern-malformed-wikidata-iris",
    ),
    pytest.param(
        f"""src:a a schema:NewsArticle ; schema:text "t" ; schema:inLanguage "en" ;
            kg:sha256 "{'AB' * 32}"^^xsd:hexBinary .
        src:b a schema:NewsArticle ; schema:text "t" ; schema:inLanguage "en" ; kg:sha256 "abc"^^xsd:hexBinary .""",
        [(V, BASE + "source/b", KG + "sha256", "abc", "NewsArticle-sha256")] * 2,  # ill-typed, and pattern
        id="pattern-and-datatype-hexBinary-checksum",
    ),
    pytest.param(
        """ex:p a schema:Person ; schema:name "A"@en , "B"@en , "C"@ru , "D"@ru , "E"@fr .""",
        [(V, EX + "p", SCHEMA + "name", None, "Entity-name")] * 2,  # one per repeated language
        id="uniqueLang-same-language-twice",
    ),
    pytest.param(
        """ex:a a schema:Person ; kg:age -1 . ex:b a schema:Person ; kg:age 151 .
        ex:c a schema:Person ; kg:age 150 . ex:d a schema:Person ; kg:age 0 .""",
        [(V, EX + "a", KG + "age", "-1", "Person-age"), (V, EX + "b", KG + "age", "151", "Person-age")],
        id="minInclusive-maxInclusive-age",
    ),
    pytest.param(
        """ex:a a schema:Person ; kg:age "2021-01-01"^^xsd:date . ex:c a schema:Person ; kg:age true .
        ex:f a schema:Person ; kg:age ex:iri . ex:g a schema:Person ; kg:age "P1D"^^xsd:duration .""",
        # rdflib orders literals of different datatypes by datatype IRI: a date or a boolean is below
        # 0 (not >= 0) but <= 150, a duration above both; an IRI compares with nothing
        [(V, EX + "a", KG + "age", "2021-01-01", "Person-age")] * 2
        + [(V, EX + "c", KG + "age", "true", "Person-age")] * 2
        + [(V, EX + "f", KG + "age", EX + "iri", "Person-age")] * 3
        + [(V, EX + "g", KG + "age", "P1D", "Person-age")] * 2,
        id="ranges-as-rdflib-orders-values",
    ),
    pytest.param(
        """ex:q a oa:TextQuoteSelector ; oa:exact "" .""",
        [(V, EX + "q", OA + "exact", "", "TextQuoteSelector-exact")],
        id="minLength-empty-quote",
    ),
    pytest.param(
        """ex:s a rdf:Statement ; wikibase:rank wikibase:BestRank .""",
        [(V, EX + "s", "http://wikiba.se/ontology#rank", "http://wikiba.se/ontology#BestRank", "Statement-rank")],
        id="in-unknown-rank",
    ),
    pytest.param(
        """ex:p1 a oa:TextPositionSelector ; oa:start 10 ; oa:end 5 .
        ex:p2 a oa:TextPositionSelector ; oa:start 7 ; oa:end 7 .
        ex:p3 a oa:TextPositionSelector ; oa:start 1 ; oa:end 2 .
        ex:p4 a oa:TextPositionSelector ; oa:start "1" ; oa:end 2 .""",
        [(V, EX + "p1", OA + "start", "10", "TextPositionSelector-start"),
         (V, EX + "p2", OA + "start", "7", "TextPositionSelector-start"),
         (V, EX + "p4", OA + "start", "1", "TextPositionSelector-start")] + [
            (V, EX + "p4", OA + "start", "1", "TextPositionSelector-start")] * 2,  # datatype; string is not >= 0
        id="lessThan-start-not-before-end",
    ),
    pytest.param(
        """ex:p a oa:TextPositionSelector ; oa:start "2021-01-01"^^xsd:date ; oa:end 5 .
        ex:q a oa:TextPositionSelector ; oa:start ex:iri1 ; oa:end ex:iri2 .
        ex:t a oa:TextPositionSelector ; oa:start "b"@en ; oa:end "a" .""",
        # pyshacl orders a date before an integer (rdflib compares their datatype IRIs) and IRIs as
        # strings; only datatype and minInclusive fail for those. "b"@en is not less than "a".
        [(V, EX + "p", OA + "start", "2021-01-01", "TextPositionSelector-start")] * 2
        + [(V, EX + "q", OA + "start", EX + "iri1", "TextPositionSelector-start")] * 2
        + [(V, EX + "t", OA + "start", "b", "TextPositionSelector-start")] * 3,
        id="lessThan-as-rdflib-orders-values",
    ),
    pytest.param(
        """ex:f a schema:Movie ; schema:producer ex:city , ex:agency , ex:person , "Mosfilm" .
        ex:city a schema:City . ex:agency a kg:SpaceAgency . ex:person a schema:Person .""",
        [(V, EX + "f", SCHEMA + "producer", EX + "city", "Movie-producer"),
         (V, EX + "f", SCHEMA + "producer", "Mosfilm", "Movie-producer")],
        id="or-of-classes-producer",
    ),
    pytest.param(
        """ex:r a oa:SpecificResource ; oa:hasSelector ex:q1 , ex:q2 .
        ex:q1 a oa:TextQuoteSelector . ex:q2 a oa:TextQuoteSelector .""",
        [(V, EX + "r", OA + "hasSelector", None, "Reference-quoteSelector"),
         (V, EX + "r", OA + "hasSelector", None, "Reference-positionSelector")],
        id="qualifiedValueShape-min-and-max",
    ),
    pytest.param(
        """src:s a schema:NewsArticle ; schema:text "Hello world" .
        ex:r1 a oa:SpecificResource ; oa:hasSource src:s ; oa:hasSelector ex:r1q , ex:r1p .
        ex:r1q a oa:TextQuoteSelector ; oa:exact "Hullo" . ex:r1p a oa:TextPositionSelector ; oa:start 0 ; oa:end 5 .
        ex:r1 oa:hasSelector ex:r1q2 . ex:r1q2 a oa:TextQuoteSelector ; oa:exact "Hullo" .  # a duplicate row
        ex:r2 a oa:SpecificResource ; oa:hasSource src:s ; oa:hasSelector ex:r2q , ex:r2p .
        ex:r2q a oa:TextQuoteSelector ; oa:exact "world" . ex:r2p a oa:TextPositionSelector ; oa:start 6 ; oa:end 50 .
        ex:r3 a oa:SpecificResource ; oa:hasSource src:s ; oa:hasSelector ex:r3q , ex:r3p .
        ex:r3q a oa:TextQuoteSelector ; oa:exact "world" .
        ex:r3p a oa:TextPositionSelector ; oa:start 6 ; oa:end 11 .""",
        [(V, EX + "r1", None, "Hullo", "Reference"), (V, EX + "r2", None, "world", "Reference")],
        id="sparql-exact-is-not-the-slice",
    ),
    pytest.param(
        """ex:p a schema:Person ; schema:name "Klim"@en ; owl:sameAs wd:Q5 .
        ex:st1 a rdf:Statement ; rdf:subject ex:p ; rdf:predicate schema:name ; rdf:object "Klim"@en ;
            prov:wasDerivedFrom ex:ref .
        ex:ref a oa:SpecificResource .
        ex:st2 a rdf:Statement ; rdf:subject ex:p ; rdf:predicate rdf:type ; rdf:object schema:Person .""",
        [(V, EX + "p", RDF + "type", "https://schema.org/Person", "AssertedTriple")],
        id="sparql-asserted-triple-without-referenced-statement",
    ),
    pytest.param(
        """ex:st a rdf:Statement ; rdf:subject ex:p ; rdf:predicate schema:name ; rdf:object "X"@en ;
            wikibase:rank wikibase:NormalRank ; prov:hadPrimarySource ex:notAnArticle .""",
        [(V, EX + "st", PROV + "wasDerivedFrom", None, "Statement-reference"),
         (V, EX + "st", PROV + "hadPrimarySource", EX + "notAnArticle", "Statement-primarySource")],
        id="statement-without-reference",
    ),
    pytest.param(
        """ex:m a kg:SpaceMission ; kg:launchDate "2021-10-05"^^xsd:date ;
            kg:plannedReturnDate "2021-10-16"^^xsd:date , "2021-10-17"^^xsd:date .""",
        [(W, EX + "m", KG + "plannedReturnDate", "2021-10-16", "Conflict"),
         (W, EX + "m", KG + "plannedReturnDate", "2021-10-17", "Conflict")],
        id="severity-warning-conflicting-return-dates",
    ),
    pytest.param(
        """ex:f a schema:Movie ; kg:shootingDuration "PT36H"^^xsd:duration , "P12D"^^xsd:duration .
        ex:m a kg:SpaceMission ; kg:launchDate "2021-10-05Z"^^xsd:date , "2021-10-06"^^xsd:date .
        ex:p a schema:Person ; kg:age 38.50 . ex:p2 a schema:Person ; kg:age "38"^^xsd:int .""",
        [(W, EX + "f", KG + "shootingDuration", "P1DT12H", "Conflict"),
         (W, EX + "f", KG + "shootingDuration", "P12D", "Conflict"),
         (W, EX + "m", KG + "launchDate", "2021-10-05", "Conflict"),
         (W, EX + "m", KG + "launchDate", "2021-10-06", "Conflict"),
         # a decimal is not an integer; xsd:int is xsd:integer to both (both read an Oxigraph store)
         (V, EX + "p", KG + "age", "38.5", "Person-age")],
        id="literal-values-printed-as-pyshacl-prints-them",
    ),
]


@pytest.mark.parametrize(("turtle", "expected"), CASES)
def test_constraint(turtle: str, expected: list[tuple], frozen: Project, frozen_vocabulary: list[ox.Triple]) -> None:
    slow, fast = both(parse(turtle), frozen_vocabulary, frozen)
    watched = {KGSH + shape for *_, shape in expected}
    want = sorted(((s, f, p, v, KGSH + shape) for s, f, p, v, shape in expected), key=repr)
    for report in (slow, fast):
        assert sorted((r.outcome for r in report.results if r.shape in watched), key=repr) == want


@pytest.mark.parametrize(("case", "shape", "messages"), [
    ("sparql-exact-is-not-the-slice", "Reference", [
        "oa:exact Hullo is not the text of the source at [0, 5)",
        "oa:exact world is not the text of the source at [6, 50)",
    ]),
    ("sparql-asserted-triple-without-referenced-statement", "AssertedTriple", [
        f"asserted triple {EX}p {RDF}type https://schema.org/Person has no statement node with a reference",
    ]),
])
def test_sparql_messages_substitute_bindings(case: str, shape: str, messages: list[str], frozen: Project,
                                             frozen_vocabulary: list[ox.Triple]) -> None:
    turtle = next(c.values[0] for c in CASES if c.id == case)
    for report in both(parse(turtle), frozen_vocabulary, frozen):
        assert sorted(r.message for r in report.results if r.shape == KGSH + shape) == messages


RANDOM_OBJECTS = [
    '"Klim"@en', '"Клим"@ru', '"x"', '""', '"38"', "38", "-1", "151", "12.5", "1.90", '"abc"^^xsd:integer', "true",
    '"2021-10-05"^^xsd:date', '"2021-10-05Z"^^xsd:date', '"2021-10-05T09:22:00Z"^^xsd:dateTime',
    '"PT36H"^^xsd:duration',
    f'"{"AB" * 32}"^^xsd:hexBinary', '"abc"^^xsd:hexBinary', '"5"^^xsd:int', '"1e2"^^xsd:double', "wd:Q5", "wd:P31",
    "<https://www.wikidata.org/wiki/Q0>", "wikibase:NormalRank", "wikibase:BestRank", "2", "5", "11", "50",
]
RANDOM_CLASSES = [
    "schema:Person", "schema:Movie", "kg:CrewedSpaceMission", "kg:SpaceAgency", "kg:Spaceport",
    "schema:QuantitativeValue",
    "schema:NewsArticle", "oa:SpecificResource", "oa:TextQuoteSelector", "oa:TextPositionSelector", "rdf:Statement",
]
RANDOM_PROPERTIES = [
    "schema:name", "owl:sameAs", "schema:sameAs", "schema:director", "schema:producer", "kg:shootingDuration",
    "kg:filmingLocation", "kg:age", "kg:launchDate", "kg:plannedReturnDate", "schema:value", "schema:unitCode",
    "kg:sha256",
    "rdf:subject", "rdf:predicate", "rdf:object", "wikibase:rank", "prov:wasDerivedFrom", "prov:hadPrimarySource",
    "oa:hasSource", "oa:hasSelector", "oa:exact", "oa:start", "oa:end",
]


def random_graph(seed: int) -> str:
    """Entities with random types and values, and statements / references / quotes that are right, wrong
    or missing at random."""
    rng = random.Random(seed)
    text = "Hello brave new world"
    lines = [f'src:s a schema:NewsArticle ; schema:text "{text}" ; schema:inLanguage "en" .']
    nodes = [f"ex:n{i}" for i in range(rng.randint(2, 6))]
    triples = []
    for n in nodes:
        triples += [(n, "rdf:type", c) for c in rng.sample(RANDOM_CLASSES, rng.choice([0, 1, 1, 2]))]
        for _ in range(rng.randint(0, 6)):
            triples.append((n, rng.choice(RANDOM_PROPERTIES), rng.choice(nodes + RANDOM_OBJECTS)))
    for j, (s, p, o) in enumerate(triples):
        lines.append(f"{s} {p} {o} .")
        if rng.random() < 0.6:
            start = rng.randint(0, 15)
            end = start + rng.randint(0, 8)
            exact = text[start:end] if rng.random() < 0.7 else "nope"
            lines.append(f"ex:st{j} a rdf:Statement ; rdf:subject {s} ; rdf:predicate {p} ; rdf:object {o} ; "
                         "wikibase:rank wikibase:NormalRank ; prov:hadPrimarySource src:s ; "
                         f"prov:wasDerivedFrom ex:r{j} .")
            lines.append(f"ex:r{j} a oa:SpecificResource ; oa:hasSource src:s .")
            if rng.random() < 0.9:
                lines.append(f'ex:r{j} oa:hasSelector ex:q{j} . ex:q{j} a oa:TextQuoteSelector ; oa:exact "{exact}" .')
            if rng.random() < 0.9:
                lines.append(f"ex:r{j} oa:hasSelector ex:p{j} . ex:p{j} a oa:TextPositionSelector ; "
                             f"oa:start {start} ; oa:end {end} .")
    return "\n".join(lines)


@pytest.mark.parametrize("seed", range(20))
def test_random_graphs(seed: int, frozen: Project, frozen_vocabulary: list[ox.Triple]) -> None:
    """Differential test: random, mostly invalid graphs; the engines must give the same report."""
    slow, fast = both(parse(random_graph(seed)), frozen_vocabulary, frozen)
    assert fast.results  # random graphs always break something: the comparison is not vacuous


VALUE_SHAPES = """
ex:R a sh:NodeShape ; sh:targetSubjectsOf ex:v , ex:w ; sh:property ex:R-v , ex:R-w .
ex:R-v sh:path ex:v ; sh:minInclusive "2021-01-01"^^xsd:date ;
    sh:maxExclusive "2021-12-31T00:00:00Z"^^xsd:dateTime ; sh:lessThan ex:w ; sh:minLength 2 ; sh:maxLength 10 ;
    sh:pattern "^2" ; sh:in ( 1 "a"@en "2021-10-05"^^xsd:date ) ;
    sh:nodeKind sh:Literal ; sh:datatype xsd:date ; sh:message "v" .
ex:R-w sh:path ex:w ; sh:minExclusive 0 ; sh:maxInclusive "z" ; sh:uniqueLang true ; sh:maxCount 2 ;
    sh:or ( [ sh:datatype xsd:integer ] [ sh:datatype xsd:string ] [ sh:class ex:K ] ) ; sh:message "w" .
ex:T a sh:NodeShape ; sh:targetSubjectsOf ex:t ; sh:property ex:T-t .
ex:T-t sh:path ex:t ; sh:minInclusive "09:00:00"^^xsd:time ; sh:maxInclusive 10 ; sh:lessThan ex:v ; sh:message "t" .
"""
VALUES = [
    "1", "0", "-5", "12.5", '"-5"^^xsd:decimal', '"a"', '"z"', '"zz"', '"a"@en', '"b"@en', '"c"@ru', "true",
    '"2021-10-05"^^xsd:date', '"2021-01-01"^^xsd:date', '"2020-12-31"^^xsd:date', '"2021-12-30"^^xsd:date',
    '"2021-10-05T09:22:00Z"^^xsd:dateTime', '"2021-10-05T09:22:00"^^xsd:dateTime',
    '"2022-01-01T00:00:00.5Z"^^xsd:dateTime', '"09:00:00"^^xsd:time', '"10:30:00"^^xsd:time', '"2021"^^xsd:gYear',
    '"abc"^^xsd:date', '"x"^^ex:custom', '"1e2"^^xsd:double', '"0012"^^xsd:integer', "ex:k", "ex:nk",
    '"PT1H"^^xsd:duration', '"AB"^^xsd:hexBinary',
    '"2021-10-05\\n"', '"2\\n"',
]


@pytest.mark.parametrize("seed", range(20))
def test_random_values_ordered_as_pyshacl_orders_them(seed: int, tmp_path: Path) -> None:
    """Differential test for value ranges, sh:lessThan, lengths, patterns, sh:in, sh:or on values of many
    datatypes (pyshacl orders them with rdflib: by value, by datatype IRI, lexically, or not at all)."""
    rng = random.Random(seed)
    lines = ["ex:k a ex:K ."]
    for node in ("ex:a", "ex:b", "ex:c"):
        for prop in ("ex:v", "ex:w", "ex:t"):
            lines += [f"{node} {prop} {rng.choice(VALUES)} ." for _ in range(rng.choice([0, 1, 1, 2, 3]))]
    slow, fast = both(parse("\n".join(lines)), [], custom_settings(tmp_path, VALUE_SHAPES))
    assert fast.results


CUSTOM_SHAPES = """
ex:Coded a sh:NodeShape ;
    sh:targetNode ex:n1 , ex:absent ;
    sh:property ex:Coded-code , ex:Coded-list .
ex:Coded-code sh:path ex:code ; sh:minCount 1 ; sh:maxLength 3 ; sh:pattern "^ab" ; sh:flags "i" ;
    sh:severity sh:Info .
ex:Coded-list sh:path ex:code ; sh:in ( "ABc" "abd" "ABCD" ) ; sh:message "not a known code" .
ex:Scored a sh:NodeShape ;
    sh:targetObjectsOf ex:score ;
    sh:minExclusive 0 ; sh:maxExclusive 10 ;
    sh:message "scores lie strictly between 0 and 10" .
ex:Widget a rdfs:Class , sh:NodeShape ;
    sh:property ex:Widget-size , ex:Widget-part .
ex:Widget-size sh:path ex:size ;
    sh:sparql [
        sh:select \"\"\"SELECT $this ?value (STRLEN(STR(?value)) AS ?digits) WHERE {
            $this $PATH ?value . FILTER (?value > 100) }\"\"\" ;
        sh:message "{$this} is too big: {?value} has {?digits} digits; {?path} stays" ] .
ex:Widget-part sh:path ex:part ; sh:class ex:Part , ex:Thing ; sh:maxCount 0 ; sh:deactivated true .
ex:Off a sh:NodeShape ; sh:targetClass ex:Widget ; sh:deactivated true ; sh:nodeKind sh:Literal .
ex:Halted a sh:NodeShape ;
    sh:targetClass ex:Widget ;
    sh:sparql [ sh:message "reported unless something halts" ; sh:prefixes ex:declarations ;
        sh:select "SELECT $this WHERE { $this ex:size ?size . FILTER NOT EXISTS { ?anything ex:halt true } }" ] .
ex:Unhalted a sh:NodeShape ;
    sh:targetClass ex:Widget ;
    sh:sparql [ sh:prefixes ex:declarations ;
        sh:select "SELECT $this WHERE { FILTER NOT EXISTS { ?anything ex:halt false } }" ] .
ex:Linked a sh:NodeShape ;
    sh:targetClass ex:Widget ;
    sh:sparql [ sh:prefixes ex:declarations ; sh:message "{$this} links to {?value}, a twin of its own" ;
        sh:select \"\"\"SELECT $this ?value WHERE { $this ex:link ?value .
            OPTIONAL { ?value ex:twin ?twin . FILTER NOT EXISTS { $this ex:twin ?twin } }
            FILTER (!BOUND(?twin)) }\"\"\" ] .
ex:Targeted a sh:NodeShape ;
    sh:target [ a sh:SPARQLTarget ; sh:prefixes ex:declarations ;
        sh:select "SELECT ?this WHERE { ?this ex:score ?score . FILTER (?score > 4) }" ] ;
    sh:property ex:Targeted-label .
ex:Targeted-label sh:path ex:label ; sh:minCount 1 .
ex:declarations sh:declare [ sh:prefix "ex" ; sh:namespace "@EX@"^^xsd:anyURI ] .
""".replace("@EX@", EX)
CUSTOM_DATA = """
ex:n1 ex:code "ABcd" .
ex:x ex:score 0 , 5 , 10 .
ex:w a ex:Widget ; ex:size 7 , 1234 ; ex:part ex:nothing .
ex:stopper ex:halt true .
ex:w ex:link ex:a , ex:b ; ex:twin ex:t2 . ex:a ex:twin ex:t1 . ex:other ex:twin ex:t1 . ex:b ex:twin ex:t2 .
"""


def test_custom_shapes_compiled_from_the_shapes_graph(tmp_path: Path) -> None:
    """Shapes the project does not have (targetNode, targetObjectsOf, implicit class target, SPARQL
    target, $PATH, exclusive bounds, maxLength, flags, sh:in of literals, Info severity, deactivation,
    default messages) are compiled from the shapes graph like the project's own."""
    slow, fast = both(parse(CUSTOM_DATA), [], custom_settings(tmp_path, CUSTOM_SHAPES))
    assert outcomes(fast) == sorted([
        ("info", EX + "n1", EX + "code", "ABcd", EX + "Coded-code"),  # longer than 3
        ("violation", EX + "n1", EX + "code", "ABcd", EX + "Coded-list"),  # not in the list
        ("info", EX + "absent", EX + "code", None, EX + "Coded-code"),  # a target node need not exist
        ("violation", "0", None, "0", EX + "Scored"),
        ("violation", "10", None, "10", EX + "Scored"),
        ("violation", EX + "w", EX + "size", "1234", EX + "Widget-size"),
        ("violation", EX + "x", EX + "label", None, EX + "Targeted-label"),  # SPARQL target: score > 4
        ("violation", EX + "w", None, EX + "w", EX + "Unhalted"),  # no ?value: the focus node is the value
        ("violation", EX + "w", None, EX + "b", EX + "Linked"),  # NOT EXISTS inside OPTIONAL sees $this
    ], key=repr)
    big = next(r for r in fast.results if r.shape == EX + "Widget-size")
    assert big.message == f"{EX}w is too big: 1234 has 4 digits; {{?path}} stays"
    linked = next(r for r in fast.results if r.shape == EX + "Linked")
    assert linked.message == f"{EX}w links to {EX}b, a twin of its own"


DEFAULT_MESSAGE_SHAPES = """
ex:M a sh:NodeShape ; sh:targetClass ex:M ;
    sh:property ex:M-class , ex:M-datatype , ex:M-kind , ex:M-pattern , ex:M-range , ex:M-length , ex:M-or ,
        ex:M-or2 , ex:M-count , ex:M-max , ex:M-lang , ex:M-less , ex:M-less2 , ex:M-qualified , ex:M-in ;
    sh:sparql [ sh:prefixes ex:declarations ; sh:message "{$this} has {?value} ({?n}); {?unbound} stays" ;
        sh:select "SELECT $this ?value ?n WHERE { $this ex:n ?value . BIND(STRLEN(STR(?value)) AS ?n) }" ] .
ex:M-class sh:path ex:class ; sh:class ex:K .
ex:M-datatype sh:path ex:datatype ; sh:datatype xsd:integer .
ex:M-kind sh:path ex:kind ; sh:nodeKind sh:IRI .
ex:M-pattern sh:path ex:pattern ; sh:pattern "^a" .
ex:M-range sh:path ex:range ; sh:minInclusive 0 ; sh:maxExclusive "2021-01-01"^^xsd:date .
ex:M-length sh:path ex:length ; sh:minLength 2 ; sh:maxLength 3 .
ex:M-or sh:path ex:or ; sh:or ( [ sh:datatype xsd:string ] [ sh:class ex:K ] ) .
ex:M-or2 sh:path ex:or2 ; sh:or ( [ sh:class ex:K ] ) .
ex:M-count sh:path ex:count ; sh:minCount 2 .
ex:M-max sh:path ex:max ; sh:maxCount 1 .
ex:M-lang sh:path ex:lang ; sh:uniqueLang true .
ex:M-less sh:path ex:start ; sh:lessThan ex:end .
ex:M-less2 sh:path ex:s2 ; sh:lessThan ex:e2 .
ex:M-qualified sh:path ex:part ; sh:qualifiedValueShape [ sh:class ex:K ] ; sh:qualifiedMinCount 1 .
ex:M-in sh:path ex:in ; sh:in ( ex:a ) .
ex:declarations sh:declare [ sh:prefix "ex" ; sh:namespace "@EX@"^^xsd:anyURI ] .
""".replace("@EX@", EX)
DEFAULT_MESSAGE_DATA = """
ex:k a ex:K .
ex:m a ex:M ; ex:class ex:nk , 1 ; ex:datatype "x" , 1.5 , true ; ex:kind "lit" ; ex:pattern "b" , 12 ;
    ex:range -1 , 10.5 , "2022-01-01"^^xsd:date , "x"@en ; ex:length "a" , "abcd" , 1 ; ex:or 1 , ex:nk ;
    ex:or2 "x" , "y"@en , "z"^^xsd:token ; ex:count 1 ; ex:max 1 , 2 ; ex:lang "a"@en , "b"@en ;
    ex:start 5 , "b" , "2021-01-01"^^xsd:date ; ex:end 3 , "a" ; ex:s2 "b"@en , "b"^^xsd:token ;
    ex:e2 "a"@en , "a"^^xsd:token ; ex:part ex:nk ; ex:in ex:b , "x" , "y"@en , "1"^^xsd:token ;
    ex:n "1.50"^^xsd:decimal , "2021-10-05T09:22:00.5Z"^^xsd:dateTime , "abc"@ru .
"""


@pytest.mark.parametrize(("shapes", "data"), [
    pytest.param(DEFAULT_MESSAGE_SHAPES, DEFAULT_MESSAGE_DATA, id="default-messages-of-each-constraint-kind"),
    pytest.param(CUSTOM_SHAPES, CUSTOM_DATA, id="custom-shapes"),
    pytest.param(None, next(c.values[0] for c in CASES if c.id == "literal-values-printed-as-pyshacl-prints-them"),
                 id="literal-values"),
    *(pytest.param(None, random_graph(seed), id=f"random-graph-{seed}") for seed in range(3)),
])
def test_messages_are_worded_as_pyshacl_words_them(shapes: str | None, data: str, tmp_path: Path, frozen: Project,
                                                   frozen_vocabulary: list[ox.Triple]) -> None:
    """The message emulation: default messages (pyshacl's wording, prefixed names and Literal(...) forms),
    sh:message with {$this} / {?var} substituted, and values printed as rdflib prints them. Where it cannot
    follow pyshacl, kg.shacl.compiled.KNOWN_DIFFERENCES says so; none of that is in these inputs."""
    project, vocabulary = (frozen, frozen_vocabulary) if shapes is None else (custom_settings(tmp_path, shapes), [])
    slow, fast = both(parse(data), vocabulary, project)
    assert len(fast.results) >= 5

    def worded(report: ShaclReport) -> list[tuple[object, ...]]:
        return sorted(((*r.outcome, r.message) for r in report.results), key=repr)

    assert worded(fast) == worded(slow)


# ------------------------------------------------------------------ 3. what is not supported says so

UNSUPPORTED = [
    pytest.param("ex:S sh:targetClass ex:C ; sh:node ex:T .", None, "sh:node", id="sh-node"),
    pytest.param("ex:S sh:targetClass ex:C ; sh:property [ sh:path ( ex:a ex:b ) ; sh:minCount 1 ] .", None,
                 "not an IRI", id="sequence-path"),
    pytest.param("ex:S sh:targetClass ex:C ; sh:property [ sh:path [ sh:inversePath ex:a ] ] .", None,
                 "sh:inversePath", id="inverse-path"),
    pytest.param("ex:S sh:targetClass ex:C ; sh:and ( [ sh:class ex:A ] ) .", None, "sh:and", id="sh-and"),
    pytest.param("ex:S sh:target [ a ex:ByParameter ; ex:parameter 1 ] ; sh:nodeKind sh:IRI .",
                 None, "not a SPARQL target", id="target-type-instead-of-sparql-target"),
    pytest.param("ex:S sh:targetClass ex:C ; sh:sparql [ sh:select "
                 "\"SELECT $this WHERE { VALUES ?x { 1 } $this ?p ?x }\" ] .", None, "VALUES", id="values-in-select"),
    pytest.param("ex:S sh:targetClass ex:C ; sh:sparql [ sh:select "
                 "\"SELECT $this WHERE { $this ?p $currentShape }\" ] .", None, "currentShape", id="currentShape"),
    pytest.param("ex:S sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:pattern \"^a(?=b)\" ] .", None,
                 "regular-expression", id="lookahead-pattern"),
    pytest.param("ex:S sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:qualifiedValueShape [ sh:class ex:A ] ; "
                 "sh:qualifiedMinCount 1 ; sh:qualifiedValueShapesDisjoint true ] .", None, "Disjoint",
                 id="qualified-disjoint"),
    pytest.param("ex:S sh:targetClass ex:C ; "
                 "sh:property [ sh:path ex:p ; sh:or ( [ sh:path ex:q ; sh:minCount 1 ] ) ] .",
                 None, "sh:or", id="or-member-with-property-constraints"),
    pytest.param("ex:S sh:targetClass ex:C ; sh:minCount 1 .", None, "only property shapes",
                 id="minCount-on-node-shape"),
    pytest.param("ex:S sh:targetClass ex:C ; sh:sparql [ sh:select "
                 "\"SELECT $this WHERE { { SELECT ?x WHERE { ?x ?p ?o } } $this ?q ?x }\" ] .", None,
                 "nested SELECT", id="nested-select-without-this"),
]


def test_forbidden_sparql_is_refused_only_once_it_applies(tmp_path: Path) -> None:
    """pyshacl checks a SPARQL constraint when it runs it on a focus node; without one it passes."""
    settings = custom_settings(tmp_path, next(c.values[0] for c in UNSUPPORTED if c.id == "values-in-select"))
    slow, fast = both(parse("ex:d a ex:D ."), [], settings)
    assert fast.results == ()


@pytest.mark.parametrize(("shapes", "data", "message"), UNSUPPORTED)
def test_unsupported_construct_raises_input_error(tmp_path: Path, shapes: str, data: str | None, message: str) -> None:
    settings = custom_settings(tmp_path, shapes)
    triples = parse(data or "ex:c a ex:C .")
    with pytest.raises(InputError, match=message):
        validate_fast(triples, [], settings, own_shapes(settings))
