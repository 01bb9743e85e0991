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
_PREFIXED = frozenset({ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG})
# A closing quote and a tag of two or more subtags (a tag of one is lowercase in canonical case too).
_TAG = re.compile(rb'"@([a-z]{1,8}(?:-[a-z0-9]{1,8})+)(?![a-z0-9-])')
# A local name's escape (Turtle's PN_LOCAL_ESC) and the rest of its prefixed name: pyoxigraph writes
# `reference:0449acc09bd0c89a\#quote`, which Virtuoso stores with the backslash.
_PN_LOCAL_ESC = rb"\\[_~.\-!$&'()*+,;=/?#@%]"
_ESCAPED_TAIL = re.compile(_PN_LOCAL_ESC + rb'(?:[^\s\\"^]|' + _PN_LOCAL_ESC + rb")*")
# What pyoxigraph writes before a term: a space, a tab, a line break, or ^^ before a datatype.
_DELIMITERS_AS_SPACES = bytes.maketrans(b"\t\n^", b"   ")


def serialize(items: Iterable[ox.Triple] | Iterable[ox.Quad], format: ox.RdfFormat,
              prefixes: dict[str, str] | None = None) -> bytes:
    """pyoxigraph's writer into memory (it returns None only when given a file to write to),
    language tags in their canonical case (ru-Latn, en-GB), as the facts write them."""
    data = ox.serialize(items, format=format, prefixes=prefixes)
    assert data is not None
    if prefixes and format in _PREFIXED:
        data = full_iris_for_escaped_names(data, prefixes)
    return canonical_language_tags(data) if format in _QUOTED else data


def full_iris_for_escaped_names(data: bytes, prefixes: dict[str, str]) -> bytes:
    r"""Turtle or TriG as pyoxigraph writes it, every prefixed name whose local name needs an escape
    (\#, \/, \~, …) written as the full IRI instead: not every store reads the escapes (Virtuoso
    keeps the backslash in the IRI). A backslash inside a literal is text: it is itself escaped, so
    it follows an odd number of backslashes.

    >>> full_iris_for_escaped_names(
    ...     b'r:a\\#quote a:b "x\\\\#y" , r:a ;\n\tr:c\\/d\\.  "1"^^r:t\\#x .',
    ...     {"r": "https://e.org/r/", "a": "https://e.org/a/"})
    b'<https://e.org/r/a#quote> a:b "x\\\\#y" , r:a ;\n\t<https://e.org/r/c/d.>  "1"^^<https://e.org/r/t#x> .'
    """
    if _ESCAPED_TAIL.search(data) is None:
        return data
    namespaces = {name.encode(): iri.encode() for name, iri in prefixes.items()}
    term_start = data.translate(_DELIMITERS_AS_SPACES).rfind
    pieces: list[bytes] = []
    done = 0
    for match in _ESCAPED_TAIL.finditer(data):
        at, end = match.span()
        if data[at - 1] == 0x5C:  # a backslash before: count them
            before = at - 1
            while data[before] == 0x5C:
                before -= 1
            if (at - before) % 2 == 0:
                continue
        start = term_start(b" ", 0, at) + 1
        prefix, _, local = data[start:end].partition(b":")
        pieces += (data[done:start], b"<", namespaces[prefix], local.replace(b"\\", b""), b">")
        done = end
    pieces.append(data[done:])
    return b"".join(pieces)


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


def trig(default: bytes, named: list[ox.Quad], prefixes: dict[str, str]) -> bytes:
    """A TriG dataset: the default graph's Turtle (`default`, written by turtle() with these
    prefixes: valid TriG, and the bytes of the graph's own file), then the named graphs. Writing
    the default graph from triples avoids building a Quad per triple (a quarter of the
    serialisation time at millions of triples); the repeated @prefix lines are dropped."""
    graphs = serialize(named, ox.RdfFormat.TRIG, prefixes)
    body = b"".join(line for line in graphs.splitlines(keepends=True) if not line.startswith(b"@prefix "))
    return default + body


def nquads(default: list[ox.Triple], named: list[ox.Quad], default_text: bytes | None = None) -> bytes:
    """N-Quads: a default-graph quad is an N-Triples line, so the default graph is written as such
    (`default_text`: ntriples(default), when it is already written)."""
    return (ntriples(default) if default_text is None else default_text) + serialize(named, ox.RdfFormat.N_QUADS)


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
