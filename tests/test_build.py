"""kg build on the frozen seed project: what it writes, byte-stable, its exact counts and conflict,
and clear errors for bad facts. (That the live project's output/ is current: test_live_project.)"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from kg.errors import FactsError
from kg.pipeline import build
from kg.project import open_project
from tests.helpers import scratch_project

SHIPENKO = """
entities:
  - id: person/klim-shipenko
    type: schema:Person
    names:
      - text: Klim Shipenko
        preferred: true
        refs:
          - {source: 001_b25d8b9e867eeac6, quote: "38-year-old director Klim Shipenko"}
      - text: Klim Chipenko
        refs:
          - {source: 000_d6db8baa69644283, quote: "director Klim Chipenko, 38"}
"""


@pytest.fixture(scope="module")
def built(seed_project):  # type: ignore[no-untyped-def]
    return build(seed_project)


def test_kg_build_wrote_every_file_build_returns(built, seed_output: Path) -> None:
    on_disk = {p.name: p.read_bytes() for p in seed_output.iterdir() if p.is_file()}
    assert sorted(on_disk) == sorted(built.files)
    assert [name for name in sorted(built.files) if on_disk[name] != built.files[name]] == []


def test_rebuild_is_byte_identical(built, seed_project) -> None:  # type: ignore[no-untyped-def]
    again = build(seed_project, run_shacl=False)
    assert {k: v for k, v in built.files.items() if k != "shacl-report.ttl"} == again.files


def test_summary_names_every_count(built) -> None:
    summary = built.summary()
    assert summary.startswith("kg build: 5 sources, 72 entities, 151 claims, 375 statements, 6913 triples, "
                              "1 conflicts, SHACL conforms (2 warnings), ")


def test_the_return_date_conflict_is_reported_with_both_sources(built) -> None:
    conflicts = {c.predicate.rsplit("#", 1)[-1]: c for c in built.conflicts}
    conflict = conflicts["plannedReturnDate"]
    assert conflict.values == ["2021-10-16", "2021-10-17"]
    assert [sorted(source for source, _ in e.quotes) for e in conflict.evidence] == [
        ["001_b25d8b9e867eeac6"],
        ["002_61f4a650ca5522b8"],
    ]


def _build_errors(tmp_path: Path, facts: str) -> str:
    root = scratch_project(tmp_path, facts)
    with pytest.raises(FactsError) as info:
        build(open_project(root), run_shacl=False)
    return str(info.value)


def test_a_quote_missing_from_its_source_stops_the_build_naming_file_and_line(tmp_path: Path) -> None:
    message = _build_errors(tmp_path, SHIPENKO + textwrap.dedent("""
    claims:
      - subject: person/klim-shipenko
        property: kg:age
        value: 38
        refs:
          - {source: 000_d6db8baa69644283, quote: "director Klim Shipenko, 38"}
    """))
    assert message.splitlines()[1] == (
        "facts/claims.yaml:19: error KG007: quote not found in source 000_d6db8baa69644283: "
        "'director Klim Shipenko, 38'; closest passage: 'director Klim Chipenko, 38'"
    )


def test_an_ambiguous_quote_must_say_which_occurrence(tmp_path: Path) -> None:
    message = _build_errors(tmp_path, SHIPENKO + textwrap.dedent("""
    claims:
      - subject: person/klim-shipenko
        property: kg:age
        value: 38
        refs:
          - {source: 001_b25d8b9e867eeac6, quote: "Yulia Peresild looks on during space suit check"}
    """))
    assert "facts/claims.yaml:19: error KG008: quote occurs 2 times in source 001_b25d8b9e867eeac6 (at " in message
    assert "add 'occurrence: N' or quote more" in message


def test_an_unknown_entity_suggests_the_closest_by_name_form(tmp_path: Path) -> None:
    message = _build_errors(tmp_path, SHIPENKO + textwrap.dedent("""
    claims:
      - subject: person/klim-chipenko
        property: kg:age
        value: 38
        refs:
          - {source: 000_d6db8baa69644283, quote: "director Klim Chipenko, 38"}
    """))
    assert ("facts/claims.yaml:15: error KG002: unknown entity person/klim-chipenko — "
            "did you mean person/klim-shipenko?") in message


DEFAULT_REFS = 'refs: [{source: 000_d6db8baa69644283, quote: "director Klim Chipenko, 38"}]'


@pytest.mark.parametrize(
    "claim,expected",
    [
        ("property: kg:age, value: thirty-eight", "KG004: 'thirty-eight' is not an integer"),
        ("property: kg:launchDate, value: 2021-13-45", "KG004: '2021-13-45' is not a date (YYYY-MM-DD)"),
        ("property: schema:nationality, value: person/klim-shipenko",
         "KG004: schema:nationality expects schema:Country; person/klim-shipenko is schema:Person"),
        ("property: kg:age, value: 38, refs: []",
         "KG005: claim person/klim-shipenko kg:age needs at least one reference"),
        ("property: kg:age, value: 38, refs: [{source: nope, quote: x}]", "KG006: unknown source 'nope'"),
        ("property: kg:nickname, value: x", "KG003: kg:nickname is not a property declared in ontology/"),
        ("property: kg:age, value: 38, rank: maybe",
         "KG012: rank 'maybe' must be one of normal, preferred, deprecated"),
        ("property: schema:height, value: {amount: 1.9, unit: furlong}", "KG004: unknown unit 'furlong'"),
    ],
)
def test_each_facts_rule_has_its_code_and_message(tmp_path: Path, claim: str, expected: str) -> None:
    refs = "" if "refs:" in claim else f", {DEFAULT_REFS}"
    message = _build_errors(tmp_path, SHIPENKO + f"claims:\n  - {{subject: person/klim-shipenko, {claim}{refs}}}\n")
    assert f"facts/claims.yaml:14: error {expected}" in message



TWO_HEIGHTS = SHIPENKO + """  - id: person/anton-shkaplerov
    type: schema:Person
    names:
      - text: Anton Shkaplerov
        preferred: true
        refs:
          - {source: 001_b25d8b9e867eeac6, quote: "veteran Russian astronaut Anton Shkaplerov"}
