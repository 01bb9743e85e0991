"""Check new facts against the curated ones without changing anything."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg.baseline import Baseline
from kg.build import verified_ids
from kg.config import Settings
from kg.errors import InputError
from kg.facts import UNITS, Claim, EntityValue, Facts, LiteralValue, QuantityValue, fact_files, read_facts
from kg.mapping import MappedGraph, Minter, map_facts
from kg.ontology import Ontology, load_ontology
from kg.sources import load_sources
from kg.report import Problem, Rule, Severity, errors_of
from kg.store import MANIFEST, holds_published, newer_inputs, open_persistent

FACT_SUFFIXES = (".yaml", ".yml")


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


def _value_text(claim: Claim) -> str:
    value = claim.value
    if isinstance(value, EntityValue):
        return value.id
    if isinstance(value, LiteralValue):
        return value.lexical
    assert isinstance(value, QuantityValue)
    return f"{value.amount} {UNITS[value.unit][1]}"


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
    notes: list[str] = []
    if facts:
        outcome = validate_facts(facts, settings, shacl)
        problems += outcome.problems
        names += outcome.files
        notes += outcome.notes
    return Outcome(tuple(sorted(names)), tuple(problems), tuple(notes))


def open_baseline(
    settings: Settings, checked: list[Path], ontology: Ontology, known_qids: set[str] | None
) -> tuple[Baseline, list[str]]:
    """The graph the checked files would join: the store `kg load` wrote when it is current
    (a few index lookups per fact, whatever the graph's size), else facts/ read and mapped
    now. Facts files inside facts/ are left out of it, so that they are checked against the rest."""
    facts_dir = settings.facts_dir.resolve()
    inside = {p.resolve() for p in checked if p.resolve().is_relative_to(facts_dir)}
    store_dir = settings.store_dir
    notes = []
    if not inside and holds_published(store_dir, settings.output_dir):
        newer = newer_inputs(settings.root, settings.output_dir)
        if not newer:
            return Baseline(open_persistent(store_dir), settings), []
        notes.append(f"{_display(newer[0], settings.root)} changed after the last build: checked against "
                     "facts/ instead of the store (run 'kg build' and 'kg load' to check faster)")
    elif (store_dir / MANIFEST).exists() and not inside:
        notes.append(f"{_display(store_dir, settings.root)} is older than output/: checked against facts/ "
                     "instead (run 'kg load' to check faster)")
    sources = load_sources(settings.sources_dir)
    paths = [p for p in fact_files(settings.facts_dir) if p.resolve() not in inside]
    facts = read_facts(paths, ontology, sources, known_qids, settings.root)
    graph = map_facts(facts, sources, settings)
    mint = Minter(settings)
    store = ox.Store()
    store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in [*graph.triples(), *ontology.triples])
    locations = {st.iri.value: st.origin for st in graph.statements}
    locations |= {mint.entity(e.id).value: f"{e.file}:{e.line}" for e in facts.entities.values()}
    return Baseline(store, settings, locations, sources), notes


def validate_facts(paths: list[Path], settings: Settings, shacl: bool = True) -> Outcome:
    """Validate facts files as if they were added to facts/; problems only for those files."""
    ontology, known_qids = load_ontology(settings), verified_ids(settings)
    baseline, notes = open_baseline(settings, paths, ontology, known_qids)
    facts = read_facts(paths, ontology, baseline.sources, known_qids, settings.root, known=baseline.entities)
    shown = {_display(p, settings.root) for p in paths}
    cited = {r.source for c in facts.claims for r in c.refs}
    cited |= {r.source for e in facts.entities.values() for n in e.names for r in n.refs}
    new = map_facts(facts, {key: baseline.sources[key] for key in sorted(cited)}, settings)
    problems = [*facts.problems, *new.problems]
    problems += _against_baseline(facts.claims, baseline, ontology.properties, Minter(settings))
    if shacl and not errors_of(problems):
        problems += _shacl(facts, new, baseline, ontology, settings)
    return Outcome(tuple(sorted(shown)), tuple(problems), tuple(notes))


def _display(path: Path, root: Path) -> str:
    return str(path.relative_to(root)) if path.is_absolute() and path.is_relative_to(root) else str(path)


def _against_baseline(claims: list[Claim], baseline: Baseline, properties: dict, mint: Minter) -> list[Problem]:  # type: ignore[type-arg]
    problems = []
    for claim in claims:
        statement = mint.claim_statement(claim)
        rank = baseline.rank(statement)
        if rank is not None:
            where = baseline.where(statement.value)
            if rank != claim.rank:
                problems.append(Problem(
                    Rule.FORMAT, Severity.ERROR,
                    f"the same triple has rank {rank} at {where} and {claim.rank} here; give every claim "
                    "of one triple the same rank", claim.file, claim.line,
                ))
            else:
                problems.append(Problem(
                    Rule.DUPLICATE, Severity.INFO,
                    f"duplicate of the claim at {where}; its references will be merged", claim.file, claim.line,
                ))
            continue
        info = properties.get(claim.property)
        if info is None or not info.functional or claim.rank == "deprecated":
            continue
        subject, prop = mint.entity(claim.subject), ox.NamedNode(claim.property)
        ours = ", ".join(sorted({r.source for r in claim.refs}))
        for rival in baseline.rivals(subject, prop, mint.value(claim.value, claim)):
            problems.append(Problem(
                Rule.CONFLICT, Severity.WARNING,
                f"contradicts {rival.where}: {claim.subject} has {rival.value} (source {', '.join(rival.sources)}), "
                f"this claim says {_value_text(claim)} (source {ours})",
                claim.file, claim.line,
            ))
    return problems


def _shacl(facts: Facts, new: MappedGraph, baseline: Baseline, ontology: Ontology, settings: Settings) -> list[Problem]:
    from kg.validation import validate_joining

    mint = Minter(settings)
    touched = {mint.entity(c.subject).value for c in facts.claims}
    touched |= {mint.entity(e).value for e in facts.entities}
    touched |= {st.iri.value for st in new.statements} | {r.value for st in new.statements for r in st.refs}
    if not touched:
        return []
    return validate_joining(new.triples(), touched, baseline, ontology.triples, settings)


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
