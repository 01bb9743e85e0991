"""Write the mapped graph in every published format, deterministically."""

from __future__ import annotations

import re
from collections.abc import Iterable

import pyoxigraph as ox

from kg.outputs.jsonld import Context, to_jsonld
from kg.terms import canonical_language_tag

# The formats whose literals pyoxigraph writes as "…"@tag, on one line, with every " and \ inside
# escaped (\" and \\); its tags are lowercase.
_QUOTED = frozenset({ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG, ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS})
# A closing quote and a tag of two or more subtags (a tag of one is lowercase in canonical case too).
_TAG = re.compile(rb'"@([a-z]{1,8}(?:-[a-z0-9]{1,8})+)(?![a-z0-9-])')


def serialize(items: Iterable[ox.Triple] | Iterable[ox.Quad], format: ox.RdfFormat,
              prefixes: dict[str, str] | None = None) -> bytes:
    """pyoxigraph's writer into memory (it returns None only when given a file to write to),
    language tags in their canonical case (ru-Latn, en-GB), as the facts write them."""
    data = ox.serialize(items, format=format, prefixes=prefixes)
    assert data is not None
    return canonical_language_tags(data) if format in _QUOTED else data


def canonical_language_tags(data: bytes) -> bytes:
    r"""Turtle, TriG, N-Triples or N-Quads text as pyoxigraph writes it, each language tag in its
    canonical case. Only a tag after a literal's closing quote changes: a quote inside a literal is
    escaped, so a " after an odd number of backslashes is text.

    >>> canonical_language_tags(rb'<a> <b> "Moskva"@ru-latn , "x\\"@en-gb , "say \"@ru-latn"@en .')
    b'<a> <b> "Moskva"@ru-Latn , "x\\\\"@en-GB , "say \\"@ru-latn"@en .'
    """
    def canonical(match: re.Match[bytes]) -> bytes:
        before = match.start() - 1
        while before >= 0 and data[before] == 0x5C:  # a backslash
            before -= 1
        if (match.start() - 1 - before) % 2:  # an escaped quote: text inside a literal
            return match.group(0)
        return b'"@' + canonical_language_tag(match.group(1).decode("ascii")).encode("ascii")

    return _TAG.sub(canonical, data)


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


def jsonld(triples: Iterable[ox.Triple], context: Context, *, whole_context: bool = True) -> bytes:
    return to_jsonld(triples, context, whole_context=whole_context)


# Turtle 1.2's version announcement: a reader learns the document needs RDF 1.2 (triple terms)
# before it meets one. N-Triples 1.2 has no such line that pyoxigraph reads.
TURTLE12_VERSION = b'VERSION "1.2"\n'


def turtle12(triples: Iterable[ox.Triple], prefixes: dict[str, str]) -> bytes:
    """Turtle 1.2: triples whose objects may be triple terms, written <<( s p o )>>."""
    return TURTLE12_VERSION + turtle(triples, prefixes)


def ntriples12(triples: Iterable[ox.Triple]) -> bytes:
    """N-Triples 1.2: pyoxigraph's N-Triples writer, which writes a triple term as <<( s p o )>>."""
    return ntriples(triples)
