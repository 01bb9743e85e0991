"""pyoxigraph's terms as kg's graphs hold them: IRIs and literals. pyoxigraph types a triple's
object as any RDF 1.2 term (blank nodes and triple terms included); kg publishes neither, so
code reading a graph narrows each term here, once, with a clear error if one ever turns up."""

from __future__ import annotations

import pyoxigraph as ox

from kg.namespaces import XSD

Term = ox.NamedNode | ox.Literal
AnyTerm = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


def term(node: AnyTerm | ox.DefaultGraph) -> Term:
    """The IRI or literal, or ValueError for a blank node or triple term.

    >>> term(ox.Literal("38", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))).value
    '38'
    """
    if isinstance(node, (ox.NamedNode, ox.Literal)):
        return node
    raise ValueError(f"{node} is not an IRI or a literal: kg's graphs hold no blank nodes or triple terms")


def iri(node: AnyTerm | ox.DefaultGraph) -> ox.NamedNode:
    """The IRI, or ValueError for anything else."""
    if isinstance(node, ox.NamedNode):
        return node
    raise ValueError(f"{node} is not an IRI")


def value(node: AnyTerm | ox.DefaultGraph) -> str:
    """The IRI or the literal's lexical form (a blank node's id; ValueError for a triple term)."""
    if isinstance(node, (ox.NamedNode, ox.Literal, ox.BlankNode)):
        return node.value
    raise ValueError(f"{node} is a triple term: kg's graphs hold none")


def integer_literal(number: int) -> ox.Literal:
    """An xsd:integer literal."""
    return ox.Literal(str(number), datatype=ox.NamedNode(XSD + "integer"))


def canonical_language_tag(tag: str) -> str:
    """A BCP 47 tag in its canonical case (RFC 5646 section 2.1.1): lowercase, except a
    four-letter subtag (a script) in titlecase and a two-letter one (a region) in uppercase, when
    neither starts the tag nor follows a singleton (an extension or private use). pyoxigraph
    lowercases tags; the published files write them as the facts do.

    >>> [canonical_language_tag(t) for t in ("ru-latn", "EN-gb", "zh-hant-tw", "en", "sgn-be-fr")]
    ['ru-Latn', 'en-GB', 'zh-Hant-TW', 'en', 'sgn-BE-FR']
    >>> [canonical_language_tag(t) for t in ("az-latn-x-latn", "en-ca-x-ca", "i-klingon", "de-419")]
    ['az-Latn-x-latn', 'en-CA-x-ca', 'i-klingon', 'de-419']
    """
    subtags = tag.lower().split("-")
    out = subtags[:1]
    after_singleton = len(subtags[0]) == 1
    for subtag in subtags[1:]:
        if len(subtag) == 1:
            after_singleton = True
        elif not after_singleton and len(subtag) == 2:
            subtag = subtag.upper()
        elif not after_singleton and len(subtag) == 4:
            subtag = subtag.title()
        out.append(subtag)
    return "-".join(out)
