"""Events as nodes (issue 11): what happens — a launch, a docking, a landing, an announcement — is
an event with its own node, its date or dateTime, place, vehicle and participants, each claim with
its quotes; planned and actual dates stay apart, and a conflict between planned dates says so.

The tests build small projects of their own: a copy of the frozen seed plus the articles and
facts in tests/fixtures/events/ — a follow-up article on the film crew's landing aboard Soyuz
MS-18, and an article on Soyuz MS-20 (an announcement, a mission with no launch date yet, a crew
role and a property the project adds to its ontology)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from click.testing import CliRunner

import kg
from kg.cli import main
from kg.rules import Rule
from tests.conftest import FIXTURES, REPOSITORY
from tests.helpers import scratch_project

EVENTS = FIXTURES / "events"
BASE = "https://example.org/vyzov/"
ID = rdflib.Namespace(BASE + "id/")
KG = rdflib.Namespace(BASE + "ontology#")
SCHEMA = rdflib.Namespace("https://schema.org/")
PROV = rdflib.Namespace("http://www.w3.org/ns/prov#")

RDF = rdflib.RDF
SOURCES = {"ms18-landing": ("Film crew back on Earth after twelve days in orbit", "2021-10-17"),
           "ms20-maezawa": ("Japanese billionaire to fly to the space station aboard Soyuz MS-20", "2021-05-13")}
PLANNED_NOTE = ("the values are planned dates (kg:plannedDate); an actual schema:startDate is a different fact, "
                "not part of this conflict")


def events_project(tmp_path: Path, *facts: str) -> Path:
    """A copy of the frozen seed with the two fixture articles registered, the project's extra
    ontology file (kg:selfFunded) and the given fixture facts files in facts/."""
    root = scratch_project(tmp_path / "project")
    project = kg.open_project(root)
    for key, (title, date) in SOURCES.items():
        kg.add_source(project, EVENTS / f"{key}.txt", key=key, title=title, date=date)
    shutil.copy(EVENTS / "tourism.ttl", root / "ontology" / "tourism.ttl")
    for name in facts:
        shutil.copy(EVENTS / name, root / "facts" / name)
    return root


def published_graph(root: Path) -> rdflib.Graph:
    """Build (without SHACL, which the validate tests cover) and parse the published Turtle."""
    kg.build(kg.open_project(root), shacl=False)
    return rdflib.Graph().parse(root / "output" / "vyzov.ttl", format="turtle")


def sources_of(graph: rdflib.Graph, s: rdflib.URIRef, p: rdflib.URIRef, o: rdflib.term.Node) -> set[str]:
    """The articles the statement of (s, p, o) cites."""
    statements = [st for st in graph.subjects(RDF.subject, s)
                  if (st, RDF.predicate, p) in graph and (st, RDF.object, o) in graph]
    return {str(src).removeprefix(BASE + "source/") for st in statements
            for src in graph.objects(st, PROV.hadPrimarySource)}


@pytest.fixture(scope="module")
def landing_graph(tmp_path_factory: pytest.TempPathFactory) -> rdflib.Graph:
    return published_graph(events_project(tmp_path_factory.mktemp("landing"), "landing.yaml", "planned-return.yaml"))


@pytest.fixture(scope="module")
def ms20_graph(tmp_path_factory: pytest.TempPathFactory) -> rdflib.Graph:
    return published_graph(events_project(tmp_path_factory.mktemp("ms20"), "ms20.yaml"))


# ---------------------------------------------------------------------- the follow-up article


def test_the_landing_is_a_landing_event_of_soyuz_ms_18_at_its_time_and_place(landing_graph: rdflib.Graph) -> None:
    landing = ID["event/soyuz-ms-18-landing"]
    assert set(landing_graph.objects(landing, RDF.type)) == {KG.Landing}
    assert set(landing_graph.objects(landing, SCHEMA.startDate)) == {
        rdflib.Literal("2021-10-17T04:36:00Z", datatype=rdflib.XSD.dateTime)}
    assert set(landing_graph.objects(landing, SCHEMA.superEvent)) == {ID["mission/soyuz-ms-18"]}
    assert set(landing_graph.objects(landing, SCHEMA.location)) == {ID["place/kazakh-steppe"]}
    assert set(landing_graph.objects(landing, KG.participant)) == {
        ID["person/yulia-peresild"], ID["person/klim-shipenko"], ID["person/oleg-novitsky"]}
    time = rdflib.Literal("2021-10-17T04:36:00Z", datatype=rdflib.XSD.dateTime)
    assert sources_of(landing_graph, landing, SCHEMA.startDate, time) == {"ms18-landing"}


def test_soyuz_ms_18_is_a_mission_with_novitsky_in_his_crew_role(landing_graph: rdflib.Graph) -> None:
    mission, novitsky = ID["mission/soyuz-ms-18"], ID["person/oleg-novitsky"]
    assert {KG.SpaceMission, KG.CrewedSpaceMission} <= set(landing_graph.objects(mission, RDF.type))
    assert (mission, KG.crewMember, novitsky) in landing_graph
    statement = next(st for st in landing_graph.subjects(RDF.subject, mission)
                     if (st, RDF.object, novitsky) in landing_graph)
    assert set(landing_graph.objects(statement, KG.objectHasRole)) == {ID["role/ms18-commander"]}
    assert set(landing_graph.objects(mission, KG.launchDate)) == set(), "the article gives no launch date"


def test_the_planned_return_conflict_lists_only_the_planned_dates(tmp_path: Path) -> None:
    root = events_project(tmp_path, "landing.yaml", "planned-return.yaml")
    result = kg.build(kg.open_project(root), shacl=False)
    (conflict,) = [c for c in result.conflicts if c.subject == str(ID["event/soyuz-ms-19-film-crew-return"])]
    assert (conflict.predicate, conflict.values) == (str(KG.plannedDate), ["2021-10-16", "2021-10-17"])
    assert conflict.actual_property == str(SCHEMA.startDate) and conflict.actual == ()
    assert conflict.note(result.inputs.ontology.compact) == PLANNED_NOTE
    assert not any(c.subject == str(ID["event/soyuz-ms-18-landing"]) for c in result.conflicts)


ACTUAL_RETURN = """claims:
  - subject: event/soyuz-ms-19-film-crew-return
    property: schema:startDate
    value: "2021-10-17T04:36:00Z"
    refs:
      - {source: ms18-landing, quote: "landed on 17 October 2021 at 04:36 GMT"}
