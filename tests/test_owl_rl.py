"""The published graph with its ontology is consistent under OWL 2 RL (owlrl's forward chaining):
where sources disagree (the seed's planned return on 16 and on 17 October) no reasoner may
conclude that the two values are the same. kg:SingleValuedProperty says "one value expected"
without OWL semantics; owl:FunctionalProperty would make two dates owl:sameAs, and kg refuses it
(KG032). The closure of the seed takes about 5 s."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import rdflib
from click.testing import CliRunner
from rdflib import OWL, RDF

from kg.cli import main
from tests.helpers import scratch_project

owlrl = pytest.importorskip("owlrl")

# owlrl reports an inconsistency as a node of this type with its message (owlrl.Closure.add_error)
ERRORS = rdflib.Namespace("http://www.daml.org/2002/03/agents/agent-ont#")
KG = rdflib.Namespace("https://example.org/vyzov/ontology#")


@pytest.fixture
def owl_rl() -> Iterator[None]:
    """owlrl rebinds rdflib's global lexical-to-Python conversions (rdflib.term._toPythonMapping)
    and does not put them back as they were: restore them, or later tests read literals differently."""
    from rdflib.term import _toPythonMapping

    saved = dict(_toPythonMapping)
    try:
        yield
    finally:
        _toPythonMapping.clear()
        _toPythonMapping.update(saved)


def closure(graph: rdflib.Graph) -> rdflib.Graph:
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(graph)
    return graph


def literal_identities(graph: rdflib.Graph) -> list[tuple[rdflib.term.Node, rdflib.term.Node]]:
    """owl:sameAs between two different literals: a contradiction OWL RL infers without flagging it."""
    return sorted((s, o) for s, o in graph.subject_objects(OWL.sameAs)
                  if isinstance(s, rdflib.Literal) and isinstance(o, rdflib.Literal) and s != o)


def inconsistencies(graph: rdflib.Graph) -> list[str]:
    messages = [str(graph.value(node, ERRORS.error)) for node in graph.subjects(RDF.type, ERRORS.ErrorMessage)]
    return sorted(messages + [f"{node} is an owl:Nothing" for node in graph.subjects(RDF.type, OWL.Nothing)])


def test_the_published_seed_is_owl_rl_consistent(owl_rl: None, seed_output: Path) -> None:
    graph = rdflib.Graph().parse(seed_output / "ontology.ttl").parse(seed_output / "vyzov.ttl")
    mission = rdflib.URIRef("https://example.org/vyzov/id/mission/soyuz-ms-19")
    returns = sorted(str(v) for v in graph.objects(mission, KG.plannedReturnDate))
    assert returns == ["2021-10-16", "2021-10-17"]  # the conflict is in the graph the reasoner reads
    before = len(graph)
    closure(graph)
    assert len(graph) > before  # the reasoner ran (subclass and subproperty entailments)
    assert literal_identities(graph) == []
    assert inconsistencies(graph) == []


def test_the_old_model_is_what_the_test_catches(owl_rl: None) -> None:
    """Two planned return dates of a property declared owl:FunctionalProperty: OWL RL makes them equal."""
    graph = rdflib.Graph().parse(format="turtle", data="""
        @prefix kg: <https://example.org/vyzov/ontology#> .
        @prefix owl: <http://www.w3.org/2002/07/owl#> .
        @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
        kg:plannedReturnDate a owl:DatatypeProperty , owl:FunctionalProperty .
        <https://example.org/vyzov/id/mission/soyuz-ms-19> kg:plannedReturnDate "2021-10-16"^^xsd:date ,
            "2021-10-17"^^xsd:date .
    """)
    sixteenth = rdflib.Literal("2021-10-16", datatype=rdflib.XSD.date)
    seventeenth = rdflib.Literal("2021-10-17", datatype=rdflib.XSD.date)
    assert literal_identities(closure(graph)) == [(sixteenth, seventeenth), (seventeenth, sixteenth)]
    # the same graph in the new model: nothing is inferred equal
    graph = rdflib.Graph().parse(format="turtle", data="""
        @prefix kg: <https://example.org/vyzov/ontology#> .
        @prefix owl: <http://www.w3.org/2002/07/owl#> .
        @prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
        kg:SingleValuedProperty a owl:Class ; rdfs:subClassOf rdf:Property .
        kg:plannedReturnDate a owl:DatatypeProperty , kg:SingleValuedProperty .
        <https://example.org/vyzov/id/mission/soyuz-ms-19> kg:plannedReturnDate "2021-10-16"^^xsd:date ,
            "2021-10-17"^^xsd:date .
    """)
    assert literal_identities(closure(graph)) == []


def test_the_fixture_restores_rdflib_s_literal_conversions(owl_rl: None) -> None:
    """What the owl_rl fixture is for: owlrl leaves rdflib's conversions changed."""
    from rdflib.term import _toPythonMapping

    saved = dict(_toPythonMapping)
    closure(rdflib.Graph())
    assert dict(_toPythonMapping) != saved


def test_a_build_refuses_an_owl_functional_property(tmp_path: Path) -> None:
    root = scratch_project(tmp_path / "project")
    ontology = root / "ontology" / "kg.ttl"
    text = ontology.read_text(encoding="utf-8")
    old = "kg:age a owl:DatatypeProperty , kg:SingleValuedProperty ;"
    assert old in text
    ontology.write_text(text.replace(old, "kg:age a owl:DatatypeProperty , owl:FunctionalProperty ;"), encoding="utf-8")
    line = text.splitlines().index(old) + 1
    result = CliRunner().invoke(main, ["--project", str(root), "build", "-q"])
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: ontology/kg.ttl:{line}: kg:age is declared owl:FunctionalProperty: sources may disagree on a value, "
        "and an OWL reasoner would then infer the two values equal (owl:sameAs), which makes the graph inconsistent; "
        "declare one value expected with kg:SingleValuedProperty instead (two values are then a reported conflict) "
        "[KG032]\n"
    )
