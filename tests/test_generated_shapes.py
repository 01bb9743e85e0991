"""Domain and range shapes generated from the ontology (kg.shacl.generated): a wrong class of
subject or value is a violation, in both engines alike; schema.org's Role pattern is allowed;
what the news leaves unsaid is sh:Info, never a violation."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from kg.cli import main

from kg.inputs.ontology import load_ontology
from kg.namespaces import RDF, SCHEMA
from kg.project import open_project
from kg.shacl import validate
from kg.shacl.report import ShaclReport
from kg.shacl.shapes import load_shapes, vocabulary_layer
from tests.conftest import SEED
from tests.helpers import scratch_project

PROJECT = open_project(SEED)
ONTOLOGY = load_ontology(PROJECT)
SHAPES = load_shapes(PROJECT, ONTOLOGY)
KG, KGSH, EX = PROJECT.kg, PROJECT.base_iri + "shapes#", PROJECT.base_iri + "id/"
PREFIXES = f"""
@prefix kg: <{KG}> . @prefix ex: <{EX}> . @prefix schema: <https://schema.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""
V, I = "violation", "info"


def run(turtle: str) -> ShaclReport:
    data = [q.triple for q in ox.parse((PREFIXES + turtle).encode(), format=ox.RdfFormat.TURTLE)]
    layer = vocabulary_layer(ONTOLOGY.triples, PROJECT.kg)
    slow, fast = (validate(data, layer, PROJECT, engine=e, shapes=SHAPES) for e in ("pyshacl", "fast"))
    assert sorted((r.outcome, r.component) for r in slow.results) == sorted((r.outcome, r.component)
                                                                            for r in fast.results)
    return fast


def watched(report: ShaclReport) -> list[tuple[str, str, str | None, str | None, str]]:
    """The outcomes of the generated shapes and the partial-knowledge ones, shape names shortened."""
    keep = ("domain-", "range-", "Movie-director", "SpaceMission-launchDate")
    return sorted((r.severity, r.focus.removeprefix(EX), r.path, r.value and r.value.removeprefix(EX),
                   r.shape.removeprefix(KGSH)) for r in report.results if r.shape.removeprefix(KGSH).startswith(keep))


CASES = [
    pytest.param(
        """ex:film a schema:Movie ; schema:director ex:p ; kg:age 3 . ex:p a schema:Person .""",
        [(V, "film", KG + "age", "film", "domain-kg-age")],
        id="age-on-a-movie",
    ),
    pytest.param(
        """ex:rocket a kg:LaunchVehicle ; kg:crewMember ex:p . ex:p a schema:Person .""",
        [(V, "rocket", KG + "crewMember", "rocket", "domain-kg-crewMember")],
        id="crew-member-of-a-rocket",
    ),
    pytest.param(
        """ex:m a kg:CrewedSpaceMission ; kg:launchDate "2021-10-05"^^xsd:date ; kg:crewMember ex:agency .
           ex:agency a kg:SpaceAgency .""",
        [(V, "m", KG + "crewMember", "agency", "range-kg-crewMember")],
        id="crew-member-an-agency",
    ),
    pytest.param(
        """ex:p a schema:Person ; kg:age "38" .""",
        [(V, "p", KG + "age", "38", "range-kg-age")],
        id="age-a-string",
    ),
    pytest.param(
        """ex:f a schema:Movie ; schema:director ex:p ; schema:actor ex:lead .
           ex:lead a schema:PerformanceRole ; schema:actor ex:p ; schema:characterName "doctor"@en .
           ex:p a schema:Person .""",
        [],
        id="role-pattern-allowed",
    ),
    pytest.param(
        """ex:f a schema:Movie ; schema:director ex:studio . ex:studio a schema:Corporation .""",
        [(V, "f", SCHEMA + "director", "studio", "range-schema-director")],
        id="schemaorg-range",
    ),
    pytest.param(
        """ex:q a schema:Person ; schema:director ex:p . ex:p a schema:Person .""",
        [(V, "q", SCHEMA + "director", "q", "domain-schema-director")],
        id="schemaorg-domain",
    ),
    pytest.param(
        """ex:f a schema:Movie . ex:m a kg:SpaceMission .""",
        [(I, "f", SCHEMA + "director", None, "Movie-director"),
         (I, "m", KG + "launchDate", None, "SpaceMission-launchDate")],
        id="partial-knowledge-is-info",
    ),
]


@pytest.mark.parametrize(("turtle", "expected"), CASES)
def test_generated_domain_and_range_shapes(turtle: str, expected: list[tuple[str, ...]]) -> None:
    assert watched(run(turtle)) == sorted(expected)


