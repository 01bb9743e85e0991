"""Each resource's data files (Turtle, JSON-LD, N-Triples, N-Quads) and the schema.org JSON-LD
each page embeds for search engines."""

from __future__ import annotations

import json
from collections.abc import Mapping

import pyoxigraph as ox

from kg.mapping import read_statements, statement_quads
from kg.namespaces import RDF, SCHEMA, XSD
from kg.outputs import rdf as serialize
from kg.outputs.jsonld import Context, Writer, make_context
from kg.terms import iri as iri_of

TYPE = RDF + "type"
NAME = SCHEMA + "name"
# How deep the page's JSON-LD embeds what it links to: a linked node shows its type and name; a
# role, or a node without a name (a QuantitativeValue), shows its schema.org properties, its own
# links shown by type and name.
EMBEDDED_DEPTH = 2


def data_files(triples: list[ox.Triple], context: Context) -> dict[str, bytes]:
    """The description in every format, by file suffix. The JSON-LD uses `context` (the published
    graph's, for a part of that graph) and embeds the part it uses. The N-Quads add, as the
    published N-Quads do, one named graph per asserted statement holding that statement's triple."""
    return {
        ".ttl": serialize.turtle(triples, context.prefixes),
        ".jsonld": serialize.jsonld(triples, context, whole_context=False),
        ".nt": serialize.ntriples(triples),
        ".nq": serialize.nquads(triples, statement_quads(read_statements(triples))),
    }


def schema_org_jsonld(described: Mapping[str, list[ox.Triple]], subject: str, language: str | None,
                      roles: frozenset[str] = frozenset()) -> str:
    """JSON-LD for a <script type="application/ld+json"> block: the resource's types and schema.org
    properties, what it links to embedded with its type and name (`"director": {"@type":
    "Person", "@id": …, "name": …}`; a node of a class in `roles` with all its schema.org
    properties, as schema.org's Role pattern is written), `described` giving each node's triples. schema.org terms by
    @vocab, full IRIs, the context inline (nothing is fetched), escaped so that no text can close
    the script element."""
    island = _Island(described, roles)
    shown: list[ox.Triple] = []
    island.collect(subject, 0, shown)
    context = make_context(shown, {"xsd": XSD}, language)
    write = Writer(context)
    node = island.node(write, subject, 0)
    text = json.dumps({"@context": context.body(*write.used()), **node}, ensure_ascii=False, indent=1, sort_keys=True)
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


class _Island:
    """Which triples the page's JSON-LD shows, node by node, and the embedded tree they make."""

    def __init__(self, described: Mapping[str, list[ox.Triple]], roles: frozenset[str]) -> None:
        self.described = described
        self.roles = roles

    def shown(self, iri: str, depth: int) -> list[ox.Triple]:
        """All its schema.org triples at the top, for a role and for an unnamed linked node; its
        types and name otherwise."""
        own = [t for t in self.described.get(iri, ())
               if t.predicate.value == TYPE or t.predicate.value.startswith(SCHEMA)]
        named = [t for t in own if t.predicate.value in (TYPE, NAME)]
        whole = not any(t.predicate.value == NAME for t in own) or any(
            t.predicate.value == TYPE and isinstance(t.object, ox.NamedNode) and t.object.value in self.roles for t in own)
        return own if depth == 0 or (depth < EMBEDDED_DEPTH and whole) else named

    def embeds(self, triple: ox.Triple, depth: int) -> bool:
        obj = triple.object
        return (depth < EMBEDDED_DEPTH and triple.predicate.value != TYPE and isinstance(obj, ox.NamedNode)
                and obj.value in self.described)

    def collect(self, iri: str, depth: int, into: list[ox.Triple]) -> None:
        for t in self.shown(iri, depth):
            into.append(t)
            if self.embeds(t, depth):
                self.collect(iri_of(t.object).value, depth + 1, into)

    def node(self, write: Writer, iri: str, depth: int) -> dict[str, object]:
        node: dict[str, object] = {"@id": write.node_id(iri)}
        item: object
        for t in self.shown(iri, depth):
            if t.predicate.value == TYPE and isinstance(t.object, ox.NamedNode):
                key, item = "@type", write.vocab(t.object.value)
            else:
                found = write.key(t.predicate.value)
                key = found.key
                item = self.node(write, iri_of(t.object).value, depth + 1) if self.embeds(t, depth) \
                    else write.value(found, t.object)
            values = node.setdefault(key, [])
            assert isinstance(values, list)
            values.append(item)
        return {key: values[0] if isinstance(values, list) and len(values) == 1 else values
                for key, values in node.items()}
