"""Did-you-mean: one implementation (kg.suggest) behind unknown entities in facts, RDF files and
kg explain, unknown properties and classes, and unknown rule names."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.suggest import closest, did_you_mean, suggest_entities, suggest_terms

NAME_FORMS = {
    "person/klim-shipenko": ["Klim Shipenko", "Klim Chipenko", "Shipenko"],
    "person/yulia-peresild": ["Yulia Peresild", "Julia Peressild"],
    "film/vyzov": ["Vyzov", "The Challenge"],
}
PROPERTIES = ["kg:plannedReturnDate", "kg:plannedDuration", "kg:age", "schema:director", "schema:name",
              "schema:nationality", "kg:directorManager"]


@pytest.mark.parametrize(
    "wanted,expected",
    [
        ("person/klim-chipenko", ["person/klim-shipenko"]),  # by slug
        ("Shipenkov", ["person/klim-shipenko"]),  # by a name form
        ("person/julia-peresild", ["person/yulia-peresild"]),
        ("challenge", ["film/vyzov"]),  # contained in a name form
        ("person/nobody-at-all", []),
        ("", []),
    ],
)
def test_suggest_entities(wanted: str, expected: list[str]) -> None:
    assert suggest_entities(wanted, NAME_FORMS) == expected


@pytest.mark.parametrize(
    "wanted,expected",
    [
        ("kg:plannedReturn", ["kg:plannedReturnDate", "kg:plannedDuration"]),
        ("schema:directer", ["schema:director"]),
        ("kg:director", ["schema:director", "kg:directorManager"]),  # whatever the prefix
        ("schema:Nationality", ["schema:nationality"]),  # case does not count
        ("kg:nickname", []),  # "name" is inside it, but too short a part to mean anything
        ("kg:a", []),
    ],
)
def test_suggest_terms(wanted: str, expected: list[str]) -> None:
    assert suggest_terms(wanted, PROPERTIES) == expected


def test_closest_ranks_by_similarity_and_keeps_each_answer_once() -> None:
    pairs = [("abcdef", "one"), ("abcdex", "two"), ("abcdeg", "one"), ("zzzzzz", "three")]
    assert closest("abcdef", pairs) == ["one", "two"]
    assert closest("abcdef", pairs, limit=1) == ["one"]


def test_did_you_mean() -> None:
    assert did_you_mean(["a", "b"]) == " — did you mean a, b?"
    assert did_you_mean([]) == ""


# ------------------------------------------------------------------ in kg validate and kg explain


@pytest.fixture(autouse=True)
def seed(monkeypatch: pytest.MonkeyPatch, seed_root: Path, tmp_path: Path) -> None:
    monkeypatch.setenv("KG_PROJECT", str(seed_root))
    monkeypatch.setenv("KG_STORE", str(tmp_path / "no-store"))  # its facts/ read on the spot


def validate(tmp_path: Path, content: str) -> tuple[int, str]:
    path = tmp_path / "new.yaml"
    path.write_text(content, encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(path), "--no-shacl"])
    return result.exit_code, result.stdout.replace(str(path), "new.yaml")


@pytest.mark.parametrize(
    "prop,hint",
    [("kg:plannedReturn", "kg:plannedReturnDate, kg:plannedDuration"), ("schema:directer", "schema:director"),
     ("kg:lauchDate", "kg:launchDate, kg:launchSite"), ("schema:launchDate", "kg:launchDate, kg:launchSite"),
     ("kg:planned-return-date", "kg:plannedReturnDate, kg:plannedDate")],
)
def test_an_unknown_property_suggests_the_declared_ones(tmp_path: Path, prop: str, hint: str) -> None:
    code, output = validate(tmp_path, f"""claims:
  - subject: mission/soyuz-ms-19
    property: {prop}
    value: 2021-10-17
    refs:
      - {{source: 002_61f4a650ca5522b8, quote: "before returning to Earth on October 17th"}}
""")
    assert code == 1
    assert output.splitlines()[0] == (
        f"new.yaml:3: error KG003: {prop} is not a property declared in ontology/ — did you mean {hint}?"
    )  # the line of `property:`, not of the claim


def test_a_property_without_a_prefix_suggests_the_declared_ones(tmp_path: Path) -> None:
    code, output = validate(tmp_path, """claims:
  - subject: mission/soyuz-ms-19
    property: launch date
    value: 2021-10-05
    refs:
      - {source: 002_61f4a650ca5522b8, quote: "before returning to Earth on October 17th"}
""")
    assert code == 1
    first = output.splitlines()[0]
    assert first.startswith("new.yaml:3: error KG023: 'launch date' is not a CURIE with a known prefix")
    assert first.endswith(" — did you mean kg:launchDate, kg:launchSite?")


def test_an_unknown_class_suggests_the_declared_ones(tmp_path: Path) -> None:
    code, output = validate(tmp_path, """entities:
  - id: film/cruise-liman-movie
    type: schema:Movi
    names:
      - text: Hollywood project
        preferred: true
        refs: [{source: 001_b25d8b9e867eeac6, quote: "outpace a Hollywood project"}]
""")
    assert code == 1
    assert output.splitlines()[0] == (
        "new.yaml:2: error KG013: schema:Movi is not a class declared in ontology/ — did you mean schema:Movie?"
    )


def test_kg_explain_suggests_entities_the_same_way() -> None:
    result = CliRunner().invoke(main, ["explain", "person/julia-peresild"])
    assert (result.exit_code, result.output) == (
        2, "error: unknown entity 'person/julia-peresild' — did you mean person/yulia-peresild?\n"
    )
