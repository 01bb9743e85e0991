"""SHACL over new facts and the part of the graph they join: checking one fact costs the same
against a graph of any size."""

from __future__ import annotations

import pyoxigraph as ox

from kg.check.baseline import Baseline
from kg.project import Project
from kg.rules import Problem, Rule, Severity
from kg.shacl import validate
from kg.shacl.shapes import vocabulary_layer


def validate_joining(
    new: list[ox.Triple], touched: set[str], baseline: Baseline, ontology_triples: list[ox.Triple], project: Project
) -> list[Problem]:
    """SHACL over new triples and the part of the graph they join (Baseline.neighbourhood),
    validating only the touched nodes, their statements and references: checking one fact
    costs the same against a graph of any size."""
    pointed = {t.object.value for t in new if isinstance(t.object, ox.NamedNode)}
    existing, focus = baseline.neighbourhood(touched, pointed)
    vocabulary = {t.subject for t in ontology_triples}
    existing = [t for t in existing if t.subject not in vocabulary]
    # The compiled engine validates every node of this small graph; the nodes around the focus
    # lack their own context (their statements), so only the focus nodes' results count.
    report = validate([*existing, *new], vocabulary_layer(ontology_triples), project, engine="fast")
    results = [r for r in report.results if r.focus in focus]
    severity = {"violation": Severity.ERROR, "warning": Severity.WARNING, "info": Severity.INFO}
    return [
        Problem(Rule.SHAPE_VIOLATION, f"{r.focus}: {r.message}", shape_severity=severity[r.severity]) for r in results
    ]
