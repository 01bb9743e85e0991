"""The published graph in an embedded pyoxigraph store: what query, explain and conflicts read."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from kg.config import SCHEMA
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


def name_forms(store: ox.Store) -> dict[str, set[str]]:
    """Every entity IRI with the name forms (schema:name and alternateName) the graph gives it."""
    names: dict[str, set[str]] = {}
    query = f"SELECT ?e ?n WHERE {{ {{ ?e <{SCHEMA}name> ?n }} UNION {{ ?e <{SCHEMA}alternateName> ?n }} }}"
    for s in store.query(query):  # type: ignore[union-attr]
        names.setdefault(s["e"].value, set()).add(s["n"].value)
    return names
