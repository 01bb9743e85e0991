"""The live project: the repository root, whatever its facts/ and sources/ hold today.

Four checks, each a function of a project's root that asserts properties, never counts, so that
a curator's new fact cannot break them: output/ is byte for byte what a rebuild writes; the
published graph conforms to the SHACL shapes; every quote is verbatim at its offsets in its
source text (read from sources/, as a reader of the graph would check it, without kg's code); and
every example query in queries/ runs. They run on the repository, on a copy that gains a new
article and new facts through the CLI, on a project that publishes quotes only, and on damaged
copies, to show that each can fail.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import tomllib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
import yaml
from click.testing import CliRunner

from kg.cli import main
from kg.namespaces import OWL, SKOS
from kg.namespaces import RDF as RDF_NS
from kg.namespaces import RDFS as RDFS_NS
from tests.conftest import REPOSITORY
from tests.helpers import copy_inputs, scratch_project

OA = rdflib.Namespace("http://www.w3.org/ns/oa#")
SCHEMA = rdflib.Namespace("https://schema.org/")
SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
PROV = rdflib.Namespace("http://www.w3.org/ns/prov#")
WD = rdflib.Namespace("http://www.wikidata.org/entity/")
RDF = rdflib.RDF


@dataclass(frozen=True)
class Published:
    """Where a project's published files are and what it publishes of its sources, read from
    kg.toml by hand (the checks do not trust kg's reading of it)."""

    root: Path
    stem: str
    base_iri: str
    full_text: bool

    @property
    def output(self) -> Path:
        return self.root / "output"

    @property
    def graph(self) -> Path:
        return self.output / f"{self.stem}.ttl"

    @property
    def ontology(self) -> Path:
        return self.output / "ontology.ttl"


def published(root: Path) -> Published:
    config = tomllib.loads((root / "kg.toml").read_text(encoding="utf-8"))
    dataset = config["dataset"]
    return Published(root, dataset.get("stem", dataset["name"]), dataset["base_iri"],
                     config.get("sources", {}).get("text", "quotes") == "full")


# ---------------------------------------------------------------------- the checks


def check_output_is_a_rebuild(root: Path) -> None:
    """output/ holds exactly the files `kg build` writes, byte for byte (its store/ and site/
    folders aside)."""
    from kg.pipeline import build
    from kg.project import open_project

    rebuilt = build(open_project(root)).files
    output = published(root).output
    on_disk = {p.name: p.read_bytes() for p in output.iterdir() if p.is_file() and not p.name.startswith(".")}
    stale = sorted(name for name, data in rebuilt.items() if on_disk.get(name) != data)
    assert stale == [], f"{output} is out of date (run `make` or `kg build`): {stale}"
    assert sorted(set(on_disk) - set(rebuilt)) == [], f"{output} holds files the build does not write"


def check_graph_conforms(root: Path) -> None:
    """The published graph, parsed from its Turtle file, has no SHACL violation against kg's and
    the project's shapes (with the published ontology's class hierarchy), and the published
    report says so too."""
    from kg.project import open_project
    from kg.shacl import choose_engine, validate
    from kg.shacl.shapes import vocabulary_layer

    files = published(root)
    triples = list(ox.parse(path=str(files.graph), format=ox.RdfFormat.TURTLE))
    ontology = list(ox.parse(path=str(files.ontology), format=ox.RdfFormat.TURTLE))
    engine = choose_engine("auto")
    report = validate(triples, vocabulary_layer(ontology, open_project(root).kg), open_project(root), engine=engine)
    assert [str(v) for v in report.violations] == [], f"{files.graph} does not conform"
    published_report = rdflib.Graph().parse(files.output / "shacl-report.ttl", format="turtle")
    results = list(published_report.objects(None, SH.result))
    # SHACL 1.0, 3.1: conforms if and only if there is no result (warnings included)
    assert set(published_report.objects(None, SH.conforms)) == {rdflib.Literal(not results)}
    assert list(published_report.subjects(SH.resultSeverity, SH.Violation)) == []


def check_quotes_are_verbatim(root: Path) -> Counter[str]:
    """Every reference of the published graph quotes its source verbatim: oa:exact is the text
    between oa:start and oa:end, oa:prefix and oa:suffix surround it, and the source's published
    checksum is that of its file. Texts are read from sources/ (sources.yaml and the files it
    names), never from the graph, which carries them only if kg.toml says `text = "full"`; then
    they must equal the files, else the graph must hold none. Returns the references checked, by
    source key."""
    files = published(root)
    registry = yaml.safe_load((root / "sources" / "sources.yaml").read_text(encoding="utf-8"))
    entries = {entry["key"]: entry for entry in registry["sources"] or []}
    data = {key: (root / "sources" / entry["file"]).read_bytes() for key, entry in entries.items()}
    texts = {key: raw.decode("utf-8") for key, raw in data.items()}
    graph = rdflib.Graph().parse(files.graph, format="turtle")
    problems: list[str] = []
    for article in graph.subjects(RDF.type, SCHEMA.NewsArticle):
        key = str(graph.value(article, SCHEMA.identifier))
        if key not in entries:
            problems.append(f"{article}: source {key!r} is not in sources/sources.yaml")
            continue
        digest = hashlib.sha256(data[key]).hexdigest()
        stated = {str(graph.value(article, rdflib.URIRef(files.base_iri + "ontology#sha256"))), entries[key]["sha256"]}
        if {value.lower() for value in stated} != {digest}:
            problems.append(f"{key}: the published and registered sha256 {sorted(stated)} are not the file's "
                            f"({digest})")
        text = graph.value(article, SCHEMA.text)
        if files.full_text and (text is None or str(text) != texts[key]):
            problems.append(f"{key}: the published schema:text is not the text of sources/{entries[key]['file']}")
        if not files.full_text and text is not None:
            problems.append(f"{key}: kg.toml publishes quotes only, but the graph holds the article's schema:text")

    checked: Counter[str] = Counter()
    for reference in graph.subjects(RDF.type, OA.SpecificResource):
        key = str(graph.value(graph.value(reference, OA.hasSource), SCHEMA.identifier))
        selectors = set(graph.objects(reference, OA.hasSelector))
        quotes = [s for s in selectors if (s, RDF.type, OA.TextQuoteSelector) in graph]
        positions = [s for s in selectors if (s, RDF.type, OA.TextPositionSelector) in graph]
        if key not in texts or len(quotes) != 1 or len(positions) != 1:
            problems.append(f"{reference}: source {key!r}, {len(quotes)} quote and {len(positions)} position "
                            "selectors")
            continue
        text, quote, position = texts[key], quotes[0], positions[0]
        first, last = graph.value(position, OA.start), graph.value(position, OA.end)
        if not (isinstance(first, rdflib.Literal) and isinstance(last, rdflib.Literal)
                and isinstance(first.value, int) and isinstance(last.value, int)):
            problems.append(f"{reference}: oa:start {first} and oa:end {last} are not integers")
            continue
        start, end = first.value, last.value
        exact = str(graph.value(quote, OA.exact))
        prefix, suffix = (str(graph.value(quote, p) or "") for p in (OA.prefix, OA.suffix))
        if not (0 <= start < end <= len(text) and text[start:end] == exact):
            problems.append(f"{reference}: {key}[{start}:{end}] is {text[start:end]!r}, not oa:exact {exact!r}")
        elif not (text[:start].endswith(prefix) and text[end:].startswith(suffix)):
            problems.append(f"{reference}: oa:prefix/oa:suffix are not the text around {key}[{start}:{end}]")
        checked[key] += 1
    assert problems == []
    return checked


def check_examples_run(root: Path) -> list[str]:
    """Every queries/*.rq runs without error on the published graph and ontology, as `kg query`
    loads them. Returns the names of the examples run."""
    files = published(root)
    store = ox.Store()
    store.bulk_load(path=str(files.graph), format=ox.RdfFormat.TURTLE)
    store.bulk_load(path=str(files.ontology), format=ox.RdfFormat.TURTLE)
    failures, names = [], []
    for query in sorted((root / "queries").glob("*.rq")):
        try:
            results = store.query(query.read_text(encoding="utf-8"))
            if not isinstance(results, ox.QueryBoolean):
                list(results)  # type: ignore[call-overload]
        except Exception as exc:  # whatever stops an example, report each by its file
            failures.append(f"{query.name}: {type(exc).__name__}: {exc}")
        names.append(query.stem)
    assert failures == []
    return names


WIKIDATA_PROPERTY = re.compile(r"http://www\.wikidata\.org/(?:prop/(?:direct/|qualifier/|statement/)?|entity/)P[0-9]+")
WIKIDATA_ITEM = re.compile(r"http://www\.wikidata\.org/entity/Q[0-9]+")
SKOS_MATCHES = ("closeMatch", "exactMatch", "broadMatch", "narrowMatch", "relatedMatch")
CLASSES = {OWL + "Class", RDFS_NS + "Class"}
PROPERTIES = {RDF_NS + "Property", OWL + "ObjectProperty", OWL + "DatatypeProperty", OWL + "AnnotationProperty"}


def check_alignments_join_like_with_like(root: Path) -> int:
    """Every SKOS mapping of the published ontology joins a class to a class and a property to a
    property (a Wikidata item is a class here, a Wikidata property IRI a property). Returns the
    mappings checked."""
    triples = list(ox.parse(path=str(published(root).ontology), format=ox.RdfFormat.TURTLE))
    kinds: dict[str, str] = {}
    for t in triples:
        if t.predicate.value == RDF_NS + "type" and t.object.value in CLASSES | PROPERTIES:
            kinds[t.subject.value] = "class" if t.object.value in CLASSES else "property"

    def kind(iri: str) -> str | None:
        if WIKIDATA_PROPERTY.fullmatch(iri) or iri.startswith((RDFS_NS + "label", SKOS)):
            return "property"
        return "class" if WIKIDATA_ITEM.fullmatch(iri) else kinds.get(iri)

    problems, checked = [], 0
    for t in triples:
        if t.predicate.value.removeprefix(SKOS) in SKOS_MATCHES:
            checked += 1
            ends = kind(t.subject.value), kind(t.object.value)
            if None not in ends and ends[0] != ends[1]:
                problems.append(f"{t.subject.value} ({ends[0]}) skos mapping to {t.object.value} ({ends[1]})")
    assert problems == []
    return checked


LIVE_CHECKS: list[Callable[[Path], object]] = [
    check_output_is_a_rebuild, check_graph_conforms, check_quotes_are_verbatim, check_examples_run,
    check_alignments_join_like_with_like,
]


def name_of(check: Callable[[Path], object]) -> str:
    return check.__name__.removeprefix("check_")


# ---------------------------------------------------------------------- the live project


@pytest.mark.parametrize("check", LIVE_CHECKS, ids=name_of)
def test_the_live_project(check: Callable[[Path], object]) -> None:
    check(REPOSITORY)


# ---------------------------------------------------------------------- a copy gains an article

SOURCE = "kg-test-ms18-landing"
ARTICLE = """Film crew back on Earth

The Soyuz MS-18 capsule landed on 17 October 2021 in Kazakhstan with cosmonaut Oleg Novitsky, \
actress Yulia Peresild and director Klim Shipenko aboard.
Novitsky had flown to the International Space Station on Soyuz MS-18, launched on 9 April 2021, \
and spent more than six months in orbit; Peresild and Shipenko had shot scenes there for the film \
The Challenge during twelve days.
"""
NOVITSKY, MS18, MS18_LAUNCH = "person/oleg-novitsky", "mission/soyuz-ms-18", "event/kg-test-soyuz-ms-18-launch"


def ref(quote: str) -> dict[str, str]:
    return {"source": SOURCE, "quote": quote}


def claim(subject: str, prop: str, value: str, quote: str) -> dict[str, object]:
    return {"subject": subject, "property": prop, "value": value, "refs": [ref(quote)]}


def wikidata_id(root: Path, label: str) -> str | None:
    """The project's checked Wikidata ID for label, if its reference table has a usable one."""
    for line in (root / "reference" / "wikidata-ids.tsv").read_text(encoding="utf-8").splitlines():
        kind, row_label, qid, _, status, *_ = [*line.split("\t"), "", "", "", "", ""]
        if kind == "item" and row_label == label and qid and status in ("verified", "single"):
            return qid
    return None


def defined_entities(root: Path) -> set[str]:
    return {entity["id"] for path in (root / "facts").glob("*.yaml")
            for entity in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("entities") or []}


def quotes_of(facts: dict[str, list[dict[str, object]]]) -> set[str]:
    """The distinct quotes of a facts document (each becomes one reference)."""
    found: set[str] = set()

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if "quote" in node:
                found.add(str(node["quote"]))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(facts)
    return found


def new_facts(root: Path) -> dict[str, list[dict[str, object]]]:
    """Two new entities (unless facts/ has come to define them) and claims about new and existing
    ones, all quoting ARTICLE; Wikidata IDs only from the project's reference table."""
    entities: list[dict[str, object]] = [
        {"id": NOVITSKY, "type": "schema:Person", "wikidata": wikidata_id(root, "Oleg Novitskiy"),
         "names": [{"text": "Oleg Novitsky", "preferred": True, "refs": [ref("cosmonaut Oleg Novitsky")]}]},
        {"id": MS18, "type": ["kg:SpaceMission", "kg:CrewedSpaceMission"],
         "wikidata": wikidata_id(root, "Soyuz MS-18"),
         "names": [{"text": "Soyuz MS-18", "preferred": True, "refs": [ref("The Soyuz MS-18 capsule landed")]}]},
        {"id": MS18_LAUNCH, "type": "kg:Launch",
         "names": [{"text": "Soyuz MS-18 launch", "preferred": True,
                    "refs": [ref("Soyuz MS-18, launched on 9 April 2021")]}]},
    ]
    for entity in entities:
        if "wikidata" in entity and entity["wikidata"] is None:
            del entity["wikidata"]
    crew = "with cosmonaut Oleg Novitsky, actress Yulia Peresild and director Klim Shipenko aboard"
    claims = [
        claim(MS18_LAUNCH, "schema:superEvent", MS18, "Soyuz MS-18, launched on 9 April 2021"),
        claim(MS18_LAUNCH, "schema:startDate", "2021-04-09", "Soyuz MS-18, launched on 9 April 2021"),
        *(claim(MS18, "kg:crewMember", person, crew)
          for person in (NOVITSKY, "person/yulia-peresild", "person/klim-shipenko")),
        claim(NOVITSKY, "schema:hasOccupation", "occupation/astronaut", "cosmonaut Oleg Novitsky"),
        claim("person/yulia-peresild", "schema:hasOccupation", "occupation/actor", "actress Yulia Peresild"),
    ]
    known = defined_entities(root)
    return {"entities": [e for e in entities if e["id"] not in known], "claims": claims}


def test_a_new_article_and_facts_added_through_the_cli_keep_every_live_check(tmp_path: Path) -> None:
    root = copy_inputs(REPOSITORY, tmp_path / "project")
    article = tmp_path / "ms18-landing.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    runner = CliRunner()
    added = runner.invoke(main, ["--project", str(root), "source", "add", str(article), "--key", SOURCE,
                                 "--title", "Film crew back on Earth", "--date", "2021-10-17"])
    assert added.exit_code == 0, added.output
    digest = hashlib.sha256(ARTICLE.encode("utf-8")).hexdigest()
    assert added.output.startswith(f"registered {SOURCE}: sources/{SOURCE}.txt sha256 {digest} ")

    facts = new_facts(root)
    claims_file = tmp_path / f"{SOURCE}.yaml"
    claims_file.write_text(yaml.safe_dump(facts, allow_unicode=True, sort_keys=False), encoding="utf-8")
    result = runner.invoke(main, ["--project", str(root), "add", str(claims_file)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == f"added facts/{SOURCE}.yaml"
    assert (root / "facts" / f"{SOURCE}.yaml").read_bytes() == claims_file.read_bytes()

    check_output_is_a_rebuild(root)
    check_graph_conforms(root)
    quoted = check_quotes_are_verbatim(root)
    assert quoted[SOURCE] == len(quotes_of(facts))
    assert check_examples_run(root) == sorted(p.stem for p in (root / "queries").glob("*.rq"))

    graph = rdflib.Graph().parse(published(root).graph, format="turtle")
    base = published(root).base_iri
    kg, entity = rdflib.Namespace(base + "ontology#"), rdflib.Namespace(base + "id/")
    novitsky, mission, source = entity[NOVITSKY], entity[MS18], rdflib.URIRef(base + "source/" + SOURCE)
    launch = entity[MS18_LAUNCH]
    # a name cites this article only where the test defined the entity (facts/ may have come to)
    defined = {e["id"] for e in facts["entities"]}
    asserted = [
        *([(novitsky, SCHEMA.name, rdflib.Literal("Oleg Novitsky", lang="en"))] if NOVITSKY in defined else []),
        (launch, SCHEMA.superEvent, mission),
        (launch, SCHEMA.startDate, rdflib.Literal("2021-04-09", datatype=rdflib.XSD.date)),
        *((mission, kg.crewMember, entity[p]) for p in (NOVITSKY, "person/yulia-peresild", "person/klim-shipenko")),
        (novitsky, SCHEMA.hasOccupation, entity["occupation/astronaut"]),
        (entity["person/yulia-peresild"], SCHEMA.hasOccupation, entity["occupation/actor"]),
    ]
    for s, p, o in asserted:
        assert (s, p, o) in graph
        statements = [st for st in graph.subjects(RDF.subject, s)
                      if (st, RDF.predicate, p) in graph and (st, RDF.object, o) in graph]
        assert any((st, PROV.hadPrimarySource, source) in graph for st in statements), f"{s} {p} {o} cites no {SOURCE}"
    qid = wikidata_id(root, "Oleg Novitskiy")
    assert qid is None or NOVITSKY not in defined or (novitsky, rdflib.OWL.sameAs, WD[qid]) in graph


# ---------------------------------------------------------------------- a project of quotes only


def test_a_project_that_publishes_quotes_only_passes_every_live_check(tmp_path: Path) -> None:
    root = scratch_project(tmp_path / "quotes")
    config = root / "kg.toml"
    config.write_text(config.read_text(encoding="utf-8").replace('text = "full"', 'text = "quotes"'),
                      encoding="utf-8")
    assert published(root).full_text is False
    result = CliRunner().invoke(main, ["--project", str(root), "build", "-q"])
    assert result.exit_code == 0, result.output
    graph = rdflib.Graph().parse(published(root).graph, format="turtle")
    assert [a for a in graph.subjects(RDF.type, SCHEMA.NewsArticle) if (a, SCHEMA.text, None) in graph] == []
    for check in LIVE_CHECKS:
        check(root)
    assert sum(check_quotes_are_verbatim(root).values()) == 288  # every reference of the frozen seed


# ---------------------------------------------------------------------- each check can fail


def _add_a_fact_after_the_build(root: Path) -> None:
    (root / "facts" / "zz-later.yaml").write_text(
        "claims:\n  - subject: person/klim-shipenko\n    property: schema:description\n"
        "    value: {text: \"Director.\", lang: en}\n"
        "    refs: [{source: 001_b25d8b9e867eeac6, quote: \"38-year-old director Klim Shipenko\"}]\n",
        encoding="utf-8")


def _shift_one_quote(root: Path) -> None:
    graph = published(root).graph
    text = graph.read_text(encoding="utf-8")
    shifted = re.sub(r"oa:start (\d+)", lambda m: f"oa:start {int(m.group(1)) + 1}", text, count=1)
    assert shifted != text
    graph.write_text(shifted, encoding="utf-8")


def _give_the_film_two_wikidata_items(root: Path) -> None:
    with published(root).graph.open("a", encoding="utf-8") as graph:
        graph.write(f"<{published(root).base_iri}id/film/vyzov> <http://www.w3.org/2002/07/owl#sameAs> "
                    "<http://www.wikidata.org/entity/Q1> , <http://www.wikidata.org/entity/Q2> .\n")


def _match_a_class_to_a_property(root: Path) -> None:
    with published(root).ontology.open("a", encoding="utf-8") as ontology:
        ontology.write("<https://schema.org/Person> <http://www.w3.org/2004/02/skos/core#closeMatch> "
                       "<http://www.wikidata.org/prop/direct/P106> .\n")


def _break_an_example(root: Path) -> None:
    (root / "queries" / "broken.rq").write_text("SELECT ?x WHERE {", encoding="utf-8")


DAMAGES = [
    (check_output_is_a_rebuild, _add_a_fact_after_the_build, r"is out of date \(run `make` or `kg build`\)"),
    (check_quotes_are_verbatim, _shift_one_quote, r"is '.*', not oa:exact"),
    (check_graph_conforms, _give_the_film_two_wikidata_items, r"does not conform"),
    (check_examples_run, _break_an_example, r"broken\.rq: "),
    (check_alignments_join_like_with_like, _match_a_class_to_a_property,
     r"https://schema\.org/Person \(class\) skos mapping to http://www\.wikidata\.org/prop/direct/P106 \(property\)"),
]


@pytest.mark.parametrize(("check", "damage", "message"), DAMAGES, ids=[name_of(check) for check, _, _ in DAMAGES])
def test_each_live_check_catches_what_it_is_for(seed_root: Path, tmp_path: Path, check: Callable[[Path], object],
                                                damage: Callable[[Path], None], message: str) -> None:
    root = shutil.copytree(seed_root, tmp_path / "damaged")
    check(root)
    damage(root)
    with pytest.raises(AssertionError, match=message):
        check(root)
