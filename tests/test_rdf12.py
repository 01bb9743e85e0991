"""The RDF 1.2 output ({stem}-rdf12.ttl and .nt): loaded into Oxigraph, provenance queries written
for RDF 1.2 reifiers (rdf:reifies <<( s p o )>>, SPARQL 1.2's `~` and `{| |}`) answer what the same
questions written for the reification (rdf:Statement, rdf:subject, …) answer over {stem}.ttl."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.mapping import MappedGraph, Statement, reading_order
from kg.namespaces import RDF
from kg.outputs.rdf12 import REIFIES, reified_triples
from kg.pipeline import build
from kg.project import open_project
from tests.helpers import scratch_project

STATEMENT = ox.NamedNode(RDF + "Statement")
PREFIXES = """PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX schema: <https://schema.org/>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX wikibase: <http://wikiba.se/ontology#>
PREFIX film: <https://example.org/vyzov/id/film/>
PREFIX person: <https://example.org/vyzov/id/person/>
"""
# (the RDF 1.1 reification over {stem}.ttl, the RDF 1.2 reifiers over {stem}-rdf12.ttl)
QUESTIONS = {
    "which articles support Shipenko as director": (
        "SELECT ?film ?article WHERE { ?st rdf:subject ?film ; rdf:predicate schema:director ; "
        "rdf:object person:klim-shipenko ; prov:hadPrimarySource ?article }",
        "SELECT ?film ?article WHERE { ?st rdf:reifies <<( ?film schema:director person:klim-shipenko )>> ; "
        "prov:hadPrimarySource ?article }",
    ),
    "the quote behind every claim, with its rank": (
        "SELECT ?st ?s ?p ?o ?rank ?exact WHERE { ?st a rdf:Statement ; rdf:subject ?s ; rdf:predicate ?p ; "
        "rdf:object ?o ; wikibase:rank ?rank ; prov:wasDerivedFrom/oa:hasSelector/oa:exact ?exact }",
        "SELECT ?st ?s ?p ?o ?rank ?exact WHERE { ?st rdf:reifies <<( ?s ?p ?o )>> ; wikibase:rank ?rank ; "
        "prov:wasDerivedFrom/oa:hasSelector/oa:exact ?exact }",
    ),
    # annotation syntax: the triple asserted, and a reifier of it with these properties
    "asserted triples with their statements' ranks": (
        "SELECT ?st ?s ?p ?o ?rank WHERE { ?s ?p ?o . ?st rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; "
        "wikibase:rank ?rank }",
        "SELECT ?st ?s ?p ?o ?rank WHERE { ?s ?p ?o ~ ?st {| wikibase:rank ?rank |} }",
    ),
    # a reified triple term, asserted or not
    "every statement of the film's director": (
        "SELECT ?st ?who WHERE { ?st rdf:subject film:vyzov ; rdf:predicate schema:director ; rdf:object ?who }",
        "SELECT ?st ?who WHERE { << film:vyzov schema:director ?who ~ ?st >> wikibase:rank ?rank }",
    ),
}
# A claim the curators judge wrong: Peresild is the film's lead actress, not its director.
DEPRECATED = """claims:
  - subject: film/vyzov
    property: schema:director
    value: person/yulia-peresild
    rank: deprecated
    refs:
      - {source: 000_d6db8baa69644283, quote: "Russian actress Yulia Peresild, 37, and director Klim Chipenko, 38"}
