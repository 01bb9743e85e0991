"""pyoxigraph's terms as kg's graphs hold them: IRIs and literals. pyoxigraph types a triple's
object as any RDF 1.2 term (blank nodes and triple terms included); kg publishes neither, so
code reading a graph narrows each term here, once, with a clear error if one ever turns up."""

from __future__ import annotations

import pyoxigraph as ox

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
