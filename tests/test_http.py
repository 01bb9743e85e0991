"""kg serve's HTTP front end (issue 10): CORS and the OPTIONS preflight, ETag / Last-Modified / 304,
Cache-Control, gzip, the SPARQL protocol's dataset parameters and Service Description, every IRI
the VoID/DCAT description mints resolving, and hostile requests (rows 7, 8, 17, 19) answered with
a 4xx. Most tests drive the WSGI app in-process (conftest's `site_app`); the issue's rows are also
sent over a real socket to a real `kg serve` (conftest's `server`)."""

from __future__ import annotations

import gzip
import json
from urllib.parse import urlsplit

import pyoxigraph as ox
import pytest
import rdflib
from werkzeug.test import Client, TestResponse

from tests.helpers import raw_request

ENTITY = "/id/person/klim-shipenko"
ASK = "ASK { ?s ?p ?o }"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
BASE = "https://example.org/vyzov/"
SD = "http://www.w3.org/ns/sparql-service-description#"
RESULTS_JSON = {"Accept": "application/sparql-results+json"}


@pytest.fixture(scope="module")
def client(site_app: object) -> Client:
    return Client(site_app)  # type: ignore[arg-type]


def _count(response: TestResponse) -> int:
    assert response.status_code == 200, response.text
    return int(response.json["results"]["bindings"][0]["n"]["value"])  # type: ignore[index]


# ---------------------------------------------------------------- the rows over a real socket


def test_row7_post_with_a_malformed_accept_is_400(server: str) -> None:
    status, headers, body = raw_request(server, "POST", "/sparql", {"Accept": ";;;", "Content-Type":
                                        "application/x-www-form-urlencoded"}, b"query=ASK%7B%7D")
    assert (status, headers["Content-Type"]) == (400, "text/plain; charset=utf-8")
    assert body.startswith(b"the Accept header holds no media range")


@pytest.mark.parametrize("path", ["/" + "a" * 255, "/id/person/" + "b" * 300, "/id/" + "c" * 256 + ".ttl",
                                  "/" + "d" * 5000 + "/x.html"])
def test_row8_an_overlong_path_segment_is_404(server: str, path: str) -> None:
    status, headers, body = raw_request(server, "GET", path, {"Accept": "text/turtle"})
    assert status == 404
    assert body.startswith(b"not found")
    assert headers["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize("path", ["//[", "//x/index.html", "//"])
def test_a_path_that_looks_like_an_authority_is_400(server: str, path: str) -> None:
    status, headers, body = raw_request(server, "GET", path)
    assert (status, headers["Access-Control-Allow-Origin"]) == (400, "*")
    assert body.startswith(b"bad path")


def test_row17_a_query_in_both_the_url_and_the_body_is_400(server: str) -> None:
    url_query = "/sparql?query=" + "SELECT%20*%20WHERE%20%7B%3Fs%20%3Fp%20%3Fo%7D"
    for content_type, body in (("application/sparql-query", ASK.encode()),
                               ("application/x-www-form-urlencoded", b"query=ASK%7B%7D")):
        status, _, answer = raw_request(server, "POST", url_query, {"Content-Type": content_type}, body)
        assert status == 400
        assert answer == b"a query in both the URL and the body: the SPARQL protocol allows one\n"


@pytest.mark.parametrize("accept", ["a/b, " * 1500 + "text/turtle", "a," * 4000 + "text/turtle",
                                    ", ".join(f"x/y{i};q=0.1" for i in range(500)) + ", text/turtle"])
def test_row19_a_long_accept_is_read_to_its_end(server: str, accept: str) -> None:
    assert len(accept) <= 8192
    status, headers, _ = raw_request(server, "GET", ENTITY, {"Accept": accept})
    assert (status, headers["Location"]) == (303, ENTITY + ".ttl")


def test_row19_an_absurd_accept_is_431(server: str) -> None:
    status, _, body = raw_request(server, "GET", ENTITY, {"Accept": "a/b, " * 4000 + "text/turtle"})
    assert status == 431
    assert body == b"the Accept header is longer than 8,192 characters\n"


# ---------------------------------------------------------------- CORS


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [("GET", "/index.html", 200), ("GET", ENTITY, 303), ("GET", ENTITY + ".ttl", 200), ("HEAD", ENTITY, 303),
     ("GET", "/nothing", 404), ("GET", "/%2e%2e/x", 400), ("PUT", "/index.html", 405),
     ("GET", "/sparql?query=" + "ASK%7B%7D", 200), ("GET", "/sparql?query=" + "SELECT", 400),
     ("POST", "/index.html", 405), ("GET", "/sparql", 200)],
)
def test_every_answer_allows_any_origin(client: Client, method: str, path: str, status: int) -> None:
    response = client.open(path, method=method, headers={"Origin": "https://elsewhere.example"})
    assert response.status_code == status
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("path", ["/sparql", ENTITY, "/index.html", "/no/such/thing", "/vyzov/dataset"])
def test_options_is_a_cors_preflight_on_any_path(client: Client, path: str) -> None:
    response = client.options(path, headers={"Origin": "https://elsewhere.example",
                                             "Access-Control-Request-Method": "POST",
                                             "Access-Control-Request-Headers": "content-type"})
    assert response.status_code == 204
    assert response.data == b""
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.headers["Access-Control-Allow-Methods"] == "GET, HEAD, POST, OPTIONS"
    assert response.headers["Access-Control-Allow-Headers"] == "Accept, Content-Type"
    assert int(response.headers["Access-Control-Max-Age"]) > 0


