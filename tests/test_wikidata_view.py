"""The Wikidata-vocabulary view (output/*-wikidata.ttl) reads as Wikidata's own RDF does
(https://www.mediawiki.org/wiki/Wikibase/Indexing/RDF_Dump_Format): times as xsd:dateTime in UTC
with their precision, quantities as amounts, full statements (p:/ps:/psv:, ranks) as IRIs, events
lifted onto their flight's item; only properties and items from the reference table; and
Wikidata-Query-Service queries run on it unchanged. On the frozen seed, and on the events fixture
(the MS-18 landing at 2021-10-17T04:36:00Z)."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

import kg
from kg.inputs.wikidata_ids import read_reference_table, usable_ids
from kg.outputs.wikidata import wikidata_time
from kg.terms import term as rdf_term
from kg.terms import value
from tests.conftest import REPOSITORY, SEED
from tests.helpers import scratch_project
from tests.test_events import events_project
from tests.test_quickstatements import sourced_project

WD = "http://www.wikidata.org/entity/"
WDT = "http://www.wikidata.org/prop/direct/"
P = "http://www.wikidata.org/prop/"
PS = P + "statement/"
PSV = PS + "value/"
PQ, PR = P + "qualifier/", P + "reference/"
WIKIBASE = "http://wikiba.se/ontology#"
PROV = "http://www.w3.org/ns/prov#"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
TABLE = SEED / "reference" / "wikidata-ids.tsv"
MS19, MS18, SHIPENKO = WD + "Q86675323", WD + "Q69637833", WD + "Q27990623"
# The prefixes the Wikidata Query Service declares itself, so that its queries carry none.
WDQS_PREFIXES = {"wd": WD, "wdt": WDT, "p": P, "ps": PS, "psv": PSV, "pq": PQ, "pqv": PQ + "value/", "pr": PR,
                 "prv": PR + "value/", "wikibase": WIKIBASE, "prov": PROV, "xsd": XSD}


def date_time(text: str) -> ox.Literal:
    return ox.Literal(text, datatype=ox.NamedNode(XSD + "dateTime"))


def read_view(root: Path) -> list[ox.Triple]:
    (path,) = (root / "output").glob("*-wikidata.ttl")
    return list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))


def store_of(triples: list[ox.Triple]) -> ox.Store:
    store = ox.Store()
    store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
    return store


def select(triples: list[ox.Triple], query: str) -> set[tuple[str | None, ...]]:
    """A query as written for the Wikidata Query Service (no PREFIX lines), run on the view."""
    solutions = store_of(triples).query(query, prefixes=WDQS_PREFIXES)
    assert isinstance(solutions, ox.QuerySolutions)
    return {tuple(None if cell is None else value(cell) for cell in row) for row in solutions}


def property_datatypes() -> dict[str, str]:
    """P-id -> Wikidata datatype (item, time, quantity, …), as the reference table gives them."""
    rows = (line.split("\t") for line in TABLE.read_text(encoding="utf-8").splitlines() if not line.startswith("#"))
    return {row[2]: row[3] for row in rows if len(row) > 3 and row[0] == "prop"}


def objects(triples: list[ox.Triple], s: str, p: str) -> set[ox.NamedNode | ox.Literal]:
    return {rdf_term(t.object) for t in triples if value(t.subject) == s and t.predicate.value == p}


@pytest.fixture(scope="module")
def view(seed_output: Path) -> list[ox.Triple]:
    return read_view(seed_output.parent)


@pytest.fixture(scope="module")
def landing_view(tmp_path_factory: pytest.TempPathFactory) -> list[ox.Triple]:
    root = events_project(tmp_path_factory.mktemp("wikidata-landing"), "landing.yaml")
    kg.build(kg.open_project(root), shacl=False)
    return read_view(root)


# ---------------------------------------------------------------------- only verified IDs


def test_every_wikidata_property_is_a_verified_property(view: list[ox.Triple]) -> None:
    used = {t.predicate.value.rsplit("/", 1)[1] for t in view if t.predicate.value.startswith("http://www.wikidata.org/")}
    assert {t.predicate.value for t in view if not t.predicate.value.startswith("http://www.wikidata.org/")} <= {
        RDF_TYPE, WIKIBASE + "rank", WIKIBASE + "timeValue", WIKIBASE + "timePrecision", WIKIBASE + "timeTimezone",
        WIKIBASE + "quantityAmount", PROV + "wasDerivedFrom"}
    assert {"P31", "P57", "P619", "P2048"} <= used
    assert used - usable_ids(TABLE, "prop") == set()


def test_every_wd_item_is_verified(view: list[ox.Triple]) -> None:
    items = {
        term.value.removeprefix(WD)
        for t in view
        for term in (t.subject, t.object)
        if isinstance(term, ox.NamedNode) and term.value.startswith(WD)
    }
    assert items
    assert items - usable_ids(TABLE) == set()


def test_the_director_reads_as_wikidata_would(view: list[ox.Triple]) -> None:
    directed = {(str(t.subject), str(t.object)) for t in view if t.predicate.value == WDT + "P57"}
    assert ("<https://example.org/vyzov/id/film/vyzov>", "<http://www.wikidata.org/entity/Q27990623>") in directed


def test_no_blank_nodes_and_no_calendar_or_unit_item_the_table_does_not_list(view: list[ox.Triple]) -> None:
    assert not any(isinstance(term, ox.BlankNode) for t in view for term in (t.subject, t.object))
    labels = {row.label for row in read_reference_table(TABLE)}
    assert "Gregorian calendar" not in labels and "metre" not in labels
    assert not {WIKIBASE + "timeCalendarModel", WIKIBASE + "quantityUnit"} & {t.predicate.value for t in view}


# ---------------------------------------------------------------------- Wikidata's value formats


def test_the_launch_date_is_a_utc_datetime_of_day_precision(view: list[ox.Triple]) -> None:
    assert objects(view, MS19, WDT + "P619") == {date_time("2021-10-05T00:00:00Z")}
    assert objects(view, MS19, WDT + "P622") == {date_time("2021-10-05T09:22:00Z")}
    assert not any(isinstance(t.object, ox.Literal) and t.object.datatype.value == XSD + "date" for t in view)


def test_the_landing_time_lifted_from_its_event_has_second_precision(landing_view: list[ox.Triple]) -> None:
    assert objects(landing_view, MS18, WDT + "P620") == {date_time("2021-10-17T04:36:00Z")}
    assert select(landing_view, """
        SELECT ?precision ?zone WHERE {
          wd:Q69637833 p:P620 ?st . ?st ps:P620 ?time ; psv:P620 [ wikibase:timePrecision ?precision ;
                                                                     wikibase:timeTimezone ?zone ] }""") == {("14", "0")}
    # the event's own node and date are no Wikidata item's statement
    assert not any("event/" in value(t.subject) for t in landing_view)


def test_a_quantity_is_an_amount_on_wdt_and_a_quantity_value_on_psv(view: list[ox.Triple]) -> None:
    quantity = {pid for pid, datatype in property_datatypes().items() if datatype == "quantity"}
    on_quantities = [t for t in view if t.predicate.value.startswith(WDT) and t.predicate.value.removeprefix(WDT) in quantity]
    assert on_quantities, "no quantity in the view"
    assert all(isinstance(t.object, ox.Literal) and t.object.datatype.value == XSD + "decimal" for t in on_quantities)
    assert objects(view, SHIPENKO, WDT + "P2048") == {ox.Literal("1.9", datatype=ox.NamedNode(XSD + "decimal"))}
    assert select(view, """SELECT ?amount WHERE { wd:Q27990623 p:P2048/psv:P2048 ?v .
                                                  ?v a wikibase:QuantityValue ; wikibase:quantityAmount ?amount }""") == {("1.9",)}


def test_every_truthy_triple_has_its_full_best_rank_statement(view: list[ox.Triple]) -> None:
    statements: dict[str, dict[str, set[str]]] = {}
    for t in view:
        if t.predicate.value.startswith(P) and not t.predicate.value.startswith((WDT, PS, PQ, PR)):
            statements.setdefault(value(t.object), {})["item"] = {value(t.subject)}
    for t in view:
        if value(t.subject) in statements:
            statements[value(t.subject)].setdefault(t.predicate.value, set()).add(value(t.object))
    truthy = {(value(t.subject), t.predicate.value.removeprefix(WDT), value(t.object))
              for t in view if t.predicate.value.startswith(WDT)}
    best = set()
    for st, parts in statements.items():
        assert st.startswith("https://example.org/vyzov/wikidata/statement/"), st
        assert WIKIBASE + "Statement" in parts[RDF_TYPE] and len(parts[WIKIBASE + "rank"]) == 1, st
        (ps,) = [p for p in parts if p.startswith(PS) and not p.startswith(PSV)]
        (simple,) = parts[ps]
        if WIKIBASE + "BestRank" in parts[RDF_TYPE]:
            best.add((next(iter(parts["item"])), ps.removeprefix(PS), simple))
    assert best == truthy


# ---------------------------------------------------------------------- queries written for Wikidata


def test_wikidata_query_service_queries_run_unchanged(view: list[ox.Triple]) -> None:
    assert select(view, "SELECT ?m WHERE { ?m wdt:P619 ?d . FILTER(YEAR(?d) = 2021) }") == {(MS19,)}
    assert select(view, """
        SELECT ?m ?time ?precision WHERE {
          ?m p:P619 ?st .
          ?st ps:P619 ?time ; wikibase:rank wikibase:NormalRank ; a wikibase:BestRank ;
              psv:P619 ?value .
          ?value a wikibase:TimeValue ; wikibase:timeValue ?time ; wikibase:timePrecision ?precision .
        }""") == {(MS19, "2021-10-05T00:00:00Z", "11")}
    assert select(view, "SELECT ?film WHERE { ?film wdt:P31 wd:Q11424 ; wdt:P57 wd:Q27990623 }") == {
        ("https://example.org/vyzov/id/film/vyzov",)}


RANKED = """claims:
  - subject: mission/soyuz-ms-19
    property: kg:launchDate
    value: 2021-10-04
    rank: deprecated
    note: "a test: a curator judges this date wrong"
    refs:
      - {source: 004_ba6c03b084f54831, quote: "A Russian film crew docked this Tuesday (05.10.2021)"}
  - subject: mission/soyuz-ms-19
    property: kg:dockingTime
    value: "2021-10-05T12:22:00+03:00"
    rank: preferred
    refs:
      - {source: 002_61f4a650ca5522b8, quote: "The rocket arrived at the International Space Station at 9:22 am GMT"}
