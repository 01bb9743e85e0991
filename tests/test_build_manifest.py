"""kg build's manifest: a build with nothing changed does nothing; any change, and any damaged
manifest, means a full build whose output equals a clean one's."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.build_manifest import FORMAT, manifest_path, read_manifest, stamp
from kg.cli import main
from kg.pipeline import build
from kg.project import open_project
from tests.helpers import scratch_project

UNCHANGED = ", unchanged (nothing rebuilt)"


def kg_build(root: Path, *options: str) -> list[str]:
    result = CliRunner().invoke(main, ["--project", str(root), "build", *options])
    assert result.exit_code == 0, result.output
    return result.output.splitlines()


def outputs(root: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((root / "output").iterdir()) if p.is_file()}


def clean_build(root: Path) -> dict[str, bytes]:
    return build(open_project(root)).files


def without_time(summary: str) -> str:
    return summary.rsplit(", ", 1)[0] if not summary.endswith(UNCHANGED) else summary[:-len(UNCHANGED)].rsplit(", ", 1)[0]


def test_a_build_with_nothing_changed_rebuilds_nothing_and_says_so(tmp_path: Path) -> None:
    root = scratch_project(tmp_path)
    first = kg_build(root)
    written = {p.name: p.stat().st_mtime_ns for p in (root / "output").iterdir()}
    second = kg_build(root)
    assert not first[0].endswith(UNCHANGED) and second[0].endswith(UNCHANGED)
    assert second[0].startswith("kg build: 5 sources, 72 entities, 151 claims, 375 statements, 6913 triples, "
                                "1 conflicts, SHACL conforms (2 warnings), ")
    assert without_time(second[0]) == without_time(first[0]) and second[1:] == first[1:]
    assert {p.name: p.stat().st_mtime_ns for p in (root / "output").iterdir()} == written


def test_touching_an_input_without_changing_it_still_rebuilds_nothing(tmp_path: Path) -> None:
    root = scratch_project(tmp_path)
    kg_build(root)
    for path in (root / "facts").iterdir():
        os.utime(path)
    assert kg_build(root)[0].endswith(UNCHANGED)


def test_an_edited_claim_rebuilds_and_matches_a_clean_build(tmp_path: Path) -> None:
    root = scratch_project(tmp_path)
    kg_build(root)
    facts = root / "facts" / "mission.yaml"
    facts.write_text(facts.read_text(encoding="utf-8").replace("2021-10-17", "2021-10-18", 1), encoding="utf-8")
    lines = kg_build(root)
    assert not lines[0].endswith(UNCHANGED)
    assert "2021-10-16 vs 2021-10-18" in lines[1]
    assert outputs(root) == clean_build(root)
    assert kg_build(root)[0].endswith(UNCHANGED)


def test_a_new_facts_file_or_a_deleted_one_rebuilds(tmp_path: Path) -> None:
    root = scratch_project(tmp_path)
    kg_build(root)
    extra = root / "facts" / "zz-extra.yaml"
    extra.write_text((root / "facts" / "mission.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    (root / "facts" / "mission.yaml").unlink()
    assert not kg_build(root)[0].endswith(UNCHANGED)
    extra.unlink()
    assert not kg_build(root)[0].endswith(UNCHANGED)
    assert outputs(root) == clean_build(root)


@pytest.mark.parametrize("damage", ["edit", "delete"])
def test_a_damaged_output_is_rewritten(tmp_path: Path, damage: str) -> None:
    root = scratch_project(tmp_path)
    kg_build(root)
    built = outputs(root)
    turtle = root / "output" / "vyzov.ttl"
    if damage == "edit":
        data = turtle.read_bytes()
        turtle.write_bytes(data[:100] + bytes([data[100] ^ 1]) + data[101:])  # same size
    else:
        turtle.unlink()
    assert not kg_build(root)[0].endswith(UNCHANGED)
    assert outputs(root) == built


def test_an_option_that_changes_the_output_rebuilds(tmp_path: Path) -> None:
    root = scratch_project(tmp_path)
    kg_build(root)
    lines = kg_build(root, "--no-shacl")
    assert not lines[0].endswith(UNCHANGED) and "SHACL not run" in lines[0]
    assert kg_build(root, "--no-shacl")[0].endswith(UNCHANGED)
    assert not kg_build(root)[0].endswith(UNCHANGED)


def test_a_changed_source_date_epoch_rebuilds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = scratch_project(tmp_path)
    kg_build(root)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert not kg_build(root)[0].endswith(UNCHANGED)


@pytest.mark.parametrize("damage", ["truncated", "garbage", "foreign format", "wrong stamp", "not an object"])
def test_a_damaged_or_foreign_manifest_is_ignored(tmp_path: Path, damage: str) -> None:
    root = scratch_project(tmp_path)
    kg_build(root)
    path = manifest_path(open_project(root))
    text = path.read_bytes()
    damaged = {
        "truncated": text[: len(text) // 2],
        "garbage": os.urandom(512),
        "foreign format": text.replace(FORMAT.encode(), b"kg-build-manifest/0"),
        "wrong stamp": text.replace(b'"facts/mission.yaml": [\n   "', b'"facts/mission.yaml": [\n   "0'),
        "not an object": b"[]",
    }[damage]
    path.write_bytes(damaged)
    assert read_manifest(open_project(root)) is None
    lines = kg_build(root)
    assert not lines[0].endswith(UNCHANGED)
    assert outputs(root) == clean_build(root)
    assert read_manifest(open_project(root)) is not None


def test_a_manifest_recorded_for_other_inputs_is_not_trusted(tmp_path: Path) -> None:
    """The hashes decide, not the file names: a manifest copied from another project's build
    (same layout, other facts) does not vouch for this one."""
    other = scratch_project(tmp_path / "other")
    facts = other / "facts" / "mission.yaml"
    facts.write_text(facts.read_text(encoding="utf-8").replace("2021-10-17", "2021-10-18", 1), encoding="utf-8")
    kg_build(other)
    root = scratch_project(tmp_path / "root")
    kg_build(root)
    manifest_path(open_project(root)).write_bytes(manifest_path(open_project(other)).read_bytes())
    assert not kg_build(root)[0].endswith(UNCHANGED)
    assert outputs(root) == clean_build(root)


def test_a_same_size_edit_with_its_mtime_restored_is_seen(tmp_path: Path) -> None:
    path = tmp_path / "facts.yaml"
    path.write_bytes(b"value: 17\n")
    recorded = stamp(path, now_ns=path.stat().st_ctime_ns + 10**10)  # recorded long after the write
    assert recorded.settled and stamp(path, recorded) is recorded
    before = path.stat()
    path.write_bytes(b"value: 18\n")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert stamp(path, recorded).sha256 != recorded.sha256


def test_a_file_recorded_in_the_tick_it_was_written_is_hashed_again(tmp_path: Path) -> None:
    path = tmp_path / "facts.yaml"
    path.write_bytes(b"value: 17\n")
    recorded = stamp(path, now_ns=path.stat().st_ctime_ns)
    assert not recorded.settled and stamp(path, recorded) is not recorded