# ---------------------------------------------------------------- caching and compression


def test_static_files_have_validators_and_answer_304(client: Client, site_dir) -> None:  # type: ignore[no-untyped-def]
    first = client.get(ENTITY + ".ttl")
    assert first.data == (site_dir / (ENTITY[1:] + ".ttl")).read_bytes()
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert etag.startswith('"') and etag.endswith('"')  # strong
    assert first.headers["Cache-Control"] == "public, max-age=300"
    for headers in ({"If-None-Match": etag}, {"If-None-Match": f'"other", {etag}'}, {"If-None-Match": "*"},
                    {"If-Modified-Since": modified}):
        again = client.get(ENTITY + ".ttl", headers=headers)
        assert (again.status_code, again.data, again.headers["ETag"]) == (304, b"", etag), headers
        assert again.headers["Access-Control-Allow-Origin"] == "*"
    assert client.get(ENTITY + ".ttl", headers={"If-None-Match": '"other"'}).status_code == 200
    assert client.get(ENTITY + ".ttl", headers={"If-Modified-Since": "Mon, 01 Jan 1990 00:00:00 GMT"}).status_code == 200


def test_text_is_gzipped_when_asked_with_its_own_etag(client: Client, site_dir) -> None:  # type: ignore[no-untyped-def]
    plain = client.get("/index.html")
    zipped = client.get("/index.html", headers={"Accept-Encoding": "gzip, deflate"})
    assert "Content-Encoding" not in plain.headers
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in zipped.headers["Vary"] and "Accept-Encoding" in plain.headers["Vary"]
    assert gzip.decompress(zipped.data) == plain.data == (site_dir / "index.html").read_bytes()
    assert len(zipped.data) < len(plain.data)
    assert zipped.headers["ETag"] != plain.headers["ETag"]
    again = client.get("/index.html", headers={"Accept-Encoding": "gzip", "If-None-Match": zipped.headers["ETag"]})
    assert (again.status_code, again.headers["ETag"]) == (304, zipped.headers["ETag"])
    refused = client.get("/index.html", headers={"Accept-Encoding": "gzip;q=0, identity"})
    assert "Content-Encoding" not in refused.headers


def test_sparql_answers_are_not_cached_and_are_gzipped(client: Client, store: ox.Store) -> None:
    query = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 200"
    response = client.get("/sparql", query_string={"query": query}, headers={"Accept-Encoding": "gzip",
                                                                            **RESULTS_JSON})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Encoding"] == "gzip"
    assert len(json.loads(gzip.decompress(response.data))["results"]["bindings"]) == 200


# ---------------------------------------------------------------- SPARQL protocol


@pytest.fixture(scope="module")
def quads(seed_output) -> ox.Store:  # type: ignore[no-untyped-def]
    """The published N-Quads (the statement named graphs included), as the query workers load them."""
    store = ox.Store()
    store.bulk_load(path=str(seed_output / "vyzov.nq"), format=ox.RdfFormat.N_QUADS)
    return store


def _a_statement_graph(store: ox.Store) -> str:
    row = next(iter(store.query("SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } } LIMIT 1")))  # type: ignore[call-overload]
    return str(row["g"].value)


def test_default_graph_uri_selects_the_default_graph(client: Client, quads: ox.Store) -> None:
    graph = _a_statement_graph(quads)
    expected = len(list(quads.quads_for_pattern(None, None, None, ox.NamedNode(graph))))
    everything = _count(client.get("/sparql", query_string={"query": COUNT}, headers=RESULTS_JSON))
    one = _count(client.get("/sparql", query_string={"query": COUNT, "default-graph-uri": graph}, headers=RESULTS_JSON))
    assert (one, everything > one) == (expected, True)
    posted = client.post("/sparql", query_string={"default-graph-uri": graph}, data=COUNT,
                         headers={"Content-Type": "application/sparql-query", **RESULTS_JSON})
    form = client.post("/sparql", data={"query": COUNT, "default-graph-uri": graph}, headers=RESULTS_JSON)
    assert _count(posted) == _count(form) == expected
    empty = client.get("/sparql", query_string={"query": COUNT, "default-graph-uri": "urn:x:none"}, headers=RESULTS_JSON)
    assert _count(empty) == 0


def test_named_graph_uri_limits_the_named_graphs(client: Client, quads: ox.Store) -> None:
    graph = _a_statement_graph(quads)
    query = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    response = client.get("/sparql", query_string={"query": query, "named-graph-uri": graph}, headers=RESULTS_JSON)
    assert response.status_code == 200
    assert [b["g"]["value"] for b in response.json["results"]["bindings"]] == [graph]  # type: ignore[index]


