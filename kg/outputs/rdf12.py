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


def reified_triples(graph: MappedGraph) -> list[ox.Triple]:
    """The graph's triples with every statement node a reifier of its triple term, in reading order."""
    statements = {st.iri for st in graph.statements}
    kept = [
        t for t in graph.triples()
        if not (t.subject in statements
                and (t.predicate.value in _REIFICATION or (t.predicate.value == RDF + "type" and t.object == _STATEMENT)))
    ]
    reifiers = [ox.Triple(st.iri, REIFIES, st.triple) for st in graph.statements]
    return sorted([*kept, *reifiers], key=reading_order)
