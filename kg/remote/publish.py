"""Publish the built graph to a triple store, atomically from a reader's side, in the cheapest of
three ways (kg.remote.delta keeps the record that makes the first possible):

- delta: the remote's record names a build kg has kept locally, and the remote still holds as
  many quads as that build: one SPARQL Update sends the removed and added quads and the new record;
- replace: one SPARQL Update drops the target and inserts the whole build with the new record
  (when the request fits the store's update size limit);
- staging: Graph Store upload into a staging graph, check its triple count, replace the target
  with one SPARQL Update (COPY, plus the record), then drop the staging graph; on any failure
  before the COPY the staging graph is dropped and the target is untouched.

Virtuoso gets the staging path only (its update requests were not tested as one transaction)."""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, cast

import pyoxigraph as ox

from kg.errors import EndpointError, InputError, KgError, PublishError
from kg.outputs import output_path
from kg.outputs.rdf import serialize
from kg.project import Project
from kg.remote import delta
from kg.remote.endpoint import Client, Readable
from kg.store import built

FORMATS = ("turtle", "nquads")
_FILES = {"turtle": ("graph", "ontology"), "nquads": ("dataset-nquads", "ontology")}
_MEDIA = {".ttl": "text/turtle", ".nq": "application/n-quads"}
_RDF_FORMAT = {".ttl": ox.RdfFormat.TURTLE, ".nq": ox.RdfFormat.N_QUADS}
_BATCH = 20_000
UPDATE_LIMIT = 120_000_000  # bytes of one SPARQL Update; Oxigraph 0.5's server takes up to 128 MiB
MODES = ("delta", "replace", "staging")

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class PublishPlan:
    """What a publish sends where: files, target and staging graphs, the triple count expected."""

    files: list[Path]
    graph: str
    staging: str
    expected: int
    graph_prefix: str | None = None

    @property
    def size(self) -> int:
        return sum(f.stat().st_size for f in self.files)


@dataclass
class PublishResult:
    plan: PublishPlan
    previous: int
    seconds: float = 0.0
    dry_run: bool = False
    named_graphs: int = 0
    notes: list[str] = field(default_factory=list)
    mode: str = "staging"
    removed: int = 0
    added: int = 0
    why: str = ""

    def summary(self, url: str) -> str:
        plan = self.plan
        what = f"{plan.expected:,} triples ({', '.join(f.name for f in plan.files)})"
        if self.named_graphs:
            what += f" in <{plan.graph}> and {self.named_graphs:,} named graphs"
        how = {"delta": (f"as a difference (-{self.removed:,} +{self.added:,} quads) in one update" if not self.why
                         else f"as a difference ({self.why})"),
               "replace": f"in one update ({self.why})",
               "staging": f"through a staging graph ({self.why})"}[self.mode]
        if self.dry_run:
            if self.mode != "staging":
                return (f"kg publish --dry-run: would send {what} to {url} {how}, "
                        f"replacing <{plan.graph}> (now {self.previous:,} triples)")
            return (f"kg publish --dry-run: would upload {what} to {url} into staging graph <{plan.staging}>, "
                    f"check the count, then COPY it onto <{plan.graph}> (now {self.previous:,} triples; {self.why})")
        rate = plan.expected / self.seconds if self.seconds else 0.0
        warnings = "".join(f"; warning: {note}" for note in self.notes if note)
        return (f"kg publish: {what} to <{plan.graph}> at {url} in {self.seconds:.2f}s "
                f"({rate:,.0f} triples/s) {how}; replaced {self.previous:,} triples{warnings}")


def published_files(project: Project, fmt: str) -> list[Path]:
    """The built files a publish sends: the graph and the ontology `kg query` loads beside it."""
    if fmt not in FORMATS:
        raise InputError(f"unknown format {fmt!r} (use one of {', '.join(FORMATS)})")
    return built(*(output_path(project, key) for key in _FILES[fmt]))


def staging_graph(graph: str) -> str:
    """A fresh graph IRI next to the target: the target plus a random suffix."""
    return f"{graph}{'-' if '#' in graph else '#'}kg-staging-{secrets.token_hex(8)}"


def _quads(path: Path, source: Readable | None = None) -> Iterator[ox.Quad]:
    try:
        if source is None:
            yield from ox.parse(path=str(path), format=_RDF_FORMAT[path.suffix])
        else:  # pyoxigraph reads any object with a read() method, as requests does
            yield from ox.parse(cast(IO[bytes], source), format=_RDF_FORMAT[path.suffix])
    except SyntaxError as exc:
        raise InputError(f"{path}: {exc}") from exc


