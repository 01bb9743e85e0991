"""A reference whose quote or selectors are wrong is a SHACL violation on both engines, not a crash.

The graph is the frozen seed project's (tests/fixtures/seed), mapped from its facts and sources."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.mapping import map_facts
from kg.namespaces import OA
from kg.pipeline import Inputs, load_inputs
from kg.project import Project, open_project
from kg.shacl import ENGINES, validate
from kg.shacl.shapes import vocabulary_layer

SEED = Path(__file__).parent / "fixtures" / "seed"
QUOTED_SPAN = "https://example.org/vyzov/shapes#QuotedSpan"


@pytest.fixture(scope="module")
def seed() -> tuple[Project, Inputs, list[ox.Triple]]:
    project = open_project(SEED)
    inputs = load_inputs(project)
    return project, inputs, map_facts(inputs.facts, inputs.sources, project).triples()


def broken(triples: list[ox.Triple], kind: str) -> tuple[list[ox.Triple], str]:
    """The first quote's text altered, or its reference without a position selector; and that reference."""
    quote = next(t for t in triples if t.predicate.value == OA + "exact")
    reference = quote.subject.value.removesuffix("#quote")
    if kind == "wrong-exact":
        return [ox.Triple(t.subject, t.predicate, ox.Literal("not the text")) if t == quote else t
                for t in triples], reference
    return [t for t in triples
            if not (t.subject.value == reference and t.object.value == reference + "#position")], reference


@pytest.mark.parametrize("kind", ["wrong-exact", "missing-selector"])
def test_broken_reference_is_a_violation(kind: str, seed: tuple[Project, Inputs, list[ox.Triple]]) -> None:
    project, inputs, triples = seed
    assert validate(triples, vocabulary_layer(inputs.ontology.triples, project.kg), project, engine="fast").conforms
    triples, reference = broken(triples, kind)
    reports = {name: validate(triples, vocabulary_layer(inputs.ontology.triples, project.kg), project, engine=name)
               for name in ENGINES}
    for report in reports.values():
        assert not report.conforms
        assert (reference, QUOTED_SPAN) in {(r.focus, r.shape) for r in report.violations}
    assert sorted((r.outcome for r in reports["fast"].results), key=repr) == sorted(
        (r.outcome for r in reports["pyshacl"].results), key=repr)