"""


def test_ranks_follow_wikidata_deprecated_kept_off_wdt_and_one_instant_one_statement(tmp_path: Path) -> None:
    root = scratch_project(tmp_path / "ranked")
    (root / "facts" / "ranked.yaml").write_text(RANKED, encoding="utf-8")
    kg.build(kg.open_project(root), shacl=False)
    view = read_view(root)
    assert objects(view, MS19, WDT + "P619") == {date_time("2021-10-05T00:00:00Z")}
    assert select(view, "SELECT ?time ?rank WHERE { wd:Q86675323 p:P619 ?st . ?st ps:P619 ?time ; wikibase:rank ?rank }") == {
        ("2021-10-05T00:00:00Z", WIKIBASE + "NormalRank"), ("2021-10-04T00:00:00Z", WIKIBASE + "DeprecatedRank")}
    assert select(view, "SELECT ?st WHERE { ?st ps:P619 \"2021-10-04T00:00:00Z\"^^xsd:dateTime ; a wikibase:BestRank }") == set()
    # 12:22+03:00 is the seed's 09:22Z: one Wikidata statement, with the better of the two ranks
    assert select(view, "SELECT ?time ?rank WHERE { wd:Q86675323 p:P622 ?st . ?st ps:P622 ?time ; wikibase:rank ?rank }") == {
        ("2021-10-05T09:22:00Z", WIKIBASE + "PreferredRank")}


# ---------------------------------------------------------------------- the conversion itself


@pytest.mark.parametrize("lexical,datatype,expected", [
    ("2021-10-05", "date", ("2021-10-05T00:00:00Z", 11)),
    ("2021-10-17T04:36:00Z", "dateTime", ("2021-10-17T04:36:00Z", 14)),
    ("2021-10-05T12:22:00+03:00", "dateTime", ("2021-10-05T09:22:00Z", 14)),
    ("2021-10-05T01:30:00+03:00", "dateTime", ("2021-10-04T22:30:00Z", 14)),  # the UTC day is the day before
    ("2021-10-04T22:30:00-02:00", "dateTime", ("2021-10-05T00:30:00Z", 14)),
    ("2021-10-05T09:22:00.750Z", "dateTime", ("2021-10-05T09:22:00Z", 14)),  # second precision
    ("2021-10", "gYearMonth", ("2021-10-01T00:00:00Z", 10)),
    ("2021", "gYear", ("2021-01-01T00:00:00Z", 9)),
    ("2021-10-05T09:22:00", "dateTime", None),  # no time zone: no instant to convert
    ("2021-02-30", "date", None),
    ("2021", "date", None),
    ("PT3H", "duration", None),
])
def test_a_time_becomes_wikidatas_utc_timestamp_and_precision(lexical: str, datatype: str,
                                                              expected: tuple[str, int] | None) -> None:
    assert wikidata_time(ox.Literal(lexical, datatype=ox.NamedNode(XSD + datatype))) == expected


# ---------------------------------------------------------------------- the alignments the view reads

ONTOLOGIES = [REPOSITORY / "ontology" / "kg.ttl", SEED / "ontology" / "kg.ttl", REPOSITORY / "kg" / "vocab" / "ontology.ttl",
              REPOSITORY / "kg" / "project" / "template" / "ontology" / "ontology.ttl"]


@pytest.mark.parametrize("path", ONTOLOGIES, ids=["live", "seed", "vocab", "template"])
def test_an_equivalent_property_is_item_valued_and_a_date_or_quantity_property_a_close_match(path: Path) -> None:
    """owl:equivalentProperty says the values are the same: true of an item-valued Wikidata
    property only (kg's height is a node, Wikidata's P2048 an amount; kg's dates xsd:date)."""
    datatypes = property_datatypes()
    graph = rdflib.Graph().parse(path, format="turtle", publicID="https://example.org/vyzov/")
    kg_ns = rdflib.Namespace("https://example.org/vyzov/ontology#")
    for term, target in graph.subject_objects(rdflib.OWL.equivalentProperty):
        if str(target).startswith("http://www.wikidata.org/"):
            assert datatypes[str(target).rsplit("/", 1)[1]] == "item", (term, target)
    for term, target in graph.subject_objects(kg_ns.wikidataProperty):
        pid = str(target).removeprefix(WD)
        if datatypes[pid] != "item":
            assert not [t for t in graph.objects(term, rdflib.OWL.equivalentProperty)], term
            assert any(str(t).endswith("/" + pid) for t in graph.objects(term, rdflib.SKOS.closeMatch)), term


def test_a_unit_and_the_calendar_model_are_written_once_the_table_lists_them(tmp_path: Path) -> None:
    """The view looks units and the calendar up in the project's table, never elsewhere. The IDs
    below are made up for the test (no real item is claimed): what matters is that they come from the table."""
    root = scratch_project(tmp_path / "listed")
    with (root / "reference" / "wikidata-ids.tsv").open("a", encoding="utf-8") as table:
        table.write("unit\tmetre\tQ999999901\t\tverified\ta test row\n"
                    "item\tGregorian calendar\tQ999999902\t\tverified\ta test row\n")
    kg.build(kg.open_project(root), shacl=False)
    view = read_view(root)
    assert select(view, "SELECT ?unit WHERE { wd:Q27990623 p:P2048/psv:P2048/wikibase:quantityUnit ?unit }") == {
        (WD + "Q999999901",)}
    assert select(view, "SELECT DISTINCT ?calendar WHERE { ?v wikibase:timeCalendarModel ?calendar }") == {
        (WD + "Q999999902",)}


def test_the_role_pattern_is_a_qualifier_not_a_statement(view: list[ox.Triple]) -> None:
    """film schema:actor role:… is no cast member: Wikidata says the role with a qualifier, so a
    role's IRI is only ever the value of a pq: qualifier (P453 character role, P3831 object has role)."""
    roles = "https://example.org/vyzov/id/role/"
    assert not [t for t in view if value(t.subject).startswith(roles)]
    holding = {t.predicate.value for t in view if value(t.object).startswith(roles)}
    assert holding == {PQ + "P453", PQ + "P3831"}
    cast = {value(t.object) for t in view if t.predicate.value == WDT + "P161"}
    assert cast and all(not c.startswith(roles) for c in cast)


# ---------------------------------------------------------------------- qualifiers and references


@pytest.fixture(scope="module")
def sourced_view(tmp_path_factory: pytest.TempPathFactory) -> list[ox.Triple]:
    """The seed with URLs, retrieval dates and a publisher in its registry (tests.test_quickstatements)."""
    root = sourced_project(tmp_path_factory.mktemp("wikidata-sourced") / "sourced")
    kg.build(kg.open_project(root), shacl=False)
    return read_view(root)


def test_wdqs_cast_members_with_their_character_role(view: list[ox.Triple]) -> None:
    """P161 with its P453 qualifier, the role's item (kg's IRI: the seed's roles have no Wikidata item)."""
    assert select(view, """
        SELECT ?actor ?role WHERE {
          ?film wdt:P31 wd:Q11424 ; p:P161 ?statement .
          ?statement ps:P161 ?actor .
          OPTIONAL { ?statement pq:P453 ?role }
        }""") == {(WD + "Q4350906", "https://example.org/vyzov/id/role/vyzov-lead"),
                  (WD + "Q592219", "https://example.org/vyzov/id/role/vyzov-supporting")}


def test_wdqs_the_launch_date_with_each_reference_quote(view: list[ox.Triple]) -> None:
    assert select(view, """
        SELECT ?date ?quote WHERE {
          wd:Q86675323 p:P619 ?statement .
          ?statement ps:P619 ?date ; prov:wasDerivedFrom ?reference .
          ?reference a wikibase:Reference ; pr:P1683 ?quote .
        }""") == {("2021-10-05T00:00:00Z", quote) for quote in (
            "she departs for boarding the Soyuz MS-19 spacecraft for the launch at the Baikonur Cosmodrome, "
            "Kazakhstan October 5, 2021.",
            "The country sent an actress and a filmmaker to shoot the first feature film in space on Tuesday (5)",
            "A Russian actress and director took off on Tuesday, October 5 in the morning",
            "A Russian film crew docked this Tuesday (05.10.2021) to the International Space Station (ISS) after a "
            "three-hour trip")}
    quotes = [t.object for t in view if t.predicate.value == PR + "P1683"]
    assert quotes and all(isinstance(q, ox.Literal) and q.language == "en" for q in quotes)


def test_wdqs_best_rank_only_hides_the_deprecated_date(sourced_view: list[ox.Triple]) -> None:
    assert select(sourced_view, """
        SELECT ?date ?rank WHERE {
          wd:Q86675323 p:P619 ?statement .
          ?statement ps:P619 ?date ; wikibase:rank ?rank ; a wikibase:BestRank .
        }""") == {("2021-10-05T00:00:00Z", WIKIBASE + "NormalRank")}
    assert select(sourced_view, """
        SELECT ?date ?rank WHERE { wd:Q86675323 p:P619 [ ps:P619 ?date ; wikibase:rank ?rank ] }""") == {
        ("2021-10-05T00:00:00Z", WIKIBASE + "NormalRank"), ("2021-10-04T00:00:00Z", WIKIBASE + "DeprecatedRank")}


def test_wdqs_point_in_time_and_references_with_url_retrieved_and_stated_in(sourced_view: list[ox.Triple]) -> None:
    assert select(sourced_view, """
        SELECT ?when ?precision ?url ?retrieved ?retrievedPrecision ?statedIn WHERE {
          wd:Q4350906 p:P27 ?statement .
          ?statement ps:P27 wd:Q159 ; pq:P585 ?when ; pqv:P585/wikibase:timePrecision ?precision ;
                     prov:wasDerivedFrom ?reference .
          ?reference pr:P854 ?url ; pr:P813 ?retrieved ; prv:P813/wikibase:timePrecision ?retrievedPrecision .
          OPTIONAL { ?reference pr:P248 ?statedIn }
        }""") == {
        ("2021-10-05T00:00:00Z", "11", "https://news.example/russia-outruns-us", "2021-10-06T00:00:00Z", "11", None),
        ("2021-10-05T00:00:00Z", "11", "https://news.example/film-crew-docked?id=4", "2021-10-07T00:00:00Z", "11",
         WD + "Q130879")}
    # the qualified statement is one of its own beside the unqualified one of the same value
    assert select(sourced_view, """
        SELECT ?when WHERE { wd:Q4350906 p:P27 ?statement . ?statement ps:P27 wd:Q159 .
                             OPTIONAL { ?statement pq:P585 ?when } }""") == {("2021-10-05T00:00:00Z",), (None,)}


def test_statements_and_references_are_hashed_iris(sourced_view: list[ox.Triple]) -> None:
    references = {value(t.subject) for t in sourced_view
                  if t.predicate.value == RDF_TYPE and value(t.object) == WIKIBASE + "Reference"}
    assert references and all(r.startswith("https://example.org/vyzov/wikidata/reference/") for r in references)
    derived = {value(t.object) for t in sourced_view if t.predicate.value == PROV + "wasDerivedFrom"}
    assert derived == references
