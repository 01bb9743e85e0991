"""Shared fixtures: the project's published files, parsed once per session."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "output"


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


@pytest.fixture(scope="session")
def site_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site kg site writes for the published output, in a temporary folder."""
    from kg.config import Settings
    from kg.site import build_site

    out = tmp_path_factory.mktemp("site") / "site"
    build_site(Settings(root=ROOT), out)
    return out


@pytest.fixture(scope="session")
def server(site_dir: Path):
    """A real `kg serve` on a free loopback port (--port 0); yields its base URL, stopped by pid."""
    from tests.helpers import running_server

    with running_server(site_dir, "--timeout", "3", "--max-rows", "5000") as url:
        yield url
