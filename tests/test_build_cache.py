"""kg.build_cache: which entries a build reuses, and that a damaged, foreign or stale one is
recomputed, never trusted; the cached build's bytes are a clean build's (tests/test_incremental.py
checks that under random edits)."""

from __future__ import annotations

import dataclasses
import hashlib
import signal
from pathlib import Path

import pytest

from kg.build_cache import (
    CACHE_FOLDER,
    CacheStats,
    Context,
    Workers,
    decode,
    make_context,
    read_parts,
)
from kg.errors import FactsError
from kg.inputs.facts import fact_files
from kg.pipeline import build, load_registries
from kg.project import Project, open_project
from tests.helpers import kg_process, scratch_project
from tests.test_incremental import REPEATED


def context_of(project: Project) -> Context:
    inputs = load_registries(project)
    return make_context(project, inputs.ontology, inputs.sources, inputs.known_qids)


def stats_of(project: Project) -> CacheStats:
    """What a read of every facts file found in the cache."""
    stats = CacheStats()
    assert read_parts(context_of(project), fact_files(project.facts_dir), stats=stats) is not None
    return stats


def entries(root: Path) -> list[Path]:
    return sorted((root / CACHE_FOLDER).glob("*.entry"))


def clean_files(project: Project) -> dict[str, bytes]:
    return build(project, run_shacl=False, cache=False).files


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return open_project(scratch_project(tmp_path))


def test_a_second_read_hits_every_file_and_an_edit_misses_one(project: Project) -> None:
    files = len(fact_files(project.facts_dir))
    first = stats_of(project)
    assert (first.hits, first.misses) == (0, files)
    again = stats_of(project)
    assert (again.hits, again.misses) == (files, 0)
    assert len(entries(project.root)) == files
    mission = project.facts_dir / "mission.yaml"
    mission.write_text(mission.read_text(encoding="utf-8") + "\n# an edit\n", encoding="utf-8")
    edited = stats_of(project)
    assert (edited.hits, edited.misses, edited.pruned) == (files - 1, 1, 1)  # the old entry is gone
    assert len(entries(project.root)) == files
    assert build(project, run_shacl=False).files == clean_files(project)


