"""One SHACL report model for both engines: results, severities, and the report as Turtle."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import pyoxigraph as ox

from kg.namespaces import RDF, SH, XSD
from kg.outputs.rdf import serialize
from kg.project import Project

SEVERITIES = {SH + "Violation": "violation", SH + "Warning": "warning", SH + "Info": "info"}


@dataclass(frozen=True)
class ShaclResult:
    severity: str
    focus: str
    path: str | None
    value: str | None
    message: str
    shape: str
    value_term: ox.NamedNode | ox.Literal | None = field(default=None, compare=False, repr=False)
    # sh:sourceConstraintComponent (sh:MinCountConstraintComponent, …); both engines name it alike
    component: str = field(default="", compare=False, repr=False)

    @property
    def outcome(self) -> tuple[str, str, str | None, str | None, str]:
        """(severity, focus, path, value, shape): what the result says without its wording, on which
        the engines agree."""
        return (self.severity, self.focus, self.path, self.value, self.shape)

    def __str__(self) -> str:
        path = f" {self.path}" if self.path else ""
        value = f" = {self.value}" if self.value is not None else ""
        return f"{self.severity}: <{self.focus}>{path}{value}: {self.message} [{self.shape}]"


@dataclass(frozen=True)
class ShaclReport:
    results: tuple[ShaclResult, ...]
    turtle: bytes

    @property
    def violations(self) -> list[ShaclResult]:
        return [r for r in self.results if r.severity == "violation"]

    @property
    def warnings(self) -> list[ShaclResult]:
        return [r for r in self.results if r.severity == "warning"]

    @property
    def conforms(self) -> bool:
        return not self.violations


def ordered(results: Iterable[ShaclResult]) -> list[ShaclResult]:
    """Results in the order every engine (and kg.delta_validation) reports them."""
    return sorted(results, key=lambda r: (r.severity, r.focus, r.path or "", r.value or "", r.shape, r.message))


def conforms_literal(results: Sequence[object]) -> ox.Literal:
    """sh:conforms of a report: true if and only if it has no result at all (SHACL 1.0, 3.1), so a
    report listing only warnings does not conform. kg's own pass (a build, `kg validate`'s exit
    code) is "no violations"; a warning is reported, never hidden behind sh:conforms true."""
    return ox.Literal("false" if results else "true", datatype=ox.NamedNode(XSD + "boolean"))


def report_turtle(results: list[ShaclResult], project: Project) -> bytes:
    """The report as Turtle with IRIs instead of blank nodes, named by content: byte-stable."""
    n = ox.NamedNode
    base = project.base_iri + "shacl-report"
    report = n(base)
    severity_iri = {v: k for k, v in SEVERITIES.items()}
    triples = [
        ox.Triple(report, n(RDF + "type"), n(SH + "ValidationReport")),
        ox.Triple(report, n(SH + "conforms"), conforms_literal(results)),
    ]
    for r in results:
        digest = hashlib.sha256(repr(r).encode("utf-8")).hexdigest()[:16]
        node = n(f"{base}/{digest}")
        triples += [
            ox.Triple(report, n(SH + "result"), node),
            ox.Triple(node, n(RDF + "type"), n(SH + "ValidationResult")),
            ox.Triple(node, n(SH + "resultSeverity"), n(severity_iri[r.severity])),
            ox.Triple(node, n(SH + "focusNode"), _term(r.focus)),
            ox.Triple(node, n(SH + "resultMessage"), ox.Literal(r.message)),
        ]
        if r.shape.startswith(("http:", "https:")):
            triples.append(ox.Triple(node, n(SH + "sourceShape"), n(r.shape)))
        if r.component:
            triples.append(ox.Triple(node, n(SH + "sourceConstraintComponent"), n(r.component)))
        if r.path:
            triples.append(ox.Triple(node, n(SH + "resultPath"), n(r.path)))
        if r.value_term is not None:
            triples.append(ox.Triple(node, n(SH + "value"), r.value_term))
    prefixes = {"sh": SH, **project.prefixes()}
    return serialize(sorted(triples, key=str), ox.RdfFormat.TURTLE, prefixes)


def _term(value: str) -> ox.NamedNode | ox.Literal:
    if value.startswith(("http://", "https://")) and " " not in value:
        return ox.NamedNode(value)
    return ox.Literal(value)
