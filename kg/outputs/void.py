"""A VoID/DCAT description of the published dataset."""

from __future__ import annotations

import datetime as dt
import hashlib
import os

import pyoxigraph as ox

from kg import __version__
from kg.namespaces import DCAT, DCTERMS, RDF, SCHEMA, VOID, XSD
from kg.project import Settings

A = ox.NamedNode(RDF + "type")
LICENSE = "https://creativecommons.org/publicdomain/zero/1.0/"
DISTRIBUTIONS = {
    # file name -> media type
    "vyzov.ttl": "text/turtle",
    "vyzov.jsonld": "application/ld+json",
    "vyzov.trig": "application/trig",
    "vyzov.nq": "application/n-quads",
    "vyzov-wikidata.ttl": "text/turtle",
}


def _int(n: int) -> ox.Literal:
    return ox.Literal(str(n), datatype=ox.NamedNode(XSD + "integer"))


def describe(
    settings: Settings,
    triple_count: int,
    entity_count: int,
    source_keys: list[str],
    class_counts: dict[str, int],
) -> list[ox.Triple]:
    base = settings.base_iri
    dataset = ox.NamedNode(base + "dataset")
    n = ox.NamedNode
    out = [
        ox.Triple(dataset, A, n(VOID + "Dataset")),
        ox.Triple(dataset, A, n(DCAT + "Dataset")),
        ox.Triple(dataset, n(DCTERMS + "title"), ox.Literal("Vyzov knowledge graph", language="en")),
        ox.Triple(dataset, n(DCTERMS + "description"), ox.Literal(
            "Claims about the 2021 Soyuz MS-19 flight to film Vyzov (The Challenge), each backed by a "
            "verbatim quote from a news article, with per-triple provenance.", language="en")),
        ox.Triple(dataset, n(DCTERMS + "license"), n(LICENSE)),
        ox.Triple(dataset, n(VOID + "triples"), _int(triple_count)),
        ox.Triple(dataset, n(VOID + "entities"), _int(entity_count)),
        ox.Triple(dataset, n(VOID + "uriSpace"), ox.Literal(base + "id/")),
        ox.Triple(dataset, n(VOID + "vocabulary"), n(SCHEMA)),
        ox.Triple(dataset, n(VOID + "vocabulary"), n(settings.kg)),
        ox.Triple(dataset, n(VOID + "dataDump"), n(base + "vyzov.nq")),
        ox.Triple(dataset, n(VOID + "exampleResource"), n(base + "id/film/vyzov")),
        ox.Triple(dataset, n(DCTERMS + "creator"), ox.Literal(f"kg {__version__}")),
        ox.Triple(dataset, n(SCHEMA + "softwareVersion"), ox.Literal(__version__)),
    ]
    for key in source_keys:
        out.append(ox.Triple(dataset, n(DCTERMS + "source"), n(f"{base}source/{key}")))
    for file_name, media_type in DISTRIBUTIONS.items():
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
            ox.Triple(partition, n(VOID + "entities"), _int(count)),
        ]
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        stamp = dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        out.append(ox.Triple(dataset, n(DCTERMS + "modified"), ox.Literal(stamp, datatype=n(XSD + "dateTime"))))
    return sorted(out, key=str)
