"""Language tags keep their canonical BCP 47 case in every published file: the seed's facts write
the film's name as "Vyzov"@ru-Latn, and pyoxigraph, which lowercases tags, must not turn it into
@ru-latn (a different literal to Jena, which compares tags as written)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

from kg.outputs import rdf as serialize
from kg.outputs.rdf import canonical_language_tags
from kg.terms import canonical_language_tag

FILM = rdflib.URIRef("https://example.org/vyzov/id/film/vyzov")
NAME = rdflib.URIRef("https://schema.org/name")


@pytest.mark.parametrize("tag,canonical", [
    ("en", "en"), ("RU", "ru"), ("ru-latn", "ru-Latn"), ("ru-LATN", "ru-Latn"), ("en-gb", "en-GB"),
    ("zh-hant-tw", "zh-Hant-TW"), ("sr-cyrl-rs", "sr-Cyrl-RS"), ("es-419", "es-419"),
    ("sgn-be-fr", "sgn-BE-FR"), ("en-ca-x-ca", "en-CA-x-ca"), ("az-latn-x-latn", "az-Latn-x-latn"),
    ("de-ch-1996", "de-CH-1996"), ("en-a-bbb-x-a-ccc", "en-a-bbb-x-a-ccc"), ("x-whatever", "x-whatever"),
    ("i-klingon", "i-klingon"), ("en-gb-oed", "en-GB-oed"),
])
def test_canonical_language_tag(tag: str, canonical: str) -> None:
    assert canonical_language_tag(tag) == canonical


def test_only_tags_after_a_literal_change() -> None:
    literal = ox.Literal('say "@ru-latn, \\"@en-gb\\', language="ru-Latn")
    triple = ox.Triple(ox.NamedNode("http://a"), ox.NamedNode("http://b"), literal)
    for fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.N_TRIPLES):
        data = serialize.serialize([triple], fmt)
        assert data.endswith(b'"@ru-Latn .\n') and b'\\"@ru-latn, \\\\\\"@en-gb\\\\"' in data, data
        parsed = rdflib.Graph().parse(data=data, format="turtle" if fmt is ox.RdfFormat.TURTLE else "nt")
        assert [(str(o), o.language) for o in parsed.objects()] == [(literal.value, "ru-Latn")]
    assert canonical_language_tags(b'"a"@en .') == b'"a"@en .'


def _languages(graph: rdflib.Graph) -> set[str | None]:
    return {o.language for o in graph.objects(FILM, NAME) if isinstance(o, rdflib.Literal)}


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # rdflib's own parsers, on its Dataset
@pytest.mark.parametrize("name,fmt", [("vyzov.ttl", "turtle"), ("vyzov.trig", "trig"), ("vyzov.nq", "nquads"),
                                      ("vyzov.jsonld", "json-ld")])
def test_every_published_format_writes_ru_latn(seed_output: Path, name: str, fmt: str) -> None:
    text = (seed_output / name).read_text(encoding="utf-8")
    assert "ru-latn" not in text
    assert len(re.findall(r'"Vyzov"(@|, "@language": ")ru-Latn', text)) >= 1, name
    graph: rdflib.Graph = rdflib.Dataset() if fmt in ("trig", "nquads") else rdflib.Graph()
    graph.parse(seed_output / name, format=fmt)
    if isinstance(graph, rdflib.Dataset):
        graph = graph.default_graph if fmt == "trig" else next(g for g in graph.graphs() if len(g) > 1000)
    assert _languages(graph) == {"ru-Latn"}  # rdflib keeps the case it reads


def test_the_site_writes_ru_latn(site_dir: Path) -> None:
    texts = [p.read_text(encoding="utf-8") for p in site_dir.rglob("*") if p.suffix in (".html", ".ttl", ".jsonld", ".nq", ".nt")]
    assert not any("ru-latn" in t for t in texts)
    page = next(p for p in site_dir.rglob("*.html") if p.parent.name == "film" or "film/vyzov" in p.as_posix())
    embedded = re.search(r'<script type="application/ld\+json">(.*?)</script>', page.read_text(encoding="utf-8"), re.S)
    assert embedded is not None
    assert json.loads(embedded.group(1))["name"] == {"@value": "Vyzov", "@language": "ru-Latn"}  # its one name


def test_the_wikidata_view_is_written_by_the_same_writer() -> None:
    """The Wikidata view is Turtle from kg.outputs.rdf.turtle; the seed's view has no language tags."""
    triple = ox.Triple(ox.NamedNode("http://www.wikidata.org/entity/Q1"), ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"),
                       ox.Literal("Vyzov", language="ru-Latn"))
    assert serialize.turtle([triple], {}).endswith(b'"Vyzov"@ru-Latn .\n')
