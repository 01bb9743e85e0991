"""A VoID/DCAT description of the published dataset (output/void.ttl), written after the files it
describes so that each distribution carries its own size, checksum and count.

- The dataset `{base}dataset`: title, description, licence, `void:triples` and `void:dataDump` of
  the graph ({stem}.ttl, the file whose triples it counts), a class partition per class of that
  graph (every rdf:type object, rdf:Statement and the oa: classes included), `void:vocabulary` per
  namespace of its predicates and classes, its sources, and `dcterms:publisher`/`creator` agents
  (foaf:Agent) where kg.toml names them.
- Dates, reproducible from the inputs: `dcterms:issued` is kg.toml's `dataset.issued`;
  `dcterms:modified` is $SOURCE_DATE_EPOCH when set (an xsd:dateTime), else the newest of that
  issue date and the dates the source registry records (an article's `date` or `retrieved`; an
  xsd:date): the dataset changed no earlier than its newest source. Never the clock, never git.
- The software: `prov:wasGeneratedBy` a `prov:Activity` associated with a `prov:SoftwareAgent`
  that is a `schema:SoftwareApplication` with its `schema:softwareVersion` (the property's own
  domain), instead of a version on the dataset.
- Each distribution (each output registered with distribution=True): `dcat:downloadURL` and
  `dcat:accessURL`, `dcat:mediaType` as the IANA registration's IRI, `dcterms:conformsTo` its
  format's specification, `dcterms:license`, `dcat:byteSize`, an `spdx:checksum` (SHA-256, as
  DCAT 3 recommends) and the number of triples (`kg:triples`) or, for TriG and N-Quads, quads
  (`kg:quads`): DCAT has no count and VoID's void:triples belongs to a void:Dataset, which a file
  is not (kg/vocab/ontology.ttl declares both).

kg/vocab/void-shapes.ttl holds SHACL shapes this description conforms to."""

from __future__ import annotations

import datetime as dt
import hashlib
import operator
import os
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg import __version__
from kg.inputs.ontology import Vocabulary, read_vocabulary
from kg.model import Source
from kg.namespaces import DCAT, DCTERMS, FOAF, PROV, RDF, SCHEMA, SPDX, VOID, XSD
from kg.outputs import Output, output
from kg.project import Project
from kg.terms import integer_literal

A = ox.NamedNode(RDF + "type")
_PREDICATE = operator.attrgetter("predicate")
VOID_SHAPES = Path(__file__).resolve().parent.parent / "vocab" / "void-shapes.ttl"


@dataclass(frozen=True)
class Distribution:
    """A published file as the description needs it: which output, its bytes, and how many
    distinct triples (or quads, for a quad format) it holds."""

    output: Output
    data: bytes
    count: int


