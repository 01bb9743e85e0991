"""kg query, kg explain, kg conflicts: read the published graph of the frozen seed project."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main
from tests.conftest import SEED


@pytest.fixture(autouse=True)
def project_root(monkeypatch: pytest.MonkeyPatch, seed_root: Path) -> None:
    monkeypatch.setenv("KG_PROJECT", str(seed_root))


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_query_example_as_an_aligned_table() -> None:
    code, output = invoke("query", "--example", "crew")
    assert code == 0
    assert output == (
        "name              role\n"
        "----------------  -----------------\n"
        "Anton Shkaplerov  veteran cosmonaut\n"
        "Klim Shipenko     film crew\n"
        "Yulia Peresild    film crew\n"
        "(3 rows)\n"
    )


def test_query_json_is_sparql_results_json() -> None:
    code, output = invoke("query", "--example", "director", "--format", "json")
    assert code == 0
    document = json.loads(output)
    assert document["head"]["vars"] == ["director", "name", "wikidata"]
    [row] = document["results"]["bindings"]
    assert row["name"] == {"type": "literal", "value": "Klim Shipenko", "xml:lang": "en"}


def test_query_from_a_file_as_csv() -> None:
    code, output = invoke("query", "-f", str(SEED / "queries" / "fact-sources.rq"), "--format", "csv")
    assert code == 0
    lines = output.splitlines()
    assert lines[0] == "age,article,exact,start,end"
    assert lines[1] == "38,000_d6db8baa69644283,\"director Klim Chipenko, 38\",309,335"
    assert len(lines) == 5


def test_query_lists_examples() -> None:
    code, output = invoke("query", "--list-examples")
    assert code == 0
    assert {line.split()[0] for line in output.splitlines()} == {p.stem for p in (SEED / "queries").glob("*.rq")}


@pytest.mark.parametrize(
    "args,message",
    [
        (("query", "SELECT ?x WHERE {"), "error: SPARQL syntax error: error at 1:18:"),
        (("query", "--example", "nope"), "error: no example query named 'nope' (known: conflicts, crew,"),
        (("query",), "error: give exactly one of QUERY, --file or --example"),
        (("explain", "Shipenkov"), "error: unknown entity 'Shipenkov' — did you mean person/klim-shipenko"),
    ],
)
def test_misuse_exits_2_with_a_message(args: tuple[str, ...], message: str) -> None:
    code, output = invoke(*args)
    assert code == 2
    assert output.startswith(message)


@pytest.mark.parametrize("name", ["Chipenko", "person/klim-shipenko", "Q27990623",
                                  "https://example.org/vyzov/id/person/klim-shipenko", "KLIM SHIPENKO"])
def test_explain_accepts_every_way_of_naming_an_entity(name: str) -> None:
    code, output = invoke("explain", name)
    assert code == 0
    assert output.splitlines()[0] == "person/klim-shipenko  <https://example.org/vyzov/id/person/klim-shipenko>"


def test_explain_shows_facts_with_quotes_and_name_forms() -> None:
    _, output = invoke("explain", "Chipenko")
    assert "  Klim Chipenko  — 000_d6db8baa69644283@309, 003_1461edfbcc45c933@633\n" in output
    assert ("  kg:age 38  [point in time: 2021-10-05]\n"
            "    000_d6db8baa69644283 [309:335] “director Klim Chipenko, 38”\n") in output
    assert "  film/vyzov schema:director\n" in output


def test_explain_shows_the_conflict() -> None:
    _, output = invoke("explain", "Soyuz MS-19")
    assert output.endswith("conflicts:\n  kg:plannedReturnDate: 2021-10-16 vs 2021-10-17\n")


def test_conflicts_lists_values_sources_and_quotes() -> None:
    code, output = invoke("conflicts")
    assert code == 0
    assert output == (
        "Soyuz MS-19 (mission/soyuz-ms-19) — kg:plannedReturnDate\n"
        "  2021-10-16  001_b25d8b9e867eeac6: “After 12 days in space, they are set to return to Earth on "
        "October 16 with another Russian cosmonaut.”\n"
        "  2021-10-17  002_61f4a650ca5522b8: “before returning to Earth on October 17th”\n"
        "1 conflict(s)\n"
    )