def expected_count(files: list[Path]) -> int:
    """Distinct quads the files give, streaming the first (large) file and holding only the
    others (the small ontology) in memory; quads of the default graph of each are one graph."""
    small: set[ox.Quad] = set()
    for path in files[1:]:
        small.update(ox.Quad(q.subject, q.predicate, q.object) for q in _quads(path))
    count = 0
    for quad in _quads(files[0]):
        count += 1
        if isinstance(quad.graph_name, ox.DefaultGraph):
            small.discard(quad)
    return count + len(small)


def plan(files: list[Path], graph: str) -> PublishPlan:
    prefix = None
    if files[0].suffix == ".nq":
        prefix = staging_graph(graph) + "-"
    return PublishPlan(files, graph, staging_graph(graph) if prefix is None else prefix + "default",
                       expected_count(files), prefix)


class _Reader:
    """A file read in chunks by requests (streamed, never held whole), counting bytes sent."""

    def __init__(self, path: Path, progress: Callable[[int], None]) -> None:
        self.file = path.open("rb")
        self.length = path.stat().st_size
        self.progress = progress

    def read(self, size: int = -1) -> bytes:
        data = self.file.read(size)
        self.progress(len(data))
        return data

    def __len__(self) -> int:
        return self.length

    def tell(self) -> int:
        return self.file.tell()

    def seek(self, offset: int, whence: int = 0) -> int:
        """Rewound by requests' digest auth when a challenge comes after the body was sent."""
        before = self.file.tell()
        after = self.file.seek(offset, whence)
        self.progress(after - before)
        return after

    def close(self) -> None:
        self.file.close()


class _Uploader:
    def __init__(self, client: Client, plan: PublishPlan, on_progress: Progress | None) -> None:
        self.client = client
        self.plan = plan
        self.on_progress = on_progress
        self.sent = 0
        self.named: dict[str, str] = {}
        self.readers: list[_Reader] = []

    def _advance(self, n: int) -> None:
        self.sent += n
        if self.on_progress:
            self.on_progress(self.sent, self.plan.size)

    def _reader(self, path: Path) -> _Reader:
        reader = _Reader(path, self._advance)
        self.readers.append(reader)
        return reader

    def _restart(self, done_before: int) -> None:
        for reader in self.readers:
            reader.close()
        self.readers.clear()
        self.sent = done_before

    def upload_graph(self, path: Path, method: str) -> None:
        done = self.sent

        def body() -> _Reader:
            self._restart(done)
            return self._reader(path)

        self.client.send(f"upload {path.name}", method, self.client.urls.store, params={"graph": self.plan.staging},
                         headers={"Content-Type": _MEDIA[path.suffix]}, body=body)

    def upload_dataset(self, path: Path) -> None:
        """N-Quads with every graph renamed to a staging graph, streamed in batches."""
        done = self.sent
        prefix = self.plan.graph_prefix or ""

        def staged(quad: ox.Quad) -> ox.Quad:
            name = quad.graph_name
            if isinstance(name, ox.DefaultGraph):
                graph = ox.NamedNode(self.plan.staging)
            else:
                key = name.value
                if key not in self.named:
                    self.named[key] = f"{prefix}{len(self.named)}"
                graph = ox.NamedNode(self.named[key])
            return ox.Quad(quad.subject, quad.predicate, quad.object, graph)

        def chunks() -> Iterator[bytes]:
            self._restart(done)
            batch: list[ox.Quad] = []
            for quad in _quads(path, self._reader(path)):
                batch.append(staged(quad))
                if len(batch) >= _BATCH:
                    yield serialize(batch, ox.RdfFormat.N_QUADS)
                    batch = []
            if batch:
                yield serialize(batch, ox.RdfFormat.N_QUADS)

        self.client.send(f"upload {path.name}", "POST", self.client.urls.store,
                         headers={"Content-Type": "application/n-quads"}, body=chunks)

    def close(self) -> None:
        self._restart(self.sent)


def _swap(plan: PublishPlan, named: dict[str, str], statement_prefix: str | None) -> str:
    """One SPARQL Update replacing the target (and, for a dataset, kg's named graphs)."""
    operations = []
    if named and statement_prefix:
        operations.append(f'DELETE {{ GRAPH ?g {{ ?s ?p ?o }} }} WHERE {{ GRAPH ?g {{ ?s ?p ?o }} '
                          f'FILTER(STRSTARTS(STR(?g), "{statement_prefix}")) }}')
    operations.append(f"COPY <{plan.staging}> TO <{plan.graph}>")
    operations += [f"COPY <{staged}> TO <{graph}>" for graph, staged in named.items()]
    return " ;\n".join(operations)


