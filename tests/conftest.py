"""Shared fixtures: the project's published files, parsed once per session."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from click.testing import CliRunner

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


@pytest.fixture(scope="session")
def loaded_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the project, built, with its graph loaded into output/store by kg load."""
    from kg.cli import main
    from tests.helpers import scratch_project

    root = scratch_project(tmp_path_factory.mktemp("loaded"))
    env = {"KG_PROJECT": str(root), "KG_STORE": ""}
    assert CliRunner().invoke(main, ["build", "-q"], env=env).exit_code == 0
    result = CliRunner().invoke(main, ["load"], env=env)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("kg load: 7048 triples into output/store, ")
    return root


@pytest.fixture(params=["facts", "store"])
def baseline(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run a test against both baselines kg validate knows: the project's facts/ read on the spot
    (ROOT, no store), and a built copy whose graph kg load put into a store."""
    if request.param == "store":
        monkeypatch.setenv("KG_PROJECT", str(request.getfixturevalue("loaded_project")))
        monkeypatch.delenv("KG_STORE")
    else:
        monkeypatch.setenv("KG_PROJECT", str(ROOT))
    return request.param  # type: ignore[no-any-return]


@pytest.fixture(scope="session")
def site_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site kg site writes for the published output, in a temporary folder."""
    from kg.project import open_project
    from kg.site import build_site

    out = tmp_path_factory.mktemp("site") / "site"
    build_site(open_project(ROOT), out)
    return out


@pytest.fixture(scope="session")
def server(site_dir: Path):
    """A real `kg serve` on a free loopback port (--port 0); yields its base URL, stopped by pid."""
    from tests.helpers import running_server

    with running_server(site_dir, "--timeout", "3", "--max-rows", "5000") as url:
        yield url


@pytest.fixture(scope="session")
def loaded_seed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the seed project, built, with its graph loaded into output/store by kg load."""
    from kg.cli import main
    from tests.helpers import copy_seed

    root = copy_seed(tmp_path_factory.mktemp("loaded-seed") / "seed")
    env = {"KG_PROJECT": str(root), "KG_STORE": ""}
    assert CliRunner().invoke(main, ["build", "-q"], env=env).exit_code == 0
    result = CliRunner().invoke(main, ["load"], env=env)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("kg load: 7048 triples into output/store, ")
    return root


@pytest.fixture(params=["facts", "store"])
def seed_baseline(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, loaded_seed: Path,
                  tmp_path: Path) -> str:
    """Run a test against both baselines kg validate knows, in a built copy of the seed project
    (tests/fixtures/seed): its facts/ read on the spot ("facts": $KG_STORE names a folder no test
    has loaded a store into), and the store kg load put its graph into ("store")."""
    monkeypatch.setenv("KG_PROJECT", str(loaded_seed))
    if request.param == "store":
        monkeypatch.delenv("KG_STORE")
    else:
        monkeypatch.setenv("KG_STORE", str(tmp_path / "no-store"))
    return request.param  # type: ignore[no-any-return]
