"""The site in linear time: entity pages from one grouped pass (the same explanations kg explain
gives one entity at a time), and kg add / kg build bringing an existing output/site up to date by
rewriting only the files that change, to the bytes a full kg site writes."""

from __future__ import annotations

import os
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.explain import explain, explain_all
from tests.helpers import NEW_CLAIM, scratch_project


def test_grouped_explanations_are_explain_of_each_entity(store: ox.Store, seed_project) -> None:  # type: ignore[no-untyped-def]
    base = seed_project.base_iri
    entities = sorted({q.subject.value for q in store.quads_for_pattern(None, None, None)
                       if isinstance(q.subject, ox.NamedNode) and q.subject.value.startswith((base + "id/", base + "value/"))
                       and "#" not in q.subject.value})
    grouped = explain_all(store, entities, seed_project.kg)
    assert len(entities) > 50
    assert sum(1 for e in grouped.values() if e.conflicts) >= 1
    assert sum(1 for e in grouped.values() if e.mentions) > 5
    for iri in entities:
        assert grouped[iri] == explain(store, iri, seed_project.kg), iri


def files_of(folder: Path) -> dict[str, Path]:
    return {p.relative_to(folder).as_posix(): p for p in folder.rglob("*") if p.is_file()}


def assert_same_site(incremental: Path, full: Path) -> None:
    mine, theirs = files_of(incremental), files_of(full)
    assert sorted(mine) == sorted(theirs)
    assert [name for name in sorted(mine) if mine[name].read_bytes() != theirs[name].read_bytes()] == []


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = scratch_project(tmp_path / "project")
    monkeypatch.setenv("KG_PROJECT", str(root))
    assert CliRunner().invoke(main, ["build", "-q"]).exit_code == 0
    result = CliRunner().invoke(main, ["site"])
    assert result.exit_code == 0, result.output
    return root


def test_add_and_build_rewrite_only_the_pages_they_change(project: Path, tmp_path: Path) -> None:
    site = project / "output" / "site"
    before = {name: os.stat(path) for name, path in files_of(site).items()}
    new = tmp_path / "shipenko-flight.yaml"
    new.write_text(NEW_CLAIM, encoding="utf-8")
    result = CliRunner().invoke(main, ["add", str(new)])
    assert result.exit_code == 0, result.output

    full = tmp_path / "full"
    assert CliRunner().invoke(main, ["site", "--out", str(full)]).exit_code == 0
    assert_same_site(site, full)
    after = {name: os.stat(path) for name, path in files_of(site).items()}
    untouched = [name for name in before if name in after and (after[name].st_ino, after[name].st_mtime_ns)
                 == (before[name].st_ino, before[name].st_mtime_ns)]
    rewritten = sorted(set(after) - set(untouched))
    assert "id/person/klim-shipenko.html" in rewritten
    assert "index.html" not in rewritten and "style.css" not in rewritten
    assert len(untouched) > 0.9 * len(before)

    # a build without the new facts: the pages only they produced are removed
    (project / "facts" / "shipenko-flight.yaml").unlink()
    result = CliRunner().invoke(main, ["build", "-q"])
    assert result.exit_code == 0, result.output
    gone = sorted(set(after) - set(files_of(site)))
    assert any(name.startswith("statement/") for name in gone)
    again = tmp_path / "again"
    assert CliRunner().invoke(main, ["site", "--out", str(again)]).exit_code == 0
    assert_same_site(site, again)
    assert sorted(files_of(site)) == sorted(before)


def test_a_build_writes_no_site_where_there_was_none(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = scratch_project(tmp_path / "project")
    monkeypatch.setenv("KG_PROJECT", str(root))
    assert CliRunner().invoke(main, ["build", "-q"]).exit_code == 0
    assert not (root / "output" / "site").exists()
