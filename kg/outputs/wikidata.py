"""The graph in Wikidata's vocabulary: wdt: triples between wd: items where the item is known,
so that queries written for Wikidata's truthy graph run here."""

from __future__ import annotations

import pyoxigraph as ox

from kg.inputs.ontology import Ontology
from kg.mapping import MappedGraph
from kg.namespaces import OWL, RDF, RDFS, SCHEMA, WD, WDT
from kg.terms import iri, value

INSTANCE_OF = WDT + "P31"


def wikidata_properties(ontology: Ontology) -> dict[str, str]:
    """Our property IRI -> wdt: property, for exact and narrower alignments only."""
    mapping: dict[str, str] = {}
    for t in ontology.triples:
        if t.predicate.value in (OWL + "equivalentProperty", RDFS + "subPropertyOf") and value(t.object).startswith(WDT):
            mapping[value(t.subject)] = value(t.object)
    return mapping


def wikidata_classes(ontology: Ontology) -> dict[str, str]:
    return {
        value(t.subject): value(t.object)
        for t in ontology.triples
        if t.predicate.value == OWL + "equivalentClass" and value(t.object).startswith(WD)
    }


def wikidata_view(graph: MappedGraph, ontology: Ontology) -> list[ox.Triple]:
    """Sorted wdt: triples for every asserted triple whose property or class is aligned."""
    items: dict[ox.NamedNode, ox.NamedNode] = {}
    for t in graph.metadata:
        if t.predicate.value == OWL + "sameAs" and isinstance(t.object, ox.NamedNode):
            items[iri(t.subject)] = t.object
    amounts = {
        t.subject: t.object for t in graph.asserted if t.predicate.value == SCHEMA + "value"
    }
    properties, classes = wikidata_properties(ontology), wikidata_classes(ontology)
    out: set[ox.Triple] = set()
    for t in graph.asserted:
        subject = items.get(iri(t.subject), t.subject)
        if t.predicate.value == RDF + "type":
            if value(t.object) in classes:
                out.add(ox.Triple(subject, ox.NamedNode(INSTANCE_OF), ox.NamedNode(classes[value(t.object)])))
            continue
        target = properties.get(t.predicate.value)
        if target is None:
            continue
        obj = t.object
        if isinstance(obj, ox.NamedNode):
            obj = amounts.get(obj, items.get(obj, obj))
        out.add(ox.Triple(subject, ox.NamedNode(target), obj))
    return sorted(out, key=str)
