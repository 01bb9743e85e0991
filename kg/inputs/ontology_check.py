"""What a project's ontology (ontology/*.ttl) must say of every term it declares: a label; for a
property of the project's own namespace a domain and a range; and only Wikidata IDs that the
project's reference table marks usable. `kg build` and `kg validate` run these checks; each
problem names the ontology file and the line of the term."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path

import pyoxigraph as ox

from kg.files import display_path
from kg.inputs.ontology import DOMAIN_PREDICATES, RANGE_PREDICATES, Vocabulary, ontology_files, read_vocabulary
from kg.inputs.wikidata_ids import usable_ids
from kg.namespaces import OWL, RDF, RDFS, Compactor
from kg.project import Project
from kg.rules import Problem, Rule
from kg.terms import value

DECLARING_TYPES = frozenset({OWL + "Class", RDFS + "Class", OWL + "ObjectProperty", OWL + "DatatypeProperty",
                             OWL + "AnnotationProperty", RDF + "Property"})
PROPERTY_TYPES = frozenset({OWL + "ObjectProperty", OWL + "DatatypeProperty", RDF + "Property"})
WIKIDATA_ID = re.compile(r"http://www\.wikidata\.org/(?:entity|prop(?:/[a-z-]+)?)/([PQL][1-9][0-9]*)")


def term_line(text: str, iri: str, prefixes: Mapping[str, str], base_iri: str, after: int = 1) -> int | None:
    """The first line (1-based, from line `after` on) where a Turtle text writes `iri` as a
    term: as a prefixed name, a full <IRI> or an IRI relative to the base. pyoxigraph gives no
    line numbers for triples, so this is a plain text scan; comment lines are skipped."""
    forms = [f"<{iri}>"]
    if iri.startswith(base_iri):
        forms.append(f"<{iri[len(base_iri):]}>")
    forms += [f"{prefix}:{iri[len(ns):]}" for prefix, ns in prefixes.items() if iri.startswith(ns) and iri != ns]
    pattern = re.compile(r"(?:^|(?<=[\s;,(\[]))(?:" + "|".join(map(re.escape, forms)) + r")(?=[\s;,.)\]]|$)")
    for number, line in enumerate(text.splitlines()[after - 1:], start=after):
        if not line.lstrip().startswith("#") and pattern.search(line):
            return number
    return None


def check_ontology(project: Project) -> list[Problem]:
    """The problems of the project's ontology/*.ttl (kg's own vocabulary is kg's to keep right)."""
    paths = sorted(project.ontology_dir.glob("*.ttl"))
    if not paths:
        return []
    table = project.reference_table
    usable = usable_ids(table) if table.exists() else set()
    labelled = labelled_terms(read_vocabulary(ontology_files(project), project).triples)
    return [problem for path in paths for problem in check_ontology_file(path, project, labelled, usable)]


def labelled_terms(triples: Iterable[ox.Triple]) -> set[str]:
    return {t.subject.value for t in triples if t.predicate.value == RDFS + "label" and isinstance(t.subject, ox.NamedNode)}


def check_ontology_file(path: Path, project: Project, labelled: set[str], usable: set[str]) -> list[Problem]:
    """One ontology file's problems; `labelled` are the terms with an rdfs:label in any
    ontology file, `usable` the Wikidata IDs the reference table marks verified or single."""
    vocabulary = read_vocabulary([path], project)
    text = path.read_text(encoding="utf-8")
    display = display_path(path, project.root)
    compact = Compactor({**project.prefixes(), **vocabulary.prefixes})
    table = display_path(project.reference_table, project.root)
    problems: list[Problem] = []

    def line_of(iri: str, after: int = 1) -> int | None:
        return term_line(text, iri, vocabulary.prefixes, project.base_iri, after)

    for iri, types in sorted(_declared(vocabulary).items()):
        name = compact(iri)
        line = line_of(iri)
        if iri not in labelled:
            problems.append(Problem(Rule.TERM_WITHOUT_LABEL,
                                    f"{name} has no rdfs:label: add `rdfs:label \"…\"@en` to its declaration",
                                    display, line))
        if types & PROPERTY_TYPES and iri.startswith(project.kg):
            given = {t.predicate.value for t in vocabulary.triples if t.subject == ox.NamedNode(iri)}
            missing = [kind for kind, accepted in (("domain", DOMAIN_PREDICATES), ("range", RANGE_PREDICATES))
                       if not given & accepted]
            if missing:
                what = " and ".join(f"rdfs:{p}" for p in missing)
                problems.append(Problem(
                    Rule.PROPERTY_WITHOUT_DOMAIN_OR_RANGE,
                    f"property {name} has no {what}: add " + " and ".join(_EXAMPLES[p] for p in missing)
                    + " (a kg: property states its own; schema.org terms take theirs from schema.org)",
                    display, line))
    for triple in vocabulary.triples:
        for node in (triple.subject, triple.predicate, triple.object):
            found = WIKIDATA_ID.fullmatch(node.value) if isinstance(node, ox.NamedNode) else None
            if found and isinstance(node, ox.NamedNode) and found.group(1) not in usable:
                subject = triple.subject.value if isinstance(triple.subject, ox.NamedNode) else ""
                start = line_of(subject) or 1
                problems.append(Problem(
                    Rule.UNVERIFIED_ALIGNMENT,
                    f"{compact(subject)} {compact(triple.predicate.value)} {compact(node.value)}: "
                    f"{found.group(1)} is not marked verified or single in {table}; check it on Wikidata and "
                    "add it there, or remove the alignment",
                    display, line_of(node.value, start) or start))
    return sorted(set(problems), key=lambda p: (p.line or 0, p.rule.code, p.message))


_EXAMPLES = {"domain": "`rdfs:domain CLASS` (schema:Thing if anything may have it)",
             "range": "`rdfs:range CLASS-OR-DATATYPE` (xsd:date, xsd:integer, rdf:langString, schema:Person, …)"}


def _declared(vocabulary: Vocabulary) -> dict[str, set[str]]:
    """The terms the file declares (typed as a class or property), with their types."""
    types: dict[str, set[str]] = {}
    for t in vocabulary.triples:
        if t.predicate.value == RDF + "type" and isinstance(t.subject, ox.NamedNode) and value(t.object) in DECLARING_TYPES:
            types.setdefault(t.subject.value, set()).add(value(t.object))
    return types
