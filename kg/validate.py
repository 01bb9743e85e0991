"""Check new facts against the curated ones without changing anything."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from kg.build import load_inputs
from kg.config import Settings
from kg.errors import InputError
from kg.facts import Claim, EntityValue, LiteralValue, QuantityValue
from kg.mapping import Minter, map_facts
from kg.report import Problem, Rule, Severity, errors_of

FACT_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class Outcome:
    files: tuple[str, ...]
    problems: tuple[Problem, ...]

    @property
    def conforms(self) -> bool:
        return not errors_of(list(self.problems))

    def exit_code(self, strict: bool = False) -> int:
        if not self.conforms:
            return 1
        if strict and any(p.severity is Severity.WARNING for p in self.problems):
            return 1
        return 0


def _value_text(claim: Claim) -> str:
    value = claim.value
    if isinstance(value, EntityValue):
        return value.id
    if isinstance(value, LiteralValue):
        return value.lexical
    assert isinstance(value, QuantityValue)
    return f"{value.amount} {value.unit}"


def _claim_key(claim: Claim) -> tuple[object, ...]:
    return (claim.subject, claim.property, claim.value, claim.role, claim.point_in_time)


def validate_files(paths: list[Path], settings: Settings, shacl: bool = True) -> Outcome:
    """Facts files (.yaml) and RDF files (.ttl, .trig, .jsonld, .nq, .nt), each checked as if it
    joined the graph; nothing is changed."""
    from kg.validate_rdf import is_rdf_file, validate_rdf_files

    for path in paths:
        if not path.is_file():
            raise InputError(f"{path}: no such file")
        if path.suffix.lower() not in FACT_SUFFIXES and not is_rdf_file(path):
            raise InputError(f"{path}: kg validate reads facts (.yaml) and RDF (.ttl, .trig, .jsonld, .nq, .nt) files")
    rdf = [p for p in paths if is_rdf_file(p)]
    facts = [p for p in paths if not is_rdf_file(p)]
    problems: list[Problem] = list(validate_rdf_files(rdf, settings, shacl)) if rdf else []
    names = [str(p) for p in rdf]
    if facts:
        outcome = validate_facts(facts, settings, shacl)
        problems += outcome.problems
        names += outcome.files
    return Outcome(tuple(sorted(names)), tuple(problems))


def validate_facts(paths: list[Path], settings: Settings, shacl: bool = True) -> Outcome:
    """Validate facts files as if they were added to facts/; problems only for those files."""
    facts_dir = settings.facts_dir.resolve()
    extra = [p for p in paths if not p.resolve().is_relative_to(facts_dir)]
    inputs = load_inputs(settings, extra)
    shown = {_display(p, settings.root) for p in paths}
    problems = [p for p in inputs.facts.problems if p.file in shown]

    new = [c for c in inputs.facts.claims if c.file in shown]
    existing = [c for c in inputs.facts.claims if c.file not in shown]
    problems += _against_existing(new, existing, inputs.ontology.properties)

    if shacl and not errors_of(problems):
        problems += _shacl(inputs, new, shown, settings)
    return Outcome(tuple(sorted(shown)), tuple(problems))


def _display(path: Path, root: Path) -> str:
    return str(path.relative_to(root)) if path.is_absolute() and path.is_relative_to(root) else str(path)


def _against_existing(new: list[Claim], existing: list[Claim], properties: dict) -> list[Problem]:  # type: ignore[type-arg]
    by_key = {_claim_key(c): c for c in existing}
    by_subject_property: dict[tuple[str, str], list[Claim]] = {}
    for claim in existing:
        if claim.rank != "deprecated":
            by_subject_property.setdefault((claim.subject, claim.property), []).append(claim)
    problems = []
    for claim in new:
        same = by_key.get(_claim_key(claim))
        if same is not None:
            problems.append(Problem(
                Rule.DUPLICATE, Severity.INFO,
                f"duplicate of the claim at {same.file}:{same.line}; its references will be merged",
                claim.file, claim.line,
            ))
            continue
        info = properties.get(claim.property)
        if info is None or not info.functional or claim.rank == "deprecated":
            continue
        for other in by_subject_property.get((claim.subject, claim.property), []):
            if other.value != claim.value:
                theirs = ", ".join(sorted({r.source for r in other.refs}))
                ours = ", ".join(sorted({r.source for r in claim.refs}))
                problems.append(Problem(
                    Rule.CONFLICT, Severity.WARNING,
                    f"contradicts {other.file}:{other.line}: {claim.subject} has {_value_text(other)} "
                    f"(source {theirs}), this claim says {_value_text(claim)} (source {ours})",
                    claim.file, claim.line,
                ))
    return problems


def _shacl(inputs, new: list[Claim], shown: set[str], settings: Settings) -> list[Problem]:  # type: ignore[no-untyped-def]
    """SHACL over the merged graph, re-validating only the nodes the new facts touch."""
    from kg.validation import validate, vocabulary_layer

    graph = map_facts(inputs.facts, inputs.sources, settings)
    mint = Minter(settings)
    touched = {mint.entity(c.subject).value for c in new}
    touched |= {mint.entity(e.id).value for e in inputs.facts.entities.values() if e.file in shown}
    touched |= {st.iri.value for st in graph.statements if st.subject.value in touched}
    touched |= {r.value for st in graph.statements if st.subject.value in touched for r in st.refs}
    if not touched:
        return []
    report = validate(graph.triples(), vocabulary_layer(inputs.ontology.triples), settings, focus_nodes=sorted(touched))
    severity = {"violation": Severity.ERROR, "warning": Severity.WARNING, "info": Severity.INFO}
    return [
        Problem(Rule.SHACL, severity[r.severity], f"{r.focus}: {r.message}", None, None)
        for r in report.results
    ]


def render_text(outcome: Outcome) -> str:
    lines = [str(p) for p in outcome.problems]
    counts = {s: sum(p.severity is s for p in outcome.problems) for s in Severity}
    verdict = "conforms" if outcome.conforms else "does not conform"
    lines.append(
        f"{', '.join(outcome.files)}: {verdict} ({counts[Severity.ERROR]} errors, "
        f"{counts[Severity.WARNING]} warnings, {counts[Severity.INFO]} info)"
    )
    return "\n".join(lines) + "\n"


def render_turtle(outcome: Outcome, settings: Settings) -> str:
    """The problems as a SHACL sh:ValidationReport. A facts problem has no RDF focus node, so its
    sh:focusNode is the literal "file:line"; sh:sourceConstraint names the kg rule (kg:KG007)."""
    import hashlib

    import pyoxigraph as ox

    from kg.config import RDF, SH, XSD

    n = ox.NamedNode
    report = n(settings.base_iri + "validation-report")
    severities = {Severity.ERROR: "Violation", Severity.WARNING: "Warning", Severity.INFO: "Info"}
    triples = [
        ox.Triple(report, n(RDF + "type"), n(SH + "ValidationReport")),
        ox.Triple(report, n(SH + "conforms"), ox.Literal("true" if outcome.conforms else "false", datatype=n(XSD + "boolean"))),
    ]
    for problem in outcome.problems:
        node = n(f"{report.value}/{hashlib.sha256(str(problem).encode()).hexdigest()[:16]}")
        where = f"{problem.file}:{problem.line}" if problem.line else (problem.file or "")
        triples += [
            ox.Triple(report, n(SH + "result"), node),
            ox.Triple(node, n(RDF + "type"), n(SH + "ValidationResult")),
            ox.Triple(node, n(SH + "resultSeverity"), n(SH + severities[problem.severity])),
            ox.Triple(node, n(SH + "resultMessage"), ox.Literal(problem.message)),
            ox.Triple(node, n(SH + "sourceConstraint"), n(settings.kg + problem.rule.value)),
            ox.Triple(node, n(SH + "focusNode"), ox.Literal(where)),
        ]
    prefixes = {"sh": SH, "kg": settings.kg, "xsd": XSD}
    return ox.serialize(sorted(triples, key=str), format=ox.RdfFormat.TURTLE, prefixes=prefixes).decode("utf-8")


def render_json(outcome: Outcome) -> str:
    document = {
        "conforms": outcome.conforms,
        "files": list(outcome.files),
        "problems": [
            {"rule": p.rule.value, "severity": p.severity.value, "message": p.message, "file": p.file, "line": p.line}
            for p in outcome.problems
        ],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
