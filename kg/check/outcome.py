"""The result of checking new facts or RDF files, and how it is shown: text, JSON, SHACL Turtle."""

from __future__ import annotations

import json
from dataclasses import dataclass

from kg.outputs.rdf import serialize
from kg.project import Project
from kg.rules import Problem, Severity, errors_of


@dataclass(frozen=True)
class Outcome:
    files: tuple[str, ...]
    problems: tuple[Problem, ...]
    notes: tuple[str, ...] = ()  # what the check ran against, when that is worth knowing

    @property
    def conforms(self) -> bool:
        return not errors_of(list(self.problems))

    def exit_code(self, strict: bool = False) -> int:
        if not self.conforms:
            return 1
        if strict and any(p.severity is Severity.WARNING for p in self.problems):
            return 1
        return 0


def _counted(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def render_text(outcome: Outcome) -> str:
    lines = [str(p) for p in outcome.problems]
    counts = {s: sum(p.severity is s for p in outcome.problems) for s in Severity}
    verdict = "conforms" if outcome.conforms else "does not conform"
    lines.append(
        f"{', '.join(outcome.files)}: {verdict} ({_counted(counts[Severity.ERROR], 'error')}, "
        f"{_counted(counts[Severity.WARNING], 'warning')}, {counts[Severity.INFO]} info)"
    )
    return "\n".join(lines) + "\n"


def render_turtle(outcome: Outcome, project: Project) -> str:
    """The problems as a SHACL sh:ValidationReport. A facts problem has no RDF focus node, so its
    sh:focusNode is the literal "file:line"; sh:sourceConstraint names the kg rule (kg:KG007)."""
    import hashlib

    import pyoxigraph as ox

    from kg.namespaces import RDF, SH, XSD
    from kg.shacl.report import conforms_literal

    n = ox.NamedNode
    report = n(project.base_iri + "validation-report")
    severities = {Severity.ERROR: "Violation", Severity.WARNING: "Warning", Severity.INFO: "Info"}
    triples = [
        ox.Triple(report, n(RDF + "type"), n(SH + "ValidationReport")),
        ox.Triple(report, n(SH + "conforms"), conforms_literal(outcome.problems)),
    ]
    for problem in outcome.problems:
        node = n(f"{report.value}/{hashlib.sha256(str(problem).encode()).hexdigest()[:16]}")
        where = f"{problem.file}:{problem.line}" if problem.line else (problem.file or "")
        triples += [
            ox.Triple(report, n(SH + "result"), node),
            ox.Triple(node, n(RDF + "type"), n(SH + "ValidationResult")),
            ox.Triple(node, n(SH + "resultSeverity"), n(SH + severities[problem.severity])),
            ox.Triple(node, n(SH + "resultMessage"), ox.Literal(problem.message)),
            ox.Triple(node, n(SH + "sourceConstraint"), n(project.kg + problem.rule.code)),
            ox.Triple(node, n(SH + "focusNode"), ox.Literal(where)),
        ]
    prefixes = {"sh": SH, "kg": project.kg, "xsd": XSD}
    return serialize(sorted(triples, key=str), ox.RdfFormat.TURTLE, prefixes).decode("utf-8")


def render_json(outcome: Outcome) -> str:
    document = {
        "conforms": outcome.conforms,
        "files": list(outcome.files),
        "problems": [
            {"rule": p.rule.code, "severity": p.severity.value, "message": p.message, "file": p.file, "line": p.line}
            for p in outcome.problems
        ],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
