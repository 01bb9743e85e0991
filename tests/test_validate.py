"""kg validate: each rule with its code, exit codes, nothing changed; against the frozen seed
project (tests/fixtures/seed), never the repository's live facts/."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main

RETURN_17 = """
  - subject: mission/soyuz-ms-19
    property: kg:plannedReturnDate
    value: 2021-10-17
    refs:
      - {source: 002_61f4a650ca5522b8, quote: "before returning to Earth on October 17th"}
"""
AGE_36 = """
  - subject: person/yulia-peresild
    property: kg:age
    value: 36
    qualifiers: {point_in_time: 2021-10-05}
    refs:
      - {source: 000_d6db8baa69644283, quote: "Yulia Peresild, 37"}
"""
NATIONALITY = """
  - subject: person/klim-shipenko
    property: schema:nationality
    value: country/russia
    refs:
      - {source: 004_ba6c03b084f54831, quote: "The film is directed by Russian filmmaker Klim Shipenko"}
"""


# Each test runs against both baselines: facts/ read and mapped on the spot (no store), and the
# persistent store kg load wrote. The one difference: only facts/ knows the file:line of a claim;
# the store names the existing statement by its IRI.
# the store keeps the statements' origins (kg.origins), so both baselines name file:line
EXISTING = {
    "facts": {"return": "facts/mission.yaml:", "age": "facts/people.yaml:8"},
    "store": {"return": "facts/mission.yaml:", "age": "facts/people.yaml:8"},
}


pytestmark = pytest.mark.usefixtures("baseline")


def run(tmp_path: Path, claims: str, *options: str) -> tuple[int, str]:
    path = tmp_path / "new.yaml"
    path.write_text("claims:" + claims, encoding="utf-8")
    facts = Path(os.environ["KG_PROJECT"]) / "facts"
    before = {p: p.read_bytes() for p in facts.glob("*.yaml")}
    result = CliRunner().invoke(main, ["validate", str(path), *options])
    assert before == {p: p.read_bytes() for p in facts.glob("*.yaml")}, "validate changed facts/"
    return result.exit_code, result.stdout.replace(str(path), "new.yaml")  # the report, without notes


def test_a_new_supported_fact_conforms(tmp_path: Path) -> None:
    code, output = run(tmp_path, NATIONALITY.replace("004_ba6c03b084f54831", "001_b25d8b9e867eeac6").replace(
        "The film is directed by Russian filmmaker Klim Shipenko", "Russian film director Klim Shipenko waves farewell"
    ))
    assert code == 0
    assert output.splitlines()[-1].startswith("new.yaml: conforms (0 errors")


def test_a_duplicate_is_info(tmp_path: Path, baseline: str) -> None:
    code, output = run(tmp_path, RETURN_17)
    assert code == 0
    assert f"new.yaml:2: info KG009: duplicate of the claim at {EXISTING[baseline]['return']}" in output


def test_a_contradiction_is_a_warning_naming_both_sources(tmp_path: Path, baseline: str) -> None:
    code, output = run(tmp_path, AGE_36)
    assert code == 0
    assert (f"new.yaml:2: warning KG010: contradicts {EXISTING[baseline]['age']}: person/yulia-peresild has 37 "
            "(source 000_d6db8baa69644283, 001_b25d8b9e867eeac6, 002_61f4a650ca5522b8, 003_1461edfbcc45c933), "
            "this claim says 36 (source 000_d6db8baa69644283)") in output


def test_strict_turns_warnings_into_failure(tmp_path: Path) -> None:
    code, _ = run(tmp_path, AGE_36, "--strict")
    assert code == 1


def test_an_unknown_entity_fails_with_a_suggestion(tmp_path: Path) -> None:
    code, output = run(tmp_path, NATIONALITY.replace("person/klim-shipenko", "person/klim-chipenko"))
    assert code == 1
    assert "new.yaml:2: error KG002: unknown entity person/klim-chipenko — did you mean person/klim-shipenko?" in output
    assert output.splitlines()[-1] == "new.yaml: does not conform (1 error, 0 warnings, 0 info)"


def test_a_quote_not_in_the_source_shows_the_closest_passage(tmp_path: Path) -> None:
    misquoted = NATIONALITY.replace("Russian filmmaker Klim Shipenko", "Russian film-maker Klim Shipenko")
    code, output = run(tmp_path, misquoted)
    assert code == 1
    assert ("new.yaml:6: error KG007: quote not found in source 004_ba6c03b084f54831: "
            "'The film is directed by Russian film-maker Klim Shipenko'; closest passage: "
            "'The film is directed by Russian filmmaker Klim Shipenko'") in output


def test_json_output_for_machines(tmp_path: Path) -> None:
    code, output = run(tmp_path, AGE_36, "--format", "json", "--no-shacl")
    document = json.loads(output)
    assert code == 0
    assert document["conforms"] is True
    assert [(p["rule"], p["severity"], p["line"]) for p in document["problems"]] == [("KG010", "warning", 2)]


def test_unreadable_input_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_bytes(b"claims: [\xff\xfe")
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 2
    assert result.output == f"error: {path}: not UTF-8 text (byte 9) [KG001]\n"


def test_turtle_output_is_a_shacl_validation_report(tmp_path: Path) -> None:
    import pyoxigraph as ox

    misspelt = NATIONALITY.replace("person/klim-shipenko", "person/klim-chipenko")
    code, output = run(tmp_path, misspelt, "--format", "turtle")
    assert code == 1
    store = ox.Store()
    store.load(output.encode("utf-8"), format=ox.RdfFormat.TURTLE)
    rows = list(store.query("""
        PREFIX sh: <http://www.w3.org/ns/shacl#>
        SELECT ?conforms ?severity ?rule ?where WHERE {
          ?report a sh:ValidationReport ; sh:conforms ?conforms ; sh:result ?r .
          ?r sh:resultSeverity ?severity ; sh:sourceConstraint ?rule ; sh:focusNode ?where .
        }"""))
    assert [(r["conforms"].value, r["severity"].value, r["rule"].value, r["where"].value) for r in rows] == [
        ("false", "http://www.w3.org/ns/shacl#Violation", "https://example.org/vyzov/ontology#KG002", "new.yaml:2")
    ]


def test_a_report_with_only_a_warning_does_not_say_it_conforms(tmp_path: Path) -> None:
    # SHACL 1.0, 3.1: sh:conforms is true if and only if there is no validation result
    import pyoxigraph as ox

    code, output = run(tmp_path, AGE_36, "--format", "turtle", "--no-shacl")
    assert code == 0  # kg's pass: no violations
    store = ox.Store()
    store.load(output.encode("utf-8"), format=ox.RdfFormat.TURTLE)
    rows = list(store.query("""
        PREFIX sh: <http://www.w3.org/ns/shacl#>
        SELECT ?conforms ?severity WHERE { ?report sh:conforms ?conforms ; sh:result/sh:resultSeverity ?severity }"""))
    assert [(r["conforms"].value, r["severity"].value) for r in rows] == [
        ("false", "http://www.w3.org/ns/shacl#Warning")]


NEW_MOVIE = """
entities:
  - id: film/cruise-liman-movie
    type: schema:Movie
    names:
      - text: Hollywood project
        preferred: true
        lang: en
        refs: [{source: 001_b25d8b9e867eeac6, quote: "outpace a Hollywood project"}]
