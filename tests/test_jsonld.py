"""The published JSON-LD reads as schema.org's examples do and is exactly the Turtle's graph, as
two independent JSON-LD processors read it: pyld, and jsonld.js in Node (installed from the npm
registry by a fixture into tests/node/node_modules, its download cache in tests/.npm-cache, both
ignored by git), each run with a document loader that refuses to fetch anything."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Callable, Iterable
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyld import jsonld as pyld

from kg.namespaces import OA, RDF, SCHEMA, XSD
from kg.outputs.jsonld import make_context, to_jsonld
from tests.conftest import REPOSITORY
from tests.servers import missing

NODE_DIR = REPOSITORY / "tests" / "node"
NPM_CACHE = REPOSITORY / "tests" / ".npm-cache"
KG = "https://example.org/vyzov/ontology#"

Triple = tuple[object, object, object]


def _term(node: object) -> object:
    """A term compared exactly: an IRI, or a literal's lexical form with its datatype or its
    language (lowercase: RDF compares tags case-insensitively, and processors differ in case)."""
    if isinstance(node, ox.Literal):
        if node.language:
            return ("literal", node.value, "@" + node.language.lower())
        return ("literal", node.value, node.datatype.value)
    assert isinstance(node, ox.NamedNode), f"{node} in published output"
    return node.value


def graph(data: bytes | str | Path, fmt: ox.RdfFormat) -> set[Triple]:
    quads = ox.parse(path=str(data), format=fmt) if isinstance(data, Path) else \
        ox.parse(data.encode("utf-8") if isinstance(data, str) else data, format=fmt)
    return {(_term(q.subject), _term(q.predicate), _term(q.object)) for q in quads}


def _refuse(url: str, options: object = None) -> object:
    raise RuntimeError(f"refused to fetch {url}: kg's JSON-LD embeds its context")


def pyld_graph(document: object) -> set[Triple]:
    nquads = pyld.to_rdf(document, {"format": "application/n-quads", "documentLoader": _refuse})
    return graph(nquads, ox.RdfFormat.N_QUADS)


# --- jsonld.js -------------------------------------------------------------------------------

def _installed_version() -> str | None:
    package = NODE_DIR / "node_modules" / "jsonld" / "package.json"
    return json.loads(package.read_text(encoding="utf-8"))["version"] if package.exists() else None


@pytest.fixture(scope="session")
def jsonld_js() -> Callable[[list[Path]], list[dict[str, object]]]:
    """Runs tests/node/to_rdf.js (jsonld.js toRDF in safe mode) over JSON-LD files in one Node
    process. jsonld.js is installed once (npm ci from tests/node/package-lock.json, offline from
    the cache when it holds the packages); a later session finds it installed and runs no npm."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        missing("Node.js and npm (Debian packages nodejs, npm)")
    assert node is not None and npm is not None
    wanted = json.loads((NODE_DIR / "package.json").read_text(encoding="utf-8"))["dependencies"]["jsonld"]
    if _installed_version() != wanted:
        done = subprocess.run(
            [npm, "ci", "--cache", str(NPM_CACHE), "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=NODE_DIR, capture_output=True, text=True, timeout=600, check=False,
        )
        if done.returncode != 0:
            message = f"npm ci in tests/node failed: {done.stderr.strip()[-2000:]}"
            if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
                pytest.fail(message)
            pytest.skip(message)
        assert _installed_version() == wanted

    def run(paths: list[Path]) -> list[dict[str, object]]:
        done = subprocess.run([node, str(NODE_DIR / "to_rdf.js"), *map(str, paths)],
                              capture_output=True, text=True, timeout=300, check=False)
        assert done.returncode == 0, done.stderr
        results: list[dict[str, object]] = json.loads(done.stdout)
        for result in results:
            assert "error" not in result, result
        return results

    return run


# --- the published document ------------------------------------------------------------------

@pytest.fixture(scope="module")
def document(seed_output: Path) -> dict[str, object]:
    loaded: dict[str, object] = json.loads((seed_output / "vyzov.jsonld").read_text(encoding="utf-8"))
    return loaded


def _nodes(document: dict[str, object]) -> dict[str, dict[str, object]]:
    nodes = document["@graph"]
    assert isinstance(nodes, list)
    return {node["@id"]: node for node in nodes}


def test_pyld_reads_the_turtle_graph(seed_output: Path, document: dict[str, object]) -> None:
    turtle = graph(seed_output / "vyzov.ttl", ox.RdfFormat.TURTLE)
    assert pyld_graph(document) == turtle
    assert len(turtle) > 6000


def test_jsonld_js_reads_the_turtle_graph_and_finds_the_movie(
    seed_output: Path, site_dir: Path, tmp_path: Path, jsonld_js: Callable[[list[Path]], list[dict[str, object]]]
) -> None:
    """The published document, two resources' data files and a page's island, in one Node run."""
    island = tmp_path / "island.jsonld"
    island.write_text(_island(site_dir / "id/film/vyzov.html"), encoding="utf-8")
    files = [seed_output / "vyzov.jsonld", site_dir / "id/film/vyzov.jsonld",
             site_dir / "id/person/klim-shipenko.jsonld", island]
    published, film, person, page = jsonld_js(files)
    assert graph(str(published["nquads"]), ox.RdfFormat.N_QUADS) == graph(seed_output / "vyzov.ttl", ox.RdfFormat.TURTLE)
    assert published["movies"] == ["film:vyzov", "work:2001-a-space-odyssey", "work:interstellar"]
    for result, stem in ((film, "id/film/vyzov"), (person, "id/person/klim-shipenko")):
        assert graph(str(result["nquads"]), ox.RdfFormat.N_QUADS) == graph(site_dir / f"{stem}.nt", ox.RdfFormat.N_TRIPLES)
    assert film["movies"] == ["film:vyzov"]
    embedded = graph(str(page["nquads"]), ox.RdfFormat.N_QUADS)
    assert embedded <= graph(seed_output / "vyzov.ttl", ox.RdfFormat.TURTLE) and len(embedded) > 20


def test_the_film_reads_as_schema_org_json_ld(document: dict[str, object]) -> None:
    context = document["@context"]
    assert isinstance(context, dict)
    assert context["@vocab"] == SCHEMA and context["@language"] == "en"
    film = _nodes(document)["film:vyzov"]
    assert film["@type"] == "Movie"
    assert film["director"] == "person:klim-shipenko"  # an IRI by the term's "@type": "@id"
    assert context["director"] == {"@id": "schema:director", "@type": "@id"}
    assert film["budgetDisclosed"] is False
    assert "The Challenge" in film["alternateName"]  # type: ignore[operator]
    person = _nodes(document)["person:klim-shipenko"]
    assert person["name"] == "Klim Shipenko" and person["@type"] == "Person"
    assert person["age"] == 38 and type(person["age"]) is int


def test_keys_are_plain_terms_and_no_value_is_a_list_of_one(document: dict[str, object]) -> None:
    context = document["@context"]
    assert isinstance(context, dict)
    keys: set[str] = set()
    for node in _nodes(document).values():
        for key, value in node.items():
            keys.add(key)
            assert not (isinstance(value, list) and len(value) == 1), (node["@id"], key)
            for item in value if isinstance(value, list) else [value]:
                assert not (isinstance(item, dict) and set(item) == {"@value"} and key in context
                            and isinstance(context[key], dict) and context[key].get("@language", "") is None)
    curies = {k for k in keys if ":" in k}
    # a compact IRI only where the plain name is taken: value: is a prefix, schema.org has an `object`
    # and a `sha256`, and sameAs is schema.org's
    assert curies == {"schema:value", "rdf:object", "kg:sha256", "owl:sameAs"}
    assert {"name", "director", "wasDerivedFrom", "hasSource", "exact", "start", "end", "rank"} <= keys


def test_every_value_is_in_its_tightest_lossless_form(document: dict[str, object]) -> None:
    """Offsets are JSON numbers, quotes plain strings (a key with "@language": null), dates plain
    strings under a datatype; a value object only where a key's values are of mixed kinds."""
    nodes = _nodes(document)
    position = next(n for n in nodes.values() if n.get("@type") == "TextPositionSelector")
    assert type(position["start"]) is int and type(position["end"]) is int
    quote = next(n for n in nodes.values() if n.get("@type") == "TextQuoteSelector")
    assert isinstance(quote["exact"], str)
    context = document["@context"]
    assert isinstance(context, dict)
    assert context["exact"] == {"@id": "oa:exact", "@language": None}
    assert context["start"] == {"@id": "oa:start", "@type": "xsd:integer"}
    mission = nodes["mission:soyuz-ms-19"]
    assert mission["launchDate"] == "2021-10-05" and context["launchDate"] == {"@id": "kg:launchDate", "@type": "xsd:date"}
    # a statement's rdf:object is an IRI, a string in a language, a date, …: no coercion, value objects
    assert "rdf:object" not in context and "object" not in context
    objects = [n["rdf:object"] for n in nodes.values() if "rdf:object" in n]
    assert {"@id": "person:klim-shipenko"} in objects and "Klim Shipenko" in objects
    assert {"@value": "2021-10-05", "@type": "xsd:date"} in objects and 38 in objects


def test_the_context_is_published_embedded_and_a_function_of_the_graph(
    seed_output: Path, document: dict[str, object]
) -> None:
    published = json.loads((seed_output / "context.jsonld").read_text(encoding="utf-8"))
    assert published == {"@context": document["@context"]}
    triples = [q.triple for q in ox.parse(path=str(seed_output / "vyzov.ttl"), format=ox.RdfFormat.TURTLE)]
    # the prefixes: the context's entries that are whole IRIs (a term's is a compact IRI or an object)
    prefixes = {k: v for k, v in published["@context"].items() if k != "@vocab" and isinstance(v, str) and "://" in v}
    forward = make_context(triples, prefixes, "en").document()
    backward = make_context(reversed(triples), prefixes, "en").document()
    assert forward == backward == published


def test_resource_data_files_use_the_published_context(seed_output: Path, site_dir: Path) -> None:
    published = json.loads((seed_output / "context.jsonld").read_text(encoding="utf-8"))["@context"]
    for stem in ("id/film/vyzov", "id/person/klim-shipenko", "source/001_b25d8b9e867eeac6"):
        document = json.loads((site_dir / f"{stem}.jsonld").read_text(encoding="utf-8"))
        embedded = document["@context"]
        assert embedded.items() <= published.items(), stem
        assert pyld_graph(document) == graph(site_dir / f"{stem}.nt", ox.RdfFormat.N_TRIPLES), stem


def _island(page: Path) -> str:
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', page.read_text(encoding="utf-8"), re.S)
    assert found is not None, page
    return found.group(1)


def test_the_page_island_embeds_the_director_with_a_name_and_a_type(seed_output: Path, site_dir: Path) -> None:
    island = json.loads(_island(site_dir / "id/film/vyzov.html"))
    assert island["@type"] == "Movie" and island["@id"] == "https://example.org/vyzov/id/film/vyzov"
    assert island["director"] == {"@id": "https://example.org/vyzov/id/person/klim-shipenko", "@type": "Person",
                                  "name": "Klim Shipenko"}
    lead = next(a for a in island["actor"] if a["@id"].endswith("/role/vyzov-lead"))
    assert lead["@type"] == "PerformanceRole" and lead["actor"]["name"] == "Yulia Peresild"
    assert pyld_graph(island) <= graph(seed_output / "vyzov.ttl", ox.RdfFormat.TURTLE)


# --- lossless by construction ----------------------------------------------------------------

PREFIXES = {"ex": "http://example.com/", "kg": KG, "schema": SCHEMA, "xsd": XSD, "oa": OA, "rdf": RDF,
            "value": "https://example.org/vyzov/value/"}


def _literal(lexical: str, datatype: str) -> ox.Literal:
    return ox.Literal(lexical, datatype=ox.NamedNode(datatype))


def _round_trip(triples: Iterable[ox.Triple], context_triples: Iterable[ox.Triple] | None = None,
                language: str | None = "en", whole: bool = True) -> tuple[dict[str, object], set[Triple]]:
    ordered = sorted(triples, key=lambda t: (t.subject.value, t.predicate.value, str(t.object)))
    context = make_context(ordered if context_triples is None else context_triples, PREFIXES, language)
    data = to_jsonld(ordered, context, whole_context=whole)
    expected = {(_term(t.subject), _term(t.predicate), _term(t.object)) for t in ordered}
    document = json.loads(data)
    assert pyld_graph(document) == expected
    assert graph(data, ox.RdfFormat.JSON_LD) == expected
    return document, expected


S = ox.NamedNode("http://example.com/s")


@pytest.mark.parametrize(("obj", "written"), [
    (_literal("38", XSD + "integer"), 38),
    (_literal("038", XSD + "integer"), "038"),  # under the term's xsd:integer coercion
    (_literal("+38", XSD + "integer"), "+38"),
    (_literal("-0", XSD + "integer"), "-0"),
    (_literal(str(2**60), XSD + "integer"), str(2**60)),  # not exact as a JavaScript number
    (_literal("true", XSD + "boolean"), True),
    (_literal("1", XSD + "boolean"), "1"),
    (_literal("1.50", XSD + "decimal"), "1.50"),
    (_literal("1.5E0", XSD + "double"), "1.5E0"),  # canonical: JSON-LD processors rewrite any other form
    (ox.Literal("Moskva", language="ru-latn"), "Moskva"),  # under the term's "@language": "ru-Latn"
    (ox.Literal("plain"), "plain"),  # under "@language": null
])
def test_a_single_kind_is_coerced_by_its_term(obj: ox.Literal, written: object) -> None:
    document, _ = _round_trip([ox.Triple(S, ox.NamedNode(KG + "p"), obj)])
    value = document["@graph"][0]["p"]  # type: ignore[index]
    assert value == written and type(value) is type(written)


def test_mixed_values_are_value_objects_and_numbers_where_lossless() -> None:
    p = ox.NamedNode(KG + "p")
    objects = [_literal("38", XSD + "integer"), _literal("007", XSD + "integer"), _literal("false", XSD + "boolean"),
               _literal("0", XSD + "boolean"), ox.Literal("x"), ox.Literal("y", language="en"),
               ox.Literal("z", language="ru-Latn"), ox.NamedNode("http://example.com/o")]
    document, _ = _round_trip([ox.Triple(S, p, o) for o in objects])
    assert sorted(map(json.dumps, document["@graph"][0]["p"])) == sorted(map(json.dumps, [  # type: ignore[index]
        38, {"@value": "007", "@type": "xsd:integer"}, False, {"@value": "0", "@type": "xsd:boolean"},
        {"@value": "x"}, "y", {"@value": "z", "@language": "ru-Latn"}, {"@id": "ex:o"}]))


def test_a_name_two_vocabularies_share_stays_a_compact_iri() -> None:
    same = [ox.Triple(S, ox.NamedNode(SCHEMA + "sameAs"), ox.NamedNode("http://example.com/a")),
            ox.Triple(S, ox.NamedNode("http://www.w3.org/2002/07/owl#sameAs"), ox.NamedNode("http://example.com/b")),
            ox.Triple(S, ox.NamedNode(KG + "exact"), ox.Literal("k")),
            ox.Triple(S, ox.NamedNode(OA + "exact"), ox.Literal("o")),
            ox.Triple(S, ox.NamedNode(SCHEMA + "value"), _literal("1", XSD + "integer"))]
    document, _ = _round_trip(same)
    node = document["@graph"][0]  # type: ignore[index]
    assert set(node) == {"@id", "sameAs", "http://www.w3.org/2002/07/owl#sameAs", "kg:exact", "oa:exact", "schema:value"}


def test_an_iri_that_would_read_as_a_compact_iri_is_refused() -> None:
    triples = [ox.Triple(S, ox.NamedNode(SCHEMA + "url"), ox.NamedNode("ex:not-a-prefixed-name"))]
    with pytest.raises(ValueError, match="would read as a compact IRI: its scheme 'ex'"):
        to_jsonld(triples, make_context(triples, PREFIXES, "en"))


def test_a_double_json_ld_processors_would_rewrite_is_refused() -> None:
    triples = [ox.Triple(S, ox.NamedNode(KG + "ratio"), _literal("1e3", XSD + "double"))]
    with pytest.raises(ValueError, match='xsd:double "1e3" is not in canonical form'):
        to_jsonld(triples, make_context(triples, PREFIXES, "en"))


# Hypothesis: random small graphs, written with their own context, with another graph's context
# (coercions that fit none of the values), and as a part of a larger graph.
IRIS = st.sampled_from(["http://example.com/a", "http://example.com/b/c", KG + "x", SCHEMA + "Movie",
                        "https://example.org/vyzov/value/v1", "urn:isbn:0451450523", "http://other.org/z#w",
                        "http://example.com/%20odd?q=1"])
PREDICATES = st.sampled_from([SCHEMA + "name", SCHEMA + "value", SCHEMA + "sameAs", KG + "age", KG + "name",
                              OA + "start", OA + "exact", RDF + "type", RDF + "object", "http://other.org/p",
                              "http://other.org/ns#name"])
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=12)
INTEGERS = st.one_of(st.integers(-(2**64), 2**64).map(str), st.sampled_from(["007", "+5", "-0", "00", "1_000"]))
LITERALS = st.one_of(
    st.builds(_literal, INTEGERS, st.just(XSD + "integer")),
    st.builds(_literal, st.sampled_from(["true", "false", "1", "0"]), st.just(XSD + "boolean")),
    st.builds(_literal, st.sampled_from(["1.0", "01.50", "-.5", "3"]), st.just(XSD + "decimal")),
    st.builds(_literal, st.sampled_from(["1.0E3", "-2.5E-3", "0.0E0"]), st.just(XSD + "double")),
    st.builds(_literal, st.sampled_from(["2021-10-05", "2021-10-05T09:22:00Z"]), st.sampled_from([XSD + "date", XSD + "dateTime"])),
    st.builds(_literal, TEXT, st.sampled_from([XSD + "string", "http://other.org/dt"])),
    st.builds(lambda text, tag: ox.Literal(text, language=tag), TEXT,
              st.sampled_from(["en", "EN-gb", "ru-Latn", "de", "zh-Hant-TW", "ru"])),
)
TRIPLES = st.lists(st.builds(lambda s, p, o: ox.Triple(ox.NamedNode(s), ox.NamedNode(p), o), IRIS, PREDICATES,
                             st.one_of(IRIS.map(ox.NamedNode), LITERALS)), min_size=1, max_size=12)
LANGUAGES = st.sampled_from([None, "en", "ru-Latn"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(triples=TRIPLES, other=TRIPLES, language=LANGUAGES)
def test_any_small_graph_round_trips_through_pyld(triples: list[ox.Triple], other: list[ox.Triple],
                                                  language: str | None) -> None:
    _round_trip(triples, language=language)
    _round_trip(triples, other, language=language)
    _round_trip(triples, triples + other, language=language, whole=False)
