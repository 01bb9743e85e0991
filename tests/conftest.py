"""Shared fixtures. The suite tests kg on projects of its own, never on the repository's live
facts/: the frozen seed project in tests/fixtures/seed/ (built once per session into a temporary
copy that tests read and never write) and small projects built by tests/helpers.py. Only
tests/test_live_project.py looks at the live project, and it asserts properties, not counts
(tests/test_install.py installs the package from the repository, tests/test_docs.py reads its README)."""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from click.testing import CliRunner

REPOSITORY = Path(__file__).resolve().parent.parent  # the package and, at its root, the live project
FIXTURES = REPOSITORY / "tests" / "fixtures"
SEED = FIXTURES / "seed"  # the frozen seed project's inputs (no output/): read it, copy it, never write it
# The project the tests that take it by this name read: the frozen seed, not the live repository.
ROOT = SEED


@pytest.fixture(autouse=True)
def no_local_store(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Tests read output/ unless they load a store themselves: a developer's output/store
    (from `make`) must not change what they see. A test that loads a store into this shared path
    fails: every later test would find a stale store there (and print a note about it)."""
    shared = tmp_path_factory.getbasetemp() / "no-store"
    monkeypatch.setenv("KG_STORE", str(shared))
    yield
    if shared.exists():
        shutil.rmtree(shared)
        pytest.fail(f"this test wrote a store into the suite's shared $KG_STORE ({shared}): unset KG_STORE or "
                    "give the store a path of the test's own")


def digests(folder: Path) -> dict[str, str]:
    """sha256 of every file under folder, by relative path; the writers' lock (.kg/, which
    any writing command takes, even one writing elsewhere such as `kg site --out`) is no content."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and p.relative_to(folder).parts[0] != ".kg"}


@pytest.fixture(scope="session")
def seed_root(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A copy of the frozen seed project, built once by `kg build`: tests that only read outputs
    share it. At the end of the session it must be byte for byte what the build left, and the
    fixture in tests/fixtures/seed/ what it was."""
    from kg.cli import main
    from tests.helpers import copy_inputs

    fixture_before = digests(SEED)
    root = copy_inputs(SEED, tmp_path_factory.mktemp("seed") / "seed")
    result = CliRunner().invoke(main, ["--project", str(root), "build", "-q"])
    assert result.exit_code == 0, result.output
    built = digests(root)
    yield root
    assert digests(root) == built, "a test wrote into the shared seed build: copy it with scratch_project first"
    assert digests(SEED) == fixture_before, "a test changed tests/fixtures/seed/"


@pytest.fixture(scope="session")
def seed_project(seed_root: Path):  # type: ignore[no-untyped-def]
    """The built seed copy as a kg.project.Project."""
    from kg.project import open_project

    return open_project(seed_root)


@pytest.fixture(scope="session")
def seed_output(seed_root: Path) -> Path:
    return seed_root / "output"


@pytest.fixture(scope="session")
def turtle_graph(seed_output: Path) -> rdflib.Graph:
    graph = rdflib.Graph()
    graph.parse(seed_output / "vyzov.ttl", format="turtle")
    return graph


@pytest.fixture(scope="session")
def store(seed_output: Path) -> ox.Store:
    """The published Turtle and ontology in an embedded store, as a user would load them."""
    store = ox.Store()
    store.bulk_load(path=str(seed_output / "vyzov.ttl"), format=ox.RdfFormat.TURTLE)
    store.bulk_load(path=str(seed_output / "ontology.ttl"), format=ox.RdfFormat.TURTLE)
    return store


@pytest.fixture(scope="session")
def source_texts() -> dict[str, str]:
    """The seed's source texts read straight from sources/, independently of the build code."""
    import yaml

    registry = yaml.safe_load((SEED / "sources" / "sources.yaml").read_text(encoding="utf-8"))
    return {
        entry["key"]: (SEED / "sources" / entry["file"]).read_bytes().decode("utf-8")
        for entry in registry["sources"]
    }


@pytest.fixture(scope="session")
def loaded_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the seed project, built, with its graph loaded into output/store by kg load."""
    from kg.cli import main
    from tests.helpers import scratch_project

    root = scratch_project(tmp_path_factory.mktemp("loaded"))
    env = {"KG_PROJECT": str(root), "KG_STORE": ""}
    assert CliRunner().invoke(main, ["build", "-q"], env=env).exit_code == 0
    result = CliRunner().invoke(main, ["load"], env=env)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("kg load: 7338 triples and 375 statement graphs into output/store, ")
    return root


@pytest.fixture(params=["facts", "store"])
def baseline(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run a test against both baselines kg validate knows: the seed's facts/ read on the spot
    (the shared seed build, no store), and a built copy whose graph kg load put into a store."""
    if request.param == "store":
        monkeypatch.setenv("KG_PROJECT", str(request.getfixturevalue("loaded_project")))
        monkeypatch.delenv("KG_STORE")
    else:
        monkeypatch.setenv("KG_PROJECT", str(request.getfixturevalue("seed_root")))
    return request.param  # type: ignore[no-any-return]


@pytest.fixture(scope="session")
def site_dir(seed_project, tmp_path_factory: pytest.TempPathFactory) -> Path:  # type: ignore[no-untyped-def]
    """The site kg site writes for the seed's published output, in a temporary folder."""
    from kg.site import build_site

    out = tmp_path_factory.mktemp("site") / "site"
    build_site(seed_project, out)
    return out


@pytest.fixture(scope="session")
def server(seed_root: Path, site_dir: Path) -> Iterator[str]:
    """A real `kg serve` of the seed on a free loopback port (--port 0); yields its base URL, stopped by pid."""
    from tests.helpers import running_server

    with running_server(seed_root, site_dir, "--timeout", "3", "--max-rows", "5000") as url:
        yield url


@pytest.fixture(scope="session")
def site_app(seed_project, site_dir: Path) -> Iterator[object]:  # type: ignore[no-untyped-def]
    """kg serve's WSGI application over the seed's site, in-process (drive it with
    werkzeug.test.Client); one query worker, closed at the end."""
    from kg.serve import Limits
    from kg.serve.server import make_app

    app = make_app(seed_project, site_dir, Limits(timeout=5, max_rows=5000, workers=1), quiet=True)
    yield app
    app.service.close()
