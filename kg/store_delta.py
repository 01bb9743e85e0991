"""Updating a persistent store by the difference between two builds, in one transaction.

A store holds a build when its manifest records that build's N-Quads and ontology checksums
(kg.store). After a rebuild, the quads the new N-Quads file lost and gained are applied as one
SPARQL Update (DELETE DATA, INSERT DATA, and DROP GRAPH for a statement graph left empty), which
Oxigraph runs as one transaction. Before it runs, the manifest names the next build and one quad
of the difference ("probe"): if the process dies, whoever reads the manifest next asks the store
for that quad and knows which build it holds (kg.store.manifest)."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.files import Change, fault_point
from kg.project import Project

# Above this share of the new quads the difference is not worth applying: a fresh load is faster.
RELOAD_SHARE = 0.5
_FAULT_FUNCTION = ox.NamedNode("urn:kg:test-hook")


@dataclass(frozen=True)
class Difference:
    removed: list[bytes]
    added: list[bytes]


def line_difference(old: bytes, new: bytes) -> Difference:
    """The lines only `old` has and those only `new` has, each sorted: one merge of the sorted
    lines. kg's N-Quads file is two sorted runs (the default graph, then the statement graphs),
    which sorting merges in linear time."""
    return Difference(*difference(sorted(_lines(old)), sorted(_lines(new))))


def difference(old: list[bytes], new: list[bytes]) -> tuple[list[bytes], list[bytes]]:
    """(removed, added): lines only in `old`, lines only in `new`, both sorted (a merge of two
    sorted lists, linear)."""
    removed: list[bytes] = []
    added: list[bytes] = []
    i = j = 0
    while i < len(old) and j < len(new):
        if old[i] == new[j]:
            i += 1
            j += 1
        elif old[i] < new[j]:
            removed.append(old[i])
            i += 1
        else:
            added.append(new[j])
            j += 1
    removed.extend(old[i:])
    added.extend(new[j:])
    return removed, added


def _lines(data: bytes) -> Iterator[bytes]:
    return (line for line in data.split(b"\n") if line.strip())


def _quads(lines: list[bytes]) -> list[ox.Quad]:
    return list(ox.parse(b"\n".join(lines) + b"\n", format=ox.RdfFormat.N_QUADS)) if lines else []


def _data(quads: list[ox.Quad]) -> str:
    """Quads as the body of INSERT DATA / DELETE DATA (N-Triples terms are SPARQL terms)."""
    out = []
    for q in quads:
        triple = f"{q.subject} {q.predicate} {q.object} ."
        out.append(triple if isinstance(q.graph_name, ox.DefaultGraph) else f"GRAPH {q.graph_name} {{ {triple} }}")
    return "\n".join(out)


@dataclass(frozen=True)
class Applied:
    removed: int
    added: int
    triples: int
    graphs: int


def apply_difference(store_dir: Path, difference: Difference, ontology: set[ox.Triple],
                     recorded: dict[str, Any], next_record: dict[str, Any]) -> Applied:
    """Apply the difference to the store in `store_dir` (which holds `recorded`'s build) in one
    transaction, then record `next_record` (the new build's files) as its manifest. Triples the
    ontology also gives stay in the default graph."""
    removed = [q for q in _quads(difference.removed)
               if not (isinstance(q.graph_name, ox.DefaultGraph) and q.triple in ontology)]
    added = [q for q in _quads(difference.added)
             if not (isinstance(q.graph_name, ox.DefaultGraph) and q.triple in ontology)]
    store = ox.Store(str(store_dir))
    try:
        emptied = _emptied_graphs(store, removed, added)
        created = {q.graph_name for q in added if not isinstance(q.graph_name, ox.DefaultGraph)}
        created = {g for g in created if not store.contains_named_graph(g)}
        probe = (added[0], True) if added else (removed[0], False) if removed else None
        default_delta = sum(isinstance(q.graph_name, ox.DefaultGraph) for q in added) - sum(
            isinstance(q.graph_name, ox.DefaultGraph) for q in removed)
        final = {**next_record, "triples": int(recorded["triples"]) + default_delta,
                 "graphs": int(recorded["graphs"]) + len(created) - len(emptied)}
        pending = dict(recorded)
        if probe is not None:
            pending["next"] = {**final, "probe": {"quad": _data([probe[0]]), "present": probe[1]}}
        write_manifest(store_dir, pending)
        operations = []
        if removed:
            operations.append(f"DELETE DATA {{\n{_data(removed)}\n}}")
        if added:
            operations.append(f"INSERT DATA {{\n{_data(added)}\n}}")
        operations += [f"DROP SILENT GRAPH {g}" for g in sorted(emptied, key=str)]
        custom: dict[ox.NamedNode, Callable[..., ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None]] | None = None
        if os.environ.get("KG_TEST_HOOK"):  # kill inside the transaction (tests/test_store_delta.py)
            operations.append(f"INSERT {{ }} WHERE {{ FILTER({_FAULT_FUNCTION}()) }}")
            custom = {_FAULT_FUNCTION: _fault}
        if operations:
            store.update(" ;\n".join(operations), custom_functions=custom)
        store.flush()
    finally:
        del store
    fault_point("store-delta-applied")
    write_manifest(store_dir, {**final, "generation": uuid.uuid4().hex})
    return Applied(len(removed), len(added), final["triples"], final["graphs"])


def _fault() -> ox.Literal:
    fault_point("store-delta")
    return ox.Literal("true", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean"))


def _emptied_graphs(store: ox.Store, removed: list[ox.Quad], added: list[ox.Quad]) -> set[ox.NamedNode]:
    """The statement graphs the difference leaves without a quad: dropped, as a fresh load would not have them."""
    losing: dict[Any, int] = {}
    for q in removed:
        if not isinstance(q.graph_name, ox.DefaultGraph):
            losing[q.graph_name] = losing.get(q.graph_name, 0) + 1
    for q in added:
        losing.pop(q.graph_name, None)
    return {g for g, n in losing.items()
            if sum(1 for _ in store.quads_for_pattern(None, None, None, g)) == n}


def _replace_origins(store_dir: Path, origins: Mapping[str, str]) -> None:
    """The origins beside the store, replaced whole (messages name file:line from them)."""
    import shutil
    import tempfile

    from kg.origins import ORIGINS_FILE, write_origins

    folder = Path(tempfile.mkdtemp(dir=store_dir, prefix=".origins-"))
    try:
        write_origins(folder, origins)
        os.replace(folder / ORIGINS_FILE, store_dir / ORIGINS_FILE)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def write_manifest(store_dir: Path, record: Mapping[str, Any]) -> None:
    from kg.store import MANIFEST

    staged = store_dir / f".{MANIFEST}.new"
    staged.write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    with staged.open("rb") as handle:
        os.fsync(handle.fileno())
    os.replace(staged, store_dir / MANIFEST)


def settled(store_dir: Path, recorded: dict[str, Any]) -> dict[str, Any]:
    """A manifest whose update did not finish, resolved by asking the store for its probe quad:
    the next build's record if the transaction committed, the previous one's if not."""
    pending = recorded.pop("next", None)
    if not isinstance(pending, dict):
        return recorded
    probe = pending.pop("probe", {})
    try:
        store = ox.Store.read_only(str(store_dir))
        present = bool(store.query(f"ASK {{ {probe['quad']} }}"))
        del store
    except (OSError, KeyError, SyntaxError, TypeError):
        return {}  # cannot tell: the store holds no known build
    if present != bool(probe.get("present")):
        return recorded
    return {**pending, "generation": f"{recorded.get('generation')}+next"}  # the same at every read


def build_difference(project: Project, previous: Mapping[str, bytes], new: Mapping[str, bytes]) -> Difference | None:
    """The difference between two builds' N-Quads (`previous`, `new`: the bytes of the loaded
    files, kg.store.LOADED, by name); None when it is not worth applying: the ontology changed,
    or most quads did (a fresh load is faster)."""
    from kg.outputs import output_path
    from kg.store import LOADED

    names = {key: output_path(project, key).name for key in LOADED}
    if not set(previous) == set(new) == set(names.values()):
        return None
    if previous[names["ontology"]] != new[names["ontology"]]:
        return None
    quads = new[names["dataset-nquads"]]
    change = line_difference(previous[names["dataset-nquads"]], quads)
    if len(change.removed) + len(change.added) > RELOAD_SHARE * quads.count(b"\n"):
        return None
    return change


def update_held(project: Project, store_dir: Path, previous: Mapping[str, bytes],
                origins: Mapping[str, str] | None) -> Applied | None:
    """After output/ was rewritten: bring the store from the build it held (`previous`: the bytes
    of its loaded files then, by name) to the one now in output/. None when it cannot: the store
    is then left as it was (`kg load` reloads it) — the ontology changed, or most quads did."""
    from kg.outputs import output_path
    from kg.store import LOADED, _record, manifest, refresh_stamps

    recorded = manifest(store_dir)
    paths = {key: output_path(project, key) for key in LOADED}
    ontology = paths["ontology"]
    if recorded is None or set(previous) != {p.name for p in paths.values()}:
        return None
    change = build_difference(project, previous, {p.name: p.read_bytes() for p in paths.values()})
    if change is None:
        return None
    if origins is not None:
        _replace_origins(store_dir, origins)
    if not change.removed and not change.added:  # the same graph: the same store, generation kept
        refresh_stamps(project, store_dir)
        return Applied(0, 0, int(recorded["triples"]), int(recorded["graphs"]))
    ontology_triples = set(ox.parse(path=str(ontology), format=ox.RdfFormat.TURTLE))
    next_record = {key: value for key, value in recorded.items() if key not in ("next", "generation")}
    next_record["files"] = {p.name: _record(p) for p in paths.values()}
    return apply_difference(store_dir, change, ontology_triples, recorded, next_record)


# The difference a `kg add` stages beside the store, renamed into it with the output files it
# leads to (one kg.files.Change): once that change is committed, finish_pending() applies it,
# in that process or, after a kill, in the next writer's recovery (kg.lock.recover).
PENDING = "kg-store-pending.json"
_PENDING_FORMAT = "kg-store-pending/1"


def stage_pending(change: Change, store_dir: Path, recorded: Mapping[str, Any], difference: Difference,
                  new: Mapping[str, bytes], origins: Mapping[str, str] | None) -> None:
    """Stage in `change` the difference that brings the store in `store_dir` (which holds
    `recorded`'s build) to the build whose loaded files are `new` (bytes by name), and the new
    build's origins beside the store."""
    import hashlib

    record = {"format": _PENDING_FORMAT,
              "from": {name: file["sha256"] for name, file in recorded["files"].items()},
              "to": {name: hashlib.sha256(data).hexdigest() for name, data in sorted(new.items())},
              "removed": [line.decode("utf-8") for line in difference.removed],
              "added": [line.decode("utf-8") for line in difference.added]}
    change.stage(store_dir / PENDING, (json.dumps(record, indent=0) + "\n").encode("utf-8"))
    if origins is not None:
        import tempfile

        from kg.origins import ORIGINS_FILE, write_origins

        with tempfile.TemporaryDirectory() as folder:
            write_origins(Path(folder), origins)
            change.stage(store_dir / ORIGINS_FILE, (Path(folder) / ORIGINS_FILE).read_bytes())


def finish_pending(project: Project, store_dir: Path, *, check_output: bool = True) -> Applied | None:
    """Apply the difference a committed `kg add` left beside the store (stage_pending), when the
    store still holds the build it starts from, then remove it. With `check_output`, only if
    output/ holds the build it leads to (by SHA-256); the caller that just committed output/
    knows it does. Applied already (a kill after the transaction), it is only removed. None
    when nothing was applied: the store then says which build it holds, as always."""
    from kg.outputs import output_path
    from kg.store import MANIFEST, _stamp, manifest, sha256

    path = store_dir / PENDING
    try:
        pending = json.loads(path.read_text(encoding="utf-8"))
        if pending.get("format") != _PENDING_FORMAT:
            raise ValueError("not a pending store difference of this format")
    except FileNotFoundError:
        return None
    except (OSError, ValueError, AttributeError):
        path.unlink(missing_ok=True)
        return None
    recorded = manifest(store_dir)
    held = {name: file.get("sha256") for name, file in recorded["files"].items()} if recorded else None
    target: dict[str, str] = pending["to"]
    applied = None
    if held == target:  # killed after the transaction: the manifest's next build is the store's
        raw = json.loads((store_dir / MANIFEST).read_text(encoding="utf-8"))
        if "next" in raw and recorded is not None:
            write_manifest(store_dir, {**recorded, "generation": uuid.uuid4().hex})
    elif held == pending["from"] and recorded is not None:
        files = {name: project.output_dir / name for name in target}
        if not check_output or all(p.is_file() and sha256(p) == target[p.name] for p in files.values()):
            ontology = output_path(project, "ontology")
            ontology_triples = set(ox.parse(path=str(ontology), format=ox.RdfFormat.TURTLE))
            next_record = {key: value for key, value in recorded.items() if key not in ("next", "generation")}
            next_record["files"] = {name: {"sha256": target[name], "stamp": _stamp(p)} for name, p in files.items()}
            difference = Difference([line.encode("utf-8") for line in pending["removed"]],
                                    [line.encode("utf-8") for line in pending["added"]])
            applied = apply_difference(store_dir, difference, ontology_triples, recorded, next_record)
    path.unlink(missing_ok=True)
    return applied
