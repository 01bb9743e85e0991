"""The published dataset in a pyoxigraph store: persistent on disk (`kg load`) or, when there is
none or it does not hold the current output/, loaded into memory from the published N-Quads.

The store holds the dataset (the graph in the default graph, one named graph per statement, so
`GRAPH ?st { s p o }` works) and the ontology in the default graph. Its manifest records each
loaded file's SHA-256: the store is current while output/ holds the same bytes, whatever their
modification times (a rebuild that writes identical files keeps it current)."""

from __future__ import annotations

import hashlib
import json
import os
import time
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.errors import InputError
from kg.files import Change, fault_point
from kg.namespaces import SCHEMA
from kg.outputs import output_path
from kg.project import PROJECT_FILE, Project
from kg.query import solutions
from kg.terms import value

_NAME = ox.NamedNode(SCHEMA + "name")
_ALTERNATE = ox.NamedNode(SCHEMA + "alternateName")
MANIFEST = "kg-store.json"
# What a store holds and `kg query` reads: the dataset and the ontology beside it.
LOADED = ("dataset-nquads", "ontology")
_CHUNK = 1 << 20


@dataclass(frozen=True)
class Loaded:
    path: Path
    triples: int
    graphs: int
    seconds: float
    # For an update by difference (update_store): the quads it removed and added; None for a full load.
    difference: tuple[int, int] | None = None


def built(*paths: Path) -> list[Path]:
    """These files of output/, each of which must exist: else the user has a build to run."""
    for path in paths:
        if not path.is_file():
            raise InputError(f"{path} does not exist: run 'kg build' first")
    return list(paths)


def loaded_files(project: Project) -> list[Path]:
    """The published files a store holds (the graph, the ontology), each of which must exist."""
    return built(*(output_path(project, key) for key in LOADED))


def _stamp(path: Path) -> dict[str, int]:
    """What says a file was not rewritten since it was hashed: ctime and the inode change with
    every write or rename, and unlike mtime no one sets them by hand."""
    info = path.stat()
    return {"size": info.st_size, "mtime_ns": info.st_mtime_ns, "ctime_ns": info.st_ctime_ns, "inode": info.st_ino}


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _record(path: Path) -> dict[str, Any]:
    return {"sha256": sha256(path), "stamp": _stamp(path)}


def _bulk_load(store: ox.Store, files: dict[str, Path]) -> None:
    """Load each file (by its name in output/, which gives its format -> where its bytes are)."""
    for name, path in files.items():
        try:
            store.bulk_load(path=str(path), format=ox.RdfFormat.from_extension(Path(name).suffix[1:]))
        except SyntaxError as exc:
            raise InputError(f"{path}: {exc}") from exc


def load_store(project: Project, store_dir: Path | None = None) -> Loaded:
    """Bulk-load the published dataset and the ontology into a persistent store. The new store is
    written beside the old one and swapped in only when complete (one kg.files.Change), so
    readers never see half."""
    started = time.perf_counter()
    store_dir = store_dir or project.store_dir
    paths = loaded_files(project)
    check_store_dir(store_dir)
    from kg.errors import KgError
    from kg.origins import curated_origins

    try:
        origins: dict[str, str] | None = curated_origins(project)
    except KgError:
        origins = None  # facts/ cannot be read now: messages will name statements by IRI
    with Change(project.root) as change:
        triples, graphs = fill_store(change, store_dir, {path.name: path for path in paths}, origins)
        change.commit()
    refresh_stamps(project, store_dir)
    return Loaded(store_dir, triples, graphs, time.perf_counter() - started)


def check_store_dir(store_dir: Path) -> None:
    if store_dir.exists() and not (store_dir / MANIFEST).exists() and any(store_dir.iterdir()):
        raise InputError(f"{store_dir} exists and is not a kg store; choose another --store")


