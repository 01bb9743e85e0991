"""The build cache (.kg/cache/facts/): each facts file read and mapped alone, stored by a key of
its bytes and of everything reading and mapping it depends on, so a build reads and maps only
the files whose key changed (kg.pipeline.build).

What one file's result depends on, besides its bytes and its name (entities and claims carry
it): the ontology (its triples and prefixes), the project's settings (kg.toml's, or a Project
built in code), the verified Wikidata IDs, kg's code and the library versions
(kg.build_manifest.code_fingerprint) — all in the key — and the sources it quotes (their checksum and language), which the entry records and a lookup
compares. What a file shares with others is checked once all are read, on the merged result:
an entity defined twice, a claim naming an entity of another file (kg.inputs.facts.link_problems),
and one triple given two ranks. A file with a problem of its own is never cached, and any problem
at all sends the build down the uncached path (read_facts, map_facts over every file), so every
message is exactly a clean build's.

An entry (kg.cache_entry) is JSON after a header line with its SHA-256: a truncated, corrupted
or foreign entry (another key's, another format's) is recomputed, never trusted, and reading one
runs no code (no pickle). Each entry is written whole or not at all (write_entry),
and those no file uses are removed after each build.

Misses are read and mapped in a process pool (`jobs` > 1) or on a Dask cluster (`scheduler`):
each task is a pure function of its files' bytes and the frozen Context, and returns the entries'
bytes.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import dataclasses
import hashlib
import json
import os
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from kg.build_manifest import code_fingerprint
from kg.cache_entry import FORMAT, Part, decode, encode
from kg.files import display_path, fault_point
from kg.inputs.facts import link_problems, read_facts
from kg.inputs.ontology import Ontology
from kg.inputs.yamlio import MAX_BYTES
from kg.lock import STATE_DIR
from kg.mapping import MappedGraph, Statement, StatementKey, graph_of, map_part, statement_key
from kg.model import Facts, Reference, Source
from kg.project import Project

CACHE_FOLDER = Path(STATE_DIR) / "cache" / "facts"
SUFFIX = ".entry"


@dataclass(frozen=True)
class Workers:
    """Where misses are read and mapped: in-process (jobs=1), a process pool of `jobs`, or a Dask
    cluster (`scheduler`: a scheduler's address, or "local" for a LocalCluster of its own)."""

    jobs: int = 1
    scheduler: str | None = None
    min_misses: int = 16  # fewer misses are mapped in-process: a process pool's start-up costs more


def default_jobs() -> int:
    return max(1, min(8, os.cpu_count() or 1))


@dataclass(frozen=True)
class Context:
    """Everything one file's reading and mapping depends on, besides its bytes and name."""

    project: Project
    ontology: Ontology
    sources: dict[str, Source]
    known_qids: frozenset[str] | None
    digest: str  # of all of the above but the sources (each entry records those it quotes)


def make_context(project: Project, ontology: Ontology, sources: dict[str, Source],
                 known_qids: set[str] | None) -> Context:
    digest = hashlib.sha256(f"{FORMAT}\0{code_fingerprint()}\0".encode())
    digest.update(json.dumps(project_settings(project), sort_keys=True).encode() + b"\0")
    digest.update(json.dumps([project.base_iri, project.kg, sorted(ontology.prefixes.items())]).encode() + b"\0")
    for line in sorted(str(t) for t in ontology.triples):
        digest.update(line.encode() + b"\n")
    digest.update(b"\0" + ("-" if known_qids is None else " ".join(sorted(known_qids))).encode())
    return Context(project, ontology, sources, None if known_qids is None else frozenset(known_qids),
                   digest.hexdigest())


def project_settings(project: Project) -> dict[str, object]:
    """The project's settings as its Project holds them (read from kg.toml or built in code), but
    for where it lives and which store it uses, which no mapped statement depends on."""
    settings = dataclasses.asdict(project)
    del settings["root"], settings["store_override"]
    return settings


def source_fingerprint(source: Source) -> str:
    """What a file's result takes from a source it quotes: its text (by checksum) and language."""
    return f"{source.sha256} {source.language}"


def entry_key(context: Context, display: str, data: bytes) -> str:
    return hashlib.sha256(f"{context.digest}\0{display}\0".encode() + data).hexdigest()


def compute_part(context: Context, path: Path, display: str, data: bytes) -> Part | None:
    """The file read and mapped alone; None when it has a problem of its own (or is not text)."""
    if len(data) > MAX_BYTES:
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    known = None if context.known_qids is None else set(context.known_qids)
    facts = read_facts([path], context.ontology, context.sources, known, context.project.root,
                       texts={path: text}, links=False)
    if facts.problems:
        return None
    mapped = map_part(facts, context.project)
    if mapped.problems:
        return None
    quoted = sorted({ref.source for ref in _references(facts)})
    return Part(entry_key(context, display, data), facts, mapped,
                {key: source_fingerprint(context.sources[key]) for key in quoted})


def _references(facts: Facts) -> Iterator[Reference]:
    for entity in facts.entities.values():
        for name in entity.names:
            yield from name.refs
    for claim in facts.claims:
        yield from claim.refs


# ---------------------------------------------------------------------- the cache


def cache_dir(project: Project) -> Path:
    return project.root / CACHE_FOLDER


def entry_path(project: Project, key: str) -> Path:
    return cache_dir(project) / f"{key}{SUFFIX}"


def lookup(context: Context, key: str) -> Part | None:
    """The entry for `key` when it is whole, ours, and the sources it quotes are as it recorded."""
    try:
        data = entry_path(context.project, key).read_bytes()
    except OSError:
        return None
    part = decode(data, key)
    if part is None:
        return None
    for source_key, fingerprint in part.quoted.items():
        source = context.sources.get(source_key)
        if source is None or source_fingerprint(source) != fingerprint:
            return None
    return part


def _compute_chunk(context: Context, items: Sequence[tuple[Path, str, bytes]]) -> list[bytes | None]:
    """A task of the pool or cluster: each file's entry bytes (None: not cacheable)."""
    parts = (compute_part(context, path, display, data) for path, display, data in items)
    return [None if part is None else encode(part) for part in parts]


@contextlib.contextmanager
def executor(workers: Workers, misses: int) -> Iterator[concurrent.futures.Executor | None]:
    """The executor misses run on; None: in this process."""
    if workers.scheduler is not None:
        from distributed import Client, LocalCluster

        if workers.scheduler == "local":
            with LocalCluster(n_workers=max(1, workers.jobs), processes=False, dashboard_address=None) as cluster, \
                    Client(cluster) as client:
                yield client.get_executor()
        else:
            with Client(workers.scheduler) as client:
                yield client.get_executor()
    elif workers.jobs > 1 and misses >= workers.min_misses:
        with concurrent.futures.ProcessPoolExecutor(max_workers=min(workers.jobs, misses)) as pool:
            yield pool
    else:
        yield None


def compute_parts(context: Context, items: list[tuple[Path, str, bytes]],
                  workers: Workers) -> list[tuple[Part | None, bytes | None]]:
    """Each miss read and mapped, with its entry's bytes, in the order given."""
    with executor(workers, len(items)) as run:
        if run is None:
            parts = [compute_part(context, path, display, data) for path, display, data in items]
            return [(part, None if part is None else encode(part)) for part in parts]
        chunks = max(1, workers.jobs) * 4
        size = -(-len(items) // chunks) or 1
        batches = [items[i:i + size] for i in range(0, len(items), size)]
        results = [entry for batch in run.map(_compute_chunk, [context] * len(batches), batches) for entry in batch]
    return [(None if data is None else decode(data, entry_key(context, display, raw)), data)
            for (_, display, raw), data in zip(items, results)]


@dataclass
class CacheStats:
    hits: int = 0
    misses: int = 0
    pruned: int = 0


def read_parts(context: Context, paths: Sequence[Path], workers: Workers = Workers(),
               prune: bool = True, stats: CacheStats | None = None) -> list[Part] | None:
    """Every file's part, from the cache where its entry is good, else computed (and stored);
    None when a file is not cacheable (it has a problem: the caller reads everything instead)."""
    project = context.project
    found: dict[int, Part] = {}
    missing: list[tuple[int, tuple[Path, str, bytes]]] = []
    keys = []
    for index, path in enumerate(paths):
        try:
            data = path.read_bytes()
        except OSError:
            return None
        display = display_path(path, project.root)
        key = entry_key(context, display, data)
        keys.append(key)
        part = lookup(context, key)
        if part is None:
            missing.append((index, (path, display, data)))
        else:
            found[index] = part
    computed = compute_parts(context, [item for _, item in missing], workers) if missing else []
    new_entries: dict[Path, bytes] = {}
    for (index, _), (part, entry) in zip(missing, computed):
        if part is None or entry is None:
            return None
        found[index] = part
        new_entries[entry_path(project, part.key)] = entry
    for path, entry in sorted(new_entries.items()):
        write_entry(path, entry)
    removed = prune_cache(project, set(keys)) if prune else 0
    if stats is not None:
        stats.hits, stats.misses, stats.pruned = len(paths) - len(missing), len(missing), removed
    return [found[i] for i in range(len(paths))]


def write_entry(path: Path, data: bytes, point: str = "cache-entry") -> None:
    """Write one entry whole or not at all (a temporary file renamed over it). Entries stand
    alone, so there is no journal (kg.files.Change) and no fsync: a kill leaves a temporary file
    the next prune removes, and an entry torn by a power loss fails its checksum. A cache that
    cannot be written (a full or read-only disk) only costs the next build the work. `point`: the
    kg.files.fault_point passed between writing and renaming."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        fault_point(point)
        os.replace(name, path)
    except OSError:
        with contextlib.suppress(OSError, UnboundLocalError):
            os.unlink(name)


def prune_cache(project: Project, keep: set[str]) -> int:
    """Remove the entries no file uses now, and what a killed write left; how many entries went."""
    removed = 0
    try:
        entries = list(cache_dir(project).iterdir())
    except OSError:
        return 0
    for entry in entries:
        if entry.name.startswith("."):
            with contextlib.suppress(OSError):
                entry.unlink()
        elif entry.name.endswith(SUFFIX) and entry.name.removesuffix(SUFFIX) not in keep:
            with contextlib.suppress(OSError):
                entry.unlink()
            removed += 1
    return removed


# ---------------------------------------------------------------------- merging


def merge_facts(context: Context, parts: Sequence[Part]) -> Facts | None:
    """The facts read_facts reads from these files; None when the files disagree (an entity
    defined twice, a claim naming an unknown entity or one of the wrong class): the caller then
    reads every file with read_facts, for a clean build's messages."""
    facts = Facts()
    for part in parts:
        for entity in part.facts.entities.values():
            if entity.id in facts.entities:
                return None
            facts.entities[entity.id] = entity
        facts.claims += part.facts.claims
    return None if link_problems(facts, context.ontology) else facts


def merge_graph(context: Context, parts: Sequence[Part]) -> MappedGraph | None:
    """The graph map_facts makes of these files' facts; None when one triple has two ranks (the
    caller then maps with map_facts, for its messages)."""
    statements: dict[StatementKey, Statement] = {}
    # map_facts maps every file's entities, then every file's claims: the statements merge in that order
    for statement in [s for p in parts for s in p.mapped.entity_statements] + \
                     [s for p in parts for s in p.mapped.claim_statements]:
        key = statement_key(statement)
        known = statements.get(key)
        if known is None:
            statements[key] = statement
            continue
        if known.rank != statement.rank:
            return None
        known.refs.update(statement.refs)
        known.notes += [note for note in statement.notes if note not in known.notes]
    metadata = [t for part in parts for t in part.mapped.metadata]
    return graph_of(statements, metadata, context.sources, context.project)
