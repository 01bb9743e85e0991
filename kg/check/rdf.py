"""Check RDF files (Turtle, TriG, JSON-LD, N-Quads, N-Triples) meant to join the graph."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from pathlib import Path

import pyoxigraph as ox

from kg.check.baseline import Baseline
from kg.errors import InputError
from kg.files import read_limited
from kg.inputs.ontology import Ontology, load_ontology
from kg.namespaces import OWL, PROV, RDF, SCHEMA
from kg.project import Project
from kg.rules import Problem, Rule, errors_of, syntax_error
from kg.store import NameForms, open_published
from kg.suggest import did_you_mean, suggest_entities
from kg.terms import value

FORMATS = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".trig": ox.RdfFormat.TRIG,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".json": ox.RdfFormat.JSON_LD,
    ".nq": ox.RdfFormat.N_QUADS,
    ".nt": ox.RdfFormat.N_TRIPLES,
}
MAX_BYTES = 64 * 1024 * 1024
STRUCTURAL = {RDF + "type", SCHEMA + "name", SCHEMA + "alternateName", OWL + "sameAs", SCHEMA + "sameAs"}
PROVENANCE_TYPES = {RDF + "Statement", "http://www.w3.org/ns/oa#SpecificResource",
                    "http://www.w3.org/ns/oa#TextQuoteSelector", "http://www.w3.org/ns/oa#TextPositionSelector"}


def is_rdf_file(path: Path) -> bool:
    return path.suffix.lower() in FORMATS


def parse_rdf(path: Path) -> list[ox.Triple]:
    """All triples of the file (named graphs merged); a syntax error names file:line:column."""
    data = read_limited(path, MAX_BYTES, "kg validate reads")
    rdf_format = FORMATS[path.suffix.lower()]
    try:
        quads = list(ox.parse(data, format=rdf_format))
    except SyntaxError as exc:
        text = str(exc)
        if "remote contexts" in text:
            raise InputError(f"{path}: a remote JSON-LD @context is refused (kg never fetches one); "
                             "embed the context in the document") from exc
        where = f"{path}:{exc.lineno}:{exc.offset}" if exc.lineno else str(path)
        raise syntax_error(where, f"{rdf_format.name} syntax error: {text}") from exc
    except (ValueError, RecursionError) as exc:
        raise syntax_error(str(path), f"cannot parse {rdf_format.name}: {exc or type(exc).__name__}") from exc
    return [q.triple for q in quads]


def check_triples(
    triples: list[ox.Triple], file: str, ontology: Ontology, known: Mapping[str, set[str]], project: Project
) -> list[Problem]:
    """Entities known (or defined here), properties declared, datatypes as the ontology says,
    and a referenced statement for every new domain triple."""
    entities = project.base_iri + "id/"
    problems: list[Problem] = []
    defined_here = {value(t.subject) for t in triples if t.predicate.value == SCHEMA + "name"}
    provenance_nodes = {
        t.subject for t in triples if t.predicate.value == RDF + "type" and value(t.object) in PROVENANCE_TYPES
    }
    referenced = {
        (str(s), str(p), str(o))
        for st in {t.subject for t in triples if t.predicate.value == PROV + "wasDerivedFrom"}
        for s in [_one(triples, st, RDF + "subject")]
        for p in [_one(triples, st, RDF + "predicate")]
        for o in [_one(triples, st, RDF + "object")]
        if s is not None and p is not None and o is not None
    }

    def problem(rule: Rule, message: str) -> None:
        if not any(p.message == message for p in problems):
            problems.append(Problem(rule, message, file))

    @cache
    def names_by_slug() -> dict[str, set[str]]:  # read only when an entity is unknown
        return {iri.removeprefix(entities): names for iri, names in known.items()}

    unknown: set[str] = set()

    for t in triples:
        if t.subject in provenance_nodes:
            continue
        for term in (t.subject, t.object):
            if isinstance(term, ox.NamedNode) and term.value.startswith(entities):
                if term.value not in unknown and term.value not in defined_here and term.value not in known:
                    unknown.add(term.value)
                    slug = term.value.removeprefix(entities)
                    hint = did_you_mean(suggest_entities(slug, names_by_slug()))
                    problem(Rule.UNKNOWN_ENTITY, f"unknown entity {slug}{hint}")
        prop = t.predicate.value
        info = ontology.properties.get(prop)
        if info is None and prop not in STRUCTURAL:
            curie = ontology.compact(prop)
            hint = ontology.property_hint(curie)
            problem(Rule.UNKNOWN_PROPERTY, f"{curie} is not a property declared in ontology/{hint}")
            continue
        if info is not None and isinstance(t.object, ox.Literal) and info.is_literal:
            datatype = RDF + "langString" if t.object.language else t.object.datatype.value
            if datatype not in info.ranges:
                expected = " or ".join(ontology.compact(r) for r in info.ranges)
                problem(Rule.WRONG_VALUE, f"{ontology.compact(prop)} expects {expected}, got {t.object}")
        if info is not None and not info.is_literal and isinstance(t.object, ox.Literal):
            problem(Rule.WRONG_VALUE, f"{ontology.compact(prop)} expects an entity, got the literal {t.object}")
        if value(t.subject).startswith(entities) and prop not in (OWL + "sameAs", SCHEMA + "sameAs"):
            if (str(t.subject), str(t.predicate), str(t.object)) not in referenced:
                problem(Rule.MISSING_REFERENCE,
                        f"{t} has no statement with a reference (prov:wasDerivedFrom) in the file")
    return problems


def _one(triples: list[ox.Triple], subject: object, predicate: str) -> object:
    return next((t.object for t in triples if t.subject == subject and t.predicate.value == predicate), None)


def validate_rdf_files(paths: list[Path], project: Project, shacl: bool = True) -> list[Problem]:
    """Problems of RDF files as they would join the published graph."""
    from kg.check.neighbourhood import validate_joining

    ontology = load_ontology(project)
    store = open_published(project)
    known = NameForms(store)
    problems: list[Problem] = []
    new: list[ox.Triple] = []
    for path in paths:
        triples = parse_rdf(path)
        problems += check_triples(triples, str(path), ontology, known, project)
        new += triples
    if shacl and not errors_of(problems) and new:
        touched = {t.subject.value for t in new if isinstance(t.subject, ox.NamedNode)}
        problems += validate_joining(new, touched, Baseline(store, project), ontology.triples, project)
    return problems
