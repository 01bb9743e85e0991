"""kg add: validate new facts files, then merge them into facts/ and rebuild output/ — all or nothing."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from kg.check.facts import validate_facts
from kg.check.outcome import Outcome
from kg.draft.review import reviewed_text
from kg.errors import InputError, OutputError
from kg.files import Change, display_path
from kg.origins import graph_origins
from kg.pipeline import build
from kg.project import Project
from kg.store import fill_store, held_files, loaded_files, manifest, refresh_stamps

if TYPE_CHECKING:
    from kg.pipeline import BuildResult


@dataclass(frozen=True)
class Plan:
    outcome: Outcome
    new_facts: dict[Path, bytes]
    changed_outputs: list[str]
    origins: Mapping[str, str] | None = None  # facts file:line of the new graph's statements (kg.origins)
    build: BuildResult | None = None  # the build apply writes and records (None: nothing to write)

    @property
    def output_files(self) -> dict[str, bytes]:
        return self.build.files if self.build is not None else {}

    @property
    def summary(self) -> str:
        return self.build.summary() if self.build is not None else ""


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
        return Plan(outcome, targets, [])
    result = build(project, extra_fact_files=paths, fact_texts=reviewed)
    changed = changed_outputs(result.files, project)
    moved = {display_path(path, project.root): display_path(project.facts_dir / path.name, project.root)
             for path in paths}
    origins = {iri: _moved(where, moved) for iri, where in graph_origins(result.inputs.facts, result.graph,
                                                                          project).items()}
    return Plan(outcome, targets, changed, origins, result)


def changed_outputs(files: Mapping[str, bytes], project: Project) -> list[str]:
    """The output files a rebuild would write that are new or differ from output/."""
    return sorted(name for name, data in files.items()
                  if not (project.output_dir / name).exists() or (project.output_dir / name).read_bytes() != data)


def _moved(where: str, moved: Mapping[str, str]) -> str:
    """file:line of a checked file as it will read once the file is in facts/."""
    file, _, line = where.rpartition(":")
    return f"{moved.get(file, file)}:{line}"


def apply(plan: Plan, project: Project) -> None:
    """Write the new facts files and every output file as one kg.files.Change: a failure or a kill
    leaves all of them old or all new. A store that held the old output/ follows by the
    difference (kg.store_delta), staged in that change and applied once it is committed — by the
    next writer if this one is killed first — or, when the difference is most of the graph, by a
    new store staged in the same change (a full load). The build manifest then records the new
    output/ (and the validation's state), so a `kg build` that follows does nothing; it is removed
    before the change, so a kill in between leaves no record rather than a wrong one."""
    from kg.build_manifest import build_options, forget, record_written
    from kg.store_delta import build_difference, finish_pending, stage_pending

    outputs = {project.output_dir / name: data for name, data in plan.output_files.items()}
    store_dir = project.store_dir
    held = held_files(project)
    recorded = manifest(store_dir) if held is not None else None
    new = {name: plan.output_files[name] for name in held} if held is not None else {}
    difference = build_difference(project, held, new) if held is not None and recorded is not None else None
    forget(project)
    with Change(project.root) as change:
        for final, data in sorted((plan.new_facts | outputs).items()):
            change.stage(final, data)
        if difference is not None and recorded is not None:
            stage_pending(change, store_dir, recorded, difference, new, plan.origins)
        elif held is not None:
            staged = {final: staged for staged, final in change.files}
            fill_store(change, store_dir, {path.name: staged[path] for path in loaded_files(project)},
                       plan.origins)
        change.commit()
    if difference is not None:
        try:
            finish_pending(project, store_dir, check_output=False)
        except OSError as exc:
            raise OutputError(f"the facts were added, but the store could not follow: {exc.strerror or exc}; "
                              "the next kg command that writes the project updates it") from exc
    elif held is not None:
        refresh_stamps(project, store_dir)
    if plan.build is not None:
        record_written(project, plan.build, build_options(shacl=True, validator="auto"))
