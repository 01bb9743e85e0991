"""kg add: all or nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main
from tests.helpers import NEW_CLAIM, scratch_project



def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes()
            for folder in ("facts", "output") for p in (root / folder).rglob("*") if p.is_file()}


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = scratch_project(tmp_path / "project")
    monkeypatch.setenv("KG_PROJECT", str(root))
    assert CliRunner().invoke(main, ["build", "-q"]).exit_code == 0
    return root


def test_add_merges_and_rebuilds(project: Path, tmp_path: Path) -> None:
    new = tmp_path / "shipenko-flight.yaml"
    new.write_text(NEW_CLAIM, encoding="utf-8")
    result = CliRunner().invoke(main, ["add", str(new)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == "added facts/shipenko-flight.yaml"
    assert (project / "facts" / "shipenko-flight.yaml").read_text(encoding="utf-8") == NEW_CLAIM
    turtle = (project / "output" / "vyzov.ttl").read_text(encoding="utf-8")
    assert "Had a challenging flight in a small capsule." in turtle


def test_dry_run_changes_nothing(project: Path, tmp_path: Path) -> None:
    new = tmp_path / "shipenko-flight.yaml"
    new.write_text(NEW_CLAIM, encoding="utf-8")
    before = snapshot(project)
    result = CliRunner().invoke(main, ["add", "--dry-run", str(new)])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0] == "would add facts/shipenko-flight.yaml"
    changed = lines[1].removeprefix("would change: ").split(", ")
    assert {"vyzov.ttl", "vyzov.jsonld", "vyzov.trig", "vyzov.nq", "void.ttl"} <= set(changed)
    assert "context.jsonld" not in changed
    assert snapshot(project) == before


def test_invalid_facts_change_not_one_byte(project: Path, tmp_path: Path) -> None:
    new = tmp_path / "bad.yaml"
    new.write_text(NEW_CLAIM.replace("small capsule", "tiny capsule"), encoding="utf-8")
    before = snapshot(project)
    result = CliRunner().invoke(main, ["add", str(new)])
    assert result.exit_code == 1
    assert "error KG007: quote not found in source 001_b25d8b9e867eeac6" in result.output
    assert snapshot(project) == before


def test_a_name_clash_is_refused(project: Path, tmp_path: Path) -> None:
    new = tmp_path / "film.yaml"
    new.write_text(NEW_CLAIM, encoding="utf-8")
    before = snapshot(project)
    result = CliRunner().invoke(main, ["add", str(new)])
    assert result.exit_code == 2
    assert result.output == (f"error: {project / 'facts' / 'film.yaml'} exists already: "
                             "rename film.yaml before adding it\n")
    assert snapshot(project) == before


def test_a_build_after_add_does_nothing_and_add_wrote_what_a_clean_build_writes(project: Path, tmp_path: Path) -> None:
    """kg add records the build manifest: the `kg build` (or `make`) after it rebuilds nothing,
    and what the manifest vouches for is a clean build's bytes (it failed before: kg add left
    the manifest of the build before it, so the next build did everything again)."""
    new = tmp_path / "shipenko-flight.yaml"
    new.write_text(NEW_CLAIM, encoding="utf-8")
    assert CliRunner().invoke(main, ["add", str(new)]).exit_code == 0
    added = snapshot(project)
    again = CliRunner().invoke(main, ["build"])
    assert again.exit_code == 0, again.output
    assert again.output.splitlines()[0].endswith(", unchanged (nothing rebuilt)")
    assert snapshot(project) == added
    (project / ".kg" / "build-manifest.json").unlink()
    shutil.rmtree(project / ".kg" / "cache")
    clean = CliRunner().invoke(main, ["build", "-q"])
    assert clean.exit_code == 0, clean.output
    assert snapshot(project) == added


def test_add_validates_what_it_adds_by_delta_and_leaves_the_next_edit_a_delta(project: Path, tmp_path: Path) -> None:
    """kg add's build revalidates only the focus nodes the new file reaches, and keeps the state, so
    the edit build after it is a delta too (before, kg add validated the whole graph and left the
    state of the build before it: the next build validated in full)."""
    from kg.api import add
    from kg.project import open_project

    new = tmp_path / "shipenko-flight.yaml"
    new.write_text(NEW_CLAIM, encoding="utf-8")
    plan = add(open_project(project), files=[new])
    added = project / "facts" / "shipenko-flight.yaml"
    added.write_text(NEW_CLAIM + '      - {source: 001_b25d8b9e867eeac6, quote: "Director Klim Shipenko"}\n', encoding="utf-8")
    edited = CliRunner().invoke(main, ["build", "-v"])
    assert edited.exit_code == 0, edited.output
    assert "  SHACL: delta: " in edited.output
    assert plan.build is not None and plan.build.validation is not None
    assert plan.build.validation.how.startswith("delta: "), plan.build.validation.how
    validated = snapshot(project)
    (project / ".kg" / "build-manifest.json").unlink()
    shutil.rmtree(project / ".kg" / "cache")
    assert CliRunner().invoke(main, ["build", "-q"]).exit_code == 0
    assert snapshot(project) == validated


def test_a_build_naming_the_engine_auto_picks_reuses_what_add_built(project: Path, tmp_path: Path) -> None:
    """`--validator auto` is the compiled engine: a `kg build --validator fast` after kg add (which
    builds with auto) has nothing to do (before, the manifest compared the words and rebuilt)."""
    new = tmp_path / "shipenko-flight.yaml"
    new.write_text(NEW_CLAIM, encoding="utf-8")
    assert CliRunner().invoke(main, ["add", str(new)]).exit_code == 0
    again = CliRunner().invoke(main, ["build", "--validator", "fast"])
    assert again.exit_code == 0, again.output
    assert again.output.splitlines()[0].endswith(", unchanged (nothing rebuilt)")
    pyshacl = CliRunner().invoke(main, ["build", "-q", "--validator", "pyshacl"])
    assert pyshacl.exit_code == 0, pyshacl.output
    assert "unchanged" not in pyshacl.output
