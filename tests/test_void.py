"""output/void.ttl, checked against the files it describes and against kg's VoID/DCAT shapes
(kg/vocab/void-shapes.ttl, with pyshacl): sizes, checksums and counts are those of the published
files, the class partitions and vocabularies those of the parsed graph."""

from __future__ import annotations

import hashlib
import os
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pyshacl
import pytest
import rdflib

from kg.outputs import OUTPUTS
from kg.outputs.void import description_shapes
from kg.pipeline import build
from kg.project import open_project
from tests.helpers import scratch_project

BASE = "https://example.org/vyzov/"
DCAT = "http://www.w3.org/ns/dcat#"
DCTERMS = "http://purl.org/dc/terms/"
VOID = "http://rdfs.org/ns/void#"
SPDX = "http://spdx.org/rdf/terms#"
FOAF = "http://xmlns.com/foaf/0.1/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
KG = BASE + "ontology#"
IANA = "https://www.iana.org/assignments/media-types/"
FORMATS = {".ttl": ox.RdfFormat.TURTLE, ".nt": ox.RdfFormat.N_TRIPLES, ".nq": ox.RdfFormat.N_QUADS,
           ".trig": ox.RdfFormat.TRIG, ".jsonld": ox.RdfFormat.JSON_LD}


@pytest.fixture(scope="module")
def void(seed_output: Path) -> rdflib.Graph:
    # rdflib's own store: an Oxigraph store reads "5"^^xsd:nonNegativeInteger back as xsd:integer
    return rdflib.Graph().parse(seed_output / "void.ttl", format="turtle")


def one(graph: rdflib.Graph, subject: rdflib.term.Node, predicate: str) -> rdflib.term.Node:
    values = list(graph.objects(subject, rdflib.URIRef(predicate)))
    assert len(values) == 1, (subject, predicate, values)
    return values[0]


def distributions(graph: rdflib.Graph) -> dict[str, rdflib.term.Node]:
    """Each distribution node by the file name of its download URL."""
    found = {}
    for node in graph.objects(rdflib.URIRef(BASE + "dataset"), rdflib.URIRef(DCAT + "distribution")):
        url = str(one(graph, node, DCAT + "downloadURL"))
        assert url.startswith(BASE)
        found[url[len(BASE):]] = node
    return found


def shapes_graph(seed_project) -> rdflib.Graph:  # type: ignore[no-untyped-def]
    shapes = description_shapes(seed_project)
    graph = rdflib.Graph()
    graph.parse(data=ox.serialize(shapes.triples, format=ox.RdfFormat.N_TRIPLES), format="nt")
    return graph


def conforms(data: rdflib.Graph, shapes: rdflib.Graph) -> tuple[bool, str]:
    result, _, text = pyshacl.validate(data, shacl_graph=shapes, inference="none", allow_warnings=False)
    return bool(result), str(text)


def test_void_conforms_to_kgs_void_dcat_shapes(void: rdflib.Graph, seed_project) -> None:  # type: ignore[no-untyped-def]
    ok, text = conforms(void, shapes_graph(seed_project))
    assert ok, text


