"""Where each statement and entity of the graph was curated (facts file:line), kept beside the
persistent store so that messages about existing claims name their line even when the store,
not facts/, answers (kg validate, kg add).

Kept out of the published files on purpose: a line number is an editing detail, not a fact about
the world, and publishing it would change every statement below an inserted line at each edit,
defeating byte-identical rebuilds and readable diffs. It is not RDF in the store either, so the
SPARQL the store answers is exactly the published dataset. It lives in the store's folder (SQLite,
one indexed table), written with the store and swapped in with it, so it always describes the
graph the store holds."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Mapping
from pathlib import Path

from kg.mapping import MappedGraph, Minter
from kg.model import Facts
from kg.project import Project

ORIGINS_FILE = "origins.sqlite"


def graph_origins(facts: Facts, graph: MappedGraph, project: Project) -> dict[str, str]:
    """Statement and entity IRIs -> "file:line" of the first claim or definition."""
    mint = Minter(project)
    found = {st.iri.value: st.origin for st in graph.statements if st.origin}
    found |= {mint.entity(e.id).value: f"{e.file}:{e.line}" for e in facts.entities.values()}
    return found


def curated_origins(project: Project) -> dict[str, str]:
    """The origins of what facts/ says now (read and mapped, without SHACL): for `kg load`."""
    from kg.mapping import map_facts
    from kg.pipeline import load_inputs

    inputs = load_inputs(project)
    return graph_origins(inputs.facts, map_facts(inputs.facts, inputs.sources, project), project)


def write_origins(folder: Path, origins: Mapping[str, str]) -> None:
    connection = sqlite3.connect(folder / ORIGINS_FILE)
    try:
        with connection:
            connection.execute("CREATE TABLE origin (iri TEXT PRIMARY KEY, location TEXT NOT NULL) WITHOUT ROWID")
            connection.executemany("INSERT INTO origin VALUES (?, ?)", sorted(origins.items()))
    finally:
        connection.close()


class StoredOrigins(Mapping[str, str]):
    """The origins kept beside a store, read one lookup at a time; empty when the store has none
    (a store loaded by an earlier kg)."""

    def __init__(self, store_dir: Path) -> None:
        path = store_dir / ORIGINS_FILE
        self._connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True) if path.exists() else None

    def __getitem__(self, iri: str) -> str:
        if self._connection is not None:
            row = self._connection.execute("SELECT location FROM origin WHERE iri = ?", (iri,)).fetchone()
            if row is not None:
                return str(row[0])
        raise KeyError(iri)

    def __iter__(self) -> Iterator[str]:
        if self._connection is not None:
            yield from (str(row[0]) for row in self._connection.execute("SELECT iri FROM origin ORDER BY iri"))

    def __len__(self) -> int:
        if self._connection is None:
            return 0
        return int(self._connection.execute("SELECT COUNT(*) FROM origin").fetchone()[0])
