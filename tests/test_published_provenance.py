"""The frozen seed's published files, checked independently of the build code."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
import yaml
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

from tests.conftest import SEED

OA = rdflib.Namespace("http://www.w3.org/ns/oa#")
PROV = rdflib.Namespace("http://www.w3.org/ns/prov#")
SCHEMA = rdflib.Namespace("https://schema.org/")
WIKIBASE = rdflib.Namespace("http://wikiba.se/ontology#")
RDF = rdflib.RDF

PROVENANCE_TYPES = {
    RDF.Statement,
    OA.SpecificResource,
    OA.TextQuoteSelector,
    OA.TextPositionSelector,
    SCHEMA.NewsArticle,
}
IDENTITY_LINKS = {rdflib.OWL.sameAs, SCHEMA.sameAs}


def _source_key(graph: rdflib.Graph, article: rdflib.term.Node) -> str:
    return str(graph.value(article, SCHEMA.identifier))


def test_every_facts_quote_is_in_its_source(source_texts: dict[str, str]) -> None:
    """Read facts/ as plain YAML: each quote occurs in the text, unambiguously or by occurrence."""
    checked = 0

    def walk(node: object, path: str) -> None:
        nonlocal checked
        if isinstance(node, dict):
            if "source" in node and "quote" in node:
                text = source_texts[node["source"]]
                count = text.count(node["quote"])
                assert count >= 1, f"{path}: quote not in {node['source']}: {node['quote']!r}"
                if count > 1:
                    assert 1 <= node.get("occurrence", 0) <= count, f"{path}: ambiguous quote {node['quote']!r}"
                checked += 1
            for key, value in node.items():
                walk(value, f"{path}.{key}")
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, f"{path}[{i}]")

    for path in sorted((SEED / "facts").rglob("*.yaml")):
        walk(yaml.safe_load(path.read_text(encoding="utf-8")), path.name)
    assert checked > 0


def test_exact_equals_the_slice_of_the_article_text(turtle_graph: rdflib.Graph, source_texts: dict[str, str]) -> None:
    references = list(turtle_graph.subjects(RDF.type, OA.SpecificResource))
    assert references
    for ref in references:
        article = turtle_graph.value(ref, OA.hasSource)
        text = str(turtle_graph.value(article, SCHEMA.text))
        assert text == source_texts[_source_key(turtle_graph, article)], "published text differs from sources/"
        selectors = list(turtle_graph.objects(ref, OA.hasSelector))
        quote = next(s for s in selectors if (s, RDF.type, OA.TextQuoteSelector) in turtle_graph)
        position = next(s for s in selectors if (s, RDF.type, OA.TextPositionSelector) in turtle_graph)
        start = int(turtle_graph.value(position, OA.start))
        end = int(turtle_graph.value(position, OA.end))
        exact = str(turtle_graph.value(quote, OA.exact))
        assert 0 <= start < end <= len(text)
        assert text[start:end] == exact
        assert text[:start].endswith(str(turtle_graph.value(quote, OA.prefix)))
        assert text[end:].startswith(str(turtle_graph.value(quote, OA.suffix)))


def test_every_asserted_triple_has_a_statement_node(turtle_graph: rdflib.Graph) -> None:
    layer_nodes = {s for t in PROVENANCE_TYPES for s in turtle_graph.subjects(RDF.type, t)}
    reified = {
        (turtle_graph.value(st, RDF.subject), turtle_graph.value(st, RDF.predicate), turtle_graph.value(st, RDF.object))
        for st in turtle_graph.subjects(RDF.type, RDF.Statement)
        if turtle_graph.value(st, PROV.wasDerivedFrom) is not None
    }
    domain = [
        t for t in turtle_graph
        if t[0] not in layer_nodes and t[1] not in IDENTITY_LINKS
    ]
    assert domain
    missing = [t for t in domain if t not in reified]
    assert missing == []


def test_no_blank_nodes(turtle_graph: rdflib.Graph) -> None:
    assert not any(isinstance(term, rdflib.BNode) for triple in turtle_graph for term in triple)


def test_deprecated_statements_are_not_asserted(turtle_graph: rdflib.Graph) -> None:
    for st in turtle_graph.subjects(WIKIBASE.rank, WIKIBASE.DeprecatedRank):
        triple = tuple(turtle_graph.value(st, part) for part in (RDF.subject, RDF.predicate, RDF.object))
        assert triple not in turtle_graph


def _oxigraph_as_rdflib(path: Path, fmt: ox.RdfFormat) -> rdflib.Graph:
    graph = rdflib.Graph()
    for t in ox.parse(path=str(path), format=fmt):
        graph.add(tuple(_to_rdflib(term) for term in (t.subject, t.predicate, t.object)))  # type: ignore[arg-type]
    return graph


def _to_rdflib(term: object) -> rdflib.term.Node:
    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    assert isinstance(term, ox.Literal)
    if term.language:
        return rdflib.Literal(term.value, lang=term.language)
    return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))


def _assert_isomorphic(a: rdflib.Graph, b: rdflib.Graph) -> None:
    if not isomorphic(a, b):
        _, only_a, only_b = graph_diff(to_isomorphic(a), to_isomorphic(b))
        pytest.fail(f"graphs differ: only in first {sorted(only_a)[:5]}, only in second {sorted(only_b)[:5]}")


def test_turtle_and_jsonld_are_the_same_graph_with_rdflib(turtle_graph: rdflib.Graph, seed_output: Path) -> None:
    jsonld = rdflib.Graph()
    jsonld.parse(seed_output / "vyzov.jsonld", format="json-ld")
    assert len(jsonld) == len(turtle_graph)
    _assert_isomorphic(turtle_graph, jsonld)


def test_turtle_and_jsonld_are_the_same_graph_with_pyoxigraph(seed_output: Path) -> None:
    turtle = _oxigraph_as_rdflib(seed_output / "vyzov.ttl", ox.RdfFormat.TURTLE)
    jsonld = _oxigraph_as_rdflib(seed_output / "vyzov.jsonld", ox.RdfFormat.JSON_LD)
    _assert_isomorphic(turtle, jsonld)


def test_jsonld_context_is_embedded_and_published(seed_output: Path) -> None:
    import json

    document = json.loads((seed_output / "vyzov.jsonld").read_text(encoding="utf-8"))
    published = json.loads((seed_output / "context.jsonld").read_text(encoding="utf-8"))
    assert isinstance(document["@context"], dict), "a remote context would have to be fetched"
    assert document["@context"] == published["@context"]


SourcesByTriple = dict[tuple[str, str, str], set[str]]


def _dataset_maps(path: Path, fmt: ox.RdfFormat) -> tuple[SourcesByTriple, SourcesByTriple]:
    """(triple -> sources via named graphs, triple -> sources via reification) from one dataset file."""
    quads = list(ox.parse(path=str(path), format=fmt))
    default = [q for q in quads if isinstance(q.graph_name, ox.DefaultGraph)]
    named = [q for q in quads if not isinstance(q.graph_name, ox.DefaultGraph)]
    prov_source = "http://www.w3.org/ns/prov#hadPrimarySource"
    sources: dict[str, set[str]] = defaultdict(set)
    for q in default:
        if q.predicate.value == prov_source:
            sources[q.subject.value].add(q.object.value)
    rank = {q.subject.value: q.object.value for q in default if q.predicate.value == str(WIKIBASE.rank)}
    parts: dict[str, dict[str, str]] = defaultdict(dict)
    for q in default:
        if q.predicate.value in (str(RDF.subject), str(RDF.predicate), str(RDF.object)):
            parts[q.subject.value][q.predicate.value] = str(q.object)
    by_reification: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    for st, p in parts.items():
        if rank[st] != str(WIKIBASE.DeprecatedRank):
            by_reification[(p[str(RDF.subject)], p[str(RDF.predicate)], p[str(RDF.object)])] |= sources[st]
    by_graph: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    for q in named:
        by_graph[(str(q.subject), str(q.predicate), str(q.object))] |= sources[q.graph_name.value]
    return dict(by_graph), dict(by_reification)


@pytest.mark.parametrize("name,fmt", [("vyzov.trig", ox.RdfFormat.TRIG), ("vyzov.nq", ox.RdfFormat.N_QUADS)])
def test_named_graphs_and_reification_give_the_same_provenance(name: str, fmt: ox.RdfFormat, seed_output: Path) -> None:
    by_graph, by_reification = _dataset_maps(seed_output / name, fmt)
    assert by_graph
    assert by_graph == by_reification


def test_dataset_default_graph_is_the_turtle_graph(seed_output: Path) -> None:
    quads = ox.parse(path=str(seed_output / "vyzov.trig"), format=ox.RdfFormat.TRIG)
    default = {str(ox.Triple(q.subject, q.predicate, q.object))
               for q in quads if isinstance(q.graph_name, ox.DefaultGraph)}
    turtle = {str(t) for t in ox.parse(path=str(seed_output / "vyzov.ttl"), format=ox.RdfFormat.TURTLE)}
    assert default == turtle
