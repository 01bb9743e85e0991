"""`kg export quickstatements`: QuickStatements v1 commands that a grammar of the v1 syntax
accepts line by line, whose every ID is a usable one of the reference table, with qualifiers and
one reference (one line) per source; deprecated, disputed and uncarriable statements left out and
reported. On the frozen seed (no URLs, no retrieval dates) and on a copy whose registry has them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

import kg
from kg.cli import main
from kg.inputs.wikidata_ids import usable_ids
from kg.outputs.quickstatements import QuickStatementsExport, export_quickstatements
from tests.conftest import SEED
from tests.helpers import scratch_project

TABLE = SEED / "reference" / "wikidata-ids.tsv"

# ---------------------------------------------------------------------- a grammar of QuickStatements v1
# Help:QuickStatements ("Command sequence syntax") as its importer (parseValueV1) reads each field.
ITEM = r"Q[1-9][0-9]*"
STRING = r'"[^"\t\r\n]*"'
MONOLINGUAL = r'[a-z]+(?:-[a-z]+)*:"[^"\t\r\n]*"'
TIME = r"[+-][0-9]{4,}-(?:0[1-9]|1[0-2]|00)-(?:0[1-9]|[12][0-9]|3[01]|00)T00:00:00Z/(?:[0-9]|1[01])"
QUANTITY = r"[+-]?[0-9]+(?:\.[0-9]+)?(?:U[1-9][0-9]*)?"
VALUE = re.compile(f"{ITEM}|{STRING}|{MONOLINGUAL}|{TIME}|{QUANTITY}")
PROPERTY, SOURCE = re.compile(r"P[1-9][0-9]*"), re.compile(r"S[1-9][0-9]*")
TERM = re.compile(r"LAST\t[LAD][a-z]+(?:-[a-z]+)*\t" + STRING)


@dataclass(frozen=True)
class Command:
    item: str
    property: str
    value: str
    qualifiers: tuple[tuple[str, str], ...]
    sources: tuple[tuple[str, str], ...]


def parse_line(line: str) -> Command | None:
    """A statement command, None for CREATE or a LAST term command; anything else fails."""
    if line == "CREATE" or TERM.fullmatch(line):
        return None
    fields = line.split("\t")
    assert len(fields) >= 5 and len(fields) % 2 == 1, f"not item, property, value and pairs: {line!r}"
    item, prop, value, *pairs = fields
    assert re.fullmatch(ITEM, item) and PROPERTY.fullmatch(prop) and VALUE.fullmatch(value), line
    qualifiers, sources = [], []
    for key, field in zip(pairs[::2], pairs[1::2]):
        assert VALUE.fullmatch(field), f"{field!r} in {line!r}"
        if SOURCE.fullmatch(key):
            sources.append((key, field))
        else:
            assert PROPERTY.fullmatch(key) and not sources, f"a qualifier after the sources: {line!r}"
            qualifiers.append((key, field))
    assert sources, f"a line without a reference: {line!r}"
    return Command(item, prop, value, tuple(qualifiers), tuple(sources))


def ids_of(command: Command) -> set[str]:
    """The item and property IDs a command names: its own, its values' (a unit item too), its
    qualifiers' and its sources' (S854 is property P854)."""
    ids = {command.item, command.property}
    for key, value in ((command.property, command.value), *command.qualifiers, *command.sources):
        ids.add("P" + key[1:])
        if re.fullmatch(ITEM, value):
            ids.add(value)
        ids |= {"Q" + unit for unit in re.findall(r"^[+-]?[0-9.]+U([1-9][0-9]*)$", value)}
    return ids


def check_lines(exported: QuickStatementsExport) -> list[Command]:
    """Every line is v1, every ID a usable one of the table; the statement commands."""
    assert exported.text.endswith("\n") and "\r" not in exported.text
    commands = [command for command in map(parse_line, exported.lines) if command is not None]
    usable = usable_ids(TABLE)
    for command in commands:
        assert ids_of(command) - usable == set(), command
    return commands


def test_the_grammar_refuses_what_v1_does_not_say() -> None:
    for bad in ['Q1\tP31\tQ5', 'Q1\tP31\tfilm\tS1683\ten:"x"', 'Q1\tP585\t2021-10-05\tS1683\ten:"x"',
                'Q1\tP31\tQ5\tS1683\t"a "quoted" word"', 'Q1\tP31\tQ5\tS1683\ten:"x"\tP585\t+2021-10-05T00:00:00Z/11',
                'Q1\tP619\t+2021-10-05T09:22:00Z/14\tS1683\ten:"x"', 'Q1\tP2048\t1.9e0\tS1683\ten:"x"']:
        with pytest.raises(AssertionError):
            parse_line(bad)
    assert parse_line('Q1\tP2048\t1.9U11573\tP585\t+2021-00-00T00:00:00Z/9\tS854\t"https://a.example/"') == Command(
        "Q1", "P2048", "1.9U11573", (("P585", "+2021-00-00T00:00:00Z/9"),), (("S854", '"https://a.example/"'),))


# ---------------------------------------------------------------------- the frozen seed


@pytest.fixture(scope="module")
def seed_export(seed_project) -> QuickStatementsExport:  # type: ignore[no-untyped-def]
    return export_quickstatements(kg.build(seed_project, write=False, shacl=False), seed_project, create=True)


def test_every_seed_line_is_v1_with_verified_ids_and_a_quote(seed_export: QuickStatementsExport) -> None:
    commands = check_lines(seed_export)
    assert len(commands) == 101 and seed_export.statements == 43
    # the seed's registry has no URL, retrieval date or publisher: each reference is its quote
    assert {key for c in commands for key, _ in c.sources} == {"S1683"}
    assert all(value.startswith('en:"') for c in commands for _, value in c.sources)


def test_each_source_is_one_line_of_the_statement(seed_export: QuickStatementsExport) -> None:
    launch = [line for line in seed_export.lines if line.startswith("Q86675323\tP619\t")]
    assert launch == [  # by source: 001, 002, 003, 004
        'Q86675323\tP619\t+2021-10-05T00:00:00Z/11\tS1683\ten:"she departs for boarding the Soyuz MS-19 spacecraft for '
        'the launch at the Baikonur Cosmodrome, Kazakhstan October 5, 2021."',
        'Q86675323\tP619\t+2021-10-05T00:00:00Z/11\tS1683\ten:"The country sent an actress and a filmmaker to shoot the '
        'first feature film in space on Tuesday (5)"',
        'Q86675323\tP619\t+2021-10-05T00:00:00Z/11\tS1683\ten:"A Russian actress and director took off on Tuesday, '
        'October 5 in the morning"',
        'Q86675323\tP619\t+2021-10-05T00:00:00Z/11\tS1683\ten:"A Russian film crew docked this Tuesday (05.10.2021) to '
        'the International Space Station (ISS) after a three-hour trip"',
    ]
    # a time of second precision goes to Wikidata as its UTC day (Wikibase blocks finer precisions)
    assert {line.split("\t")[2] for line in seed_export.lines if line.startswith("Q86675323\tP622\t")} == {
        "+2021-10-05T00:00:00Z/11"}
    # a quantity is its amount (the seed's table lists no metre item, so no unit)
    assert {line.split("\t")[2] for line in seed_export.lines if line.startswith("Q27990623\tP2048\t")} == {"1.9"}


def test_a_role_without_an_item_is_left_out_of_the_qualifiers_and_reported(seed_export: QuickStatementsExport) -> None:
    crew = [c for c in check_lines(seed_export) if (c.item, c.property) == ("Q86675323", "P1029")]
    assert {c.value for c in crew} == {"Q4350906", "Q27990623", "Q592219"} and all(not c.qualifiers for c in crew)
    assert seed_export.skipped["qualifier(s) whose value has no Wikidata ID"] == [
        "P453 role/captain-kirk, on Q1092 P161 Q16297 (facts/film.yaml:285)",
        "P3831 role/ms19-film-crew, on Q86675323 P1029 Q27990623 (facts/mission.yaml:19)",
        "P3831 role/ms19-film-crew, on Q86675323 P1029 Q4350906 (facts/mission.yaml:9)",
        "P3831 role/ms19-cosmonaut, on Q86675323 P1029 Q592219 (facts/mission.yaml:29)"]


def test_an_entity_without_an_id_is_a_create_block_with_its_labels_and_aliases(
        seed_export: QuickStatementsExport) -> None:
    assert not any(line.startswith(("https://", "film/")) or "/id/" in line for line in seed_export.lines)
    about_the_film = [s for s in seed_export.skipped["statement(s) about an entity without a Wikidata ID"]
                      if s.startswith("film/vyzov ")]
    assert "film/vyzov P57 Q27990623 (facts/film.yaml:8)" in about_the_film
    start = seed_export.lines.index('LAST\tLru-latn\t"Vyzov"') - 2
    assert seed_export.lines[start:start + 6] == [
        "CREATE", 'LAST\tLen\t"The Challenge"', 'LAST\tLru-latn\t"Vyzov"', 'LAST\tAen\t"Challenge"',
        'LAST\tAen\t"The challenge"', 'LAST\tAru-latn\t"Vysov"']
    assert "film/vyzov" in [item.slug for item in seed_export.new_items]
    assert seed_export.lines.count("CREATE") == len(seed_export.new_items) == 17


# ---------------------------------------------------------------------- a registry with URLs and dates

REGISTRY = {  # source key -> what a registry entry may say of where and when it was read
    "001_b25d8b9e867eeac6": {"url": "https://news.example/russia-outruns-us", "retrieved": "2021-10-06"},
    "004_ba6c03b084f54831": {"url": "https://news.example/film-crew-docked?id=4", "retrieved": "2021-10-07",
                             "publisher": "Reuters"},
}
CLAIMS = """claims:
  - subject: person/yulia-peresild
    property: schema:nationality
    value: country/russia
    qualifiers: {point_in_time: 2021-10-05}
    refs:
      - {source: 001_b25d8b9e867eeac6, quote: "Russian actor Yulia Peresild gestures"}
      - {source: 004_ba6c03b084f54831, quote: "the Russian actress Julia Peressild"}
      - {source: 004_ba6c03b084f54831, quote: "The main role, however, will be played by the Russian actress"}
  - subject: mission/soyuz-ms-19
    property: kg:launchDate
    value: 2021-10-04
    rank: deprecated
    note: "a test: a curator judges this date wrong"
    refs:
      - {source: 004_ba6c03b084f54831, quote: "A Russian film crew docked this Tuesday (05.10.2021)"}
  - subject: mission/soyuz-ms-19
    property: kg:crewMember
    value: person/yulia-peresild
    note: "a test: the only quote has a double quote, which QuickStatements v1 cannot carry"
    refs:
      - {source: 001_b25d8b9e867eeac6, quote: 'The crew will be filming segments for the movie "Challenge".'}
