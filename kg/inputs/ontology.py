"""The vocabulary the facts may use, read from ontology/*.ttl (the single source of truth)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from kg.errors import InputError
from kg.namespaces import OWL, RDF, RDFS, SCHEMA
from kg.project import Settings

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

    def expand(self, curie: str) -> str:
        """schema:director -> https://schema.org/director; raises for unknown prefixes."""
        prefix, sep, local = curie.partition(":")
        if not sep or prefix not in self.prefixes:
            raise InputError(f"{curie!r} is not a CURIE with a known prefix ({', '.join(self.prefixes)})")
        return self.prefixes[prefix] + local

    def compact(self, iri: str) -> str:
        for prefix, namespace in self.prefixes.items():
            if iri.startswith(namespace):
                return f"{prefix}:{iri[len(namespace):]}"
        return f"<{iri}>"

    def is_class(self, iri: str) -> bool:
        return iri in self.superclasses

    def is_subclass(self, cls: str, ancestor: str) -> bool:
        return cls == ancestor or ancestor in self.superclasses.get(cls, set())


def load_ontology(settings: Settings) -> Ontology:
    """Parse every ontology/*.ttl with pyoxigraph and index classes and properties."""
    triples: list[ox.Triple] = []
    for path in sorted(settings.ontology_dir.glob("*.ttl")):
        text = settings.rebase(path.read_text(encoding="utf-8"))
        try:
            triples.extend(ox.parse(text, format=ox.RdfFormat.TURTLE))  # type: ignore[arg-type]
        except SyntaxError as exc:
            raise InputError(f"{path}: {exc}") from exc
    return index_ontology(triples, settings.prefixes())


def index_ontology(triples: list[ox.Triple], prefixes: dict[str, str]) -> Ontology:
    ontology = Ontology(triples=triples, prefixes=prefixes)
    a = RDF + "type"
    direct_super: dict[str, set[str]] = {}
    ranges: dict[str, list[str]] = {}
    kinds: dict[str, set[str]] = {}
    for triple in triples:
        s, p, o = triple.subject, triple.predicate.value, triple.object
        if not isinstance(s, ox.NamedNode):
            continue
        if p == a:
            kinds.setdefault(s.value, set()).add(o.value)
        elif p == RDFS + "subClassOf" and isinstance(o, ox.NamedNode):
            direct_super.setdefault(s.value, set()).add(o.value)
        elif p in (RDFS + "range", SCHEMA + "rangeIncludes") and isinstance(o, ox.NamedNode):
            ranges.setdefault(s.value, []).append(o.value)
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
