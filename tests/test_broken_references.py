"""A reference whose quote or selectors are wrong is a SHACL violation on both engines, not a crash."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from kg.mapping import map_facts
from kg.namespaces import OA
from kg.pipeline import load_inputs
from kg.project import open_project
from kg.shacl import ENGINES, validate
from kg.shacl.shapes import vocabulary_layer
from tests.conftest import ROOT


def _broken(kind: str) -> tuple[list[ox.Triple], list[ox.Triple], str]:
    settings = open_project(ROOT)
    inputs = load_inputs(settings)
    triples = map_facts(inputs.facts, inputs.sources, settings).triples()
    quote = next(t for t in triples if t.predicate.value == OA + "exact")
    reference = quote.subject.value.removesuffix("#quote")
    if kind == "wrong-exact":
        triples = [ox.Triple(t.subject, t.predicate, ox.Literal("not the text")) if t == quote else t for t in triples]
    else:  # the reference loses its position selector
        triples = [t for t in triples if not (t.subject.value == reference and t.object.value == reference + "#position")]
    return triples, vocabulary_layer(inputs.ontology.triples), reference


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("kind,shape", [
    ("wrong-exact", "https://example.org/vyzov/shapes#QuotedSpan"),
    ("missing-selector", "https://example.org/vyzov/shapes#QuotedSpan"),
])
def test_broken_reference_is_a_violation(engine, kind: str, shape: str) -> None:  # type: ignore[no-untyped-def]
    triples, vocabulary, reference = _broken(kind)
    report = validate(triples, vocabulary, open_project(ROOT), engine=engine)
    assert not report.conforms
    assert (reference, shape) in {(r.focus, r.shape) for r in report.violations}
