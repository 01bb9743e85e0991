"""The library: the few calls a Python user needs, each a thin layer over one stage. The CLI
is a shell over the same functions. Heavy libraries are imported only by the calls that use them.

A whole session, from a new project to its published graph:

>>> import pathlib, tempfile
>>> import kg
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> project = kg.init(folder / "landing", title="Soyuz MS-18 landing")
>>> article = folder / "report.txt"
>>> _ = article.write_text("Cosmonaut Oleg Novitsky landed in Kazakhstan.\\n", encoding="utf-8")
>>> kg.add_source(project, article, key="report").key
'report'
>>> claims = folder / "novitsky.yaml"
>>> _ = claims.write_text('''
... entities:
...   - id: person/oleg-novitsky
...     type: schema:Person
...     names:
...       - {text: Oleg Novitsky, preferred: true, refs: [{source: report, quote: Cosmonaut Oleg Novitsky}]}
... ''', encoding="utf-8")
>>> kg.validate(project, files=[claims]).conforms
True
>>> kg.add(project, files=[claims]).summary.startswith("kg build: 1 sources, 1 entities")
True
>>> kg.load(project).triples > 0
True
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from kg.project import Project, open_project

if TYPE_CHECKING:
    from kg.check.outcome import Outcome
    from kg.inputs.register import Registered
    from kg.merge import Plan
    from kg.build_manifest import Reused
    from kg.build_cache import Workers
    from kg.pipeline import BuildResult
    from kg.remote.publish import PublishResult
    from kg.site import SiteResult
    from kg.store import Loaded


def init(directory: Path | str, *, name: str | None = None, title: str | None = None,
         base_iri: str | None = None) -> Project:
    """Create a new project in `directory` (new or empty) and open it.

    >>> import pathlib, tempfile
    >>> project = init(pathlib.Path(tempfile.mkdtemp()) / "demo", base_iri="https://data.example.com/demo/")
    >>> project.name, project.base_iri, project.source_text
    ('demo', 'https://data.example.com/demo/', 'quotes')
    """
    from kg.project.scaffold import create_project

    created = create_project(Path(directory), name=name, title=title, base_iri=base_iri)
    return open_project(created.root)


def build(project: Project, *, write: bool = True, shacl: bool = True, validator: str = "auto",
          wait: bool = True, on_stage: Callable[[str], None] | None = None) -> BuildResult:
    """Build the graph from sources/ and facts/; with `write`, replace output/ all at once (and
    update a store that held the previous build by the difference: kg.store.update_store), holding
    the project lock (kg.lock: `wait=False` raises ProjectLocked rather than wait for another
    writer); an output/site kg site wrote then follows. Raises FactsError (a quote not found, an
    unknown entity, …) or ValidationFailed (SHACL).

    >>> import pathlib, tempfile
    >>> project = init(pathlib.Path(tempfile.mkdtemp()) / "empty")
    >>> result = build(project)
    >>> result.triple_count, sorted(p.name for p in project.output_dir.iterdir())[:3]
    (0, ['context.jsonld', 'empty-rdf12.nt', 'empty-rdf12.ttl'])
    """
    from kg.lock import writing
    from kg.pipeline import build as run_build

    if not write:
        return run_build(project, run_shacl=shacl, validator=validator, on_stage=on_stage)
    with writing(project, "kg build", wait=wait):
        result = run_build(project, run_shacl=shacl, validator=validator, on_stage=on_stage)
        if on_stage:
            on_stage("write")
        _write_build(project, result)
    return result


def _write_build(project: Project, result: BuildResult) -> None:
    """Replace output/ with a build's files; a store that held the previous build and an output/site
    kg site wrote then follow it. Called holding the project lock."""
    from kg.origins import graph_origins
    from kg.pipeline import write_outputs
    from kg.store import held_files, update_store

    previous = held_files(project)
    write_outputs(result.files, project.output_dir, project.root)
    update_store(project, previous, graph_origins(result.inputs.facts, result.graph, project))
    _update_site(project)


def _update_site(project: Project) -> None:
    """An output/site kg site wrote follows the build: the pages the change touches are rewritten."""
    if (project.output_dir / "site").is_dir():
        from kg.site import update_site

        update_site(project)


def build_or_reuse(project: Project, *, shacl: bool = True, validator: str = "auto", wait: bool = True,
                   on_stage: Callable[[str], None] | None = None, workers: Workers | None = None,
                   full_validation: bool = False) -> BuildResult | Reused:
    """`kg build`: build(write=True), unless the build manifest (.kg/build-manifest.json) shows
    every input, option and output as the last build left them; then nothing is read or written
    and a Reused (its summary and notes) is returned. `workers` (kg.build_cache.Workers) says where
    the facts files the build cache misses are read and mapped. SHACL validates what changed since
    the last build (kg.delta_validation) unless `full_validation`, which also builds when nothing changed."""
    from kg.build_manifest import build_or_reuse as run
    from kg.lock import writing

    with writing(project, "kg build", wait=wait):
        return run(project, shacl=shacl, validator=validator, on_stage=on_stage,
                   write=lambda result: _write_build(project, result), workers=workers, full_validation=full_validation)


def load(project: Project, *, store: Path | str | None = None, wait: bool = True) -> Loaded:
    """Load the built graph into the persistent store (output/store unless `store` says where),
    which query, explain, check and serve then use while it holds the current output/."""
    from kg.lock import writing
    from kg.store import load_store

    with writing(project, "kg load", wait=wait):
        return load_store(project, Path(store) if store is not None else None)


def validate(project: Project, *, files: Sequence[Path | str], shacl: bool = True) -> Outcome:
    """Check facts files (.yaml) or RDF files against the graph they would join; nothing changes.
    `Outcome.conforms`, `Outcome.problems` (each with its rule code, file and line) and
    `Outcome.exit_code()` say how it went."""
    from kg.check import validate_files

    return validate_files([Path(f) for f in files], project, shacl=shacl)


def add(project: Project, *, files: Sequence[Path | str], dry_run: bool = False, wait: bool = True) -> Plan:
    """Check `files`, then copy them into facts/ and rebuild output/ (and a current store), all or
    nothing, holding the project lock; an output/site kg site wrote then follows. When they do not
    conform nothing is written: see `Plan.outcome`."""
    from kg.lock import writing
    from kg.merge import apply, plan_add

    with writing(project, "kg add", wait=wait):
        plan = plan_add([Path(f) for f in files], project)
        if plan.outcome.conforms and not dry_run:
            apply(plan, project)
            _update_site(project)
    return plan


def add_source(project: Project, location: Path | str, *, key: str | None = None, title: str | None = None,
               date: str | None = None, language: str | None = None, url: str | None = None,
               publisher: str | None = None, rights: str | None = None, wait: bool = True) -> Registered:
    """Register an article (a text file, or an http(s) URL fetched and reduced to its text) in
    sources/; fetched before the project lock is taken, registered while it is held."""
    from kg.inputs.register import Description, prepare_file, prepare_url, register_prepared
    from kg.lock import writing

    description = Description(title=title, date=date, language=language or project.language, url=url,
                              publisher=publisher, rights=rights)
    if isinstance(location, str) and location.startswith(("http://", "https://")):
        prepared = prepare_url(location, key, description)
    else:
        prepared = prepare_file(Path(location), key, description)
    with writing(project, "kg source add", wait=wait):
        return register_prepared(prepared, project.sources_dir)


def site(project: Project, *, out: Path | str | None = None, wait: bool = True,
         warn: Callable[[str], None] | None = None) -> SiteResult:
    """Write the browsable site into `out` (default output/site), replacing it whole, holding the
    project lock."""
    from kg.lock import writing
    from kg.site import build_site

    with writing(project, "kg site", wait=wait):
        return build_site(project, Path(out) if out is not None else None, warn=warn)


def publish(project: Project, *, endpoint: str, graph: str | None = None, fmt: str = "turtle",
            dry_run: bool = False, auth: str = "auto", verify: bool = True, timeout: float = 600.0,
            retries: int = 3, allow_insecure_auth: bool = False, full: bool = False,
            update_limit: int | None = None) -> PublishResult:
    """Replace `graph` (default: the base IRI) in a triple store with the built graph, atomically
    from a reader's side: only the difference when the store's record names a build kg kept
    (.kg/published/), else the whole graph (kg.remote.publish; `full` skips the difference). On
    failure the published graph is left as it was and PublishError says which step failed.

    >>> import pathlib, tempfile
    >>> project = init(pathlib.Path(tempfile.mkdtemp()) / "unpublished")
    >>> _ = build(project)
    >>> publish(project, endpoint="http://127.0.0.1:9/store", retries=0)
    Traceback (most recent call last):
    ...
    kg.errors.PublishError: publish failed at count the published graph: http://127.0.0.1:9/query did not answer: connection refused; nothing was changed
    """
    from kg.remote import publish as remote
    from kg.remote.delta import snapshots_of
    from kg.remote.endpoint import Client, endpoints

    files = remote.published_files(project, fmt)
    client = Client(endpoints(endpoint), auth=auth, verify=verify, timeout=timeout, retries=retries,
                    allow_insecure_auth=allow_insecure_auth)
    try:
        return remote.publish(client, remote.plan(files, graph or project.base_iri), dry_run=dry_run,
                              statement_prefix=project.base_iri + "statement/",
                              snapshots=snapshots_of(project.root), full=full,
                              update_limit=remote.UPDATE_LIMIT if update_limit is None else update_limit)
    finally:
        client.close()


__all__ = ["add", "add_source", "build", "init", "load", "open_project", "publish", "site", "validate"]