claims:
  - subject: person/klim-shipenko
    property: schema:height
    value: {amount: 1.9, unit: m}
    refs:
      - {source: 001_b25d8b9e867eeac6, quote: "due to his height of 1.9 metres"}
  - subject: person/anton-shkaplerov
    property: schema:height
    value: {amount: 1.9, unit: m}
    rank: deprecated
    refs:
      - {source: 004_ba6c03b084f54831, quote: "Cosmonaut Anton Shkaplerov"}
"""


def test_equal_quantities_of_different_claims_are_separate_nodes(tmp_path: Path) -> None:
    result = build(open_project(scratch_project(tmp_path, TWO_HEIGHTS)), run_shacl=False)
    heights = {st.subject.value.rsplit("/", 1)[-1]: st for st in result.graph.statements
               if st.predicate.value == "https://schema.org/height"}
    assert heights["klim-shipenko"].object != heights["anton-shkaplerov"].object
    shipenko_value = heights["klim-shipenko"].object
    sources = {ref.source for st in result.graph.statements if st.subject == shipenko_value for ref in st.refs.values()}
    assert sources == {"001_b25d8b9e867eeac6"}, "a deprecated claim's quote leaked onto another person's height"
    ranks = {st.rank for st in result.graph.statements if st.subject == shipenko_value}
    assert ranks == {"normal"}


def test_written_files_are_readable_as_the_umask_allows(tmp_path: Path) -> None:
    import os
    import stat

    from kg.pipeline import write_outputs

    old = os.umask(0o022)
    try:
        write_outputs({"a.ttl": b"<urn:a> <urn:b> <urn:c> .\n"}, tmp_path)
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "a.ttl").stat().st_mode) == 0o644
