"""The graph with its provenance as RDF 1.2 reifiers: each statement node `statement:H` names its
triple by `statement:H rdf:reifies <<( s p o )>>` (a triple term) instead of the RDF 1.1
reification (`a rdf:Statement ; rdf:subject s ; rdf:predicate p ; rdf:object o`), and keeps its
rank, `prov:wasDerivedFrom`, `prov:hadPrimarySource` and qualifiers. Everything else — the
asserted triples, references, quoted spans, articles — is the graph of {stem}.ttl as it is.

A deprecated claim's reifier exists but its triple is not asserted: `rdf:reifies` names a
proposition without stating it, which is what a deprecated rank means.

Which RDF 1.2: the W3C RDF-star Working Group's Working Drafts of RDF 1.2 Concepts, Turtle and
N-Triples (https://www.w3.org/TR/rdf12-turtle/, https://www.w3.org/TR/rdf12-n-triples/; not yet
a Recommendation), as pyoxigraph 0.5.13 implements them — Oxigraph's changelog says "the current
W3C working drafts" (0.5.0) and no draft date. What it accepts is that of the 2025 drafts: triple
terms `<<( … )>>` only as objects, reifiers `~`, annotations `{| … |}` and `VERSION "1.2"` in
Turtle. Its writers write triple terms but neither `~` nor `{| |}`, so the Turtle is the
rdf:reifies form those abbreviate (`s p o ~ r {| … |}` parses to exactly these triples)."""

from __future__ import annotations

import pyoxigraph as ox

from kg.mapping import MappedGraph, reading_order
from kg.namespaces import RDF

REIFIES = ox.NamedNode(RDF + "reifies")
# The RDF 1.1 reification a reifier replaces (rdf:type only where it is rdf:Statement).
_REIFICATION = frozenset({RDF + "subject", RDF + "predicate", RDF + "object"})
_STATEMENT = ox.NamedNode(RDF + "Statement")
TYPE = RDF + "type"


def reified_triples(graph: MappedGraph) -> list[ox.Triple]:
    """The graph's triples with every statement node a reifier of its triple term, in reading order:
    one pass over graph.triples() (already in that order), each reifier placed among the triples
    of its statement node."""
    reifiers = {st.iri: ox.Triple(st.iri, REIFIES, st.triple) for st in graph.statements}
    follows: dict[str, bool] = {}  # by predicate: whether its triples go after a reifier's
    out: list[ox.Triple] = []
    subject: ox.NamedNode | ox.BlankNode | ox.Triple | None = None
    statement = False  # the subject is a statement node
    pending: ox.Triple | None = None  # its reifier, until placed
    for t in graph.triples():
        if t.subject != subject:
            if pending is not None:
                out.append(pending)
            subject = t.subject
            pending = reifiers.pop(subject, None) if isinstance(subject, ox.NamedNode) else None
            statement = pending is not None
        if statement:
            predicate = t.predicate.value
            if predicate in _REIFICATION or (predicate == TYPE and t.object == _STATEMENT):
                continue
            if pending is not None and _follows(t, pending, follows):
                out.append(pending)
                pending = None
        out.append(t)
    if pending is not None:
        out.append(pending)
    if reifiers:  # a statement node with no triple of its own (none is made so)
        return sorted([*out, *reifiers.values()], key=reading_order)
    return out


def _follows(triple: ox.Triple, reifier: ox.Triple, follows: dict[str, bool]) -> bool:
    """Whether the triple of the reifier's subject goes after it in reading order."""
    predicate = triple.predicate.value
    if predicate == REIFIES.value:
        return reading_order(triple) > reading_order(reifier)
    found = follows.get(predicate)
    if found is None:
        found = follows[predicate] = reading_order(triple)[1:3] > reading_order(reifier)[1:3]
    return found
