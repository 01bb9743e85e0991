"""Write the mapped graph in every published format, deterministically."""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox

from kg.jsonld import to_jsonld

FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "trig": ox.RdfFormat.TRIG,
    "nquads": ox.RdfFormat.N_QUADS,
    "ntriples": ox.RdfFormat.N_TRIPLES,
}


def turtle(triples: Iterable[ox.Triple], prefixes: dict[str, str]) -> bytes:
    return ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=prefixes)  # type: ignore[no-any-return]


def trig(quads: Iterable[ox.Quad], prefixes: dict[str, str]) -> bytes:
    return ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=prefixes)  # type: ignore[no-any-return]


def nquads(quads: Iterable[ox.Quad]) -> bytes:
    return ox.serialize(quads, format=ox.RdfFormat.N_QUADS)  # type: ignore[no-any-return]


def ntriples(triples: Iterable[ox.Triple]) -> bytes:
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)  # type: ignore[no-any-return]


def jsonld(triples: Iterable[ox.Triple], prefixes: dict[str, str]) -> bytes:
    return to_jsonld(triples, prefixes)
