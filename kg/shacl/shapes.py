"""The shapes a build validates with, and the part of the ontology SHACL needs beside the data."""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox

from kg.errors import InputError
from kg.namespaces import OWL, RDF, RDFS
from kg.project import Settings


def load_shapes_text(settings: Settings) -> str:
    paths = sorted(settings.shapes_dir.glob("*.ttl"))
    if not paths:
        raise InputError(f"no SHACL shapes in {settings.shapes_dir}")
    return "\n".join(settings.rebase(p.read_text(encoding="utf-8")) for p in paths)


def vocabulary_layer(ontology_triples: Iterable[ox.Triple]) -> list[ox.Triple]:
    """What validation needs from the ontology: the class hierarchy (for sh:class) and which
    properties are functional (for the conflict shape)."""
    functional = ox.NamedNode(OWL + "FunctionalProperty")
    return [
        t
        for t in ontology_triples
        if t.predicate.value == RDFS + "subClassOf" or (t.predicate.value == RDF + "type" and t.object == functional)
    ]