"""


def loaded(*files: tuple[bytes, ox.RdfFormat]) -> ox.Store:
    store = ox.Store()
    for data, fmt in files:
        store.load(data, format=fmt)
    return store


def answers(store: ox.Store, query: str) -> set[tuple[str, ...]]:
    results = store.query(PREFIXES + query)
    assert isinstance(results, ox.QuerySolutions)
    return {tuple(str(solution[v]) for v in results.variables) for solution in results}


@pytest.fixture(scope="module")
def stores(seed_output: Path) -> tuple[ox.Store, ox.Store]:
    reification = loaded(((seed_output / "vyzov.ttl").read_bytes(), ox.RdfFormat.TURTLE))
    rdf12 = loaded(((seed_output / "vyzov-rdf12.ttl").read_bytes(), ox.RdfFormat.TURTLE))
    return reification, rdf12


@pytest.mark.parametrize("question", QUESTIONS)
def test_rdf12_reifiers_answer_what_the_reification_answers(stores: tuple[ox.Store, ox.Store], question: str) -> None:
    reification, rdf12 = stores
    old, new = QUESTIONS[question]
    expected = answers(reification, old)
    assert expected, f"the question has no answer to compare: {question}"
    assert answers(rdf12, new) == expected


def test_shipenko_is_director_by_all_five_articles(stores: tuple[ox.Store, ox.Store]) -> None:
    _, rdf12 = stores
    found = answers(rdf12, QUESTIONS["which articles support Shipenko as director"][1])
    assert {article.rsplit("/", 1)[-1][:3] for _, article in found} == {"000", "001", "002", "003", "004"}


def test_the_turtle_and_the_ntriples_are_one_graph_the_rdf11_graph_without_its_reification(seed_output: Path) -> None:
    turtle = (seed_output / "vyzov-rdf12.ttl").read_bytes()
    assert turtle.startswith(b'VERSION "1.2"\n')
    graph = set(ox.parse(turtle, format=ox.RdfFormat.TURTLE))
    assert set(ox.parse(path=seed_output / "vyzov-rdf12.nt", format=ox.RdfFormat.N_TRIPLES)) == graph
    rdf11 = set(ox.parse(path=seed_output / "vyzov.ttl", format=ox.RdfFormat.TURTLE))
    statements = {t.subject for t in rdf11 if t.object == ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#Statement")}
    reification = {t for t in rdf11 if t.subject in statements and t.predicate.value.startswith(
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#") and not t.predicate.value.endswith("#reifies")}
    reifiers = {t for t in graph if t.predicate.value == "http://www.w3.org/1999/02/22-rdf-syntax-ns#reifies"}
    assert len(statements) == len(reifiers) == 375
    assert graph - reifiers == rdf11 - reification
    assert all(isinstance(t.object, ox.Triple) for t in reifiers)
    assert not any(isinstance(term, ox.BlankNode) for t in graph for term in (t.subject, t.object))


def test_the_rdf_reifies_form_is_what_the_annotation_syntax_means(seed_output: Path) -> None:
    """pyoxigraph writes no `~ … {| … |}`; the same statement written so by hand parses to
    triples the output holds."""
    graph = set(ox.parse(path=seed_output / "vyzov-rdf12.nt", format=ox.RdfFormat.N_TRIPLES))
    reifier = next(t for t in sorted(graph, key=str) if t.predicate.value.endswith("#reifies"))
    triple = reifier.object
    assert isinstance(triple, ox.Triple)
    rank = next(t.object for t in graph if t.subject == reifier.subject and t.predicate.value.endswith("#rank"))
    annotated = f"{triple.subject} {triple.predicate} {triple.object} ~ {reifier.subject} {{| <http://wikiba.se/ontology#rank> {rank} |}} ."
    assert set(ox.parse(annotated.encode("utf-8"), format=ox.RdfFormat.TURTLE)) <= graph


def test_a_deprecated_claim_is_reified_but_not_asserted(tmp_path: Path) -> None:
    root = scratch_project(tmp_path)
    (root / "facts" / "zz-deprecated.yaml").write_text(DEPRECATED, encoding="utf-8")
    result = build(open_project(root), run_shacl=False)
    store = loaded((result.files["vyzov-rdf12.ttl"], ox.RdfFormat.TURTLE))
    reifiers = answers(store, "SELECT ?st ?rank WHERE { ?st rdf:reifies <<( film:vyzov schema:director "
                              "person:yulia-peresild )>> ; wikibase:rank ?rank }")
    assert [rank for _, rank in reifiers] == ["<http://wikiba.se/ontology#DeprecatedRank>"]
    assert not store.query(PREFIXES + "ASK { film:vyzov schema:director person:yulia-peresild }")
    assert answers(store, "SELECT ?st WHERE { film:vyzov schema:director person:yulia-peresild ~ ?st }") == set()
    assert answers(store, "SELECT ?who WHERE { film:vyzov schema:director ?who }") == {
        ("<https://example.org/vyzov/id/person/klim-shipenko>",)}
    rdf11 = loaded((result.files["vyzov.ttl"], ox.RdfFormat.TURTLE))
    assert answers(rdf11, QUESTIONS["every statement of the film's director"][0]) == answers(
        store, QUESTIONS["every statement of the film's director"][1])


def _reified_by_sorting(graph: MappedGraph) -> list[ox.Triple]:
    """What reified_triples returns, as it was first written: filter, add the reifiers, sort."""
    statements = {st.iri for st in graph.statements}
    kept = [t for t in graph.triples()
            if not (t.subject in statements and (t.predicate.value in {RDF + "subject", RDF + "predicate", RDF + "object"}
                                                  or (t.predicate.value == RDF + "type" and t.object == STATEMENT)))]
    return sorted([*kept, *(ox.Triple(st.iri, REIFIES, st.triple) for st in graph.statements)], key=reading_order)


def test_reifiers_go_where_sorting_puts_them() -> None:
    """Each reifier among its statement node's triples, whose predicates sort before rdf:reifies
    (wikibase:rank, rdf:object… removed, an rdf:type kept) and after it (prov:, an https: IRI, a
    second rdf:reifies), and one statement node with no triple of its own."""
    n = ox.NamedNode
    film, director, who = n("https://e.org/id/film"), n("https://schema.org/director"), n("https://e.org/id/who")
    statements = [Statement(film, director, who, n(f"https://e.org/statement/{h}"), "normal") for h in "abcd"]
    provenance = []
    for st in statements[:3]:
        provenance += [ox.Triple(st.iri, n(RDF + "type"), STATEMENT), ox.Triple(st.iri, n(RDF + "subject"), film),
                       ox.Triple(st.iri, n(RDF + "object"), who),
                       ox.Triple(st.iri, n("http://wikiba.se/ontology#rank"), n("http://wikiba.se/ontology#NormalRank"))]
    a, b, c, _ = statements
    provenance += [ox.Triple(a.iri, n(RDF + "type"), n("https://e.org/Other")),
                   ox.Triple(a.iri, n("http://www.w3.org/ns/prov#wasDerivedFrom"), n("https://e.org/ref")),
                   ox.Triple(b.iri, n("https://e.org/ontology#curatorNote"), ox.Literal("note")),
                   ox.Triple(b.iri, REIFIES, ox.Triple(who, director, film)),
                   ox.Triple(c.iri, n(RDF + "reifiez"), ox.Literal("x"))]
    for made in (statements[:3], statements):
        graph = MappedGraph([st.triple for st in made], provenance, [], made, [])
        assert reified_triples(graph) == _reified_by_sorting(graph)
