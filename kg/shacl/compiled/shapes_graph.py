"""Reading the shapes graph: the sh: parameters the compiler accepts, RDF lists, one-valued parameters."""

from __future__ import annotations

import re
from collections.abc import Mapping

import pyoxigraph as ox

from kg.errors import InputError
from kg.namespaces import RDF, SH

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
Node = ox.NamedNode | ox.BlankNode

TYPE = ox.NamedNode(RDF + "type")
FIRST, REST, NIL = ox.NamedNode(RDF + "first"), ox.NamedNode(RDF + "rest"), ox.NamedNode(RDF + "nil")


def sh(local: str) -> ox.NamedNode:
    return ox.NamedNode(SH + local)


TARGETS = {sh("targetClass"), sh("targetNode"), sh("targetSubjectsOf"), sh("targetObjectsOf"), sh("target")}
VALUE_PARAMS = {
    sh(p)
    for p in (
        "class datatype nodeKind pattern flags in minInclusive maxInclusive minExclusive "
        "maxExclusive minLength maxLength or"
    ).split()
}
PROPERTY_PARAMS = {
    sh(p)
    for p in (
        "minCount maxCount uniqueLang lessThan qualifiedValueShape qualifiedMinCount qualifiedMaxCount "
        "qualifiedValueShapesDisjoint"
    ).split()
}
SHAPE_PARAMS = TARGETS | {
    sh(p) for p in "property path sparql severity message deactivated name description order group".split()
}
SPARQL_PARAMS = {sh(p) for p in "select prefixes message deactivated".split()}
DECLARE_PARAMS = {sh("prefix"), sh("namespace")}


class ShapesGraph:
    """The shapes graph, with the few look-ups the compiler needs (values sorted: compiling is deterministic)."""

    def __init__(self, store: ox.Store, prefixes: Mapping[str, str]) -> None:
        self.store = store
        self.prefixes = dict(prefixes)

    def objects(self, s: Term, p: ox.NamedNode) -> list[Term]:
        return sorted((q.object for q in self.store.quads_for_pattern(_subject(s), p, None)), key=str)

    def all_objects(self, p: ox.NamedNode) -> list[Term]:
        return [q.object for q in self.store.quads_for_pattern(None, p, None)]

    def subjects(self, p: ox.NamedNode, o: Term | None = None) -> list[Node | ox.Triple]:
        return sorted({q.subject for q in self.store.quads_for_pattern(None, p, o)}, key=str)

    def predicates(self, s: Term) -> set[ox.NamedNode]:
        return {q.predicate for q in self.store.quads_for_pattern(_subject(s), None, None)}

    def one(self, s: Term, p: ox.NamedNode) -> Term | None:
        """The value of a parameter SHACL allows once, or None."""
        values = self.objects(s, p)
        if len(values) > 1:
            raise InputError(f"shape {display(s)} has {len(values)} values for {curie(p)}; SHACL allows one")
        return values[0] if values else None

    def is_deactivated(self, s: Term) -> bool:
        deactivated = self.one(s, sh("deactivated"))
        return isinstance(deactivated, ox.Literal) and deactivated.value == "true"

    def count(self, s: Term, local: str) -> int | None:
        """A non-negative integer parameter (sh:minCount, ...), or None."""
        value = self.one(s, sh(local))
        if value is None:
            return None
        if not isinstance(value, ox.Literal) or not re.fullmatch(r"\+?[0-9]+", value.value):
            raise InputError(f"shape {display(s)}: sh:{local} must be a non-negative integer, got {value}")
        return int(value.value)

    def items(self, node: Term, owner: Term, p: ox.NamedNode) -> list[Term]:
        """The members of the RDF list `node`, the value of `p` on shape `owner`."""
        out = []
        seen = set()
        while node != NIL:
            if node in seen or not isinstance(node, (ox.BlankNode, ox.NamedNode)):
                raise InputError(f"shape {display(owner)}: the value of {curie(p)} is not an RDF list")
            seen.add(node)
            first, rest = self.objects(node, FIRST), self.objects(node, REST)
            if len(first) != 1 or len(rest) != 1:
                raise InputError(f"shape {display(owner)}: the value of {curie(p)} is not a well-formed RDF list")
            out.append(first[0])
            node = rest[0]
        return out


def _subject(term: Term) -> Node | ox.Triple:
    if isinstance(term, ox.Literal):
        raise InputError(f"the shapes graph uses the literal {term} where a shape or a list is expected")
    return term


def display(term: object) -> str:
    """A shapes-graph term as error messages name it."""
    if isinstance(term, ox.NamedNode):
        return f"<{term.value}>"
    return str(term)


def curie(term: ox.NamedNode) -> str:
    return "sh:" + term.value[len(SH):] if term.value.startswith(SH) else f"<{term.value}>"
