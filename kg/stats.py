"""Counts over the published dataset, read back with an embedded pyoxigraph store."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from kg.store import built
from kg.terms import value

COUNT_QUERIES = {
    "triples": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    "entities": "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s <https://schema.org/name> ?name }",
    "statements": "SELECT (COUNT(?s) AS ?n) WHERE { ?s a <http://www.w3.org/1999/02/22-rdf-syntax-ns#Statement> }",
    "references": "SELECT (COUNT(?r) AS ?n) WHERE { ?r a <http://www.w3.org/ns/oa#SpecificResource> }",
    "sources": "SELECT (COUNT(?a) AS ?n) WHERE { ?a a <https://schema.org/NewsArticle> }",
    "named graphs": "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
}


def graph_stats(nquads: Path) -> dict[str, int]:
    built(nquads)
    store = ox.Store()
    store.bulk_load(path=str(nquads), format=ox.RdfFormat.N_QUADS)
    out = {}
    for key, query in COUNT_QUERIES.items():
        solutions = store.query(query)
        assert isinstance(solutions, ox.QuerySolutions)
        out[key] = int(value(next(iter(solutions))["n"]))
    return out