"""
FILM_PRODUCED_BY_CHANNEL_ONE = """
  - subject: film/vyzov
    property: schema:producer
    value: org/roscosmos
    refs:
      - {source: 004_ba6c03b084f54831, quote: "The film is directed by Russian filmmaker Klim Shipenko"}
"""


def test_a_claim_about_a_node_is_checked_with_that_node_s_existing_facts(tmp_path: Path) -> None:
    """SHACL sees the film's director and every statement about the film although only the new
    claim is mapped: no false 'Movie needs a director' from a partial view."""
    code, output = run(tmp_path, FILM_PRODUCED_BY_CHANNEL_ONE)
    assert (code, output.splitlines()[-1]) == (0, "new.yaml: conforms (0 errors, 0 warnings, 0 info)"), output


MOVIE_WITH_AN_AGE = NEW_MOVIE + """claims:
  - subject: film/cruise-liman-movie
    property: kg:age
    value: 3
    refs: [{source: 001_b25d8b9e867eeac6, quote: "outpace a Hollywood project"}]
"""


def test_shacl_finds_what_the_facts_reader_cannot(tmp_path: Path) -> None:
    """A property on a subject outside its domain (the facts reader checks only values), with its
    file:line; the director the news has not named yet is info, not an error."""
    path = tmp_path / "movie.yaml"
    path.write_text(MOVIE_WITH_AN_AGE, encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 1, result.output
    assert sorted(result.output.splitlines()) == sorted([
        f"{path}:11: error KG011: kg:age: subject film/cruise-liman-movie is a schema:Movie, not a schema:Person "
        "(domain)",
        f"{path}:3: info KG011: https://example.org/vyzov/id/film/cruise-liman-movie: no director stated yet",
        f"{path}: does not conform (1 error, 0 warnings, 1 info)",
    ])
