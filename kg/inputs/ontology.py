"""The vocabulary the facts may use, read from ontology/*.ttl (the single source of truth)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path

import pyoxigraph as ox

from kg.errors import InputError
from kg.files import display_path, read_limited
from kg.namespaces import OWL, RDF, RDFS, SCHEMA, XSD, Compactor
from kg.project import Project
from kg.rules import Rule, syntax_error
from kg.terms import value

MAX_BYTES = 16 * 1024 * 1024
DATATYPE_NAMESPACES = ("http://www.w3.org/2001/XMLSchema#", RDF)
RDF_DATATYPES = frozenset(RDF + d for d in ("langString", "HTML", "XMLLiteral", "JSON", "PlainLiteral"))


def is_datatype(iri: str) -> bool:
    """An XSD or RDF datatype (rdf:langString), not a class (rdf:Statement).

    >>> is_datatype(RDF + "langString"), is_datatype(RDF + "Statement"), is_datatype(XSD + "date")
    (True, False, True)
    """
    return iri.startswith(XSD) or iri in RDF_DATATYPES


@dataclass(frozen=True)
class PropertyInfo:
    """A property claims may use: its ranges and domains (a union: any one of them will do), as
    the ontology states them (kg terms) or schema.org does (schema.org terms, data types as XSD)."""

    iri: str
    ranges: tuple[str, ...]
    functional: bool
    domains: tuple[str, ...] = ()

    @property
    def is_literal(self) -> bool:
        return any(is_datatype(r) for r in self.ranges)

    @property
    def class_ranges(self) -> tuple[str, ...]:
        return tuple(r for r in self.ranges if not is_datatype(r) and r != SCHEMA + "URL")


@dataclass
class Ontology:
    """Classes (with their superclasses), properties (range, single-valued) and the raw triples."""

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
        """The properties declared kg:SingleValuedProperty: one value expected, two are a conflict."""
        return frozenset(iri for iri, info in self.properties.items() if info.functional)

    @cached_property
    def labels(self) -> dict[str, list[str]]:
        """Each term's rdfs:label texts, by IRI."""
        found: dict[str, list[str]] = {}
        for triple in self.triples:
            if triple.predicate.value == RDFS + "label" and isinstance(triple.subject, ox.NamedNode):
                found.setdefault(triple.subject.value, []).append(value(triple.object))
        return found

    def hint(self, curie: str, terms: Iterable[str]) -> str:
        """' — did you mean …?' for an unknown property or class: the declared `terms` (IRIs)
        closest by local name, CURIE or label; '' when none is close."""
        from kg.suggest import did_you_mean, suggest_terms

        iris = list(terms)
        labels = {self.compact(t): self.labels.get(t, []) for t in iris}
        return did_you_mean(suggest_terms(curie, map(self.compact, iris), labels))

    def property_hint(self, curie: str) -> str:
        return self.hint(curie, self.properties)

    def class_hint(self, curie: str) -> str:
        return self.hint(curie, self.superclasses)

    def is_class(self, iri: str) -> bool:
        return iri in self.superclasses

    def is_subclass(self, cls: str, ancestor: str) -> bool:
        return cls == ancestor or ancestor in self.superclasses.get(cls, set())


VOCAB_DIR = Path(__file__).resolve().parent.parent / "vocab"
SCHEMAORG_FILE = VOCAB_DIR / "schemaorg.nt"

# schema.org's data types as kg writes their values (schema:URL stays: an IRI, not a literal).
# schema:Text is a language-tagged string in claims, a plain string in a source's text.
SCHEMAORG_DATATYPES: dict[str, tuple[str, ...]] = {
    SCHEMA + "Text": (RDF + "langString", XSD + "string"),
    SCHEMA + "Date": (XSD + "date",),
    SCHEMA + "DateTime": (XSD + "dateTime",),
    SCHEMA + "Time": (XSD + "time",),
    SCHEMA + "Duration": (XSD + "duration",),
    SCHEMA + "Integer": (XSD + "integer",),
    SCHEMA + "Number": (XSD + "decimal",),
    SCHEMA + "Float": (XSD + "double",),
    SCHEMA + "Boolean": (XSD + "boolean",),
}


@dataclass(frozen=True)
class SchemaOrg:
    """schema.org's structure (kg/vocab/schemaorg.nt): which terms are properties, their
    domainIncludes / rangeIncludes, and the direct superclasses of its classes."""

    properties: frozenset[str]
    domains: dict[str, tuple[str, ...]]
    ranges: dict[str, tuple[str, ...]]
    superclasses: dict[str, frozenset[str]]

    def ancestors(self, cls: str) -> set[str]:
        seen: set[str] = set()
        stack = list(self.superclasses.get(cls, ()))
        while stack:
            parent = stack.pop()
            if parent not in seen:
                seen.add(parent)
                stack.extend(self.superclasses.get(parent, ()))
        return seen


