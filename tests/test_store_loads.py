"""Every store loads the same graph from the published files, and the example queries give the same
answers however a store reads the quad files' default graph.

- No published Turtle or TriG spells a prefixed name with an escape (`reference:…\\#quote`): Virtuoso
  keeps the backslash in the IRI. A property test checks the writer on IRIs full of such characters.
- Real Virtuoso, bulk-loaded with ld_dir/rdf_loader_run (.ttl, .trig, .nq) and through its Graph
  Store (.ttl: it takes Turtle only), holds exactly the IRIs pyoxigraph reads from each file.
- The examples answer alike on the Turtle, on the N-Quads/TriG default graph, and on the union of
  all their graphs (Oxigraph's --union-default-graph; Virtuoso's default without FROM), and in
  Jena TDB2 on the default graph."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
import requests
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.outputs.rdf import serialize
from tests.conftest import SEED
from tests.helpers import jena_classpath, require_tool
from tests.servers import Server, start_virtuoso, virtuoso_sql

QUERIES = sorted((SEED / "queries").glob("*.rq"))
STATEMENTS = "https://example.org/vyzov/statement/"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
FORMATS = {".ttl": ox.RdfFormat.TURTLE, ".trig": ox.RdfFormat.TRIG, ".nq": ox.RdfFormat.N_QUADS}

# Outside literals and <IRIs>, a backslash and one of the characters Turtle's PN_LOCAL_ESC escapes.
_LITERAL_OR_IRI = re.compile(rb'"(?:[^"\\\n]|\\.)*"|<[^>\s]*>')
_LOCAL_ESCAPE = re.compile(rb"\\[_~.\-!$&'()*+,;=/?#@%]")


def escaped_local_names(data: bytes) -> list[bytes]:
    r"""The escapes in prefixed names of Turtle/TriG text.

    >>> escaped_local_names(b'r:a\\#q <x#y> "a \\\\#b \\" r:c\\/d" r:e .')
    [b'\\#']
    """
    return _LOCAL_ESCAPE.findall(_LITERAL_OR_IRI.sub(b"", data))


def published_turtle(seed_output: Path, site_dir: Path) -> list[Path]:
    files = sorted([*seed_output.glob("*.ttl"), *seed_output.glob("*.trig"), *site_dir.rglob("*.ttl")])
    assert {p.name for p in files} >= {"vyzov.ttl", "vyzov.trig", "vyzov-wikidata.ttl", "void.ttl", "ontology.ttl",
                                       "shapes.ttl", "shacl-report.ttl"}
    return files


def test_no_published_turtle_or_trig_escapes_a_local_name(seed_output: Path, site_dir: Path) -> None:
    files = published_turtle(seed_output, site_dir)
    assert len(files) > 20, "the site's resource files too"
    assert {p.name: escaped_local_names(p.read_bytes()) for p in files} == {p.name: [] for p in files}
    # the selectors, which pyoxigraph would escape, are there, in full
    assert b"reference/" in (seed_output / "vyzov.ttl").read_bytes()
    assert re.search(rb"<https://example\.org/vyzov/reference/[0-9a-f]+#quote> a oa:TextQuoteSelector",
                     (seed_output / "vyzov.ttl").read_bytes())


_AWKWARD = "#/~.-%()'!&$*+,;=?@:_"
_LOCAL = st.text(alphabet=st.sampled_from([*_AWKWARD, "a", "Z", "0", "é"]), min_size=1, max_size=12).filter(
    # an IRI has at most one #, and a % starts a percent-encoding
    lambda s: s.count("#") <= 1 and not re.search(r"%(?![0-9A-Fa-f]{2})", s))


@settings(max_examples=150, deadline=None)
@given(locals_=st.lists(_LOCAL, min_size=1, max_size=6, unique=True), text=st.text(max_size=20))
def test_any_local_name_round_trips_without_escapes(locals_: list[str], text: str) -> None:
    """Subjects, predicates, objects, datatypes and graph names after a prefix, and literals with
    backslashes: pyoxigraph and rdflib read back the same IRIs, and no prefixed name has an escape."""
    ns = "https://example.org/ns/"
    prefixes = {"ex": ns, "deep": ns + "deep/"}
    literal = ox.Literal("".join(c for c in text if c.isprintable()) + "\\#")
    triples = [ox.Triple(ox.NamedNode(ns + local), ox.NamedNode(ns + "deep/p" + locals_[0]), literal)
               for local in locals_]
    triples += [ox.Triple(ox.NamedNode(ns + "s"), ox.NamedNode(ns + "p"), ox.Literal("1", datatype=ox.NamedNode(ns + local)))
                for local in locals_]
    for format in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG):
        graph = ox.NamedNode(ns + "g" + locals_[-1]) if format == ox.RdfFormat.TRIG else ox.DefaultGraph()
        quads = [ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples]
        data = serialize(quads if format == ox.RdfFormat.TRIG else triples, format, prefixes)
        assert escaped_local_names(data) == [], data
        assert set(ox.parse(data, format=format)) == set(quads)
        read = rdflib.Dataset()
        read.parse(data=data.decode("utf-8"), format="trig")
        default = str(read.default_graph.identifier)
        iris = {str(getattr(term, "identifier", term)) for quad in read.quads() for term in quad
                if isinstance(getattr(term, "identifier", term), rdflib.URIRef)}
        iris |= {str(o.datatype) for _, _, o, _ in read.quads() if isinstance(o, rdflib.Literal) and o.datatype}
        expected = {n.value for q in quads for n in (q.subject, q.predicate, q.object, q.graph_name)
                    if isinstance(n, ox.NamedNode)}
        expected |= {q.object.datatype.value for q in quads if isinstance(q.object, ox.Literal)} - {XSD_STRING}
        assert iris - {default} == expected


# --- the examples: the same answers whichever default graph a store gives them


def _store(files: list[Path]) -> ox.Store:
    store = ox.Store()
    for path in files:
        store.bulk_load(path=str(path), format=FORMATS[path.suffix])
    return store


@pytest.fixture(scope="module")
def stores(seed_output: Path) -> dict[str, tuple[ox.Store, bool]]:
    """The Turtle alone; the N-Quads and the TriG, their default graph as such and as the union of
    all graphs. Each with the ontology (the events and conflicts examples read it) in the default graph."""
    ontology = seed_output / "ontology.ttl"
    turtle = _store([seed_output / "vyzov.ttl", ontology])
    nquads = _store([seed_output / "vyzov.nq", ontology])
    trig = _store([seed_output / "vyzov.trig", ontology])
    return {"turtle": (turtle, False), "nquads": (nquads, False), "nquads-union": (nquads, True),
            "trig": (trig, False), "trig-union": (trig, True)}


@pytest.mark.parametrize("mode", ["turtle", "nquads", "nquads-union", "trig", "trig-union"])
@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q.stem)
def test_each_example_answers_alike_in_every_default_graph(stores: dict[str, tuple[ox.Store, bool]],
                                                           query: Path, mode: str) -> None:
    store, union = stores[mode]
    results = store.query(query.read_text(encoding="utf-8"), use_default_graph_as_union=union)
    tsv = results.serialize(format=ox.QueryResultsFormat.TSV).decode("utf-8")  # type: ignore[union-attr]
    assert tsv == (query.parent / "expected" / f"{query.stem}.tsv").read_text(encoding="utf-8")


def test_the_union_default_graph_repeats_asserted_triples(stores: dict[str, tuple[ox.Store, bool]]) -> None:
    """Why the examples say DISTINCT: without it the union answers a pattern once per graph holding it."""
    store, _ = stores["nquads"]
    crew = "SELECT ?o WHERE { ?m <https://example.org/vyzov/ontology#crewMember> ?o }"
    assert len(list(store.query(crew, use_default_graph_as_union=True))) > len(list(store.query(crew)))  # type: ignore[arg-type]


# --- Virtuoso


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    server = start_virtuoso(tmp_path_factory.mktemp("virtuoso"))
    try:
        yield server
    finally:
        server.stop()


def file_iris(path: Path) -> set[str]:
    """Every IRI pyoxigraph reads from a published file: subjects, predicates, objects, graph names."""
    return {term.value for quad in ox.parse(path=str(path), format=FORMATS[path.suffix])
            for term in (quad.subject, quad.predicate, quad.object, quad.graph_name) if isinstance(term, ox.NamedNode)}


def file_counts(path: Path, target: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for quad in ox.parse(path=str(path), format=FORMATS[path.suffix]):
        graph = target if isinstance(quad.graph_name, ox.DefaultGraph) else quad.graph_name.value
        counts[graph] = counts.get(graph, 0) + 1
    return counts


def held(server: Server, target: str) -> tuple[set[str], dict[str, int]]:
    """The IRIs and the triples per graph Virtuoso holds in `target` and in the statement graphs."""
    query = (f"SELECT ?g ?s ?p ?o WHERE {{ GRAPH ?g {{ ?s ?p ?o }} "
             f'FILTER (?g = <{target}> || STRSTARTS(STR(?g), "{STATEMENTS}")) }}')
    response = requests.post(server.query_url, data={"query": query}, auth=server.auth, timeout=120,
                             headers={"Accept": "application/sparql-results+json"})
    response.raise_for_status()
    iris: set[str] = set()
    counts: dict[str, int] = {}
    for row in response.json()["results"]["bindings"]:
        counts[row["g"]["value"]] = counts.get(row["g"]["value"], 0) + 1
        iris |= {row[k]["value"] for k in ("s", "p", "o") if row[k]["type"] == "uri"}
        if row["g"]["value"] != target:
            iris.add(row["g"]["value"])
    return iris, counts


def bulk_load(server: Server, path: Path, target: str) -> None:
    """ld_dir and rdf_loader_run: the file copied into a folder of its own under the database
    folder (the ini's DirsAllowed), every quad without a graph into `target`."""
    folder = server.folder / f"load-{re.sub(r'[^a-z0-9]', '-', target)}-{path.suffix[1:]}"
    folder.mkdir()
    shutil.copy(path, folder / path.name)
    virtuoso_sql(server, f"ld_dir('{folder.name}', '{path.name}', '{target}'); rdf_loader_run();")
    state = virtuoso_sql(server, f"SELECT ll_state, ll_error FROM DB.DBA.load_list WHERE ll_file = '{folder.name}/{path.name}';")
    assert re.search(r"^2\s+NULL\s*$", state, re.M), state


def drop_statement_graphs(server: Server) -> None:
    virtuoso_sql(server, "DELETE FROM DB.DBA.RDF_QUAD WHERE G IN (SELECT DISTINCT G FROM DB.DBA.RDF_QUAD "
                         f"WHERE id_to_iri(G) LIKE '{STATEMENTS}%');")


@pytest.mark.slow  # a real store: some tens of seconds on a shared machine
@pytest.mark.parametrize("suffix", [".ttl", ".trig", ".nq"])
def test_virtuoso_bulk_load_holds_the_files_iris(virtuoso: Server, seed_output: Path, suffix: str) -> None:
    path = seed_output / f"vyzov{suffix}"
    target = f"urn:kg-test:ld-dir{suffix}"
    drop_statement_graphs(virtuoso)
    bulk_load(virtuoso, path, target)
    iris, counts = held(virtuoso, target)
    assert not [iri for iri in iris if "\\" in iri]
    assert iris == file_iris(path)
    assert counts == file_counts(path, target)


@pytest.mark.slow  # a real store: some tens of seconds on a shared machine
def test_virtuoso_graph_store_holds_the_turtles_iris(virtuoso: Server, seed_output: Path) -> None:
    path = seed_output / "vyzov.ttl"
    target = "urn:kg-test:graph-store"
    response = requests.put(virtuoso.store_url, params={"graph": target}, data=path.read_bytes(), auth=virtuoso.auth,
                            headers={"Content-Type": "text/turtle"}, timeout=120)
    assert response.status_code in (200, 201, 204), response.text[-2000:]
    iris, counts = held(virtuoso, target)
    assert iris - file_iris(path) == set() and file_iris(path) - iris == set()
    assert counts.get(target) == file_counts(path, target)[target]


@pytest.mark.slow  # a real store: some tens of seconds on a shared machine
def test_virtuoso_turtle_and_nquads_together_give_one_graph(virtuoso: Server, seed_output: Path) -> None:
    """The N-Quads' default graph and the Turtle are the same triples: loaded into one graph they
    do not double (an escaped selector in one and a plain one in the other would)."""
    target = "urn:kg-test:together"
    drop_statement_graphs(virtuoso)
    bulk_load(virtuoso, seed_output / "vyzov.nq", target)
    bulk_load(virtuoso, seed_output / "vyzov.ttl", target)
    iris, counts = held(virtuoso, target)
    assert iris == file_iris(seed_output / "vyzov.nq")
    assert counts[target] == file_counts(seed_output / "vyzov.ttl", target)[target]
    selectors = ("SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { GRAPH <" + target + "> "
                 "{ ?s a <http://www.w3.org/ns/oa#TextQuoteSelector> } }")
    in_file = {q.subject for q in ox.parse(path=str(seed_output / "vyzov.ttl"), format=ox.RdfFormat.TURTLE)
               if q.object == ox.NamedNode("http://www.w3.org/ns/oa#TextQuoteSelector")}
    assert int(virtuoso.select(selectors)[0]["n"]) == len(in_file)


# --- Jena TDB2 (Debian's libapache-jena-java has tdb2.tdbloader and tdb2.tdbquery as classes)


@pytest.fixture(scope="module")
def tdb2(seed_output: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    require_tool(Path("/usr/share/java/jena-tdb2.jar").exists() and shutil.which("java") is not None,
                 "Jena TDB2 (Debian package libapache-jena-java)")
    work = tmp_path_factory.mktemp("tdb2")
    classpath = jena_classpath(work)
    loaded = subprocess.run(["java", "-cp", classpath, "tdb2.tdbloader", "--loc", str(work / "db"),
                             str(seed_output / "vyzov.nq"), str(seed_output / "ontology.ttl")],
                            capture_output=True, text=True, timeout=600)
    assert loaded.returncode == 0, loaded.stderr[-3000:]
    return classpath, work / "db"


def tdb2_query(tdb2: tuple[str, Path], query: Path, *options: str) -> str:
    classpath, db = tdb2
    run = subprocess.run(["java", "-cp", classpath, "tdb2.tdbquery", "--loc", str(db), *options,
                          "--query", str(query), "--results", "tsv"], capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    return run.stdout


@pytest.mark.slow  # a real store: some tens of seconds on a shared machine
def test_tdb2_answers_every_example_on_the_default_graph(tdb2: tuple[str, Path]) -> None:
    """Jena writes a language tag as given (ru-Latn), pyoxigraph in lowercase: compared case-blind."""
    answers = {q.stem: tdb2_query(tdb2, q).replace("@ru-Latn", "@ru-latn") for q in QUERIES}
    assert answers == {q.stem: (q.parent / "expected" / f"{q.stem}.tsv").read_text(encoding="utf-8") for q in QUERIES}


@pytest.mark.slow  # a real store: some tens of seconds on a shared machine
def test_tdb2_union_default_graph_lacks_the_provenance(tdb2: tuple[str, Path]) -> None:
    """What the README says: TDB2's union is the named graphs only, so no statement is in it."""
    query = SEED / "queries" / "fact-sources.rq"
    assert tdb2_query(tdb2, query, "--set", "tdb:unionDefaultGraph=true").splitlines() == ["?age\t?article\t?exact\t?start\t?end"]
