"""The published graph in an embedded pyoxigraph store: what query, explain and conflicts read."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from kg.errors import InputError

PUBLISHED = ("vyzov.ttl", "ontology.ttl")


def open_published(output_dir: Path) -> ox.Store:
    """An in-memory store holding the published Turtle and the ontology."""
    store = ox.Store()
    for name in PUBLISHED:
        path = output_dir / name
        if not path.exists():
            raise InputError(f"{path} does not exist: run 'kg build' first")
        store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE)
    return store
