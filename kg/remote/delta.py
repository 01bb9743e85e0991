"""Publish by difference: what the remote holds is recorded twice, in the remote itself (a small
kg-owned graph next to the target: the checksum of the published quads, their count and the
format) and locally (the published quads as sorted N-Quads lines, named by that checksum), so
the next publish sends only the removed and added quads, with the new record, in one SPARQL
Update request: one transaction on stores that run an update request in one (Oxigraph does)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg.errors import EndpointError, OutputError
from kg.files import write_atomically
from kg.remote.endpoint import Client
from kg.store_delta import difference

SNAPSHOTS = "published"  # under the project's .kg/
KEEP = 3  # snapshots kept: the remotes a project publishes to rarely hold more builds than that


def record_graph(graph: str) -> str:
    """The kg-owned graph beside `graph` that says which build `graph` holds."""
    return f"{graph}{'-' if '#' in graph else '#'}kg-published"


def _terms(graph: str) -> tuple[str, str, str]:
    record = record_graph(graph)
    return record + "-build", record + "-quads", record + "-format"


@dataclass(frozen=True)
class Snapshot:
    """The quads a publish leaves on the remote, as sorted distinct N-Quads lines."""

    lines: list[bytes]
    blank_nodes: bool = False

    @property
    def checksum(self) -> str:
        return checksum(self.lines)


def checksum(lines: Iterable[bytes]) -> str:
    digest = hashlib.sha256()
    for line in lines:
        digest.update(line)
    return digest.hexdigest()


def snapshot(quads: Iterable[ox.Quad], batch: int = 50_000) -> Snapshot:
    """Sorted distinct N-Quads lines of `quads` (Oxigraph writes the terms, in batches; Python
    sorts bytes). DELETE DATA cannot name a blank node, so a snapshot that has one says so."""
    lines: set[bytes] = set()
    blank = False
    held: list[ox.Quad] = []

    def flush() -> None:
        lines.update((ox.serialize(held, format=ox.RdfFormat.N_QUADS) or b"").splitlines(keepends=True))
        held.clear()

    for quad in quads:
        blank = blank or isinstance(quad.subject, ox.BlankNode) or isinstance(quad.object, ox.BlankNode)
        held.append(quad)
        if len(held) >= batch:
            flush()
    if held:
        flush()
    return Snapshot(sorted(lines), blank)


def snapshots_of(root: Path) -> SnapshotStore:
    """The project's published snapshots (under .kg/, which git ignores)."""
    from kg.lock import STATE_DIR

    return SnapshotStore(root.resolve() / STATE_DIR / SNAPSHOTS)


class SnapshotStore:
    """Published snapshots on disk: <folder>/<checksum>.nq, checked against their name on read."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def path(self, digest: str) -> Path:
        return self.folder / f"{digest}.nq"

    def load(self, digest: str) -> Snapshot | None:
        """The snapshot named `digest`, or None when missing or when its lines do not hash to it."""
        try:
            data = self.path(digest).read_bytes()
        except OSError:
            return None
        lines = data.splitlines(keepends=True)
        return Snapshot(lines) if checksum(lines) == digest else None

    def save(self, snap: Snapshot) -> None:
        """Write `snap`, keeping the KEEP most recent snapshots."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            write_atomically({self.path(snap.checksum): b"".join(snap.lines)})
            kept = sorted(self.folder.glob("*.nq"), key=lambda p: p.stat().st_mtime, reverse=True)
            for old in kept[KEEP:]:
                old.unlink(missing_ok=True)
        except OSError as exc:
            raise OutputError(f"cannot record the published build in {self.folder}: {exc}") from exc


@dataclass(frozen=True)
class Record:
    """What the remote says it holds."""

    checksum: str
    quads: int
    format: str


def read_record(client: Client, graph: str) -> Record | None:
    build, quads, fmt = _terms(graph)
    response = client.select("read the publish record", f"SELECT ?build ?quads ?format WHERE {{ GRAPH "
                             f"<{record_graph(graph)}> {{ <{graph}> <{build}> ?build ; <{quads}> ?quads ; "
                             f"<{fmt}> ?format }} }}")
    try:
        rows = response.json()["results"]["bindings"]
    except (ValueError, KeyError, TypeError) as exc:
        raise EndpointError(f"read the publish record: {client.urls.query} did not return results") from exc
    if len(rows) != 1:
        return None
    try:
        return Record(rows[0]["build"]["value"], int(rows[0]["quads"]["value"]), rows[0]["format"]["value"])
    except (KeyError, ValueError):
        return None


def record_update(graph: str, record: Record) -> str:
    """SPARQL Update operations replacing the record graph's content with `record`."""
    build, quads, fmt = _terms(graph)
    return (f"DROP SILENT GRAPH <{record_graph(graph)}> ;\n"
            f'INSERT DATA {{ GRAPH <{record_graph(graph)}> {{ <{graph}> <{build}> "{record.checksum}" ; '
            f'<{quads}> "{record.quads}"^^<http://www.w3.org/2001/XMLSchema#integer> ; <{fmt}> "{record.format}" }} }}')


def _grouped(lines: list[bytes]) -> Iterator[str]:
    """`GRAPH <g> { s p o . … }` blocks for N-Quads lines (every line names its graph)."""
    current: str | None = None
    for quad in ox.parse(b"".join(lines), format=ox.RdfFormat.N_QUADS):
        name = str(quad.graph_name)
        if name != current:
            if current is not None:
                yield "}\n"
            current = name
            yield f"GRAPH {name} {{\n"
        yield f"{quad.subject} {quad.predicate} {quad.object} .\n"
    if current is not None:
        yield "}\n"


def data_block(keyword: str, lines: list[bytes]) -> str:
    """`DELETE DATA { … }` or `INSERT DATA { … }` for `lines`, sorted by graph so each graph is one block."""
    ordered = sorted(lines, key=lambda line: line.rsplit(b" ", 2)[-2])
    return f"{keyword} {{\n{''.join(_grouped(ordered))}}}"


def delta_update(graph: str, removed: list[bytes], added: list[bytes], record: Record) -> str:
    """One request: the removed quads, the added quads, the new record."""
    operations = [data_block("DELETE DATA", removed)] if removed else []
    if added:
        operations.append(data_block("INSERT DATA", added))
    operations.append(record_update(graph, record))
    return " ;\n".join(operations)


def replace_update(graph: str, lines: list[bytes], record: Record, statement_prefix: str | None) -> str:
    """One request replacing the target (and, for a dataset, kg's statement graphs) with `lines`."""
    operations = [f"DROP SILENT GRAPH <{graph}>"]
    if statement_prefix:
        operations.append(f'DELETE {{ GRAPH ?g {{ ?s ?p ?o }} }} WHERE {{ GRAPH ?g {{ ?s ?p ?o }} '
                          f'FILTER(STRSTARTS(STR(?g), "{statement_prefix}")) }}')
    if lines:
        operations.append(data_block("INSERT DATA", lines))
    operations.append(record_update(graph, record))
    return " ;\n".join(operations)


__all__ = ["KEEP", "SNAPSHOTS", "Record", "Snapshot", "SnapshotStore", "checksum", "data_block", "delta_update",
           "difference", "read_record", "record_graph", "record_update", "replace_update",
           "snapshot", "snapshots_of"]
