"""kg build updates a store that held the previous build by the difference, in one
transaction: afterwards it holds exactly what a fresh `kg load` would, and a kill mid-update
leaves it holding the old build or the new one, its manifest saying which."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.project import open_project
from kg.store import MANIFEST, holds_published, manifest, open_published
from kg.store_delta import line_difference
from tests.helpers import scratch_project

NEW_CLAIM = (
    "claims:\n  - subject: film/vyzov\n    property: schema:producer\n    value: org/roscosmos\n"
    "    refs:\n      - {source: 004_ba6c03b084f54831, quote: \"The film is directed by Russian filmmaker\"}\n"
)
THIRD_SOURCE = '      - {source: 002_61f4a650ca5522b8, quote: "37-year-old actress Yuliya Peresild"}\n'


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = scratch_project(tmp_path / "project")
    monkeypatch.setenv("KG_PROJECT", str(root))
    monkeypatch.delenv("KG_STORE", raising=False)
    assert invoke("build", "-q")[0] == 0
    assert invoke("load", "-q")[0] == 0
    return root


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def store_dir(root: Path) -> Path:
    return root / "output" / "store"


def contents(store: ox.Store) -> tuple[set[ox.Quad], set[ox.NamedNode | ox.BlankNode]]:
    return set(store), set(store.named_graphs())


def assert_holds_a_fresh_load(root: Path) -> None:
    """The store's quads and named graphs are those of output/ loaded now, and its manifest's counts too."""
    project = open_project(root)
    assert holds_published(project)
    store = ox.Store.read_only(str(store_dir(root)))
    fresh = open_published(project, use_store=False)
    assert contents(store) == contents(fresh)
    recorded = manifest(store_dir(root))
    assert recorded is not None
    assert recorded["graphs"] == len(set(fresh.named_graphs()))
    assert recorded["triples"] == sum(1 for q in fresh if isinstance(q.graph_name, ox.DefaultGraph))


def test_line_difference_is_the_lines_only_one_side_has() -> None:
    old = b"<a> <p> <b> .\n<c> <p> <d> .\n<a> <p> <b> <g1> .\n"
    new = b"<a> <p> <b> .\n<e> <p> <f> .\n<a> <p> <b> <g1> .\n<a> <p> <c> <g2> .\n"
    difference = line_difference(old, new)
    assert difference.removed == [b"<c> <p> <d> ."]
    assert difference.added == [b"<a> <p> <c> <g2> .", b"<e> <p> <f> ."]


def test_build_of_a_new_claim_updates_the_store_by_the_difference(project: Path) -> None:
    before = manifest(store_dir(project))
    (project / "facts" / "extra.yaml").write_text(NEW_CLAIM, encoding="utf-8")
    code, output = invoke("build", "-q")
    assert code == 0, output
    assert_holds_a_fresh_load(project)
    after = manifest(store_dir(project))
    assert before is not None and after is not None
    assert after["generation"] != before["generation"]
    assert after["triples"] > before["triples"] and after["graphs"] == before["graphs"] + 1
    assert bool(ox.Store.read_only(str(store_dir(project))).query(
        "ASK { <https://example.org/vyzov/id/film/vyzov> <https://schema.org/producer> "
        "<https://example.org/vyzov/id/org/roscosmos> }"))


def test_build_updates_the_store_by_the_difference(project: Path) -> None:
    people = project / "facts" / "people.yaml"
    people.write_text(people.read_text(encoding="utf-8").replace(THIRD_SOURCE, "", 1), encoding="utf-8")
    assert invoke("build", "-q")[0] == 0
    assert_holds_a_fresh_load(project)


def test_a_removed_claim_leaves_no_empty_statement_graph(project: Path) -> None:
    (project / "facts" / "extra.yaml").write_text(NEW_CLAIM, encoding="utf-8")
    assert invoke("build", "-q")[0] == 0
    graphs = manifest(store_dir(project))["graphs"]  # type: ignore[index]
    (project / "facts" / "extra.yaml").unlink()
    assert invoke("build", "-q")[0] == 0
    assert_holds_a_fresh_load(project)
    assert manifest(store_dir(project))["graphs"] == graphs - 1  # type: ignore[index]


def test_an_ontology_change_reloads_the_store(project: Path) -> None:
    ontology = next((project / "ontology").glob("*.ttl"))
    ontology.write_text(ontology.read_text(encoding="utf-8") + '\nkg:unusedNote a owl:AnnotationProperty ; rdfs:label "unused note"@en .\n',
                        encoding="utf-8")
    assert invoke("build", "-q")[0] == 0
    assert_holds_a_fresh_load(project)


def test_a_store_that_did_not_hold_the_previous_build_is_left_alone(project: Path) -> None:
    quads = project / "output" / "vyzov.nq"
    quads.write_bytes(quads.read_bytes().replace(b"Moscow", b"Moskva", 1))
    recorded = (store_dir(project) / MANIFEST).read_bytes()
    (project / "facts" / "extra.yaml").write_text(NEW_CLAIM, encoding="utf-8")
    assert invoke("build", "-q")[0] == 0
    assert (store_dir(project) / MANIFEST).read_bytes() == recorded
    assert not holds_published(open_project(project))


def killed_add(root: Path, hook: str) -> set[ox.Quad]:
    """`kg build` of the new claim in a process killed at `hook`; the store's quads before it."""
    old = set(ox.Store.read_only(str(store_dir(root))))
    (root / "facts" / "extra.yaml").write_text(NEW_CLAIM, encoding="utf-8")
    kg = shutil.which("kg", path=str(Path(sys.executable).parent))
    assert kg is not None
    env = {**os.environ, "KG_TEST_HOOK": hook, "KG_PROJECT": str(root)}
    run = subprocess.run([kg, "build", "-q"], env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == -9, run.stderr
    return old


def test_a_kill_inside_the_transaction_leaves_the_old_build(project: Path) -> None:
    old = killed_add(project, "store-delta")
    assert "next" in json.loads((store_dir(project) / MANIFEST).read_text(encoding="utf-8"))
    assert set(ox.Store.read_only(str(store_dir(project)))) == old
    # output/ holds the new build, the store the old one, and its manifest says so
    assert not holds_published(open_project(project))
    assert (project / "facts" / "extra.yaml").exists()
    assert invoke("load", "-q")[0] == 0
    assert_holds_a_fresh_load(project)


def test_a_kill_after_the_transaction_leaves_the_new_build(project: Path) -> None:
    old = killed_add(project, "store-delta-applied")
    assert set(ox.Store.read_only(str(store_dir(project)))) != old
    assert_holds_a_fresh_load(project)  # the manifest's next build, confirmed by the store


def test_add_updates_the_store_by_the_difference(project: Path) -> None:
    """kg add: the store is updated in place (the same folder), to what a fresh load would hold,
    with the new claim's origin beside it, and nothing of the update is left over."""
    from kg.origins import StoredOrigins
    from kg.store_delta import PENDING

    before = manifest(store_dir(project))
    folder = store_dir(project).stat().st_ino
    new = project.parent / "extra.yaml"
    new.write_text(NEW_CLAIM, encoding="utf-8")
    code, output = invoke("add", str(new))
    assert code == 0, output
    assert_holds_a_fresh_load(project)
    assert store_dir(project).stat().st_ino == folder
    after = manifest(store_dir(project))
    assert before is not None and after is not None and after["generation"] != before["generation"]
    assert after["graphs"] == before["graphs"] + 1
    assert "next" not in json.loads((store_dir(project) / MANIFEST).read_text(encoding="utf-8"))
    assert not (store_dir(project) / PENDING).exists()
    origins = StoredOrigins(store_dir(project))
    assert [iri for iri in origins if origins[iri] == "facts/extra.yaml:2"] != []
