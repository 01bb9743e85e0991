"""`kg rank`: a claim preferred or deprecated with a reason through the CLI: a minimal text edit of
its facts file (rank and note lines only), a rebuild, all as one change under the project lock."""

from __future__ import annotations

import difflib
import shutil
import signal
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.project import open_project
from tests.helpers import kg_process, scratch_project

BASE = "https://example.org/vyzov/"
MISSION = ox.NamedNode(BASE + "id/mission/soyuz-ms-19")
RETURN = ox.NamedNode(BASE + "ontology#plannedReturnDate")
DATE = "http://www.w3.org/2001/XMLSchema#date"
WIKIBASE = "http://wikiba.se/ontology#"
RETURN_16 = ["mission/soyuz-ms-19", "kg:plannedReturnDate", "2021-10-16"]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = scratch_project(tmp_path_factory.mktemp("rank") / "base")
    assert CliRunner().invoke(main, ["--project", str(root), "build", "-q"], env={"KG_STORE": ""}).exit_code == 0
    return root


@pytest.fixture
def project(built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("KG_STORE", raising=False)
    return Path(shutil.copytree(built, tmp_path / "project"))


def rank(root: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["--project", str(root), "rank", *args])
    return result.exit_code, result.stdout, result.stderr


def graph(root: Path) -> ox.Store:
    store = ox.Store()
    store.load((root / "output" / "vyzov.ttl").read_bytes(), format=ox.RdfFormat.TURTLE)
    return store


def objects(store: ox.Store, subject: ox.NamedNode, predicate: str) -> set[str]:
    return {q.object.value for q in store.quads_for_pattern(subject, ox.NamedNode(predicate), None)}


def statement_of(store: ox.Store, day: str) -> ox.NamedNode:
    value = ox.Literal(day, datatype=ox.NamedNode(DATE))
    [quad] = list(store.quads_for_pattern(None, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#object"), value))
    assert isinstance(quad.subject, ox.NamedNode)
    return quad.subject


def test_deprecating_a_claim_unasserts_it_keeps_its_references_and_publishes_the_reason(project: Path) -> None:
    before_text = (project / "facts" / "mission.yaml").read_text(encoding="utf-8")
    before = graph(project)
    statement = statement_of(before, "2021-10-16")
    references = objects(before, statement, "http://www.w3.org/ns/prov#wasDerivedFrom")

    code, out, err = rank(project, *RETURN_16, "deprecated", "--reason", 'RIA: "17 October"')
    assert (code, err) == (0, "")
    assert out.splitlines()[0] == f"ranked {statement.value.removeprefix(BASE)} deprecated: facts/mission.yaml:114"

    after = graph(project)
    day16 = ox.Literal("2021-10-16", datatype=ox.NamedNode(DATE))
    assert list(after.quads_for_pattern(MISSION, RETURN, day16)) == []
    assert objects(after, statement, WIKIBASE + "rank") == {WIKIBASE + "DeprecatedRank"}
    assert objects(after, statement, "http://www.w3.org/ns/prov#wasDerivedFrom") == references
    assert objects(after, statement, BASE + "ontology#curatorNote") == {'RIA: "17 October"'}

    diff = [line for line in difflib.unified_diff(before_text.splitlines(), (project / "facts" / "mission.yaml")
            .read_text(encoding="utf-8").splitlines(), n=0, lineterm="") if line[:1] in "+-"]
    assert diff == ["--- ", "+++ ",
                    '-    note: "Sources disagree: 001 gives 16 October, 002 gives 17 October."',
                    "+    rank: deprecated", '+    note: "RIA: \\"17 October\\""']


def test_ranking_by_statement_hash_rewrites_an_existing_rank_line_in_place(project: Path) -> None:
    hash_ = statement_of(graph(project), "2021-10-17").value.rsplit("/", 1)[-1]
    assert rank(project, hash_, "preferred", "--reason", "the later report")[0] == 0
    text = (project / "facts" / "mission.yaml").read_text(encoding="utf-8")
    assert '    rank: preferred\n    note: "the later report"\n' in text
    code, out, _ = rank(project, f"statement/{hash_}", "normal", "--reason", "both plausible")
    assert code == 0
    again = (project / "facts" / "mission.yaml").read_text(encoding="utf-8")
    assert [line for line in difflib.ndiff(text.splitlines(), again.splitlines()) if line[:1] in "+-"] == [
        "-     rank: preferred", '-     note: "the later report"', "+     rank: normal", '+     note: "both plausible"']


def test_a_statement_claimed_in_two_files_is_ranked_in_both(project: Path) -> None:
    claim = (project / "facts" / "mission.yaml").read_text(encoding="utf-8").split("  # The two sources disagree")[1]
    second = "claims:\n" + claim.split("\n\n")[0].split("\n", 1)[1] + "\n"
    (project / "facts" / "again.yaml").write_text(second, encoding="utf-8")
    code, out, err = rank(project, *RETURN_16, "deprecated", "--reason", "superseded")
    assert (code, err) == (0, "")
    assert out.splitlines()[0].endswith("deprecated: facts/again.yaml:2, facts/mission.yaml:114")
    assert "    rank: deprecated\n" in (project / "facts" / "again.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize("args,message", [
    (["0123456789abcdef", "deprecated"], "error: no claim in facts/ has the statement 0123456789abcdef"),
    (["mission/soyuz-ms-19", "kg:plannedReturnDate", "2021-10-18", "deprecated"],
     "error: no claim in facts/ says mission/soyuz-ms-19 kg:plannedReturnDate 2021-10-18"),
    (["film/vyzov", "kg:filmCrewMember", "person/klim-shipenko", "deprecated"],
     "error: film/vyzov kg:filmCrewMember person/klim-shipenko is claimed as 5 statements with different "
     "qualifiers: "),
    ([*RETURN_16, "wrong"], "error: rank 'wrong' must be one of normal, preferred, deprecated"),
    (["mission/soyuz-ms-19", "deprecated"], "error: name the claim by its statement"),
])
def test_input_errors_are_exit_2_and_change_nothing(project: Path, args: list[str], message: str) -> None:
    before = (project / "facts" / "film.yaml").read_bytes(), (project / "output" / "vyzov.ttl").read_bytes()
    code, out, err = rank(project, *args, "--reason", "x")
    assert (code, out) == (2, "")
    assert err.startswith(message), err
    assert ((project / "facts" / "film.yaml").read_bytes(), (project / "output" / "vyzov.ttl").read_bytes()) == before


def test_the_ambiguous_selector_lists_each_statement_with_its_file_line_and_qualifiers(project: Path) -> None:
    _, _, err = rank(project, "film/vyzov", "kg:filmCrewMember", "person/klim-shipenko", "deprecated", "--reason", "x")
    assert "(facts/film.yaml:57, role role/camera)" in err and "(facts/film.yaml:91)" in err
    assert err.endswith("; give the statement's hash instead\n")


def test_a_reason_that_is_not_one_line_is_refused(project: Path) -> None:
    code, _, err = rank(project, *RETURN_16, "deprecated", "--reason", "two\nlines")
    assert code == 2 and err.startswith("error: --reason ")


def test_a_flow_mapping_claim_is_refused_with_its_line(project: Path) -> None:
    (project / "facts" / "flow.yaml").write_text(
        "claims:\n  - {subject: mission/soyuz-ms-19, property: kg:plannedReturnDate, value: 2021-10-16, refs: "
        "[{source: 001_b25d8b9e867eeac6, quote: \"they are set to return to Earth on October 16\"}]}\n",
        encoding="utf-8")
    code, _, err = rank(project, *RETURN_16, "deprecated", "--reason", "x")
    assert code == 2
    assert err.startswith("error: facts/flow.yaml:2: kg rank edits claims written one key a line")


def test_a_facts_file_changed_meanwhile_is_refused(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import kg.rank
    from kg.errors import InputError

    real_build = kg.rank.build
    facts = project / "facts" / "mission.yaml"

    def edited_meanwhile(*args: object, **kwargs: object) -> object:
        facts.write_text(facts.read_text(encoding="utf-8") + "\n# a curator's edit\n", encoding="utf-8")
        return real_build(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(kg.rank, "build", edited_meanwhile)
    output = (project / "output" / "vyzov.ttl").read_bytes()
    with pytest.raises(InputError, match="facts/mission.yaml changed while kg rank ran; nothing was changed"):
        kg.rank.rank_claims(open_project(project), ("mission/soyuz-ms-19", "kg:plannedReturnDate", "2021-10-16"),
                            "deprecated", "x")
    assert facts.read_text(encoding="utf-8").endswith("# a curator's edit\n")
    assert (project / "output" / "vyzov.ttl").read_bytes() == output


@pytest.mark.parametrize("point", ["after-staging", "between-renames@1", "between-renames@4"])
def test_a_kill_mid_write_loses_nothing(project: Path, point: str) -> None:
    facts = (project / "facts" / "mission.yaml").read_bytes()
    old_graph = (project / "output" / "vyzov.ttl").read_bytes()
    killed = kg_process(project, "rank", *RETURN_16, "deprecated", "--reason", "x", hook=point)
    killed.communicate()
    assert killed.returncode == -signal.SIGKILL
    build = kg_process(project, "build", "-q")  # any writer finishes or undoes the change first
    assert build.communicate()[1] == "" and build.returncode == 0
    committed = point != "after-staging"
    edited = (project / "facts" / "mission.yaml").read_bytes()
    assert (edited != facts) is committed
    assert (b"rank: deprecated" in edited) is committed
    assert ((project / "output" / "vyzov.ttl").read_bytes() == old_graph) is not committed
    assert not [p for p in project.rglob("*") if ".kg-staged-" in p.name or p.name == "journal.json"]


def test_dry_run_says_what_would_change_and_changes_nothing(project: Path) -> None:
    before = {p: p.read_bytes() for p in [*(project / "facts").iterdir(), *(project / "output").glob("*.*")]}
    code, out, _ = rank(project, *RETURN_16, "deprecated", "--reason", "x", "--dry-run")
    assert code == 0
    assert out.splitlines()[0].startswith("would rank statement/") and out.splitlines()[0].endswith(
        " deprecated: facts/mission.yaml:114")
    assert out.splitlines()[1].startswith("would change: ")
    assert {p: p.read_bytes() for p in before} == before


def test_the_build_after_a_rank_reuses_it_with_the_rank_builds_summary(project: Path) -> None:
    """kg rank records the build it wrote, summary and all: the `kg build` after it rebuilds nothing
    and prints what a build of the ranked facts prints (it printed an empty summary before, because
    kg rank recorded a manifest without its build's summary)."""
    assert rank(project, *RETURN_16, "deprecated", "--reason", "the later report")[0] == 0
    again = CliRunner().invoke(main, ["--project", str(project), "build"])
    assert again.exit_code == 0, again.output
    reused = again.output.splitlines()[0]
    assert reused.endswith(", unchanged (nothing rebuilt)")
    (project / ".kg" / "build-manifest.json").unlink()
    fresh = CliRunner().invoke(main, ["--project", str(project), "build"])
    assert fresh.exit_code == 0, fresh.output
    rebuilt = fresh.output.splitlines()[0]
    assert reused.rsplit(", ", 2)[0] == rebuilt.rsplit(", ", 1)[0]
    assert reused.startswith("kg build: ")
