"""Shared fixtures: the project's published files, parsed once per session."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "output"


@pytest.fixture(autouse=True)
def no_local_store(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Tests read output/ unless they load a store themselves: a developer's output/store
    (from `make`) must not change what they see."""
    monkeypatch.setenv("KG_STORE", str(tmp_path_factory.getbasetemp() / "no-store"))


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def turtle_graph() -> rdflib.Graph:
    graph = rdflib.Graph()
    graph.parse(OUTPUT / "vyzov.ttl", format="turtle")
    return graph


@pytest.fixture(scope="session")
def store() -> ox.Store:
    """The published Turtle and ontology in an embedded store, as a user would load them."""
    store = ox.Store()
    store.bulk_load(path=str(OUTPUT / "vyzov.ttl"), format=ox.RdfFormat.TURTLE)
    store.bulk_load(path=str(OUTPUT / "ontology.ttl"), format=ox.RdfFormat.TURTLE)
    return store


@pytest.fixture(scope="session")
def source_texts() -> dict[str, str]:
    """Source texts read straight from sources/, independently of the build code."""
    import yaml

    registry = yaml.safe_load((ROOT / "sources" / "sources.yaml").read_text(encoding="utf-8"))
    return {
        entry["key"]: (ROOT / "sources" / entry["file"]).read_bytes().decode("utf-8")
        for entry in registry["sources"]
    }