@pytest.mark.parametrize("iri", ["relative/graph", "not an iri", "", "<urn:x>"])
@pytest.mark.parametrize("name", ["default-graph-uri", "named-graph-uri"])
def test_a_graph_that_is_not_an_absolute_iri_is_400(client: Client, name: str, iri: str) -> None:
    response = client.get("/sparql", query_string={"query": ASK, name: iri})
    assert response.status_code == 400
    assert response.text.startswith(f"{name} is not an absolute IRI")


@pytest.mark.parametrize(("accept", "fmt"), [(None, "turtle"), ("text/turtle", "turtle"),
                                             ("application/ld+json", "json-ld"), ("application/n-triples", "nt")])
def test_get_sparql_without_a_query_is_the_service_description(client: Client, accept: str | None, fmt: str) -> None:
    response = client.get("/sparql", headers={"Accept": accept} if accept else {})
    assert response.status_code == 200
    assert response.headers["Content-Type"].split(";")[0] == (accept or "text/turtle")
    assert "Accept" in response.headers["Vary"]
    graph = rdflib.Graph().parse(data=response.data, format=fmt)
    endpoint = rdflib.URIRef("http://localhost/sparql")
    sd = rdflib.Namespace(SD)
    formats = rdflib.Namespace("http://www.w3.org/ns/formats/")
    assert (endpoint, rdflib.RDF.type, sd.Service) in graph
    assert (endpoint, sd.endpoint, endpoint) in graph
    assert (endpoint, sd.supportedLanguage, sd.SPARQL11Query) in graph
    assert {formats.SPARQL_Results_JSON, formats.SPARQL_Results_XML, formats.Turtle} <= set(
        graph.objects(endpoint, sd.resultFormat))
    dataset = rdflib.URIRef(BASE + "dataset")
    assert graph.value(endpoint, sd.defaultDataset) == dataset
    assert (dataset, rdflib.RDF.type, sd.Dataset) in graph and graph.value(dataset, sd.defaultGraph) is not None


def test_the_service_description_is_not_offered_in_what_it_cannot_write(client: Client) -> None:
    assert client.get("/sparql", headers={"Accept": "image/png"}).status_code == 406


# ---------------------------------------------------------------- VoID / DCAT


def _void_iris(site_dir) -> list[str]:  # type: ignore[no-untyped-def]
    iris = set()
    for quad in ox.parse(path=site_dir / "void.ttl", format=ox.RdfFormat.TURTLE):
        for term in (quad.subject, quad.predicate, quad.object):
            if isinstance(term, ox.NamedNode) and term.value.startswith(BASE):
                iris.add(term.value)
    return sorted(iris)


def test_void_mints_the_iris_this_test_expects(site_dir) -> None:  # type: ignore[no-untyped-def]
    iris = _void_iris(site_dir)
    assert BASE + "dataset" in iris
    assert sum(i.startswith(BASE + "dataset/class/") for i in iris) > 10
    assert {BASE + f"dataset/vyzov{s}" for s in (".ttl", ".jsonld", ".trig", ".nq", "-wikidata.ttl")} <= set(iris)
    assert {BASE + f"vyzov{s}" for s in (".ttl", ".jsonld", ".trig", ".nq", "-wikidata.ttl")} <= set(iris)


@pytest.mark.parametrize("accept", ["text/html", "text/turtle", "application/ld+json", "application/n-triples"])
def test_every_iri_void_mints_resolves(client: Client, site_dir, accept: str) -> None:  # type: ignore[no-untyped-def]
    for iri in [*_void_iris(site_dir), BASE + "context.jsonld"]:
        path = urlsplit(iri).path
        response = client.get(path, headers={"Accept": accept})
        if response.status_code == 303:
            response = client.get(response.headers["Location"], headers={"Accept": accept})
        assert response.status_code == 200, (iri, response.text)


def test_the_dataset_iri_is_described_by_its_document(client: Client, site_dir) -> None:  # type: ignore[no-untyped-def]
    for path in ("/vyzov/dataset", "/vyzov/dataset/vyzov.ttl", "/vyzov/dataset/class/34fda86e04b5"):
        response = client.get(path, headers={"Accept": "text/turtle"})
        assert (response.status_code, response.headers["Location"]) == (303, "/vyzov/dataset.ttl")
    described = rdflib.Graph().parse(data=client.get("/vyzov/dataset.ttl").data, format="turtle")
    assert described.isomorphic(rdflib.Graph().parse(site_dir / "void.ttl", format="turtle"))
    assert client.get("/vyzov/vyzov.trig").data == (site_dir / "vyzov.trig").read_bytes()


def test_an_unexpected_error_is_a_500_with_cors_and_a_logged_traceback(site_app, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    def broken(request: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(site_app, "dispatch", broken)
    response = Client(site_app).get("/index.html")
    assert (response.status_code, response.text) == (500, "internal error; the server log has the details\n")
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "RuntimeError: boom" in capsys.readouterr().err
