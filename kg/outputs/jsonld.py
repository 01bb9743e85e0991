"""Compacted JSON-LD, written directly from sorted triples: fast and byte-stable.

The context holds prefix definitions only, so every key and @id is a compact IRI and every value
keeps its exact datatype or language. The same context is published as context.jsonld and
embedded in each document, so no processor ever fetches a context."""

from __future__ import annotations

import json
from collections.abc import Iterable

import pyoxigraph as ox

from kg.namespaces import RDF, XSD, Compactor
from kg.terms import canonical_language_tag, term

TYPE = RDF + "type"
STRING = XSD + "string"


def context(prefixes: dict[str, str]) -> dict[str, object]:
    return {"@context": dict(prefixes)}


class _Compactor:
    def __init__(self, prefixes: dict[str, str]) -> None:
        self.curie = Compactor(prefixes).curie

    def iri(self, iri: str) -> str:
        return self.curie(iri) or iri

    def value(self, term: ox.NamedNode | ox.Literal) -> object:
        if isinstance(term, ox.NamedNode):
            return {"@id": self.iri(term.value)}
        if term.language:
            return {"@value": term.value, "@language": canonical_language_tag(term.language)}
        if term.datatype.value == STRING:
            return term.value
        return {"@value": term.value, "@type": self.iri(term.datatype.value)}


def to_jsonld(triples: Iterable[ox.Triple], prefixes: dict[str, str]) -> bytes:
    """A compacted JSON-LD document for triples already sorted by subject."""
    compact = _Compactor(prefixes)
    nodes: list[dict[str, object]] = []
    current: dict[str, object] = {}
    values: dict[str, list[object]] = {}  # the current node's value lists, by key
    current_subject = None
    key: str
    item: object
    for triple in triples:
        subject = triple.subject
        if not isinstance(subject, ox.NamedNode):
            raise ValueError(f"blank node {subject} in published output")
        if subject != current_subject:
            current, values = {"@id": compact.iri(subject.value)}, {}
            nodes.append(current)
            current_subject = subject
        if triple.predicate.value == TYPE and isinstance(triple.object, ox.NamedNode):
            key, item = "@type", compact.iri(triple.object.value)
        else:
            key, item = compact.iri(triple.predicate.value), compact.value(term(triple.object))
        bucket = values.get(key)
        if bucket is None:
            bucket = values[key] = []
            current[key] = bucket
        bucket.append(item)
    # One node object per line: diffable, and json's C encoder (indent= would force the slow
    # pure-Python one) writes each line.
    head = json.dumps({"@context": dict(prefixes)}, ensure_ascii=False, indent=1)[:-2]
    body = ",\n".join(json.dumps(node, ensure_ascii=False) for node in nodes)
    return f'{head},\n "@graph": [\n{body}\n]}}\n'.encode("utf-8")