"""


def sourced_project(root: Path) -> Path:
    """The seed with URLs, retrieval dates and a publisher in its registry, and CLAIMS."""
    scratch_project(root)
    registry_path = root / "sources" / "sources.yaml"
    registry = yaml.safe_load(registry_path.read_text(encoding="utf-8"))
    for entry in registry["sources"]:
        entry.update(REGISTRY.get(entry["key"], {}))
    registry_path.write_text(yaml.safe_dump(registry, sort_keys=False, allow_unicode=True), encoding="utf-8")
    (root / "facts" / "export-test.yaml").write_text(CLAIMS, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def sourced_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return sourced_project(tmp_path_factory.mktemp("qs") / "sourced")


@pytest.fixture(scope="module")
def sourced(sourced_root: Path) -> QuickStatementsExport:
    project = kg.open_project(sourced_root)
    return export_quickstatements(kg.build(project, write=False, shacl=False), project)


def test_every_line_of_a_sourced_export_is_v1_with_verified_ids(sourced: QuickStatementsExport) -> None:
    commands = check_lines(sourced)
    assert {key for c in commands for key, _ in c.sources} == {"S248", "S813", "S854", "S1683"}


def test_a_qualified_claim_with_two_sources_is_two_lines_each_one_reference(sourced: QuickStatementsExport) -> None:
    assert [line for line in sourced.lines if line.startswith("Q4350906\tP27\tQ159\tP585")] == [
        'Q4350906\tP27\tQ159\tP585\t+2021-10-05T00:00:00Z/11'
        '\tS813\t+2021-10-06T00:00:00Z/11\tS854\t"https://news.example/russia-outruns-us"'
        '\tS1683\ten:"Russian actor Yulia Peresild gestures"',
        'Q4350906\tP27\tQ159\tP585\t+2021-10-05T00:00:00Z/11'
        '\tS248\tQ130879\tS813\t+2021-10-07T00:00:00Z/11\tS854\t"https://news.example/film-crew-docked?id=4"'
        '\tS1683\ten:"The main role, however, will be played by the Russian actress"'
        '\tS1683\ten:"the Russian actress Julia Peressild"',
    ]
    # the unqualified claim of the same value is a statement of its own (QuickStatements adds
    # the qualifier and the references to the one statement Wikidata has)
    assert 'Q4350906\tP27\tQ159\tS1683\ten:"Russian actress Yulia Peresild, 37"' in sourced.lines


def test_deprecated_statements_and_uncarriable_quotes_are_left_out_and_reported(
        sourced: QuickStatementsExport) -> None:
    assert not [line for line in sourced.lines if "+2021-10-04" in line]
    assert sourced.skipped["deprecated statement(s) (a curator judged the value wrong)"] == [
        "Q86675323 P619 2021-10-04T00:00:00Z (facts/export-test.yaml:10)"]
    # the quote with a double quote is refused, never altered; the reference keeps its URL and date
    assert sourced.skipped["quote(s) QuickStatements v1 cannot carry (a double quote, a tab or a line break)"] == [
        'P1683 The crew will be filming segments for the movie "Challenge". in the reference from '
        "001_b25d8b9e867eeac6, on Q86675323 P1029 Q4350906 (facts/export-test.yaml:17)"]
    assert 'Q86675323\tP1029\tQ4350906\tS813\t+2021-10-06T00:00:00Z/11\tS854\t"https://news.example/russia-outruns-us"' \
        in sourced.lines
    assert not [line for line in sourced.lines if "Challenge" in line]


QUOTED = """claims:
  - subject: mission/soyuz-ms-19
    property: kg:crewMember
    value: person/yulia-peresild
    refs:
      - {source: 001_b25d8b9e867eeac6, quote: 'The crew will be filming segments for the movie "Challenge".'}
