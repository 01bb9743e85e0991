"""kg load: the persistent store, when commands use it, and when they must not."""

from __future__ import annotations

import os
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.project import open_project
from kg.query import examples, run
from kg.store import holds_published, load_store, open_published
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
    assert output.startswith("kg load: 7048 triples into output/store, ")
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
    assert first.triples == 7048
    leftovers = sorted(p.name for p in (project / "output").iterdir() if p.name.startswith(".store"))
    assert leftovers == []
    assert len(ox.Store.read_only(str(project / "output" / "store"))) == 7048


def test_a_rebuild_makes_the_store_stale_and_commands_fall_back(project: Path) -> None:
    invoke("load")
    assert invoke("build", "-q")[0] == 0
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
    later = (project / "output" / "vyzov.ttl").stat().st_mtime_ns + 1_000_000_000
    os.utime(people, ns=(later, later))
    claim = project / "new.yaml"
    claim.write_text("claims:\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(claim)])
    assert result.exit_code == 0
    assert ("note: facts/people.yaml changed after the last build: checked against facts/ instead of the store "
            "(run 'kg build' and 'kg load' to check faster)") in result.output


def test_load_needs_a_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = scratch_project(tmp_path / "unbuilt")
    monkeypatch.setenv("KG_PROJECT", str(root))
    code, output = invoke("load")
    assert (code, output) == (2, f"error: {root / 'output' / 'vyzov.ttl'} does not exist: run 'kg build' first\n")


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
    assert output.startswith(f"kg load: 7048 triples into {elsewhere}, ")
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
