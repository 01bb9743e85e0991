"""Terms and messages as pyshacl prints them, so that both engines' reports read alike.

pyshacl (kg.shacl.pyshacl_engine) runs on an Oxigraph-backed rdflib store, so it sees the store's
canonical literals, which rdflib then prints in its own canonical form; default messages name terms
with pyshacl's `stringify_node`; SPARQL messages substitute {$var} / {?var} as pyshacl does."""

from __future__ import annotations

import logging
import re
import unicodedata

import pyoxigraph as ox

from kg.namespaces import XSD
from kg.shacl.compiled.shapes_graph import FIRST, ShapesGraph, Term

XSD_STRING = ox.NamedNode(XSD + "string")
# What rdflib binds in every Graph (pyshacl's data graph has only these; its shapes graph adds the Turtle's).
RDFLIB_NAMESPACES = {ns: p for p, ns in {
    "brick": "https://brickschema.org/schema/Brick#", "csvw": "http://www.w3.org/ns/csvw#",
    "dc": "http://purl.org/dc/elements/1.1/", "dcam": "http://purl.org/dc/dcam/", "dcat": "http://www.w3.org/ns/dcat#",
    "dcmitype": "http://purl.org/dc/dcmitype/", "dcterms": "http://purl.org/dc/terms/",
    "doap": "http://usefulinc.com/ns/doap#", "foaf": "http://xmlns.com/foaf/0.1/",
    "geo": "http://www.opengis.net/ont/geosparql#", "odrl": "http://www.w3.org/ns/odrl/2/",
    "org": "http://www.w3.org/ns/org#", "owl": "http://www.w3.org/2002/07/owl#",
    "prof": "http://www.w3.org/ns/dx/prof/",
    "prov": "http://www.w3.org/ns/prov#", "qb": "http://purl.org/linked-data/cube#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "schema": "https://schema.org/", "sh": "http://www.w3.org/ns/shacl#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "sosa": "http://www.w3.org/ns/sosa/", "ssn": "http://www.w3.org/ns/ssn/", "time": "http://www.w3.org/2006/time#",
    "vann": "http://purl.org/vocab/vann/", "void": "http://rdfs.org/ns/void#",
    "wgs": "https://www.w3.org/2003/01/geo/wgs84_pos#", "xml": "http://www.w3.org/XML/1998/namespace",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}.items()}

_FAST_LEXICAL = {
    XSD + "integer": re.compile(r"-?(0|[1-9][0-9]*)"),
    XSD + "boolean": re.compile(r"true|false"),
    XSD + "date": re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}"),
}
_LEXICAL_CACHE: dict[tuple[str, str], str] = {}


def rdflib_lexical(lexical: str, datatype: str) -> str:
    """How rdflib prints a typed literal (its canonical form); rdflib is imported only when needed."""
    fast = _FAST_LEXICAL.get(datatype)
    if fast is not None and fast.fullmatch(lexical):
        return lexical
    key = (lexical, datatype)
    if key not in _LEXICAL_CACHE:
        import rdflib

        log = logging.getLogger("rdflib.term")
        level = log.level
        log.setLevel(logging.CRITICAL)  # rdflib logs a traceback for every ill-typed literal
        try:
            _LEXICAL_CACHE[key] = str(rdflib.Literal(lexical, datatype=rdflib.URIRef(datatype)))
        finally:
            log.setLevel(level)
    return _LEXICAL_CACHE[key]


def render_term(term: Term) -> tuple[str, ox.NamedNode | ox.Literal | None]:
    """A data term as the pyshacl engine's report holds it: its string, and the term for sh:value."""
    if isinstance(term, ox.NamedNode):
        return term.value, term
    if isinstance(term, ox.Literal):
        if term.language:
            return term.value, ox.Literal(term.value, language=term.language)
        if term.datatype == XSD_STRING:
            return term.value, ox.Literal(term.value)
        lexical = rdflib_lexical(term.value, term.datatype.value)
        return lexical, ox.Literal(lexical, datatype=term.datatype)
    return str(term), None


def substitute(message: str, bindings: list[tuple[str, Term]]) -> str:
    """pyshacl's substitution of {$var} / {?var} in SPARQL-based messages, in its order."""
    for name, term in bindings:
        text = render_term(term)[0]
        pattern = "{{[?$]{}}}".format(name)
        try:
            message = re.sub(pattern, text, message)
        except re.error:
            message = re.sub(pattern, lambda _m: text, message)
    return message


def qname(iri: str, namespaces: dict[str, str]) -> str:
    """rdflib's URIRef.n3(namespace_manager): split where rdflib splits, prefix only a bound namespace."""
    name_categories = {"Ll", "Lu", "Lo", "Lt", "Nl", "Mc", "Me", "Mn", "Lm", "Nd"}
    split_start = {"Ll", "Lu", "Lo", "Lt", "Nl", "Nd"}
    for i in range(len(iri)):
        c = iri[-i - 1]
        if unicodedata.category(c) in name_categories or c in "\u00b7\u0387-._%()":
            continue
        for j in range(len(iri) - 1 - i, len(iri)):
            if unicodedata.category(iri[j]) in split_start or iri[j] == "_":
                prefix = namespaces.get(iri[:j]) if j else None
                return f"{prefix}:{iri[j:]}" if prefix is not None else f"<{iri}>"
        break
    return f"<{iri}>"


class NodeNames:
    """pyshacl's stringify_node, for default messages: prefixed names from the data graph's (rdflib's
    default) or the shapes graph's bindings, Literal(...) for literals, [ p o ] for blank nodes of the
    shapes graph."""

    def __init__(self, shapes: ShapesGraph) -> None:
        self.shapes = shapes
        self.shape_namespaces = {**RDFLIB_NAMESPACES, **{ns: p for p, ns in shapes.prefixes.items()}}

    def __call__(self, term: Term, data_graph: bool = False) -> str:
        sg = self.shapes
        if isinstance(term, ox.NamedNode):
            return qname(term.value, RDFLIB_NAMESPACES if data_graph else self.shape_namespaces)
        if isinstance(term, ox.Literal):
            value = term.value
            if term.datatype.value == XSD + "boolean" and value in ("true", "false", "1", "0"):
                value = f"{value}\" = {value in ('true', '1')}"
            lang = f", lang={term.language}" if term.language else ""
            # pyshacl's data graph is an oxrdflib store, which gives plain strings their xsd:string type
            plain = term.language or (term.datatype == XSD_STRING and not data_graph)
            dt = "" if plain else f", datatype={self(term.datatype, data_graph)}"
            return f'Literal("{value}"{lang}{dt})'
        if isinstance(term, ox.BlankNode) and not data_graph:
            if sg.objects(term, FIRST):
                return "( " + " ".join(self(x) for x in sg.items(term, term, FIRST)) + " )"
            parts = []
            for p in sorted(sg.predicates(term), key=lambda x: self(x)):
                objects = sorted(self(o) for o in sg.objects(term, p))
                parts.append((self(p), ", ".join(objects)))
            return "[ " + " ; ".join(f"{p} {o}" for p, o in sorted(parts)) + " ]" if parts else "[ ]"
        return str(term)