@pytest.mark.parametrize("break_it,complaint", [
    # a media type as a literal, as kg wrote it before
    (lambda g, d: g.set((d, rdflib.URIRef(DCAT + "mediaType"), rdflib.Literal("text/turtle"))), "mediaType"),
    (lambda g, d: g.set((d, rdflib.URIRef(DCAT + "mediaType"), rdflib.URIRef("https://example.org/text/turtle"))),
     "mediaType"),
    (lambda g, d: g.remove((d, rdflib.URIRef(DCAT + "downloadURL"), None)), "downloadURL"),
    (lambda g, d: g.set((d, rdflib.URIRef(DCAT + "byteSize"), rdflib.Literal("big"))), "byteSize"),
    (lambda g, d: g.set((rdflib.URIRef(str(d) + "#sha256"), rdflib.URIRef(SPDX + "algorithm"),
                         rdflib.URIRef(SPDX + "checksumAlgorithm_md5"))), "algorithm"),
    (lambda g, d: g.set((rdflib.URIRef(BASE + "dataset"), rdflib.URIRef(DCTERMS + "creator"),
                         rdflib.Literal("kg 0.1.0"))), "creator"),
    (lambda g, d: g.set((rdflib.URIRef(BASE + "dataset"), rdflib.URIRef(DCTERMS + "issued"),
                         rdflib.Literal("22 November 2026"))), "issued"),
    (lambda g, d: g.add((d, rdflib.URIRef(KG + "quads"), rdflib.Literal(1, datatype=rdflib.XSD.nonNegativeInteger))),
     "xone"),
])
def test_the_shapes_refuse_what_the_audit_found(void: rdflib.Graph, seed_project, break_it, complaint) -> None:  # type: ignore[no-untyped-def]
    broken = rdflib.Graph()
    for triple in void:
        broken.add(triple)
    break_it(broken, distributions(void)["vyzov.ttl"])
    ok, text = conforms(broken, shapes_graph(seed_project))
    assert not ok and complaint.lower() in text.lower(), text


def test_every_distribution_is_described_and_void_ttl_is_not_one(void: rdflib.Graph) -> None:
    expected = {out.pattern.format(stem="vyzov") for out in OUTPUTS if out.distribution}
    assert set(distributions(void)) == expected
    assert {"vyzov-rdf12.ttl", "vyzov-rdf12.nt", "vyzov.nq"} <= expected and "void.ttl" not in expected


def test_each_distribution_states_its_files_size_checksum_count_type_and_licence(void: rdflib.Graph,
                                                                                 seed_output: Path) -> None:
    by_name = {out.pattern.format(stem="vyzov"): out for out in OUTPUTS}
    licence = one(void, rdflib.URIRef(BASE + "dataset"), DCTERMS + "license")
    for name, node in distributions(void).items():
        data = (seed_output / name).read_bytes()
        size = one(void, node, DCAT + "byteSize")
        assert (int(size), size.datatype) == (len(data), rdflib.XSD.nonNegativeInteger), name
        checksum = one(void, node, SPDX + "checksum")
        assert one(void, checksum, SPDX + "algorithm") == rdflib.URIRef(SPDX + "checksumAlgorithm_sha256")
        assert str(one(void, checksum, SPDX + "checksumValue")) == hashlib.sha256(data).hexdigest(), name
        fmt = by_name[name].format
        parsed = {str(q) for q in ox.parse(data, format=FORMATS[Path(name).suffix], base_iri=BASE)}
        assert int(one(void, node, KG + ("quads" if fmt.quads else "triples"))) == len(parsed), name
        assert (node, rdflib.URIRef(KG + ("triples" if fmt.quads else "quads")), None) not in void
        assert one(void, node, DCAT + "mediaType") == rdflib.URIRef(IANA + fmt.media_type)
        assert one(void, node, DCTERMS + "license") == licence


def test_void_triples_counts_the_data_dump(void: rdflib.Graph, seed_output: Path) -> None:
    dataset = rdflib.URIRef(BASE + "dataset")
    assert one(void, dataset, VOID + "dataDump") == rdflib.URIRef(BASE + "vyzov.ttl")
    graph = set(ox.parse(path=seed_output / "vyzov.ttl", format=ox.RdfFormat.TURTLE))
    assert int(one(void, dataset, VOID + "triples")) == len(graph) == 6913


def test_class_partitions_are_every_class_of_the_graph(void: rdflib.Graph, seed_output: Path) -> None:
    graph = set(ox.parse(path=seed_output / "vyzov.ttl", format=ox.RdfFormat.TURTLE))
    counted = Counter(t.object.value for t in graph if t.predicate.value == RDF_TYPE)
    described = {}
    for partition in void.objects(rdflib.URIRef(BASE + "dataset"), rdflib.URIRef(VOID + "classPartition")):
        described[str(one(void, partition, VOID + "class"))] = int(one(void, partition, VOID + "entities"))
    assert described == dict(counted)
    for cls in ("http://www.w3.org/1999/02/22-rdf-syntax-ns#Statement", "https://schema.org/NewsArticle",
                "http://www.w3.org/ns/oa#SpecificResource", "http://www.w3.org/ns/oa#TextQuoteSelector",
                "http://www.w3.org/ns/oa#TextPositionSelector"):
        assert described[cls] > 0, cls