def fill_store(change: Change, store_dir: Path, files: dict[str, Path],
               origins: Mapping[str, str] | None = None) -> tuple[int, int]:
    """Stage a new store for `store_dir` in `change`, loaded from `files` (the name each will
    have in output/ -> where its bytes are now: itself, or a file staged in the same change),
    with the facts file:line of its statements and entities beside it (kg.origins) if given."""
    staging = change.stage_folder(store_dir)
    store = ox.Store(str(staging))
    _bulk_load(store, files)
    store.optimize()
    triples, graphs = _counts(store)
    del store
    if origins is not None:
        from kg.origins import write_origins

        write_origins(staging, origins)
    fault_point("store-fill")
    record = {"files": {name: _record(path) for name, path in files.items()}, "triples": triples,
              "graphs": graphs, "generation": uuid.uuid4().hex}
    (staging / MANIFEST).write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    return triples, graphs


def refresh_stamps(project: Project, store_dir: Path) -> None:
    """After the loaded files were renamed into place their stamps are new: record them (once
    their SHA-256 is confirmed), so that holds_published() need not hash them again."""
    recorded = manifest(store_dir)
    if recorded is None or not _holds(project, recorded):
        return
    paths = [output_path(project, key) for key in LOADED]
    if all(recorded["files"][path.name].get("stamp") == _stamp(path) for path in paths):
        return
    for path in paths:
        recorded["files"][path.name]["stamp"] = _stamp(path)
    staged = store_dir / f".{MANIFEST}.new"
    staged.write_text(json.dumps(recorded, indent=1) + "\n", encoding="utf-8")
    os.replace(staged, store_dir / MANIFEST)