def describe(
    project: Project,
    triples: list[ox.Triple],
    entity_count: int,
    sources: Mapping[str, Source],
    distributions: Iterable[Distribution],
    environ: Mapping[str, str] | None = None,
) -> list[ox.Triple]:
    """The description of the dataset whose graph is `triples` ({stem}.ttl, distinct) and whose
    files are `distributions`, sorted."""
    base = project.base_iri
    dataset = ox.NamedNode(base + "dataset")
    n = ox.NamedNode
    language = project.language
    out = [
        ox.Triple(dataset, A, n(VOID + "Dataset")),
        ox.Triple(dataset, A, n(DCAT + "Dataset")),
        ox.Triple(dataset, n(DCTERMS + "title"), ox.Literal(project.title, language=language)),
        ox.Triple(dataset, n(VOID + "triples"), integer_literal(len(triples))),
        ox.Triple(dataset, n(VOID + "entities"), integer_literal(entity_count)),
        ox.Triple(dataset, n(VOID + "uriSpace"), ox.Literal(base + "id/")),
        ox.Triple(dataset, n(VOID + "dataDump"), n(base + output("graph").name(project))),
        *_software(dataset, base),
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
    if project.issued:
        out.append(ox.Triple(dataset, n(DCTERMS + "issued"), ox.Literal(project.issued, datatype=n(XSD + "date"))))
    changed = modified(sources.values(), project.issued, os.environ if environ is None else environ)
    if changed is not None:
        out.append(ox.Triple(dataset, n(DCTERMS + "modified"), changed))
    if project.example_entity:
        out.append(ox.Triple(dataset, n(VOID + "exampleResource"), n(f"{base}id/{project.example_entity}")))
    for key in sorted(sources):
        out.append(ox.Triple(dataset, n(DCTERMS + "source"), n(f"{base}source/{key}")))
    classes = class_counts(triples)
    for namespace in vocabularies(triples, classes):
        out.append(ox.Triple(dataset, n(VOID + "vocabulary"), n(namespace)))
    for cls, count in sorted(classes.items()):
        partition = n(f"{base}dataset/class/{hashlib.sha256(cls.encode()).hexdigest()[:12]}")
        out += [
            ox.Triple(dataset, n(VOID + "classPartition"), partition),
            ox.Triple(partition, n(VOID + "class"), n(cls)),
            ox.Triple(partition, n(VOID + "entities"), integer_literal(count)),
        ]
    for distribution in distributions:
        out += _distribution(project, dataset, distribution)
    return sorted(out, key=str)


def description_shapes(project: Project) -> Vocabulary:
    """The SHACL shapes of kg/vocab/void-shapes.ttl, read with the project's base IRI."""
    return read_vocabulary([VOID_SHAPES], project)


def _software(dataset: ox.NamedNode, base: str) -> list[ox.Triple]:
    n = ox.NamedNode
    build, software = n(base + "dataset/build"), n(base + "dataset/software")
    return [
        ox.Triple(dataset, n(PROV + "wasGeneratedBy"), build),
        ox.Triple(build, A, n(PROV + "Activity")),
        ox.Triple(build, n(PROV + "wasAssociatedWith"), software),
        ox.Triple(software, A, n(PROV + "SoftwareAgent")),
        ox.Triple(software, A, n(SCHEMA + "SoftwareApplication")),
        ox.Triple(software, n(SCHEMA + "name"), ox.Literal("kg")),
        ox.Triple(software, n(SCHEMA + "softwareVersion"), ox.Literal(__version__)),
    ]


def _distribution(project: Project, dataset: ox.NamedNode, distribution: Distribution) -> list[ox.Triple]:
    n = ox.NamedNode
    file_name, fmt = distribution.output.name(project), distribution.output.format
    node = n(f"{project.base_iri}dataset/{file_name}")
    checksum = n(f"{node.value}#sha256")
    count = "quads" if fmt.quads else "triples"
    out = [
        ox.Triple(dataset, n(DCAT + "distribution"), node),
        ox.Triple(node, A, n(DCAT + "Distribution")),
        ox.Triple(node, n(DCAT + "downloadURL"), n(project.base_iri + file_name)),
        ox.Triple(node, n(DCAT + "accessURL"), n(project.base_iri + file_name)),
        ox.Triple(node, n(DCAT + "mediaType"), n(fmt.media_type_iri)),
        ox.Triple(node, n(DCTERMS + "conformsTo"), n(fmt.specification)),
        ox.Triple(node, n(DCAT + "byteSize"), _non_negative(len(distribution.data))),
        ox.Triple(node, n(project.kg + count), _non_negative(distribution.count)),
        ox.Triple(node, n(SPDX + "checksum"), checksum),
        ox.Triple(checksum, A, n(SPDX + "Checksum")),
        ox.Triple(checksum, n(SPDX + "algorithm"), n(SPDX + "checksumAlgorithm_sha256")),
        ox.Triple(checksum, n(SPDX + "checksumValue"),
                  ox.Literal(hashlib.sha256(distribution.data).hexdigest(), datatype=n(XSD + "hexBinary"))),
    ]
    if project.license:
        out.append(ox.Triple(node, n(DCTERMS + "license"), n(project.license)))
    return out


def _non_negative(number: int) -> ox.Literal:
    return ox.Literal(str(number), datatype=ox.NamedNode(XSD + "nonNegativeInteger"))


def modified(sources: Iterable[Source], issued: str | None, environ: Mapping[str, str]) -> ox.Literal | None:
    """$SOURCE_DATE_EPOCH as an xsd:dateTime when set, else the newest of the issue date and the
    source registry's `date` and `retrieved` fields as an xsd:date, else None: a date the inputs fix.

    >>> modified([], None, {"SOURCE_DATE_EPOCH": "1634428800"}).value
    '2021-10-17T00:00:00Z'
    >>> modified([], "2026-11-22", {}).value, modified([], None, {}) is None
    ('2026-11-22', True)
    """
    epoch = environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        stamp = dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        return ox.Literal(stamp, datatype=ox.NamedNode(XSD + "dateTime"))
    dates = [d for source in sources for d in (source.date, source.retrieved) if d] + ([issued] if issued else [])
    return ox.Literal(max(dates), datatype=ox.NamedNode(XSD + "date")) if dates else None


def class_counts(triples: Iterable[ox.Triple]) -> Counter[str]:
    """How many nodes each class types, over every rdf:type of the graph's distinct triples."""
    return Counter(o.value for o in [t.object for t in triples if t.predicate == A] if isinstance(o, ox.NamedNode))


def namespace(iri: str) -> str:
    """An IRI up to its last '#' or '/': the namespace of a vocabulary term.

    >>> namespace("https://schema.org/Person"), namespace("http://www.w3.org/ns/oa#exact")
    ('https://schema.org/', 'http://www.w3.org/ns/oa#')
    """
    return iri[:max(iri.rfind("#"), iri.rfind("/")) + 1]


def vocabularies(triples: Iterable[ox.Triple], classes: Iterable[str]) -> list[str]:
    """The namespaces of every predicate the graph uses and of its classes, sorted."""
    return sorted({namespace(p.value) for p in set(map(_PREDICATE, triples))} | {namespace(c) for c in classes})
