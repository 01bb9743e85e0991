"""Write the mapped graph in every published format, deterministically."""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox

from kg.outputs.jsonld import to_jsonld


def serialize(items: Iterable[ox.Triple] | Iterable[ox.Quad], format: ox.RdfFormat,
              prefixes: dict[str, str] | None = None) -> bytes:
    """pyoxigraph's writer into memory (it returns None only when given a file to write to)."""
    data = ox.serialize(items, format=format, prefixes=prefixes)
    assert data is not None
    return data


def turtle(triples: Iterable[ox.Triple], prefixes: dict[str, str]) -> bytes:
    return serialize(triples, ox.RdfFormat.TURTLE, prefixes)


def trig(default: list[ox.Triple], named: list[ox.Quad], prefixes: dict[str, str]) -> bytes:
    """A TriG dataset: the default graph written as Turtle (valid TriG), then the named graphs.
    Writing the default graph from triples avoids building a Quad per triple (a quarter of the
    serialisation time at millions of triples); the repeated @prefix lines are dropped."""
    graphs = serialize(named, ox.RdfFormat.TRIG, prefixes)
    body = b"".join(line for line in graphs.splitlines(keepends=True) if not line.startswith(b"@prefix "))
    return turtle(default, prefixes) + body


def nquads(default: list[ox.Triple], named: list[ox.Quad]) -> bytes:
    """N-Quads: a default-graph quad is an N-Triples line, so the default graph is written as such."""
    return ntriples(default) + serialize(named, ox.RdfFormat.N_QUADS)


def ntriples(triples: Iterable[ox.Triple]) -> bytes:
    return serialize(triples, ox.RdfFormat.N_TRIPLES)


def jsonld(triples: Iterable[ox.Triple], prefixes: dict[str, str]) -> bytes:
    return to_jsonld(triples, prefixes)
