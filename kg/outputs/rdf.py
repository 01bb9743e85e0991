"""Write the mapped graph in every published format, deterministically."""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox

from kg.outputs.jsonld import to_jsonld

FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "trig": ox.RdfFormat.TRIG,
    "nquads": ox.RdfFormat.N_QUADS,
    "ntriples": ox.RdfFormat.N_TRIPLES,
}


def turtle(triples: Iterable[ox.Triple], prefixes: dict[str, str]) -> bytes:
    return ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=prefixes)  # type: ignore[no-any-return]


def trig(default: list[ox.Triple], named: list[ox.Quad], prefixes: dict[str, str]) -> bytes:
    """A TriG dataset: the default graph written as Turtle (valid TriG), then the named graphs.
    Writing the default graph from triples avoids building a Quad per triple (a quarter of the
    serialisation time at millions of triples); the repeated @prefix lines are dropped."""
    graphs = ox.serialize(named, format=ox.RdfFormat.TRIG, prefixes=prefixes)
    body = b"".join(line for line in graphs.splitlines(keepends=True) if not line.startswith(b"@prefix "))
    return turtle(default, prefixes) + body


def nquads(default: list[ox.Triple], named: list[ox.Quad]) -> bytes:
    """N-Quads: a default-graph quad is an N-Triples line, so the default graph is written as such."""
    return ntriples(default) + ox.serialize(named, format=ox.RdfFormat.N_QUADS)  # type: ignore[no-any-return]


def ntriples(triples: Iterable[ox.Triple]) -> bytes:
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)  # type: ignore[no-any-return]


def jsonld(triples: Iterable[ox.Triple], prefixes: dict[str, str]) -> bytes:
    return to_jsonld(triples, prefixes)