@pytest.mark.parametrize("damage", ["flip a byte", "truncate", "garbage", "empty"])
def test_a_damaged_entry_is_recomputed(project: Project, damage: str) -> None:
    build(project, run_shacl=False)
    entry = entries(project.root)[0]
    data = entry.read_bytes()
    damaged = {"flip a byte": data[:-10] + bytes([data[-10] ^ 1]) + data[-9:], "truncate": data[: len(data) // 2],
               "garbage": b"\x80\x04not json", "empty": b""}[damage]
    entry.write_bytes(damaged)
    assert decode(damaged, entry.stem) is None
    assert stats_of(project).misses == 1
    assert entry.read_bytes() == data  # written again, whole
    assert build(project, run_shacl=False).files == clean_files(project)


def test_a_foreign_entry_is_not_trusted(project: Project) -> None:
    """Another file's entry (its checksum good) under this file's key: read as a miss."""
    build(project, run_shacl=False)
    first, second = entries(project.root)[:2]
    mine = first.read_bytes()
    first.write_bytes(second.read_bytes())
    assert decode(first.read_bytes(), first.stem) is None
    assert decode(mine, first.stem) is not None
    assert stats_of(project).misses == 1
    assert build(project, run_shacl=False).files == clean_files(project)


def test_an_entry_of_another_format_is_not_trusted(project: Project) -> None:
    build(project, run_shacl=False)
    entry = entries(project.root)[0]
    data = entry.read_bytes().replace(b"kg-build-cache/2", b"kg-build-cache/1")
    entry.write_bytes(data)
    assert decode(data, entry.stem) is None
    assert stats_of(project).misses == 1


def test_a_changed_ontology_invalidates_every_entry(project: Project) -> None:
    build(project, run_shacl=False)
    ontology = project.root / "ontology" / "kg.ttl"
    ontology.write_text(ontology.read_text(encoding="utf-8") + (
        '\nkg:cacheProbe a owl:DatatypeProperty ;\n    rdfs:label "cache probe"@en ;\n'
        '    rdfs:domain schema:Thing ; rdfs:range xsd:string .\n'), encoding="utf-8")
    stats = stats_of(project)
    assert (stats.hits, stats.misses) == (0, len(fact_files(project.facts_dir)))
    assert build(project, run_shacl=False).files == clean_files(project)


def test_a_project_built_in_code_without_a_kg_toml_builds_and_caches(project: Project) -> None:
    """A Project made in code (as the library's callers do) has no kg.toml to read: the key is
    its settings, and a setting changed in code misses every entry (a failure in CI, where the
    key read the file)."""
    (project.root / "kg.toml").unlink()
    clean = clean_files(project)
    assert build(project, run_shacl=False).files == clean
    files = len(fact_files(project.facts_dir))
    assert (stats_of(project).hits, stats_of(project).misses) == (files, 0)
    moved = dataclasses.replace(project, store_override=project.root / "another-store")
    assert stats_of(moved).misses == 0  # which store it loads into maps nothing differently
    renamed = dataclasses.replace(project, base_iri="https://example.org/elsewhere/")
    stats = stats_of(renamed)
    assert (stats.hits, stats.misses) == (0, files)
    assert build(renamed, run_shacl=False).files == clean_files(renamed)


def test_a_changed_source_invalidates_the_entries_that_quote_it_and_a_new_one_none(project: Project) -> None:
    """An entry records the sources it quotes (checksum and language): a new article changes no
    entry; a quoted source's new language (what its names and texts take) changes those quoting it."""
    build(project, run_shacl=False)
    text = b"An article no fact quotes.\n"
    (project.sources_dir / "zzz_new.txt").write_bytes(text)
    registry = project.sources_dir / "sources.yaml"
    registry.write_text(registry.read_text(encoding="utf-8") + (
        "  - key: zzz_new\n    file: zzz_new.txt\n    title: null\n    date: null\n    language: en\n"
        f"    sha256: {hashlib.sha256(text).hexdigest()}\n"), encoding="utf-8")
    assert (stats_of(project).hits, stats_of(project).misses) == (len(fact_files(project.facts_dir)), 0)
    assert build(project, run_shacl=False).files == clean_files(project)
    quoting = [p for p in fact_files(project.facts_dir) if "000_d6db8baa69644283" in p.read_text(encoding="utf-8")]
    registry.write_text(registry.read_text(encoding="utf-8").replace("language: en", "language: en-GB", 1),
                        encoding="utf-8")
    assert stats_of(project).misses == len(quoting)
    assert build(project, run_shacl=False).files == clean_files(project)


def test_an_edit_to_an_entity_another_file_resolves_against(project: Project) -> None:
    """entities.yaml makes occupation/actor a person: people.yaml's entry is still good (it is
    read alone), but its claims no longer resolve; the build says so as a clean build does."""
    build(project, run_shacl=False)
    entities = project.facts_dir / "entities.yaml"
    text = entities.read_text(encoding="utf-8")
    before = "  - id: occupation/actor\n    type: schema:Occupation\n"
    assert before in text
    entities.write_text(text.replace(before, before.replace("schema:Occupation", "schema:Person")), encoding="utf-8")
    stats = stats_of(project)
    assert (stats.hits, stats.misses) == (len(fact_files(project.facts_dir)) - 1, 1)
    with pytest.raises(FactsError) as cached:
        build(project, run_shacl=False)
    with pytest.raises(FactsError) as clean:
        build(project, run_shacl=False, cache=False)
    assert str(cached.value) == str(clean.value)
    assert "schema:hasOccupation expects" in str(cached.value)
    assert "people.yaml" in str(cached.value)


def test_a_file_with_a_problem_is_not_cached(project: Project) -> None:
    build(project, run_shacl=False)
    broken = project.facts_dir / "zz-broken.yaml"
    broken.write_text("claims:\n  - subject: person/nobody\n", encoding="utf-8")
    with pytest.raises(FactsError) as cached:
        build(project, run_shacl=False)
    with pytest.raises(FactsError) as clean:
        build(project, run_shacl=False, cache=False)
    assert str(cached.value) == str(clean.value)
    assert len(entries(project.root)) == len(fact_files(project.facts_dir)) - 1


def test_a_process_pool_maps_what_one_process_maps(project: Project) -> None:
    pooled = build(project, run_shacl=False, workers=Workers(jobs=2, min_misses=1)).files
    assert pooled == clean_files(project)
    assert len(entries(project.root)) == len(fact_files(project.facts_dir))


def test_a_dask_local_cluster_maps_what_one_process_maps(project: Project) -> None:
    """distributed.LocalCluster (threads: processes=False) runs the misses; the test extra installs it."""
    distributed = build(project, run_shacl=False, workers=Workers(jobs=2, scheduler="local")).files
    assert distributed == clean_files(project)
    assert len(entries(project.root)) == len(fact_files(project.facts_dir))


@pytest.mark.parametrize("hook", ["cache-entry", "cache-entry@3"])
def test_a_build_killed_while_writing_entries_leaves_a_cache_the_next_build_can_use(
        project: Project, hook: str) -> None:
    """Killed (SIGKILL) with an entry written but not renamed: every entry there is whole, the
    next `kg build` writes what a clean build writes and removes what the kill left."""
    killed = kg_process(project.root, "build", "-q", "--no-shacl", hook=hook)
    _, err = killed.communicate(timeout=300)
    assert killed.returncode == -signal.SIGKILL, err
    folder = project.root / CACHE_FOLDER
    assert len(entries(project.root)) == int(hook.partition("@")[2] or 1) - 1
    assert [p for p in folder.iterdir() if p.name.startswith(".")]  # the temporary file the kill left
    for entry in entries(project.root):
        assert decode(entry.read_bytes(), entry.stem) is not None
    again = kg_process(project.root, "build", "-q", "--no-shacl")
    _, err = again.communicate(timeout=300)
    assert again.returncode == 0, err
    built = {name: (project.output_dir / name).read_bytes() for name in clean_files(project)}
    assert built == clean_files(project)
    assert sorted(p.name for p in folder.iterdir()) == [p.name for p in entries(project.root)]
    assert len(entries(project.root)) == len(fact_files(project.facts_dir))



def test_a_triple_two_files_claim_merges_as_in_a_clean_build(project: Project) -> None:
    """The statement mission.yaml makes gets zz-repeat.yaml's reference and note too."""
    build(project, run_shacl=False)
    (project.facts_dir / "zz-repeat.yaml").write_text(REPEATED, encoding="utf-8")
    result = build(project, run_shacl=False)
    assert stats_of(project).misses == 0
    assert result.files == clean_files(project)
    merged = [st for st in result.graph.statements if st.predicate.value.endswith("#plannedReturnDate")
              and st.object.value == "2021-10-17"]
    assert len(merged) == 1 and len(merged[0].refs) == 2 and len(merged[0].notes) == 2