def _counts(store: ox.Store) -> tuple[int, int]:
    """Triples in the default graph, and named graphs."""
    graphs = sum(1 for _ in store.named_graphs())
    (row,) = solutions(store, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    return int(row[0].value), graphs


def manifest(store_dir: Path) -> dict[str, Any] | None:
    """What the store holds. A manifest naming a next build is an update that did not finish
    (or is under way): the store says which of the two builds it holds (kg.store_delta.settled)."""
    try:
        recorded = json.loads((store_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(recorded, dict):
        return None
    if "next" in recorded:
        from kg.store_delta import settled

        return settled(store_dir, recorded)
    return recorded


def held_files(project: Project, store_dir: Path | None = None) -> dict[str, bytes] | None:
    """The bytes of the loaded files (by name) when the store holds output/ now, read before a
    rebuild replaces them: what update_store() diffs the new build against."""
    if not holds_published(project, store_dir):
        return None
    return {path.name: path.read_bytes() for path in loaded_files(project)}


def update_store(project: Project, previous: Mapping[str, bytes] | None,
                 origins: Mapping[str, str] | None = None, store_dir: Path | None = None) -> Loaded | None:
    """After a rebuild replaced output/: bring the store that held the previous build (`previous`,
    from held_files()) to the new one by applying the difference in one transaction; when that is
    not worth it (the ontology changed, or most of the graph did), by a full load as `kg load`
    does. None when the store did not hold the previous build: it is left to `kg load`."""
    from kg.store_delta import update_held

    if previous is None:
        return None
    started = time.perf_counter()
    store_dir = store_dir or project.store_dir
    applied = update_held(project, store_dir, previous, origins)
    if applied is not None:
        return Loaded(store_dir, applied.triples, applied.graphs, time.perf_counter() - started,
                      (applied.removed, applied.added))
    with Change(project.root) as change:
        triples, graphs = fill_store(change, store_dir, {path.name: path for path in loaded_files(project)}, origins)
        change.commit()
    refresh_stamps(project, store_dir)
    return Loaded(store_dir, triples, graphs, time.perf_counter() - started)


def _same_content(path: Path, recorded: Any) -> bool:
    """Does `path` hold the bytes recorded? Hashed again only when the file was rewritten since."""
    if not isinstance(recorded, dict) or "sha256" not in recorded:
        return False
    stamp = _stamp(path)
    if stamp == recorded.get("stamp"):
        return True
    return stamp["size"] == recorded["stamp"].get("size") and sha256(path) == recorded["sha256"]


def holds_published(project: Project, store_dir: Path | None = None) -> bool:
    """Was the store loaded from the bytes now in output/ (by SHA-256)?"""
    recorded = manifest(store_dir or project.store_dir)
    return recorded is not None and _holds(project, recorded)


def _holds(project: Project, recorded: dict[str, Any]) -> bool:
    """holds_published() of a manifest already read."""
    try:
        paths = [output_path(project, key) for key in LOADED]
        return all(_same_content(path, recorded["files"].get(path.name)) for path in paths)
    except (OSError, KeyError, AttributeError, TypeError):
        return False


def published_generation(project: Project, store_dir: Path | None = None) -> str | None:
    """A token that changes whenever what open_published() would answer from changes: the
    store's generation (new at every `kg load`) while it holds output/, else the loaded files'
    stamps. None when output/ has no build. Cheap enough to ask before every query."""
    recorded = manifest(store_dir or project.store_dir)
    try:
        if recorded is not None and _holds(project, recorded):
            return f"store:{recorded.get('generation')}"
        return "files:" + json.dumps([_stamp(path) for path in loaded_files(project)])
    except (OSError, InputError):
        return None


def newer_inputs(project: Project) -> list[Path]:
    """Input files changed after the graph was written: the graph does not show them yet. A file
    rewritten since with the bytes the build in output/ read (a `kg build` that then found nothing
    changed leaves output/ as it was) is not one: kg.build_manifest.changed_inputs."""
    try:
        built = output_path(project, "graph").stat().st_mtime_ns
    except OSError:
        return []
    project_file = project.root / PROJECT_FILE
    newer: list[Path] = [project_file] if project_file.stat().st_mtime_ns > built else []
    folders = list(project.input_dirs)
    while folders:
        try:
            entries = os.scandir(folders.pop())
        except OSError:
            continue
        with entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    folders.append(Path(entry.path))
                elif entry.stat().st_mtime_ns > built:
                    newer.append(Path(entry.path))
    if not newer:
        return []
    from kg.build_manifest import changed_inputs

    return sorted(changed_inputs(project, newer))


def open_persistent(store_dir: Path) -> ox.Store:
    try:
        return ox.Store.read_only(str(store_dir))
    except OSError as exc:
        raise InputError(f"{store_dir}: cannot open the store ({exc})") from exc


def open_published(project: Project, *, use_store: bool = True) -> ox.Store:
    """The persistent store when it holds the current output/ (and `use_store`), else the
    published N-Quads and the ontology loaded into memory."""
    if use_store and holds_published(project):
        return open_persistent(project.store_dir)
    store = ox.Store()
    _bulk_load(store, {path.name: path for path in loaded_files(project)})
    return store


def name_forms(store: ox.Store) -> dict[str, set[str]]:
    """Every entity IRI with the name forms (schema:name and alternateName) the graph gives it."""
    names: dict[str, set[str]] = {}
    query = f"SELECT ?e ?n WHERE {{ {{ ?e <{SCHEMA}name> ?n }} UNION {{ ?e <{SCHEMA}alternateName> ?n }} }}"
    for s in solutions(store, query):
        names.setdefault(value(s["e"]), set()).add(value(s["n"]))
    return names


class NameForms(Mapping[str, set[str]]):
    """name_forms() answered lazily: membership and lookup of one entity are index lookups; the
    whole table (for did-you-mean) is read only when iterated."""

    def __init__(self, store: ox.Store) -> None:
        self.store = store
        self._all: dict[str, set[str]] | None = None

    def __getitem__(self, iri: str) -> set[str]:
        node = ox.NamedNode(iri)
        found = {
            value(q.object)
            for predicate in (_NAME, _ALTERNATE)
            for q in self.store.quads_for_pattern(node, predicate, None, ox.DefaultGraph())
        }
        if not found:
            raise KeyError(iri)
        return found

    def __contains__(self, iri: object) -> bool:
        if not isinstance(iri, str):
            return False
        try:
            self[iri]
        except (KeyError, ValueError):
            return False
        return True

    def _table(self) -> dict[str, set[str]]:
        if self._all is None:
            self._all = name_forms(self.store)
        return self._all

    def __iter__(self) -> Iterator[str]:
        return iter(self._table())

    def __len__(self) -> int:
        return len(self._table())
