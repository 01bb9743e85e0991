"""A VoID/DCAT description of the published dataset."""

from __future__ import annotations

import datetime as dt
import hashlib
import os

import pyoxigraph as ox

from kg import __version__
from kg.namespaces import DCAT, DCTERMS, FOAF, RDF, SCHEMA, VOID, XSD
from kg.outputs import OUTPUTS, output
from kg.project import Project
from kg.terms import integer_literal

A = ox.NamedNode(RDF + "type")


def describe(
    project: Project,
    triple_count: int,
    entity_count: int,
    source_keys: list[str],
    class_counts: dict[str, int],
) -> list[ox.Triple]:
    base = project.base_iri
    dataset = ox.NamedNode(base + "dataset")
    n = ox.NamedNode
    language = project.language
    out = [
        ox.Triple(dataset, A, n(VOID + "Dataset")),
        ox.Triple(dataset, A, n(DCAT + "Dataset")),
        ox.Triple(dataset, n(DCTERMS + "title"), ox.Literal(project.title, language=language)),
        ox.Triple(dataset, n(VOID + "triples"), integer_literal(triple_count)),
        ox.Triple(dataset, n(VOID + "entities"), integer_literal(entity_count)),
        ox.Triple(dataset, n(VOID + "uriSpace"), ox.Literal(base + "id/")),
        ox.Triple(dataset, n(VOID + "vocabulary"), n(SCHEMA)),
        ox.Triple(dataset, n(VOID + "vocabulary"), n(project.kg)),
        ox.Triple(dataset, n(VOID + "dataDump"), n(base + output("dataset-nquads").name(project))),
        ox.Triple(dataset, n(DCTERMS + "creator"), ox.Literal(f"kg {__version__}")),
        ox.Triple(dataset, n(SCHEMA + "softwareVersion"), ox.Literal(__version__)),
    ]
    if project.description:
        out.append(ox.Triple(dataset, n(DCTERMS + "description"), ox.Literal(project.description, language=language)))
    if project.license:
        out.append(ox.Triple(dataset, n(DCTERMS + "license"), n(project.license)))
    for role, agent in (("publisher", project.publisher), ("creator", project.creator)):
        if agent is None:
            continue
        node = n(f"{base}dataset/{role}")
        out += [
            ox.Triple(dataset, n(DCTERMS + role), node),
            ox.Triple(node, A, n(FOAF + "Agent")),
            ox.Triple(node, n(FOAF + "name"), ox.Literal(agent.name)),
        ]
        if agent.url:
            out.append(ox.Triple(node, n(FOAF + "homepage"), n(agent.url)))
    if project.example_entity:
        out.append(ox.Triple(dataset, n(VOID + "exampleResource"), n(f"{base}id/{project.example_entity}")))
    for key in source_keys:
        out.append(ox.Triple(dataset, n(DCTERMS + "source"), n(f"{base}source/{key}")))
    for published in OUTPUTS:
        if not published.distribution:
            continue
        file_name, media_type = published.name(project), published.format.media_type
        dist = n(f"{base}dataset/{file_name}")
        out += [
            ox.Triple(dataset, n(DCAT + "distribution"), dist),
            ox.Triple(dist, A, n(DCAT + "Distribution")),
            ox.Triple(dist, n(DCAT + "downloadURL"), n(base + file_name)),
            ox.Triple(dist, n(DCAT + "mediaType"), ox.Literal(media_type)),
        ]
    for cls, count in sorted(class_counts.items()):
        partition = n(f"{base}dataset/class/{hashlib.sha256(cls.encode()).hexdigest()[:12]}")
        out += [
            ox.Triple(dataset, n(VOID + "classPartition"), partition),
            ox.Triple(partition, n(VOID + "class"), n(cls)),
            ox.Triple(partition, n(VOID + "entities"), integer_literal(count)),
        ]
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        stamp = dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        out.append(ox.Triple(dataset, n(DCTERMS + "modified"), ox.Literal(stamp, datatype=n(XSD + "dateTime"))))
    return sorted(out, key=str)
