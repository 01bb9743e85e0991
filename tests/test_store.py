"""kg load: the persistent store, when commands use it, and when they must not."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.project import open_project
from kg.query import examples, run
from kg.store import holds_published, load_store, open_published, published_generation
from tests.helpers import scratch_project


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = scratch_project(tmp_path / "project")
    monkeypatch.setenv("KG_PROJECT", str(root))
    monkeypatch.delenv("KG_STORE")
    assert CliRunner().invoke(main, ["build", "-q"]).exit_code == 0
    return root


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_load_writes_a_store_that_query_reads(project: Path) -> None:
    code, output = invoke("load")
    assert code == 0
    assert output.startswith("kg load: 7338 triples and 375 statement graphs into output/store, ")
    store_dir = project / "output" / "store"
    assert holds_published(open_project(project), store_dir)
    store = open_published(open_project(project))
    with pytest.raises(RuntimeError, match="read-write"):  # opened read-only: proof it is the persistent one
        store.add(ox.Quad(ox.NamedNode("urn:x"), ox.NamedNode("urn:p"), ox.Literal("x")))
    in_memory = open_published(open_project(project), use_store=False)
    assert set(store) == set(in_memory)
    for example in examples(project / "queries"):
        text = example.path.read_text(encoding="utf-8")
        expected = run(in_memory, text, "tsv")
        assert run(store, text, "tsv") == expected
        assert invoke("query", "--example", example.name, "--format", "tsv") == (0, expected)


def test_reloading_replaces_the_store_and_leaves_no_staging(project: Path) -> None:
    invoke("load")
    first = load_store(open_project(project))
    assert (first.triples, first.graphs) == (7338, 375)
    leftovers = sorted(p.name for p in (project / "output").iterdir() if p.name.startswith(".store"))
    assert leftovers == []
    assert len(ox.Store.read_only(str(project / "output" / "store"))) == 7338 + 375


def test_output_with_other_content_makes_the_store_stale_and_commands_fall_back(project: Path) -> None:
    """kg build and kg add keep a current store current (tests/test_store_delta.py); output/
    written by anything else leaves it stale."""
    invoke("load")
    quads = project / "output" / "vyzov.nq"
    quads.write_bytes(quads.read_bytes().replace(b"Moscow", b"Moskva"))
    assert not holds_published(open_project(project))
    store = open_published(open_project(project))
    store.add(ox.Quad(ox.NamedNode("urn:x"), ox.NamedNode("urn:p"), ox.Literal("x")))  # in memory: writable
    claim = project / "new.yaml"
    claim.write_text("claims:\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(claim)])
    assert result.exit_code == 0
    assert ("note: output/store is older than output/: checked against facts/ instead "
            "(run 'kg load' to check faster)") in result.output


def test_an_input_changed_after_the_build_is_not_checked_against_the_store(project: Path) -> None:
    invoke("load")
    people = project / "facts" / "people.yaml"
    people.write_text(people.read_text(encoding="utf-8") + "# a comment the build has not read\n", encoding="utf-8")
    later = (project / "output" / "vyzov.ttl").stat().st_mtime_ns + 1_000_000_000
    os.utime(people, ns=(later, later))
    claim = project / "new.yaml"
    claim.write_text("claims:\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(claim)])
    assert result.exit_code == 0
    assert ("note: facts/people.yaml changed after the last build: checked against facts/ instead of the store "
            "(run 'kg build' and 'kg load' to check faster)") in result.output


def test_an_input_rewritten_with_the_bytes_the_build_read_is_checked_against_the_store(project: Path) -> None:
    """An edit undone (the file rewritten as it was) and a `kg build` that then found nothing
    changed: output/ keeps its older files, and the store still holds what the inputs say."""
    invoke("load")
    people = project / "facts" / "people.yaml"
    people.write_bytes(people.read_bytes())
    later = (project / "output" / "vyzov.ttl").stat().st_mtime_ns + 1_000_000_000
    os.utime(people, ns=(later, later))
    code, output = invoke("build")
    assert code == 0 and "unchanged (nothing rebuilt)" in output, output
    claim = project / "new.yaml"
    claim.write_text(NEW_CLAIM, encoding="utf-8")
    facts = (project / "facts").resolve()
    with opened_files() as opened:
        result = CliRunner().invoke(main, ["validate", str(claim)])
    assert (result.exit_code, result.output) == (0, "new.yaml: conforms (0 errors, 0 warnings, 0 info)\n")
    # of facts/, only the rewritten file is read (hashed: are its bytes those the build read?)
    assert {p for p in opened if p.is_relative_to(facts)} == {people.resolve()}
    assert len(list(facts.glob("*.yaml"))) > 1


NEW_CLAIM = ("claims:\n  - subject: film/vyzov\n    property: schema:producer\n    value: org/roscosmos\n"
             "    refs:\n      - {source: 004_ba6c03b084f54831, quote: \"The film is directed by Russian filmmaker\"}\n")


_OPENED: list[list[Path]] = []


def _audit(event: str, args: tuple[object, ...]) -> None:
    if event == "open" and _OPENED and isinstance(args[0], (str, os.PathLike)):
        _OPENED[-1].append(Path(os.fsdecode(args[0])).resolve())


sys.addaudithook(_audit)  # a hook stays for the process: it records only inside opened_files()


@contextlib.contextmanager
def opened_files() -> Iterator[list[Path]]:
    """Every file this process opens inside the block (Python's "open" audit event)."""
    _OPENED.append([])
    try:
        yield _OPENED[-1]
    finally:
        _OPENED.pop()


def test_load_needs_a_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = scratch_project(tmp_path / "unbuilt")
    monkeypatch.setenv("KG_PROJECT", str(root))
    code, output = invoke("load")
    assert (code, output) == (2, f"error: {root / 'output' / 'vyzov.nq'} does not exist: run 'kg build' first\n")


def test_load_refuses_a_folder_that_is_not_a_store(project: Path) -> None:
    other = project / "precious"
    other.mkdir()
    (other / "notes.txt").write_text("keep me", encoding="utf-8")
    code, output = invoke("load", "--store", str(other))
    assert (code, output) == (2, f"error: {other} exists and is not a kg store; choose another --store\n")
    assert (other / "notes.txt").read_text(encoding="utf-8") == "keep me"


def test_kg_store_names_another_place(project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    elsewhere = tmp_path / "fast-disk" / "kg"
    monkeypatch.setenv("KG_STORE", str(elsewhere))
    code, output = invoke("load")
    assert code == 0
    assert output.startswith(f"kg load: 7338 triples and 375 statement graphs into {elsewhere}, ")
    assert holds_published(open_project(project), elsewhere)


def test_add_reloads_a_current_store(project: Path) -> None:
    invoke("load")
    new = project / "extra.yaml"
    new.write_text(
        "claims:\n  - subject: film/vyzov\n    property: schema:producer\n    value: org/roscosmos\n"
        "    refs:\n      - {source: 004_ba6c03b084f54831, quote: \"The film is directed by Russian filmmaker\"}\n",
        encoding="utf-8",
    )
    code, output = invoke("add", str(new))
    assert code == 0, output
    store_dir = project / "output" / "store"
    assert holds_published(open_project(project), store_dir)
    answer = ox.Store.read_only(str(store_dir)).query(
        "ASK { <https://example.org/vyzov/id/film/vyzov> <https://schema.org/producer> "
        "<https://example.org/vyzov/id/org/roscosmos> }")
    assert bool(answer) is True


def test_an_identical_rebuild_keeps_the_store_current(project: Path) -> None:
    invoke("load")
    generation = published_generation(open_project(project))
    assert generation is not None and generation.startswith("store:")
    assert invoke("build", "-q")[0] == 0  # new files, new mtimes, the same bytes
    assert holds_published(open_project(project))
    assert published_generation(open_project(project)) == generation


def test_freshness_is_by_content_not_by_size_and_time(project: Path) -> None:
    invoke("load")
    quads = project / "output" / "vyzov.nq"
    before = quads.stat()
    data = bytearray(quads.read_bytes())
    at = data.index(b"Moscow")
    data[at:at + 6] = b"Moskva"
    quads.write_bytes(bytes(data))
    os.utime(quads, ns=(before.st_atime_ns, before.st_mtime_ns))  # same size, same modification time
    assert not holds_published(open_project(project))
    assert published_generation(open_project(project)).startswith("files:")


def test_a_new_load_is_a_new_generation(project: Path) -> None:
    invoke("load")
    first = published_generation(open_project(project))
    invoke("load")
    assert published_generation(open_project(project)) not in (first, None)


def test_statement_graphs_answer_graph_queries_from_the_store_and_from_output(project: Path) -> None:
    query = ("SELECT (COUNT(DISTINCT ?st) AS ?n) WHERE { GRAPH ?st { ?s <https://schema.org/name> ?o } "
             "?st <http://www.w3.org/1999/02/22-rdf-syntax-ns#subject> ?s }")
    in_memory = run(open_published(open_project(project), use_store=False), query, "tsv")
    invoke("load")
    assert invoke("query", query, "--format", "tsv") == (0, in_memory)
    count = int(in_memory.splitlines()[1])
    assert count > 0
