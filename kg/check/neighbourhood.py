"""SHACL over new facts and the part of the graph they join: checking one fact costs the same
against a graph of any size."""

from __future__ import annotations

import pyoxigraph as ox

from kg.check.baseline import Baseline
from kg.project import Project
from kg.rules import Problem, Rule, Severity
from kg.inputs.ontology import index_ontology
from kg.shacl import validate
from kg.shacl.generated import reworded, types_of
from kg.shacl.origins import Origins
from kg.shacl.shapes import load_shapes, vocabulary_layer


def validate_joining(
    new: list[ox.Triple], touched: set[str], baseline: Baseline, ontology_triples: list[ox.Triple], project: Project,
    origins: Origins | None = None,
) -> list[Problem]:
    """SHACL over new triples and the part of the graph they join (Baseline.neighbourhood),
    validating only the touched nodes, their statements and references: checking one fact
    costs the same against a graph of any size. Each result names the file:line `origins` give it."""
    pointed = {t.object.value for t in new if isinstance(t.object, ox.NamedNode)}
    existing, focus = baseline.neighbourhood(touched, pointed)
    vocabulary = {t.subject for t in ontology_triples}
    existing = [t for t in existing if t.subject not in vocabulary]
    # The compiled engine validates every node of this small graph; the nodes around the focus
    # lack their own context (their statements), so only the focus nodes' results count.
    ontology = index_ontology(ontology_triples, project.prefixes())
    graph = [*existing, *new]
    report = validate(graph, vocabulary_layer(ontology_triples, project.kg), project, engine="fast",
                      shapes=load_shapes(project, ontology))
    results = [r for r in report.results if r.focus in focus]
    severity = {"violation": Severity.ERROR, "warning": Severity.WARNING, "info": Severity.INFO}
    types = types_of(graph)
    problems = []
    for r in results:
        where = origins.of(r) if origins else None
        file, _, line = where.rpartition(":") if where else (None, "", "")
        text = reworded(r, types, ontology, project)  # a generated shape's wording names the node itself
        problems.append(Problem(Rule.SHAPE_VIOLATION, text if text != r.message else f"{r.focus}: {text}",
                                file or None, int(line) if line.isdigit() else None,
                                shape_severity=severity[r.severity]))
    return problems