@cache
def schemaorg() -> SchemaOrg:
    """The schema.org release kg ships, read once per process (8,800 triples, ~20 ms)."""
    properties: set[str] = set()
    domains: dict[str, list[str]] = {}
    ranges: dict[str, list[str]] = {}
    superclasses: dict[str, set[str]] = {}
    for quad in ox.parse(SCHEMAORG_FILE.read_bytes(), format=ox.RdfFormat.N_TRIPLES):
        s, p, o = quad.subject.value, quad.predicate.value, value(quad.object)
        if p == RDF + "type" and o == RDF + "Property":
            properties.add(s)
        elif p == SCHEMA + "domainIncludes":
            domains.setdefault(s, []).append(o)
        elif p == SCHEMA + "rangeIncludes":
            ranges.setdefault(s, []).extend(SCHEMAORG_DATATYPES.get(o, (o,)))
        elif p == RDFS + "subClassOf":
            superclasses.setdefault(s, set()).add(o)
    return SchemaOrg(
        frozenset(properties),
        {k: tuple(sorted(set(v))) for k, v in domains.items()},
        {k: tuple(sorted(set(v))) for k, v in ranges.items()},
        {k: frozenset(v) for k, v in superclasses.items()},
    )


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
    """kg's model vocabulary and the project's ontology/*.ttl, classes and properties indexed;
    an owl:FunctionalProperty is refused (KG032)."""
    vocabulary = read_vocabulary(ontology_files(project), project, blank_nodes=False)
    if any(t.predicate.value == RDF + "type" and t.object == _FUNCTIONAL for t in vocabulary.triples):
        raise functional_property_error(project)
    return index_ontology(list(vocabulary.triples), project.prefixes())


_FUNCTIONAL = ox.NamedNode(OWL + "FunctionalProperty")


def functional_property_error(project: Project) -> InputError:
    """KG032 for the first ontology file declaring an owl:FunctionalProperty: its properties, and
    the line of the first declaration (read again: this is the error path only)."""
    compact = Compactor(project.prefixes())
    for path in ontology_files(project):
        text = path.read_text(encoding="utf-8")
        quads = ox.parse(text.encode("utf-8"), format=ox.RdfFormat.TURTLE, base_iri=project.base_iri)
        names = sorted(compact(q.subject.value) for q in quads
                       if q.predicate.value == RDF + "type" and q.object == _FUNCTIONAL)
        if not names:
            continue
        line = next((n for n, text_line in enumerate(text.splitlines(), 1)
                     if "FunctionalProperty" in text_line and not text_line.lstrip().startswith("#")), None)
        where = display_path(path, project.root) + (f":{line}" if line else "")
        declared = f"{names[0]} is" if len(names) == 1 else f"{', '.join(names)} are"
        return InputError(
            f"{where}: {declared} declared owl:FunctionalProperty: sources may disagree on a value, and an "
            "OWL reasoner would then infer the two values equal (owl:sameAs), which makes the graph "
            "inconsistent; declare one value expected with kg:SingleValuedProperty instead (two values "
            f"are then a reported conflict) [{Rule.FUNCTIONAL_PROPERTY.code}]"
        )
    raise AssertionError("no ontology file declares the owl:FunctionalProperty found")


# A kg property with two ranges lists them with schema:rangeIncludes (either will do); rdfs:range
# is read the same way, so a property declared either way is checked against each of its ranges.
RANGE_PREDICATES = frozenset({RDFS + "range", SCHEMA + "rangeIncludes"})
DOMAIN_PREDICATES = frozenset({RDFS + "domain", SCHEMA + "domainIncludes"})


def index_ontology(triples: list[ox.Triple], prefixes: dict[str, str]) -> Ontology:
    """Classes and properties: a kg term is a property when typed owl:ObjectProperty or
    owl:DatatypeProperty, with its rdfs:domain / rdfs:range; a schema.org term is one when
    schema.org says so and the ontology names it (a label is enough), with schema.org's
    domainIncludes / rangeIncludes: kg never redefines a schema.org term."""
    ontology = Ontology(triples=triples, prefixes=prefixes)
    a = RDF + "type"
    direct_super: dict[str, set[str]] = {}
    ranges: dict[str, list[str]] = {}
    domains: dict[str, list[str]] = {}
    kinds: dict[str, set[str]] = {}
    named: set[str] = set()
    planned_value_of = prefixes.get("kg", "") + "plannedValueOf"
    single_valued = prefixes.get("kg", "") + "SingleValuedProperty"
    for triple in triples:
        s, p, o = triple.subject, triple.predicate.value, triple.object
        if not isinstance(s, ox.NamedNode):
            continue
        named.add(s.value)
        if p == a:
            kinds.setdefault(s.value, set()).add(value(o))
        elif p == RDFS + "subClassOf" and isinstance(o, ox.NamedNode):
            direct_super.setdefault(s.value, set()).add(o.value)
        elif p in RANGE_PREDICATES and isinstance(o, ox.NamedNode):
            ranges.setdefault(s.value, []).append(o.value)
        elif p in DOMAIN_PREDICATES and isinstance(o, ox.NamedNode):
            domains.setdefault(s.value, []).append(o.value)
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
    schema = schemaorg()
    for iri in sorted(named):
        k = kinds.get(iri, set())
        if iri.startswith(SCHEMA) and iri in schema.properties:
            iri_ranges, iri_domains = schema.ranges.get(iri, ()), schema.domains.get(iri, ())
        elif k & property_kinds:
            iri_ranges, iri_domains = tuple(sorted(set(ranges.get(iri, ())))), tuple(sorted(set(domains.get(iri, ()))))
        else:
            continue
        ontology.properties[iri] = PropertyInfo(
            iri=iri, ranges=iri_ranges, functional=single_valued in k, domains=iri_domains
        )
    return ontology