"""


def test_a_statement_whose_only_reference_v1_cannot_carry_is_left_out(tmp_path: Path) -> None:
    """The seed's registry gives no URL: the refused quote was the whole reference."""
    root = scratch_project(tmp_path / "quoted")
    (root / "facts" / "quoted.yaml").write_text(QUOTED, encoding="utf-8")
    project = kg.open_project(root)
    exported = export_quickstatements(kg.build(project, write=False, shacl=False), project)
    assert exported.skipped["statement(s) with no reference QuickStatements v1 can carry"] == [
        "Q86675323 P1029 Q4350906 (facts/quoted.yaml:2)"]
    # the crew member is still exported from the seed's own, role-qualified claim
    assert [line for line in exported.lines if line.startswith("Q86675323\tP1029\tQ4350906\t")]


def test_a_disputed_value_is_left_out(tmp_path: Path) -> None:
    """Sources that disagree on a single-valued property (kg conflicts lists them): neither value
    goes to Wikidata until a curator decides. The seed's kg:launchSite is single-valued (P1427)."""
    root = scratch_project(tmp_path / "disputed")
    (root / "facts" / "disputed.yaml").write_text("""claims:
  - subject: mission/soyuz-ms-19
    property: kg:launchSite
    value: country/kazakhstan
    refs:
      - {source: 001_b25d8b9e867eeac6, quote: "she departs for boarding the Soyuz MS-19 spacecraft for the launch at the Baikonur Cosmodrome, Kazakhstan October 5, 2021."}
""", encoding="utf-8")
    project = kg.open_project(root)
    exported = export_quickstatements(kg.build(project, write=False, shacl=False), project)
    assert not [line for line in exported.lines if line.startswith("Q86675323\tP1427\t")]
    assert exported.skipped["disputed statement(s) (sources disagree: kg conflicts lists them)"] == [
        "Q86675323 P1427 Q177477 (facts/mission.yaml:49)", "Q86675323 P1427 Q232 (facts/disputed.yaml:2)"]