def test_void_vocabulary_is_every_namespace_of_the_graphs_predicates_and_classes(void: rdflib.Graph,
                                                                                seed_output: Path) -> None:
    graph = set(ox.parse(path=seed_output / "vyzov.ttl", format=ox.RdfFormat.TURTLE))
    terms = {t.predicate.value for t in graph} | {t.object.value for t in graph if t.predicate.value == RDF_TYPE}
    namespaces = {term.rsplit("#", 1)[0] + "#" if "#" in term else term.rsplit("/", 1)[0] + "/" for term in terms}
    described = {str(v) for v in void.objects(rdflib.URIRef(BASE + "dataset"), rdflib.URIRef(VOID + "vocabulary"))}
    assert described == namespaces
    assert {"https://schema.org/", KG, "http://www.w3.org/ns/prov#", "http://www.w3.org/ns/oa#",
            "http://wikiba.se/ontology#", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"} <= described


def test_publisher_creator_dates_and_software(void: rdflib.Graph) -> None:
    dataset = rdflib.URIRef(BASE + "dataset")
    for role in ("publisher", "creator"):
        agent = one(void, dataset, DCTERMS + role)
        assert isinstance(agent, rdflib.URIRef)
        assert (agent, rdflib.RDF.type, rdflib.URIRef(FOAF + "Agent")) in void
        assert str(one(void, agent, FOAF + "name")) == "The kg project maintainers"  # the fixture's kg.toml
    assert one(void, dataset, DCTERMS + "issued") == rdflib.Literal("2026-11-22", datatype=rdflib.XSD.date)
    if "SOURCE_DATE_EPOCH" not in os.environ:  # else modified is that instant
        # the newest of the issue date and the registry's dates (the fixture's sources have no later one)
        assert one(void, dataset, DCTERMS + "modified") == rdflib.Literal("2026-11-22", datatype=rdflib.XSD.date)
    software = one(void, one(void, dataset, "http://www.w3.org/ns/prov#wasGeneratedBy"),
                   "http://www.w3.org/ns/prov#wasAssociatedWith")
    assert (software, rdflib.RDF.type, rdflib.URIRef("http://www.w3.org/ns/prov#SoftwareAgent")) in void
    from kg import __version__
    assert str(one(void, software, "https://schema.org/softwareVersion")) == __version__
    assert (dataset, rdflib.URIRef("https://schema.org/softwareVersion"), None) not in void


def test_without_agents_or_dates_void_says_nothing_of_them_and_source_date_epoch_sets_modified(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = scratch_project(tmp_path)
    toml = root / "kg.toml"
    toml.write_text("\n".join(line for line in toml.read_text(encoding="utf-8").splitlines()
                              if not line.startswith(("issued", "publisher", "creator"))) + "\n", encoding="utf-8")
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    project = open_project(root)
    first = build(project, run_shacl=False).files["void.ttl"]
    described = {str(t.predicate) for t in ox.parse(first, format=ox.RdfFormat.TURTLE)}
    assert not {DCTERMS + "publisher", DCTERMS + "creator", DCTERMS + "issued"} & described
    modified = [t.object for t in ox.parse(first, format=ox.RdfFormat.TURTLE) if t.predicate.value == DCTERMS + "modified"]
    assert modified == [ox.Literal("2022-02-23", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#date"))]
    assert build(project, run_shacl=False).files["void.ttl"] == first  # the same inputs, the same bytes
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1634428800")
    stamped = build(project, run_shacl=False).files["void.ttl"]
    assert [t.object.value for t in ox.parse(stamped, format=ox.RdfFormat.TURTLE)
            if t.predicate.value == DCTERMS + "modified"] == ["2021-10-17T00:00:00Z"]
