"""kg serve over real HTTP: content negotiation and 303s, static files, errors that are 4xx and
never crashes, and the SPARQL protocol answering what the embedded store answers. It serves the
frozen seed project (conftest's `server`)."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote, urlsplit

import pyoxigraph as ox
import pytest
import requests

from kg.query import examples
from tests.conftest import SEED
from tests.helpers import raw_request as _raw

ENTITY = "id/person/klim-shipenko"
SELECT_ALL = "SELECT * WHERE { ?s ?p ?o }"
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


def test_binds_to_loopback(server: str) -> None:
    assert urlsplit(server).hostname == "127.0.0.1"


@pytest.mark.parametrize(
    ("accept", "suffix"),
    [
        (None, ".html"),
        ("*/*", ".html"),
        ("text/html", ".html"),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", ".html"),
        ("text/turtle", ".ttl"),
        ("application/ld+json", ".jsonld"),
        ("application/n-triples", ".nt"),
        ("application/n-quads", ".nq"),
        ("application/json", ".jsonld"),
        ("text/turtle;q=0.4, application/ld+json;q=0.8", ".jsonld"),
        ("text/html;q=0.1, application/n-triples;q=0.2", ".nt"),
        ("text/*;q=0.3, application/n-quads;q=0.9", ".nq"),
        ("text/*, text/html;q=0", ".ttl"),
        ("application/*", ".jsonld"),
        ("bogus, text/turtle", ".ttl"),
    ],
)
def test_entity_iri_is_a_303_to_what_accept_prefers(server: str, accept: str | None, suffix: str) -> None:
    headers = {"Accept": accept} if accept is not None else {}
    status, response_headers, _ = _raw(server, "GET", f"/{ENTITY}", headers)
    assert status == 303
    assert response_headers["Location"] == f"/{ENTITY}{suffix}"
    assert response_headers["Vary"] == "Accept"


@pytest.mark.parametrize(
    ("accept", "content_type"),
    [
        ("text/html", "text/html; charset=utf-8"),
        ("text/turtle", "text/turtle; charset=utf-8"),
        ("application/ld+json", "application/ld+json"),
        ("application/n-triples", "application/n-triples"),
        ("application/n-quads", "application/n-quads"),
    ],
)
def test_following_the_303_gives_the_file_with_its_media_type(
    server: str, site_dir: Path, accept: str, content_type: str
) -> None:
    response = requests.get(server + ENTITY, headers={"Accept": accept}, timeout=30)
    assert response.status_code == 200
    assert [r.status_code for r in response.history] == [303]
    assert response.headers["Content-Type"] == content_type
    suffix = urlsplit(response.url).path.rsplit(".", 1)[1]
    assert response.content == (site_dir / f"{ENTITY}.{suffix}").read_bytes()


@pytest.mark.parametrize(
    "path",
    ["id/film/vyzov", "id/mission/soyuz-ms-19", "source/000_d6db8baa69644283", "ontology"],
)
def test_every_kind_of_minted_iri_negotiates(server: str, site_dir: Path, path: str) -> None:
    status, headers, _ = _raw(server, "GET", f"/{path}", {"Accept": "text/turtle"})
    assert (status, headers["Location"]) == (303, f"/{path}.ttl")
    parsed = ox.parse(requests.get(server + path + ".ttl", timeout=30).content, format=ox.RdfFormat.TURTLE)
    assert len(list(parsed)) > 5


def test_statement_and_reference_iris_negotiate(server: str, store: ox.Store) -> None:
    row = next(iter(store.query(  # type: ignore[call-overload]
        "SELECT ?s ?r WHERE { ?s <http://www.w3.org/ns/prov#wasDerivedFrom> ?r } LIMIT 1")))
    for iri in (row["s"].value, row["r"].value):
        path = urlsplit(iri).path.removeprefix("/vyzov")
        status, headers, _ = _raw(server, "GET", path, {"Accept": "application/n-triples"})
        assert (status, headers["Location"]) == (303, f"{path}.nt")
        data = requests.get(server + path.lstrip("/") + ".nt", timeout=30).text
        assert f"<{iri}> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type>" in data


def test_head_gives_the_same_status_without_a_body(server: str) -> None:
    status, headers, body = _raw(server, "HEAD", f"/{ENTITY}", {"Accept": "text/turtle"})
    assert (status, headers["Location"], body) == (303, f"/{ENTITY}.ttl", b"")


def test_root_is_the_index(server: str) -> None:
    response = requests.get(server, timeout=30)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "<h1>Vyzov knowledge graph</h1>" in response.text


def test_nothing_acceptable_is_406(server: str) -> None:
    status, _, body = _raw(server, "GET", f"/{ENTITY}", {"Accept": "image/png, text/plain"})
    assert status == 406
    assert b"text/turtle" in body


@pytest.mark.parametrize("accept", [";;;", "text/turtle;q=high", "*/turtle"])
def test_malformed_accept_is_400(server: str, accept: str) -> None:
    assert _raw(server, "GET", f"/{ENTITY}", {"Accept": accept})[0] == 400


@pytest.mark.parametrize("path", ["/id/person/nobody", "/id/person/nobody.ttl", "/nothing.html", "/.kg-site",
                                  "/id/person/", "/id/person/klim-shipenko.exe", "/sparql/x"])
def test_unknown_paths_are_404(server: str, path: str) -> None:
    assert _raw(server, "GET", path)[0] == 404


@pytest.mark.parametrize(
    "path",
    ["/../README.md", "/id/../../README.md", "/%2e%2e/%2e%2e/README.md", "/id/%2e%2e/%2e%2e/pyproject.toml",
     "/id%2f..%2f..%2fREADME.md", "/id/..%5c..%5cREADME.md", "/index.html%00.ttl", "/%ff%fe", "/./index.html",
     "relative/path"],
)
def test_path_traversal_and_odd_paths_are_400(server: str, path: str) -> None:
    status, _, body = _raw(server, "GET", path)
    assert status == 400
    assert b"[project]" not in body and b"# kg" not in body


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_other_methods_are_405(server: str, method: str) -> None:
    status, headers, _ = _raw(server, method, "/index.html")
    assert status == 405
    assert headers["Allow"] == "GET, HEAD, POST, OPTIONS"  # OPTIONS is the CORS preflight


# ---------------------------------------------------------------- SPARQL protocol


def _embedded(store: ox.Store, query: str, fmt: ox.QueryResultsFormat = ox.QueryResultsFormat.JSON) -> bytes:
    return store.query(query).serialize(format=fmt)  # type: ignore[union-attr,no-any-return]


@pytest.mark.parametrize("example", examples(SEED / "queries"), ids=lambda e: e.name)
def test_sparql_get_answers_what_the_embedded_store_answers(server: str, store: ox.Store, example) -> None:
    query = example.path.read_text(encoding="utf-8")
    response = requests.get(server + "sparql", params={"query": query},
                            headers={"Accept": "application/sparql-results+json"}, timeout=30)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/sparql-results+json; charset=utf-8"
    assert response.json() == json.loads(_embedded(store, query))
    assert len(response.json()["results"]["bindings"]) > 0


def test_sparql_post_form_and_direct_post_agree(server: str, store: ox.Store) -> None:
    query = (SEED / "queries" / "fact-sources.rq").read_text(encoding="utf-8")
    expected = json.loads(_embedded(store, query))
    form = requests.post(server + "sparql", data={"query": query}, timeout=30)
    direct = requests.post(server + "sparql", data=query.encode("utf-8"),
                           headers={"Content-Type": "application/sparql-query"}, timeout=30)
    assert form.status_code == direct.status_code == 200
    assert form.json() == direct.json() == expected


@pytest.mark.parametrize(
    ("accept", "fmt"),
    [
        ("application/sparql-results+xml", ox.QueryResultsFormat.XML),
        ("text/csv", ox.QueryResultsFormat.CSV),
        ("text/tab-separated-values", ox.QueryResultsFormat.TSV),
        ("application/sparql-results+json", ox.QueryResultsFormat.JSON),
    ],
)
def test_sparql_result_formats(server: str, store: ox.Store, accept: str, fmt: ox.QueryResultsFormat) -> None:
    query = (SEED / "queries" / "crew.rq").read_text(encoding="utf-8")
    response = requests.get(server + "sparql", params={"query": query}, headers={"Accept": accept}, timeout=30)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == f"{accept}; charset=utf-8"
    assert response.content == _embedded(store, query, fmt)


def test_sparql_ask(server: str) -> None:
    response = requests.get(server + "sparql", params={"query": "ASK { ?s ?p ?o }"}, timeout=30)
    assert response.status_code == 200
    assert response.json()["boolean"] is True


@pytest.mark.parametrize(("accept", "fmt"), [("text/turtle", ox.RdfFormat.TURTLE),
                                             ("application/n-triples", ox.RdfFormat.N_TRIPLES)])
def test_sparql_construct_as_rdf(server: str, store: ox.Store, accept: str, fmt: ox.RdfFormat) -> None:
    query = ("CONSTRUCT { ?p <https://schema.org/name> ?n } WHERE { ?p a <https://schema.org/Person> ; "
             "<https://schema.org/name> ?n }")
    response = requests.post(server + "sparql", data={"query": query}, headers={"Accept": accept}, timeout=30)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith(accept)
    served = {ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(response.content, format=fmt)}
    assert served == set(store.query(query)) and len(served) == 18  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("data", "headers", "status"),
    [
        ({"update": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}, {}, 403),
        ("INSERT DATA { <urn:a> <urn:b> <urn:c> }", {"Content-Type": "application/sparql-update"}, 403),
        ({"query": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}, {}, 400),
        ({"query": "SELECT WHERE {"}, {}, 400),
        ({"query": "   "}, {}, 400),
        ({"query": "SELECT * WHERE { SERVICE <http://127.0.0.1:1/> { ?s ?p ?o } }"}, {}, 403),
        ({"query": SELECT_ALL, "default-graph-uri": "relative/graph"}, {}, 400),
        ({"query": SELECT_ALL, "named-graph-uri": "not an iri"}, {}, 400),
        ("query=ASK{}", {"Content-Type": "text/plain"}, 415),
        ({"query": SELECT_ALL}, {}, 413),
        ({"query": "ASK { ?s ?p ?o }"}, {"Accept": "image/png"}, 406),
        ({"query": "ASK { ?s ?p ?o } #" + "x" * 40_000}, {}, 413),
    ],
)
def test_sparql_refusals(server: str, data, headers: dict[str, str], status: int) -> None:
    response = requests.post(server + "sparql", data=data, headers=headers, timeout=30)
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert response.text.strip()


def test_a_literal_mentioning_service_is_not_refused(server: str) -> None:
    query = 'SELECT ?x WHERE { BIND("SERVICE <http://example.org/>" AS ?x) }  # SERVICE in a comment'
    assert requests.post(server + "sparql", data={"query": query}, timeout=30).status_code == 200


def test_missing_query_is_400_and_huge_requests_are_refused(server: str) -> None:
    assert requests.get(server + "sparql", params={"query": ""}, timeout=30).status_code == 400
    assert requests.get(server + "sparql", params={"default-graph-uri": "urn:x"}, timeout=30).status_code == 400
    assert _raw(server, "POST", "/sparql", {"Content-Type": "application/sparql-query",
                                            "Content-Length": "100000000"}, b"")[0] == 413
    assert _raw(server, "POST", "/sparql", {"Content-Type": "application/sparql-query",
                                            "Content-Length": "many"}, b"")[0] == 400
    status = _raw(server, "GET", "/sparql?query=" + quote("ASK {}" + " " * 70_000))[0]
    assert status == 414


def test_a_slow_query_is_stopped_with_503_and_the_next_one_works(server: str) -> None:
    response = requests.get(server + "sparql", params={"query": SLOW}, timeout=60)
    assert response.status_code == 503
    assert "3 s limit" in response.text
    after = requests.get(server + "sparql", params={"query": "ASK { ?s ?p ?o }"}, timeout=60)
    assert after.status_code == 200 and after.json()["boolean"] is True


def test_serve_without_a_site_or_on_a_taken_port_is_a_clear_error(tmp_path: Path, site_dir: Path) -> None:
    import socket

    from click.testing import CliRunner

    from kg.cli import main

    result = CliRunner().invoke(main, ["serve", "--port", "0", "--site", str(tmp_path / "none")])
    assert result.exit_code == 2
    assert "holds no site: run 'kg site' first" in result.output
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(main, ["serve", "--port", str(port), "--site", str(site_dir)])
    assert result.exit_code == 2
    assert f"cannot listen on 127.0.0.1:{port}" in result.output
    assert "Traceback" not in result.output


def test_the_base_iri_path_works_as_a_prefix(server: str) -> None:
    status, headers, _ = _raw(server, "GET", f"/vyzov/{ENTITY}", {"Accept": "text/turtle"})
    assert (status, headers["Location"]) == (303, f"/vyzov/{ENTITY}.ttl")
    response = requests.get(f"{server}vyzov/{ENTITY}", timeout=30)
    assert response.status_code == 200 and response.url == f"{server}vyzov/{ENTITY}.html"
    assert requests.get(f"{server}vyzov/style.css", timeout=30).status_code == 200