# ---------------------------------------------------------------------- the command


def test_the_command_writes_stdout_or_a_file_and_reports_on_stderr(sourced_root: Path, tmp_path: Path,
                                                                   sourced: QuickStatementsExport) -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["--project", str(sourced_root), "export", "quickstatements"])
    assert result.exit_code == 0, result.output
    assert result.stdout == sourced.text
    assert result.stderr.splitlines()[:2] == [
        f"kg export quickstatements: {sourced.statements} statement(s) in {len(sourced.lines)} line(s), "
        "one line per reference",
        "left out 1 deprecated statement(s) (a curator judged the value wrong)"]
    assert "entities have no Wikidata ID: they would need CREATE (--create writes them" in result.stderr
    target = tmp_path / "batch.txt"
    result = runner.invoke(main, ["--project", str(sourced_root), "export", "quickstatements", "--create",
                                  "--output", str(target)])
    assert result.exit_code == 0 and result.stdout == ""
    written = target.read_text(encoding="utf-8").splitlines()
    assert written[:len(sourced.lines)] == sourced.lines and "CREATE" in written[len(sourced.lines):]
    assert "written as CREATE with their labels and aliases" in result.stderr


def test_the_command_refuses_facts_that_do_not_build(tmp_path: Path) -> None:
    root = scratch_project(tmp_path / "broken")
    (root / "facts" / "broken.yaml").write_text("claims:\n  - subject: person/nobody\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["--project", str(root), "export", "quickstatements"])
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.startswith("error: ")
