"""Each resource's data files (Turtle, JSON-LD, N-Triples, N-Quads) and the schema.org JSON-LD
each page embeds for search engines."""

from __future__ import annotations

import json

import pyoxigraph as ox

from kg.mapping import read_statements, statement_quads
from kg.namespaces import RDF, SCHEMA, WIKIBASE, XSD
from kg.outputs import rdf as serialize
from kg.terms import canonical_language_tag, term, value

TYPE = RDF + "type"
DEPRECATED = WIKIBASE + "DeprecatedRank"


def data_files(triples: list[ox.Triple], prefixes: dict[str, str]) -> dict[str, bytes]:
    """The description in every format, by file suffix. The N-Quads add, as the published N-Quads
    do, one named graph per asserted statement holding that statement's triple."""
    return {
        ".ttl": serialize.turtle(triples, prefixes),
        ".jsonld": serialize.jsonld(triples, prefixes),
        ".nt": serialize.ntriples(triples),
        ".nq": serialize.nquads(triples, statement_quads(read_statements(triples))),
    }


def schema_org_triples(triples: list[ox.Triple], subject: str) -> list[ox.Triple]:
    """The resource's schema.org description: its types and its schema.org properties."""
    return [
        t for t in triples
        if value(t.subject) == subject and (t.predicate.value == TYPE or t.predicate.value.startswith(SCHEMA))
    ]


def schema_org_jsonld(triples: list[ox.Triple], subject: str) -> str:
    """JSON-LD for a <script type="application/ld+json"> block: schema.org terms by @vocab, the
    context inline (nothing is fetched), escaped so that no text can close the script element."""
    node: dict[str, object] = {"@context": {"@vocab": SCHEMA, "xsd": XSD}, "@id": subject}
    types: list[str] = []
    for t in schema_org_triples(triples, subject):
        if t.predicate.value == TYPE:
            types.append(_vocab(value(t.object)))
            continue
        values = node.setdefault(_vocab(t.predicate.value), [])
        assert isinstance(values, list)
        values.append(_value(term(t.object)))
    if types:
        node["@type"] = types
    text = json.dumps(node, ensure_ascii=False, indent=1, sort_keys=True)
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def _vocab(iri: str) -> str:
    local = iri[len(SCHEMA):]
    return local if iri.startswith(SCHEMA) and local and ":" not in local else iri


def _value(term: ox.NamedNode | ox.Literal | ox.BlankNode) -> object:
    if isinstance(term, ox.NamedNode):
        return {"@id": term.value}
    if isinstance(term, ox.BlankNode):
        raise ValueError("blank node in published output")
    if term.language:
        return {"@value": term.value, "@language": canonical_language_tag(term.language)}
    datatype = term.datatype.value
    if datatype == XSD + "string":
        return {"@value": term.value}
    short = "xsd:" + datatype[len(XSD):] if datatype.startswith(XSD) else datatype
    return {"@value": term.value, "@type": short}