def _drop_staging(client: Client, plan: PublishPlan, named: dict[str, str]) -> str | None:
    graphs = [plan.staging, *named.values()]
    try:
        client.update("remove staging graph", " ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in graphs), retry=True)
    except EndpointError as exc:
        return f"the staging graph <{plan.staging}> could not be removed ({exc})"
    return None


def _after_failure(client: Client, plan: PublishPlan, previous: int) -> str:
    """After a failed COPY: did it run anyway (its answer lost)? Say what the target holds."""
    try:
        now = client.count("recount", f"GRAPH <{plan.graph}> {{ ?s ?p ?o }}")
    except EndpointError:
        return "; the store did not answer afterwards, so whether the COPY ran is unknown"
    if now == previous:
        return "; the published graph is unchanged"
    return f"; the published graph now holds {now:,} triples (it held {previous:,})"


def _after_update_failure(client: Client, plan: PublishPlan, new: delta.Record) -> str:
    """After a failed delta or replace: the record changes in the same transaction as the quads,
    so it says whether the update ran."""
    try:
        found = delta.read_record(client, plan.graph)
    except EndpointError:
        return "; the store did not answer afterwards, so whether the update ran is unknown"
    if found is not None and found.checksum == new.checksum:
        return "; the update ran: the published graph holds the new build"
    return "; the published graph is unchanged"


def published_quads(files: list[Path], graph: str) -> Iterator[ox.Quad]:
    """The quads `files` leave on the remote: default-graph quads land in `graph`."""
    target = ox.NamedNode(graph)
    for path in files:
        for quad in _quads(path):
            name = target if isinstance(quad.graph_name, ox.DefaultGraph) else quad.graph_name
            yield ox.Quad(quad.subject, quad.predicate, quad.object, name)


def _scope(plan: PublishPlan, statement_prefix: str | None) -> str:
    """The pattern of the quads a publish owns: the target, and for a dataset kg's statement graphs."""
    if plan.graph_prefix is None or not statement_prefix:
        return f"GRAPH <{plan.graph}> {{ ?s ?p ?o }}"
    return (f'GRAPH ?g {{ ?s ?p ?o }} FILTER(?g = <{plan.graph}> || '
            f'STRSTARTS(STR(?g), "{statement_prefix}"))')


@dataclass
class _Choice:
    mode: str
    why: str
    snapshot: delta.Snapshot
    record: delta.Record
    old: delta.Snapshot | None = None


def _choose(client: Client, plan: PublishPlan, snapshots: delta.SnapshotStore | None, full: bool,
            statement_prefix: str | None, update_limit: int) -> _Choice | None:
    """Which path this publish takes; None for a store that gets the staging path without a record."""
    if client.urls.layout == "virtuoso":
        return None
    snap = delta.snapshot(published_quads(plan.files, plan.graph))
    fmt = "turtle" if plan.graph_prefix is None else "nquads"
    record = delta.Record(snap.checksum, len(snap.lines), fmt)
    size = sum(len(line) - len(line.rsplit(b" ", 2)[-2]) for line in snap.lines)  # INSERT DATA names each graph once
    if snap.blank_nodes:
        return _Choice("staging", "the graph has blank nodes", snap, record)
    why = "asked for a full publish" if full else "no local record of published builds"
    if snapshots is not None and not full:
        found = delta.read_record(client, plan.graph)
        old = snapshots.load(found.checksum) if found else None
        if found is None:
            why = "the remote has no publish record"
        elif found.format != fmt:
            why = f"the remote holds a {found.format} publish"
        elif old is None:
            why = "the remote's build is not one kg kept locally"
        elif found.quads != len(old.lines):
            why = "the remote's record does not match kg's copy of that build"
        else:
            now = client.count("count the published quads", _scope(plan, statement_prefix))
            if now != found.quads:
                why = f"the remote holds {now:,} quads, its record says {found.quads:,}: changed by someone else"
            else:
                return _Choice("delta", "", snap, record, old)
    if size <= update_limit:
        return _Choice("replace", why, snap, record)
    return _Choice("staging", f"{why}; {size / 1e6:,.0f} MB is over the update limit", snap, record)


def _one_update(client: Client, plan: PublishPlan, choice: _Choice, result: PublishResult,
                statement_prefix: str | None) -> None:
    """The delta or the replace: one SPARQL Update request, never retried (it may have run)."""
    result.named_graphs = len({line.rsplit(b" ", 2)[-2] for line in choice.snapshot.lines} - {f"<{plan.graph}>".encode()})
    if choice.mode == "delta":
        assert choice.old is not None
        if choice.old.checksum == choice.record.checksum:
            result.why = "the store already holds this build: nothing sent"
            return
        removed, added = delta.difference(choice.old.lines, choice.snapshot.lines)
        result.removed, result.added = len(removed), len(added)
        text = delta.delta_update(plan.graph, removed, added, choice.record)
        step = "send the difference"
    else:
        text = delta.replace_update(plan.graph, choice.snapshot.lines, choice.record,
                                    statement_prefix if plan.graph_prefix is not None else None)
        step = "replace the published graph"
    client.update(step, text, direct=True)
    found = client.count("check the published graph", _scope(plan, statement_prefix))
    if found != choice.record.quads:
        raise PublishError(f"check the published graph: the store holds {found:,} quads after the update, "
                           f"expected {choice.record.quads:,}")


def publish(client: Client, plan: PublishPlan, *, dry_run: bool = False, on_progress: Progress | None = None,
            statement_prefix: str | None = None, snapshots: delta.SnapshotStore | None = None,
            full: bool = False, update_limit: int = UPDATE_LIMIT) -> PublishResult:
    """Replace the target with `plan.files` by the cheapest atomic path (see the module): a
    difference when `snapshots` holds the build the remote's record names (unless `full`), else
    one update replacing it whole when that fits `update_limit` bytes, else the staging swap.

    The staging swap uploads into the staging graph(s), checks the count, COPYs onto the target
    in one update, then drops the staging graph(s). COPY rather than MOVE: the transaction that
    readers wait for is half the size (MOVE also deletes the source inside it).

    No update that changes the target is retried: a COPY whose source is missing empties the
    target (Oxigraph and Virtuoso both), so an update whose answer was lost must not be sent again."""
    if plan.graph_prefix is not None and not client.urls.accepts_datasets:
        raise InputError(f"the Graph Store endpoint {client.urls.store} takes Turtle only ({client.urls.layout}): "
                         "publish with --format turtle")
    started = time.monotonic()
    try:
        previous = client.count("count the published graph", f"GRAPH <{plan.graph}> {{ ?s ?p ?o }}")
        choice = _choose(client, plan, snapshots, full, statement_prefix, update_limit)
    except EndpointError as exc:
        raise PublishError(f"publish failed at {exc}; nothing was changed") from exc
    result = PublishResult(plan, previous, dry_run=dry_run)
    if choice is not None:
        result.mode, result.why = choice.mode, choice.why
    else:
        result.why = "Virtuoso"
    if dry_run:
        if choice is not None and choice.mode == "delta":
            assert choice.old is not None
            removed, added = delta.difference(choice.old.lines, choice.snapshot.lines)
            result.removed, result.added = len(removed), len(added)
        return result
    if choice is not None and choice.mode != "staging":
        try:
            _one_update(client, plan, choice, result, statement_prefix)
        except EndpointError as exc:
            raise PublishError(f"publish failed at {exc}{_after_update_failure(client, plan, choice.record)}") from exc
    else:
        _staged(client, plan, on_progress, statement_prefix, result, choice.record if choice else None)
    if choice is not None and snapshots is not None:
        try:
            snapshots.save(choice.snapshot)
        except KgError as exc:
            result.notes.append(f"{exc} (the next publish will be a full one)")
    result.seconds = time.monotonic() - started
    return result


def _staged(client: Client, plan: PublishPlan, on_progress: Progress | None, statement_prefix: str | None,
            result: PublishResult, record: delta.Record | None) -> None:
    previous = result.previous
    uploader = _Uploader(client, plan, on_progress)
    swapping = False
    try:
        try:
            for index, path in enumerate(plan.files):
                if path.suffix == ".nq":
                    uploader.upload_dataset(path)
                else:
                    uploader.upload_graph(path, "PUT" if index == 0 else "POST")
            if plan.graph_prefix is None:
                found = client.count("check the staging graph", f"GRAPH <{plan.staging}> {{ ?s ?p ?o }}")
            else:
                found = client.count("check the staging graphs", f'GRAPH ?g {{ ?s ?p ?o }} '
                                     f'FILTER(STRSTARTS(STR(?g), "{plan.graph_prefix}"))')
            if found != plan.expected:
                raise PublishError(f"check the staging graph: the store holds {found:,} triples, "
                                   f"expected {plan.expected:,}")
            swapping = True
            swap = _swap(plan, uploader.named, statement_prefix)
            if record is not None:
                swap += " ;\n" + delta.record_update(plan.graph, record)
            client.update("replace the published graph", swap)
        finally:
            uploader.close()
            result.notes.append(_drop_staging(client, plan, uploader.named) or "")
    except EndpointError as exc:
        kept = _after_failure(client, plan, previous) if swapping else "; the published graph is unchanged"
        cleanup = "".join(f"; {note}" for note in result.notes if note)
        raise PublishError(f"publish failed at {exc}{kept}{cleanup}") from exc
    result.named_graphs = len(uploader.named)


__all__ = ["FORMATS", "MODES", "UPDATE_LIMIT", "PublishPlan", "PublishResult", "expected_count", "plan", "publish",
           "published_files", "published_quads", "staging_graph"]
