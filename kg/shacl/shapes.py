"""The shapes a build validates with, and the part of the ontology SHACL needs beside the data."""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox

from kg.inputs.ontology import Ontology, Vocabulary, load_ontology, read_vocabulary, shape_files
from kg.namespaces import OWL, RDF, RDFS
from kg.project import Project


def load_shapes(project: Project, ontology: Ontology | None = None) -> Vocabulary:
    """kg's own shapes, the project's shapes/*.ttl and the domain and range shapes generated from
    the ontology (kg.shacl.generated), as one shapes graph with its prefixes."""
    from kg.shacl.generated import generated_shapes

    written = read_vocabulary(shape_files(project), project)
    generated = generated_shapes(ontology or load_ontology(project), project)
    return Vocabulary((*written.triples, *generated), {"kgsh": project.base_iri + "shapes#", **written.prefixes})


def vocabulary_layer(ontology_triples: Iterable[ox.Triple]) -> list[ox.Triple]:
    """What validation needs from the ontology: the class hierarchy (for sh:class) and which
    properties are functional (for the conflict shape)."""
    functional = ox.NamedNode(OWL + "FunctionalProperty")
    return [
        t
        for t in ontology_triples
        if t.predicate.value == RDFS + "subClassOf" or (t.predicate.value == RDF + "type" and t.object == functional)
    ]
