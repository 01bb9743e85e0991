"""The vocabulary the facts may use, read from ontology/*.ttl (the single source of truth)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pyoxigraph as ox

from kg.errors import InputError
from kg.files import display_path, read_limited
from kg.namespaces import OWL, RDF, RDFS, SCHEMA, Compactor
from kg.project import Project
from kg.rules import syntax_error
from kg.terms import value

MAX_BYTES = 16 * 1024 * 1024
DATATYPE_NAMESPACES = ("http://www.w3.org/2001/XMLSchema#", RDF)


@dataclass(frozen=True)
class PropertyInfo:
    iri: str
    ranges: tuple[str, ...]
    functional: bool

    @property
    def is_literal(self) -> bool:
        return any(r.startswith(DATATYPE_NAMESPACES) for r in self.ranges)


@dataclass
class Ontology:
    """Classes (with their superclasses), properties (range, functional) and the raw triples."""

    triples: list[ox.Triple]
    properties: dict[str, PropertyInfo] = field(default_factory=dict)
    superclasses: dict[str, set[str]] = field(default_factory=dict)
    prefixes: dict[str, str] = field(default_factory=dict)
    # planned property -> the property holding the actual value (kg:plannedDate -> schema:startDate)
    planned: dict[str, str] = field(default_factory=dict)

    def expand(self, curie: str) -> str:
        """schema:director -> https://schema.org/director; raises for unknown prefixes."""
        prefix, sep, local = curie.partition(":")
        if not sep or prefix not in self.prefixes:
            raise InputError(f"{curie!r} is not a CURIE with a known prefix ({', '.join(self.prefixes)})")
        return self.prefixes[prefix] + local

    @cached_property
    def compactor(self) -> Compactor:
        return Compactor(self.prefixes)

    def compact(self, iri: str) -> str:
        return self.compactor(iri)

    @cached_property
    def functional(self) -> frozenset[str]:
        """The properties declared owl:FunctionalProperty: one value expected, two are a conflict."""
        return frozenset(iri for iri, info in self.properties.items() if info.functional)

    def is_class(self, iri: str) -> bool:
        return iri in self.superclasses

    def is_subclass(self, cls: str, ancestor: str) -> bool:
        return cls == ancestor or ancestor in self.superclasses.get(cls, set())


VOCAB_DIR = Path(__file__).resolve().parent.parent / "vocab"


@dataclass(frozen=True)
class Vocabulary:
    """Triples read from Turtle files, with the prefixes those files declare (IRIs resolved)."""

    triples: tuple[ox.Triple, ...]
    prefixes: dict[str, str]


def ontology_files(project: Project) -> list[Path]:
    """kg's own model vocabulary (shipped with kg), then the project's ontology/*.ttl."""
    return [VOCAB_DIR / "ontology.ttl", *sorted(project.ontology_dir.glob("*.ttl"))]


def shape_files(project: Project) -> list[Path]:
    """kg's own shapes (entities, provenance, conflicts), then the project's shapes/*.ttl."""
    return [*sorted((VOCAB_DIR / "shapes").glob("*.ttl")), *sorted(project.shapes_dir.glob("*.ttl"))]


def read_vocabulary(paths: list[Path], project: Project, *, blank_nodes: bool = True) -> Vocabulary:
    """Parse Turtle files with relative IRIs resolved against the project's base IRI (so
    `@prefix kg: <ontology#>` is the project's ontology namespace); errors name file:line."""
    triples: list[ox.Triple] = []
    prefixes: dict[str, str] = {}
    for path in paths:
        display = display_path(path, project.root)
        data = read_limited(path, MAX_BYTES, "a vocabulary file may hold", display)
        parser = ox.parse(data, format=ox.RdfFormat.TURTLE, base_iri=project.base_iri)
        try:
            for quad in parser:
                if not blank_nodes and (isinstance(quad.subject, ox.BlankNode) or isinstance(quad.object, ox.BlankNode)):
                    raise InputError(f"{display}: blank nodes are not allowed here (published output has none): "
                                     "give the node an IRI")
                triples.append(quad.triple)
        except SyntaxError as exc:
            where = f"{display}:{exc.lineno}:{exc.offset}" if exc.lineno else display
            raise syntax_error(where, f"Turtle syntax error: {exc.msg}") from exc
        for prefix, namespace in parser.prefixes.items():
            prefixes.setdefault(prefix, namespace)
    return Vocabulary(tuple(triples), prefixes)


def load_ontology(project: Project) -> Ontology:
    """kg's model vocabulary and the project's ontology/*.ttl, classes and properties indexed."""
    vocabulary = read_vocabulary(ontology_files(project), project, blank_nodes=False)
    return index_ontology(list(vocabulary.triples), project.prefixes())


def index_ontology(triples: list[ox.Triple], prefixes: dict[str, str]) -> Ontology:
    ontology = Ontology(triples=triples, prefixes=prefixes)
    a = RDF + "type"
    direct_super: dict[str, set[str]] = {}
    ranges: dict[str, list[str]] = {}
    kinds: dict[str, set[str]] = {}
    planned_value_of = prefixes.get("kg", "") + "plannedValueOf"
    for triple in triples:
        s, p, o = triple.subject, triple.predicate.value, triple.object
        if not isinstance(s, ox.NamedNode):
            continue
        if p == a:
            kinds.setdefault(s.value, set()).add(value(o))
        elif p == RDFS + "subClassOf" and isinstance(o, ox.NamedNode):
            direct_super.setdefault(s.value, set()).add(o.value)
        elif p in (RDFS + "range", SCHEMA + "rangeIncludes") and isinstance(o, ox.NamedNode):
            ranges.setdefault(s.value, []).append(o.value)
        elif p == planned_value_of and isinstance(o, ox.NamedNode):
            ontology.planned[s.value] = o.value
    classes = {iri for iri, k in kinds.items() if OWL + "Class" in k}
    for cls in classes:
        seen: set[str] = set()
        stack = list(direct_super.get(cls, ()))
        while stack:
            parent = stack.pop()
            if parent not in seen:
                seen.add(parent)
                stack.extend(direct_super.get(parent, ()))
        ontology.superclasses[cls] = seen
    property_kinds = {OWL + "ObjectProperty", OWL + "DatatypeProperty"}
    for iri, k in kinds.items():
        if k & property_kinds:
            ontology.properties[iri] = PropertyInfo(
                iri=iri,
                ranges=tuple(sorted(ranges.get(iri, ()))),
                functional=OWL + "FunctionalProperty" in k,
            )
    return ontology
