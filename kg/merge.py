"""kg add: validate new facts files, then merge them into facts/ and rebuild output/ — all or nothing."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from kg.check.facts import validate_facts
from kg.check.outcome import Outcome
from kg.draft.review import reviewed_text
from kg.errors import InputError
from kg.files import Change, display_path
from kg.origins import graph_origins
from kg.pipeline import build
from kg.project import Project
from kg.store import fill_store, holds_published, loaded_files, refresh_stamps


@dataclass(frozen=True)
class Plan:
    outcome: Outcome
    new_facts: dict[Path, bytes]
    output_files: dict[str, bytes]
    changed_outputs: list[str]
    summary: str
    origins: Mapping[str, str] | None = None  # facts file:line of the new graph's statements (kg.origins)


def plan_add(paths: list[Path], project: Project) -> Plan:
    """What `kg add` would do; raises nothing for invalid facts (see Plan.outcome)."""
    outcome = validate_facts(paths, project)
    targets: dict[Path, bytes] = {}
    reviewed: dict[Path, str] = {}  # a reviewed draft as it is stored: kg.draft.review
    for path in paths:
        target = project.facts_dir / path.name
        if target.exists() or target in targets:
            raise InputError(f"{target} exists already: rename {path.name} before adding it")
        targets[target] = path.read_bytes()
        if outcome.conforms:
            text = reviewed_text(targets[target].decode("utf-8"))
            if text is not None:
                reviewed[path], targets[target] = text, text.encode("utf-8")
    if not outcome.conforms:
        return Plan(outcome, targets, {}, [], "")
    result = build(project, extra_fact_files=paths, fact_texts=reviewed)
    changed = changed_outputs(result.files, project)
    moved = {display_path(path, project.root): display_path(project.facts_dir / path.name, project.root)
             for path in paths}
    origins = {iri: _moved(where, moved) for iri, where in graph_origins(result.inputs.facts, result.graph,
                                                                          project).items()}
    return Plan(outcome, targets, result.files, changed, result.summary(), origins)


def changed_outputs(files: Mapping[str, bytes], project: Project) -> list[str]:
    """The output files a rebuild would write that are new or differ from output/."""
    return sorted(name for name, data in files.items()
                  if not (project.output_dir / name).exists() or (project.output_dir / name).read_bytes() != data)


def _moved(where: str, moved: Mapping[str, str]) -> str:
    """file:line of a checked file as it will read once the file is in facts/."""
    file, _, line = where.rpartition(":")
    return f"{moved.get(file, file)}:{line}"


def apply(plan: Plan, project: Project) -> None:
    """Write the new facts files, every output file and (when the store held the old output/) a
    new store as one kg.files.Change: a failure or a kill leaves all of them old or all new.
    (kg build updates a store by the difference instead, kg.store.update_store; kg add keeps the
    full reload until a kill between the output's commit and the store's update is recovered by
    the next writer, as tests/test_crash.py requires.)"""
    outputs = {project.output_dir / name: data for name, data in plan.output_files.items()}
    store_was_current = holds_published(project)
    with Change(project.root) as change:
        for final, data in sorted((plan.new_facts | outputs).items()):
            change.stage(final, data)
        if store_was_current:
            staged = {final: staged for staged, final in change.files}
            fill_store(change, project.store_dir, {path.name: staged[path] for path in loaded_files(project)},
                       plan.origins)
        change.commit()
    if store_was_current:
        refresh_stamps(project, project.store_dir)
