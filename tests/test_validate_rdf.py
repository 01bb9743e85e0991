"""kg validate on RDF files: parse errors with position, vocabulary and provenance checks, SHACL."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main

PREFIXES = """@prefix schema: <https://schema.org/> .
@prefix kg: <https://example.org/vyzov/ontology#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix wikibase: <http://wikiba.se/ontology#> .
@prefix person: <https://example.org/vyzov/id/person/> .
@prefix country: <https://example.org/vyzov/id/country/> .
@prefix source: <https://example.org/vyzov/source/> .
"""
# a new claim that reuses a published reference (a quoted span already in the graph)
REFERENCED = PREFIXES + """
person:anton-shkaplerov schema:nationality country:russia .
<https://example.org/vyzov/statement/new> a rdf:Statement ;
    rdf:subject person:anton-shkaplerov ; rdf:predicate schema:nationality ; rdf:object country:russia ;
    wikibase:rank wikibase:NormalRank ;
    prov:wasDerivedFrom <https://example.org/vyzov/reference/06d3cc0c1fb36660> ;
    prov:hadPrimarySource source:000_d6db8baa69644283 .
"""


# each test against the seed project's facts/ and against a loaded store of it (tests/fixtures/seed)
pytestmark = pytest.mark.usefixtures("baseline")


def run(tmp_path: Path, name: str, content: str | bytes) -> tuple[int, str]:
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output.replace(str(path), name)


def test_a_referenced_triple_conforms(tmp_path: Path) -> None:
    code, output = run(tmp_path, "new.ttl", REFERENCED)
    assert code == 0, output
    assert output.splitlines()[-1].startswith("new.ttl: conforms (0 errors")


@pytest.mark.parametrize(
    "body,expected",
    [
        ('person:klim-chipenko schema:nationality country:russia .',
         "new.ttl: error KG002: unknown entity person/klim-chipenko — did you mean person/klim-shipenko?"),
        ('person:klim-shipenko kg:nickname "K" .',
         "new.ttl: error KG003: kg:nickname is not a property declared in ontology/"),
        ('person:klim-shipenko schema:directer person:klim-shipenko .',
         "new.ttl: error KG003: schema:directer is not a property declared in ontology/ "
         "— did you mean schema:director?"),
        ('person:klim-shipenko kg:age "thirty" .', 'new.ttl: error KG004: kg:age expects xsd:integer, got "thirty"'),
        ('person:klim-shipenko schema:nationality "Russia" .',
         'new.ttl: error KG004: schema:nationality expects an entity, got the literal "Russia"'),
        ('person:klim-shipenko kg:age 39 .',
         "new.ttl: error KG005: <https://example.org/vyzov/id/person/klim-shipenko> "
         "<https://example.org/vyzov/ontology#age> \"39\"^^<http://www.w3.org/2001/XMLSchema#integer> "
         "has no statement with a reference (prov:wasDerivedFrom) in the file"),
    ],
    ids=["unknown-entity", "unknown-property", "misspelt-property", "wrong-datatype", "literal-for-entity",
         "no-reference"],
)
def test_each_rule(tmp_path: Path, body: str, expected: str) -> None:
    code, output = run(tmp_path, "new.ttl", PREFIXES + body + "\n")
    assert code == 1
    assert expected in output.splitlines()


def test_shacl_of_the_merged_graph_catches_a_wrong_class(tmp_path: Path) -> None:
    wrong = REFERENCED.replace("country:russia", "person:klim-shipenko")
    code, output = run(tmp_path, "new.ttl", wrong)
    assert code == 1
    assert ("error KG011: schema:nationality: value person/klim-shipenko is a schema:Person, not a schema:Country "
            "(range)") in output.splitlines()


@pytest.mark.parametrize(
    "name,content,message",
    [
        ("bad.ttl", '<http://a> <http://b> "x .\n',
         "error: bad.ttl:1:23: Turtle syntax error: Parser error between line 1 column 23 and line 2 column 1: "
         "Unexpected end of file (line 1) [KG001]\n"),
        ("deep.jsonld", '{"@id":"http://a","http://b":' * 70000 + '"x"' + "}" * 70000,
         "error: deep.jsonld:1:1900574: JSON-LD syntax error: Parser error at line 1 column 1900574: "
         "Max stack size of 65536 reached on an object opening (line 1) [KG001]\n"),
        ("space.nt", "<http://a b> <http://b> <http://c> .\n",
         "error: space.nt:1:1: N-Triples syntax error: Parser error at line 1 between columns 1 and 13: "
         "Invalid IRI code point ' ' (line 1) [KG001]\n"),
        ("binary.nq", b"\x89PNG\r\n\x1a\n\x00",
         "error: binary.nq:1:1: N-Quads syntax error: Parser error at line 1 column 1: "
         "Invalid UTF-8 character encoding (line 1) [KG001]\n"),
        ("remote.jsonld", '{"@context": "https://schema.org/", "@id": "http://a", "name": "x"}',
         "error: remote.jsonld: a remote JSON-LD @context is refused (kg never fetches one); "
         "embed the context in the document\n"),
        ("notes.txt", "hello",
         "error: notes.txt: kg validate reads facts (.yaml) and RDF (.ttl, .trig, .jsonld, .nq, .nt) files\n"),
    ],
    ids=["turtle-syntax", "deep-nesting", "iri-with-space", "binary", "remote-context", "unknown-kind"],
)
def test_unreadable_rdf_exits_2(tmp_path: Path, name: str, content: str | bytes, message: str) -> None:
    code, output = run(tmp_path, name, content)
    assert (code, output) == (2, message)
