"""The shapes a build validates with, and the part of the ontology SHACL needs beside the data."""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox

from kg.inputs.ontology import Ontology, Vocabulary, load_ontology, read_vocabulary, shape_files
from kg.namespaces import RDF, RDFS
from kg.project import Project


def load_shapes(project: Project, ontology: Ontology | None = None) -> Vocabulary:
    """kg's own shapes, the project's shapes/*.ttl and the domain and range shapes generated from
    the ontology (kg.shacl.generated), as one shapes graph with its prefixes."""
    from kg.shacl.generated import generated_shapes

    written = read_vocabulary(shape_files(project), project)
    generated = generated_shapes(ontology or load_ontology(project), project)
    return Vocabulary((*written.triples, *generated), {"kgsh": project.base_iri + "shapes#", **written.prefixes})


def vocabulary_layer(ontology_triples: Iterable[ox.Triple], kg_namespace: str) -> list[ox.Triple]:
    """What validation needs from the ontology: the class hierarchy (for sh:class) and which
    properties are single-valued (kg:SingleValuedProperty in the project's `kg_namespace`, for
    the conflict shape)."""
    single_valued = ox.NamedNode(kg_namespace + "SingleValuedProperty")
    return [
        t
        for t in ontology_triples
        if t.predicate.value == RDFS + "subClassOf" or (t.predicate.value == RDF + "type" and t.object == single_valued)
    ]


def published_shapes(shapes: Vocabulary, project: Project) -> list[ox.Triple]:
    """The shapes graph as output/shapes.ttl publishes it: a blank node a project's shapes may
    hold (`sh:or ( [ sh:class … ] … )`) becomes `<base>shapes#node-N`, numbered in reading order,
    so the file is byte-stable and has no blank node; kg's own shapes have none."""
    names: dict[ox.BlankNode, ox.NamedNode] = {}

    def named(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> ox.NamedNode | ox.Literal:
        if isinstance(term, ox.BlankNode):
            return names.setdefault(term, ox.NamedNode(f"{project.base_iri}shapes#node-{len(names) + 1}"))
        assert isinstance(term, (ox.NamedNode, ox.Literal)), "shapes hold no RDF-star triples"
        return term

    out = []
    for t in shapes.triples:
        subject = named(t.subject)
        assert isinstance(subject, ox.NamedNode)
        out.append(ox.Triple(subject, t.predicate, named(t.object)))
    return out
