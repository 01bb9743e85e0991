"""kg.mapping.in_reading_order sorts as `sorted(set(triples), key=reading_order)` does, which
the published Turtle, JSON-LD and TriG are written in: any IRIs (one the prefix of another, `#`
and `/` after a shared stem), any literal text, language tags and datatypes, rdf:type with IRIs
and literals."""

from __future__ import annotations

import pyoxigraph as ox
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.mapping import in_reading_order, reading_order, sorted_with_lines
from kg.namespaces import RDF, XSD
from kg.outputs.rdf import canonical_language_tags, ntriples

BASE = "https://example.org/"
# Stems that are prefixes of one another and continue with characters below and above ">".
LOCAL = st.sampled_from(["a", "a#quote", "a/b", "a.b", "ab", "a-b", "a~", "A", "é", "a%20"])
IRIS = LOCAL.map(lambda local: ox.NamedNode(BASE + local))
PREDICATES = st.one_of(IRIS, st.just(ox.NamedNode(RDF + "type")), st.just(ox.NamedNode(RDF + "typeX")))
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12) | st.sampled_from(
    ["a", "a b", 'a"', "a\\", "a\n", "a .", "> <" + RDF + "type> ", "\x00", "\u2028"])
LITERALS = st.one_of(
    TEXT.map(ox.Literal),
    st.builds(lambda text, tag: ox.Literal(text, language=tag), TEXT, st.sampled_from(["en", "en-gb", "en-GB", "ru-latn", "ru-Latn"])),
    st.builds(lambda text, datatype: ox.Literal(text, datatype=ox.NamedNode(datatype)), TEXT,
              st.sampled_from([XSD + "integer", XSD + "date", BASE + "a"])),
)
TRIPLES = st.builds(ox.Triple, IRIS, PREDICATES, st.one_of(IRIS, LITERALS))


@settings(max_examples=300, deadline=None)
@given(st.lists(TRIPLES, max_size=40))
def test_in_reading_order_sorts_as_reading_order(triples: list[ox.Triple]) -> None:
    assert in_reading_order(triples) == sorted(set(triples), key=reading_order)


def test_in_reading_order_of_nothing() -> None:
    assert in_reading_order([]) == []


@settings(max_examples=300, deadline=None)
@given(st.lists(TRIPLES, max_size=40))
def test_the_sorted_lines_are_the_ntriples_of_the_sorted_triples(triples: list[ox.Triple]) -> None:
    """The lines a build sorts by are, once their tags are canonical, the bytes kg.outputs.rdf
    writes for the sorted graph: the N-Quads file's default graph and the validation state."""
    ordered, lines = sorted_with_lines(triples)
    assert canonical_language_tags(b"".join(line + b" .\n" for line in lines)) == ntriples(ordered)
