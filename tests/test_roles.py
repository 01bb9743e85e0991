"""schema.org's Role pattern in the asserted graph: a claim qualified with a role links the subject
to the role node and the role node to the value, each link a statement with the claim's sources."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
from click.testing import CliRunner

from kg.cli import main
from tests.helpers import scratch_project

BASE = "https://example.org/vyzov/"
SCHEMA = "https://schema.org/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
PROV = "http://www.w3.org/ns/prov#"
FILM, LEAD, PERESILD = (ox.NamedNode(BASE + "id/" + i) for i in ("film/vyzov", "role/vyzov-lead", "person/yulia-peresild"))
ACTOR = ox.NamedNode(SCHEMA + "actor")


def _graph(path: Path) -> ox.Store:
    store = ox.Store()
    store.load(path=str(path), format=ox.RdfFormat.TURTLE)
    return store


def _sources_of(store: ox.Store, s: ox.NamedNode, p: ox.NamedNode, o: ox.NamedNode) -> set[str]:
    rows = store.query(f"""SELECT ?key WHERE {{ ?st <{RDF}subject> {s} ; <{RDF}predicate> {p} ; <{RDF}object> {o} ;
        <{PROV}hadPrimarySource>/<{SCHEMA}identifier> ?key }}""")
    return {row["key"].value for row in rows}  # type: ignore[union-attr]


def test_the_film_reaches_the_role_and_the_role_the_actor(seed_output: Path) -> None:
    store = _graph(seed_output / "vyzov.ttl")
    assert ox.Quad(FILM, ACTOR, LEAD) in store
    assert ox.Quad(LEAD, ACTOR, PERESILD) in store
    assert ox.Quad(FILM, ACTOR, PERESILD) in store  # the plain link stays for simple queries
    assert ox.Quad(LEAD, ox.NamedNode(RDF + "type"), ox.NamedNode(SCHEMA + "PerformanceRole")) in store
    # each link of the pattern has the qualified claim's sources (film.yaml: 001 and 004)
    qualified = _sources_of(store, FILM, ACTOR, PERESILD)
    assert _sources_of(store, FILM, ACTOR, LEAD) == _sources_of(store, LEAD, ACTOR, PERESILD) != set()
    assert _sources_of(store, FILM, ACTOR, LEAD) <= qualified


def test_who_plays_the_doctor_is_one_plain_pattern(seed_output: Path) -> None:
    store = _graph(seed_output / "vyzov.ttl")
    rows = store.query(f"""SELECT ?name WHERE {{
        ?film <{ACTOR.value}> ?role . ?role <{SCHEMA}characterName> "doctor"@en ; <{ACTOR.value}> ?person .
        ?person <{SCHEMA}name> ?name }}""")
    assert [row["name"].value for row in rows] == ["Yulia Peresild"]  # type: ignore[union-attr]


def test_a_deprecated_role_claim_asserts_no_part_of_the_pattern(tmp_path: Path) -> None:
    project = scratch_project(tmp_path)
    film = project / "facts" / "film.yaml"
    text = film.read_text(encoding="utf-8")
    claim = "    value: person/anton-shkaplerov\n    qualifiers: {role: role/vyzov-supporting}\n"
    assert claim in text
    film.write_text(text.replace(claim, claim + "    rank: deprecated\n"), encoding="utf-8")
    result = CliRunner().invoke(main, ["--project", str(project), "build", "-q"])
    assert result.exit_code == 0, result.output
    store = _graph(project / "output" / "vyzov.ttl")
    supporting = ox.NamedNode(BASE + "id/role/vyzov-supporting")
    shkaplerov = ox.NamedNode(BASE + "id/person/anton-shkaplerov")
    assert ox.Quad(FILM, ACTOR, supporting) not in store
    assert ox.Quad(supporting, ACTOR, shkaplerov) not in store
    # kept with its sources as deprecated statements
    assert _sources_of(store, supporting, ACTOR, shkaplerov) == {"004_ba6c03b084f54831"}