def test_messages_name_the_property_and_what_it_expects() -> None:
    report = run("""ex:rocket a kg:LaunchVehicle ; kg:crewMember ex:p . ex:p a schema:Movie .""")
    assert sorted(r.message for r in report.results if "crewMember" in r.shape) == [
        "kg:crewMember: the subject is not a kg:SpaceMission (domain)",
        f"kg:crewMember: the value {EX}p is not a schema:Person (range)",
    ]


def test_generated_shapes_have_iris_only() -> None:
    generated = [t for t in SHAPES.triples if t.subject.value.startswith((KGSH + "domain-", KGSH + "range-"))]
    assert generated and not any(isinstance(t.object, ox.BlankNode) for t in generated)
    assert ox.Triple(ox.NamedNode(KGSH + "domain-kg-crewMember"), ox.NamedNode(RDF + "type"),
                     ox.NamedNode("http://www.w3.org/ns/shacl#NodeShape")) in generated


# ------------------------------------------------------------------ what kg validate and kg build say

WRONG_CLASSES = """claims:
  - subject: film/vyzov
    property: kg:age
    value: 38
    refs:
      - {source: 000_d6db8baa69644283, quote: "director Klim Chipenko, 38"}
  - subject: vehicle/soyuz-rocket
    property: kg:crewMember
    value: person/klim-shipenko
    refs:
      - {source: 000_d6db8baa69644283, quote: "director Klim Chipenko, 38"}
"""

PARTIAL = """entities:
  - id: mission/soyuz-ms-18
    type: kg:CrewedSpaceMission
    names:
      - {text: "Soyuz MS-19", preferred: true, refs: [{source: 001_b25d8b9e867eeac6, quote: "Soyuz MS-19", occurrence: 1}]}
  - id: film/other
    type: schema:Movie
    names:
      - {text: "Other", preferred: true, refs: [{source: 000_d6db8baa69644283, quote: "project for Russia, the film was produc"}]}
"""


def test_validate_names_file_line_and_what_the_subject_is(seed_root: Path, tmp_path: Path) -> None:
    facts = tmp_path / "wrong.yaml"
    facts.write_text(WRONG_CLASSES, encoding="utf-8")
    result = CliRunner().invoke(main, ["--project", str(seed_root), "validate", str(facts)])
    assert result.exit_code == 1, result.output
    assert result.output.splitlines() == [
        f"{facts}:2: error KG011: kg:age: subject film/vyzov is a schema:Movie, not a schema:Person (domain)",
        f"{facts}:7: error KG011: kg:crewMember: subject vehicle/soyuz-rocket is a kg:LaunchVehicle, "
        "not a kg:SpaceMission (domain)",
        f"{facts}: does not conform (2 errors, 0 warnings, 0 info)",
    ]


def test_partial_knowledge_is_info_with_file_line(seed_root: Path, tmp_path: Path) -> None:
    facts = tmp_path / "partial.yaml"
    facts.write_text(PARTIAL, encoding="utf-8")
    result = CliRunner().invoke(main, ["--project", str(seed_root), "validate", str(facts)])
    assert result.exit_code == 0, result.output
    assert sorted(result.output.splitlines()) == sorted([
        f"{facts}:6: info KG011: {EX}film/other: no director stated yet",
        f"{facts}:2: info KG011: {EX}mission/soyuz-ms-18: no launch date stated yet",
        f"{facts}: conforms (0 errors, 0 warnings, 2 info)",
    ])


def test_build_names_file_line_of_a_violation_and_shows_info(tmp_path: Path) -> None:
    root = scratch_project(tmp_path)
    (root / "facts" / "wrong.yaml").write_text(WRONG_CLASSES, encoding="utf-8")
    result = CliRunner().invoke(main, ["--project", str(root), "build"])
    assert result.exit_code == 1
    assert f"facts/wrong.yaml:7: violation: <{EX}vehicle/soyuz-rocket> {KG}crewMember" in result.output
    (root / "facts" / "wrong.yaml").write_text(PARTIAL, encoding="utf-8")
    result = CliRunner().invoke(main, ["--project", str(root), "build"])
    assert result.exit_code == 0, result.output
    assert f"  facts/wrong.yaml:2: info: <{EX}mission/soyuz-ms-18> {KG}launchDate: no launch date stated yet " \
           f"[{KGSH}SpaceMission-launchDate]" in result.output.splitlines()


def test_an_iri_where_a_datatype_is_expected_is_a_violation() -> None:
    """An IRI has no datatype: the range check must not drop it as an error would."""
    assert watched(run("""ex:p a schema:Person ; kg:age ex:q . ex:q a schema:Person .""")) == [
        (V, "p", KG + "age", "q", "range-kg-age")]