"""
ACTUAL_NOTE = ("the values are planned dates (kg:plannedDate); the actual schema:startDate, 2021-10-17T04:36:00Z, "
               "is a different fact, not part of this conflict")


def test_an_actual_date_of_the_same_event_is_named_beside_the_conflict_never_in_it(tmp_path: Path) -> None:
    root = events_project(tmp_path, "landing.yaml", "planned-return.yaml")
    (root / "facts" / "actual.yaml").write_text(ACTUAL_RETURN, encoding="utf-8")
    runner = CliRunner()
    built = runner.invoke(main, ["--project", str(root), "build", "--no-shacl"])
    assert built.exit_code == 0, built.output
    assert (f"  conflict: <{ID['event/soyuz-ms-19-film-crew-return']}> <{KG.plannedDate}>: 2021-10-16 vs 2021-10-17\n"
            f"    ({ACTUAL_NOTE})\n") in built.output
    listed = runner.invoke(main, ["--project", str(root), "conflicts"])
    assert listed.exit_code == 0, listed.output
    assert listed.output == (
        "the film crew's return to Earth (event/soyuz-ms-19-film-crew-return) — kg:plannedDate\n"
        "  2021-10-16  001_b25d8b9e867eeac6: “they are set to return to Earth on October 16”\n"
        "  2021-10-17  002_61f4a650ca5522b8: “before returning to Earth on October 17th”\n"
        f"  ({ACTUAL_NOTE})\n"
        "Soyuz MS-19 (mission/soyuz-ms-19) — kg:plannedReturnDate\n"
        "  2021-10-16  001_b25d8b9e867eeac6: “After 12 days in space, they are set to return to Earth on October 16 "
        "with another Russian cosmonaut.”\n"
        "  2021-10-17  002_61f4a650ca5522b8: “before returning to Earth on October 17th”\n"
        "2 conflict(s)\n"
    )
    explained = runner.invoke(main, ["--project", str(root), "explain", "event/soyuz-ms-19-film-crew-return"])
    assert explained.exit_code == 0, explained.output
    assert explained.output.endswith(f"conflicts:\n  kg:plannedDate: 2021-10-16 vs 2021-10-17\n    ({ACTUAL_NOTE})\n")


def test_the_site_says_the_conflicting_values_are_planned_dates(tmp_path: Path) -> None:
    from kg.site import build_site

    root = events_project(tmp_path, "landing.yaml", "planned-return.yaml")
    (root / "facts" / "actual.yaml").write_text(ACTUAL_RETURN, encoding="utf-8")
    project = kg.open_project(root)
    kg.build(project, shacl=False)
    build_site(project, tmp_path / "site")
    index = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    page = (tmp_path / "site" / "id" / "event" / "soyuz-ms-19-film-crew-return.html").read_text(encoding="utf-8")
    assert f'2021-10-16 vs 2021-10-17 <span class="conflict-note">({ACTUAL_NOTE})</span></li>' in index
    assert f'<p class="conflict-note">Note: {ACTUAL_NOTE}.</p>' in page


def test_validate_says_a_new_planned_date_conflicts_only_with_planned_ones(tmp_path: Path) -> None:
    root = events_project(tmp_path, "landing.yaml")
    text = (EVENTS / "planned-return.yaml").read_text(encoding="utf-8")
    head, sep, seventeenth = text.rpartition("  - subject: event/soyuz-ms-19-film-crew-return\n    property: kg:plannedDate\n")
    (root / "facts" / "planned-return.yaml").write_text(head, encoding="utf-8")
    (root / "facts" / "actual.yaml").write_text(ACTUAL_RETURN, encoding="utf-8")
    new = tmp_path / "new.yaml"
    new.write_text("claims:\n" + sep + seventeenth, encoding="utf-8")
    outcome = kg.validate(kg.open_project(root), files=[new], shacl=False)
    (conflict,) = [p for p in outcome.problems if p.rule is Rule.CONFLICT]
    assert conflict.message == (
        "contradicts facts/planned-return.yaml:19: event/soyuz-ms-19-film-crew-return has 2021-10-16 "
        "(source 001_b25d8b9e867eeac6), this claim says 2021-10-17 (source 002_61f4a650ca5522b8); " + ACTUAL_NOTE)


# ---------------------------------------------------------------------- another mission


def test_the_ms20_article_records_an_announcement_a_launch_without_a_date_a_role_and_a_new_property(
        ms20_graph: rdflib.Graph) -> None:
    mission = ID["mission/soyuz-ms-20"]
    announcement, launch = ID["event/soyuz-ms-20-announcement"], ID["event/soyuz-ms-20-launch"]
    assert set(ms20_graph.objects(announcement, RDF.type)) == {KG.Announcement}
    assert set(ms20_graph.objects(announcement, SCHEMA.startDate)) == {rdflib.Literal("2021-05-13", datatype=rdflib.XSD.date)}
    assert set(ms20_graph.objects(announcement, KG.participant)) == {ID["org/roscosmos"]}
    assert set(ms20_graph.subjects(SCHEMA.superEvent, mission)) == {announcement, launch}
    assert set(ms20_graph.objects(launch, RDF.type)) == {KG.Launch}
    assert set(ms20_graph.objects(launch, SCHEMA.startDate)) == set(), "no source gives the launch date yet"
    statement = next(st for st in ms20_graph.subjects(RDF.subject, mission)
                     if (st, RDF.object, ID["person/yozo-hirano"]) in ms20_graph)
    assert set(ms20_graph.objects(statement, KG.objectHasRole)) == {ID["role/ms20-production-assistant"]}
    assert set(ms20_graph.objects(mission, KG.selfFunded)) == {rdflib.Literal("true", datatype=rdflib.XSD.boolean)}
    assert sources_of(ms20_graph, mission, KG.selfFunded, rdflib.Literal(True)) == {"ms20-maezawa"}


@pytest.mark.parametrize("facts", ["landing.yaml", "ms20.yaml"])
def test_a_mission_no_source_gives_a_launch_date_for_validates(tmp_path: Path, facts: str) -> None:
    root = events_project(tmp_path)
    outcome = kg.validate(kg.open_project(root), files=[EVENTS / facts])
    assert outcome.conforms, [p.message for p in outcome.problems]
    assert {p.severity.value for p in outcome.problems} <= {"info"}
    if facts == "landing.yaml":  # Soyuz MS-18 is a mission whose launch date no source gives
        assert any(p.message.endswith("mission/soyuz-ms-18: no launch date stated yet") for p in outcome.problems)


# ---------------------------------------------------------------------- date or dateTime


def claim_of(value: str) -> str:
    return ("claims:\n  - subject: event/soyuz-ms-18-landing\n    property: schema:endDate\n"
            f"    value: {value}\n    refs:\n      - {{source: ms18-landing, quote: \"landed on 17 October 2021\"}}\n")


@pytest.mark.parametrize("written,expected", [
    ("2021-10-17", ox.Literal("2021-10-17", datatype=ox.NamedNode(str(rdflib.XSD.date)))),
    ('"2021-10-17T04:36:00Z"', ox.Literal("2021-10-17T04:36:00Z", datatype=ox.NamedNode(str(rdflib.XSD.dateTime)))),
    ('"2021-10-17T07:36:00+03:00"', ox.Literal("2021-10-17T07:36:00+03:00", datatype=ox.NamedNode(str(rdflib.XSD.dateTime)))),
])
def test_a_date_or_date_time_property_types_the_value_by_its_form(tmp_path: Path, written: str,
                                                                   expected: ox.Literal) -> None:
    root = events_project(tmp_path, "landing.yaml")
    (root / "facts" / "end.yaml").write_text(claim_of(written), encoding="utf-8")
    result = kg.build(kg.open_project(root), write=False, shacl=False)
    landing = ox.NamedNode(str(ID["event/soyuz-ms-18-landing"]))
    assert [st.object for st in result.graph.statements
            if st.subject == landing and st.predicate.value == str(SCHEMA.endDate)] == [expected]


@pytest.mark.parametrize("written,message", [
    ('"2021-10-17T04:36:00"', "KG004: '2021-10-17T04:36:00' has no time zone: write the one the source gives "
     "(\"2021-10-17T04:36:00Z\" for GMT/UTC, or an offset such as +03:00), or only the date (2021-10-17)"),
    ('"2021-10-17T04:36"', "KG004: '2021-10-17T04:36' is not an xsd:dateTime like \"2021-10-05T09:22:00Z\""),
    ("2021-10-32", "KG004: '2021-10-32' is not a date (YYYY-MM-DD)"),
])
def test_a_date_time_without_a_time_zone_is_refused_with_the_fix(tmp_path: Path, written: str, message: str) -> None:
    root = events_project(tmp_path, "landing.yaml")
    new = tmp_path / "end.yaml"
    new.write_text(claim_of(written), encoding="utf-8")
    result = CliRunner().invoke(main, ["--project", str(root), "validate", str(new), "--no-shacl"])
    assert result.exit_code == 1, result.output
    assert f"{new}:2: error {message}\n" in result.output


# ---------------------------------------------------------------------- the vocabulary


VOCAB = REPOSITORY / "kg" / "vocab" / "ontology.ttl"
NEW_TERMS = ["schema:Event", "schema:startDate", "schema:endDate", "schema:location", "schema:superEvent",
             "schema:subEvent", "kg:participant", "kg:plannedDate", "kg:wikidataDate", "kg:wikidataPlace",
             "kg:plannedValueOf", "kg:Launch", "kg:Docking", "kg:Landing", "kg:FilmingEvent", "kg:Announcement",
             "kg:vehicle"]


@pytest.mark.parametrize("ontology", [REPOSITORY / "ontology" / "kg.ttl", FIXTURES / "seed" / "ontology" / "kg.ttl"],
                         ids=["live", "seed"])
def test_every_event_term_has_a_label_a_comment_and_only_verified_wikidata_ids(ontology: Path) -> None:
    graph = rdflib.Graph().parse(VOCAB, format="turtle", publicID=BASE).parse(ontology, format="turtle", publicID=BASE)
    graph.bind("kg", KG, replace=True)
    verified = {line.split("\t")[2] for line in (REPOSITORY / "reference" / "wikidata-ids.tsv").read_text().splitlines()
                if "\t" in line and not line.startswith("#") and line.split("\t")[4] in ("verified", "single")}
    for curie in NEW_TERMS:
        term = graph.namespace_manager.expand_curie(curie)
        assert graph.value(term, rdflib.RDFS.label) is not None, curie
        assert graph.value(term, rdflib.RDFS.comment) is not None, curie
        assert (term, RDF.type, rdflib.OWL.FunctionalProperty) not in graph, curie
        kinds = set(graph.objects(term, RDF.type))
        if curie.startswith("kg:") and kinds & {rdflib.OWL.ObjectProperty, rdflib.OWL.DatatypeProperty}:
            assert graph.value(term, rdflib.RDFS.domain) is not None, curie
            assert graph.value(term, rdflib.RDFS.range) or graph.value(term, SCHEMA.rangeIncludes), curie
        for _, o in graph.predicate_objects(term):
            if str(o).startswith("http://www.wikidata.org/"):
                assert str(o).rsplit("/", 1)[1] in verified, (curie, o)
    launch = graph.namespace_manager.expand_curie("kg:Launch")
    wdt = rdflib.Namespace("http://www.wikidata.org/prop/direct/")
    assert (launch, KG.wikidataDate, wdt.P619) in graph and (launch, KG.wikidataPlace, wdt.P1427) in graph
    assert (KG.Docking, KG.wikidataDate, wdt.P622) in graph and (KG.Landing, KG.wikidataDate, wdt.P620) in graph
    assert (KG.plannedDate, RDF.type, KG.SingleValuedProperty) in graph


@pytest.mark.parametrize("prop,value,message", [
    ("kg:participant", "place/kazakh-steppe",
     "KG004: kg:participant expects schema:Organization or schema:Person; place/kazakh-steppe is schema:Place"),
    ("schema:location", "person/oleg-novitsky",
     "KG004: schema:location expects schema:Place or schema:PostalAddress or schema:VirtualLocation; "
     "person/oleg-novitsky is schema:Person"),
    ("schema:superEvent", "place/kazakh-steppe",
     "KG004: schema:superEvent expects schema:Event; place/kazakh-steppe is schema:Place"),
])
def test_an_event_claim_of_the_wrong_class_is_refused_with_what_it_expects(tmp_path: Path, prop: str, value: str,
                                                                           message: str) -> None:
    root = events_project(tmp_path, "landing.yaml")
    new = tmp_path / "wrong.yaml"
    new.write_text(claim_of(value).replace("schema:endDate", prop), encoding="utf-8")
    result = CliRunner().invoke(main, ["--project", str(root), "validate", str(new), "--no-shacl"])
    assert result.exit_code == 1, result.output
    assert f"{new}:2: error {message}\n" in result.output
