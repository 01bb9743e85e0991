"""The graph in Wikidata's vocabulary: wdt: triples between wd: items where the item is known,
so that queries written for Wikidata's truthy graph run here."""

from __future__ import annotations

import re

import pyoxigraph as ox

from kg.inputs.ontology import Ontology
from kg.mapping import MappedGraph
from kg.namespaces import OWL, RDF, RDFS, SCHEMA, WD, WDT
from kg.terms import iri, value

INSTANCE_OF = WDT + "P31"
PROPERTY_ENTITY = re.compile(re.escape(WD) + "P[1-9][0-9]*")


def wikidata_properties(ontology: Ontology, kg: str) -> dict[str, str]:
    """Our property IRI -> wdt: property: the property's kg:wikidataProperty wd:P…, or an exact
    or narrower alignment (owl:equivalentProperty / rdfs:subPropertyOf wdt:P…). A skos:closeMatch
    alone is no mapping."""
    mapping: dict[str, str] = {}
    annotation = kg + "wikidataProperty"
    for t in ontology.triples:
        target = value(t.object)
        if t.predicate.value in (OWL + "equivalentProperty", RDFS + "subPropertyOf") and target.startswith(WDT):
            mapping.setdefault(value(t.subject), target)
        elif t.predicate.value == annotation and PROPERTY_ENTITY.fullmatch(target):
            mapping[value(t.subject)] = WDT + target.removeprefix(WD)
    return mapping


def wikidata_classes(ontology: Ontology) -> dict[str, str]:
    return {
        value(t.subject): value(t.object)
        for t in ontology.triples
        if t.predicate.value == OWL + "equivalentClass" and value(t.object).startswith(WD)
    }


def wikidata_view(graph: MappedGraph, ontology: Ontology, kg: str) -> list[ox.Triple]:
    """Sorted wdt: triples for every asserted triple whose property or class is aligned."""
    items: dict[ox.NamedNode, ox.NamedNode] = {}
    for t in graph.metadata:
        if t.predicate.value == OWL + "sameAs" and isinstance(t.object, ox.NamedNode):
            items[iri(t.subject)] = t.object
    amounts = {
        t.subject: t.object for t in graph.asserted if t.predicate.value == SCHEMA + "value"
    }
    properties, classes = wikidata_properties(ontology, kg), wikidata_classes(ontology)
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
