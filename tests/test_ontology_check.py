"""A project's ontology is checked by kg build and kg validate: every declared term has a label,
a kg: property a domain and a range, and every Wikidata ID is one the reference table marks usable
(KG029-KG031), each problem naming the ontology file and line."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.inputs.ontology import VOCAB_DIR, read_vocabulary
from kg.inputs.ontology_check import check_ontology, check_ontology_file, labelled_terms, term_line
from kg.inputs.wikidata_ids import usable_ids
from kg.project import open_project
from tests.helpers import project_with_ontology

REPO = Path(__file__).parent.parent


def run(root: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["--project", str(root), *args])
    return result.exit_code, result.output


EXPECTED = {
    "missing-label.ttl": [
        "ontology/landing.ttl:11: error KG029: kg:Landing has no rdfs:label: add `rdfs:label \"…\"@en` to its "
        "declaration",
    ],
    "missing-range.ttl": [
        "ontology/landing.ttl:10: error KG030: property kg:landingDate has no rdfs:range: add `rdfs:range "
        "CLASS-OR-DATATYPE` (xsd:date, xsd:integer, rdf:langString, schema:Person, …) (a kg: property states its "
        "own; schema.org terms take theirs from schema.org)",
        "ontology/landing.ttl:13: error KG030: property kg:capsule has no rdfs:domain and rdfs:range: add "
        "`rdfs:domain CLASS` (schema:Thing if anything may have it) and `rdfs:range CLASS-OR-DATATYPE` "
        "(xsd:date, xsd:integer, rdf:langString, schema:Person, …) (a kg: property states its own; schema.org "
        "terms take theirs from schema.org)",
    ],
    "invented-qid.ttl": [
        "ontology/landing.ttl:12: error KG031: kg:Landing owl:equivalentClass wd:Q99999999: Q99999999 is not "
        "marked verified or single in reference/wikidata-ids.tsv; check it on Wikidata and add it there, or "
        "remove the alignment",
    ],
}


@pytest.mark.parametrize("fixture", sorted(EXPECTED))
def test_build_refuses_an_incomplete_ontology_naming_file_and_line(tmp_path: Path, fixture: str) -> None:
    root = project_with_ontology(tmp_path, fixture)
    code, output = run(root, "build")
    assert code == 1
    assert output.splitlines() == [f"error: {len(EXPECTED[fixture])} error(s) in ontology/ and facts:",
                                   *EXPECTED[fixture]]
    assert not (root / "output" / "ontology.ttl").exists()


@pytest.mark.parametrize("fixture", sorted(EXPECTED))
def test_validate_reports_the_ontology_problems_with_exit_1(tmp_path: Path, fixture: str) -> None:
    root = project_with_ontology(tmp_path, fixture)
    new = tmp_path / "new.yaml"
    new.write_text("entities: []\n", encoding="utf-8")
    code, output = run(root, "validate", str(new))
    assert code == 1
    assert [line for line in output.splitlines() if "KG02" in line or "KG03" in line] == EXPECTED[fixture]


def test_an_alignment_is_refused_when_the_table_does_not_list_its_id(tmp_path: Path) -> None:
    root = project_with_ontology(tmp_path, "complete.ttl", p620=False)
    code, output = run(root, "build")
    assert code == 1
    assert "ontology/landing.ttl:16: error KG031: kg:landingDate owl:equivalentProperty wdt:P620: P620 is not" in output


def test_a_complete_ontology_builds_and_its_term_can_be_used(tmp_path: Path) -> None:
    root = project_with_ontology(tmp_path, "complete.ttl")
    code, output = run(root, "build")
    assert code == 0, output
    assert check_ontology(open_project(root)) == []


@pytest.mark.parametrize("project_dir", [REPO, REPO / "tests" / "fixtures" / "seed"])
def test_the_shipped_ontologies_pass(project_dir: Path) -> None:
    assert [str(p) for p in check_ontology(open_project(project_dir))] == []


def test_kgs_own_vocabulary_passes_against_the_seeds_table() -> None:
    project = open_project(REPO)
    vocabulary = (VOCAB_DIR / "ontology.ttl")
    labelled = labelled_terms(read_vocabulary([vocabulary], project).triples)
    usable = usable_ids(REPO / "reference" / "wikidata-ids.tsv")
    assert [str(p) for p in check_ontology_file(vocabulary, project, labelled, usable)] == []


def test_term_line_finds_the_first_use_as_a_term_not_in_comments_or_longer_names() -> None:
    text = ("@prefix kg: <ontology#> .\n# kg:age is explained here\nkg:ageGroup a kg:X .\n"
            "kg:x kg:y kg:age .\nkg:age a kg:Z .\n<ontology> a kg:O .\n")
    prefixes = {"kg": "https://example.org/p/ontology#"}
    assert term_line(text, "https://example.org/p/ontology#age", prefixes, "https://example.org/p/") == 4
    assert term_line(text, "https://example.org/p/ontology#age", prefixes, "https://example.org/p/", after=5) == 5
    assert term_line(text, "https://example.org/p/ontology", prefixes, "https://example.org/p/") == 6


def test_the_documented_way_to_add_a_term_builds(tmp_path: Path) -> None:
    """The Turtle example of the facts format README (what kg init gives every project) passes."""
    readme = (REPO / "kg" / "project" / "template" / "facts" / "README.md").read_text(encoding="utf-8")
    example = readme.split("## Finding and adding a class or property", 1)[1].split("```turtle\n", 1)[1].split("```")[0]
    root = project_with_ontology(tmp_path, "complete.ttl")
    prefixes = (root / "ontology" / "landing.ttl").read_text(encoding="utf-8").split("\n\n", 1)[0]
    (root / "ontology" / "landing.ttl").write_text(f"{prefixes}\n\n{example}", encoding="utf-8")
    code, output = run(root, "build")
    assert code == 0, output
    assert "  kg:landingDate  landing date\n" in run(root, "vocab", "kg:landingDate")[1]
