"""Crash consistency (issue 10, rows 4 and 15): real `kg` processes killed (SIGKILL) at named
points of a write (kg.files.fault_point, KG_TEST_HOOK), then the next writer's recovery: every
published file is from one generation, the old or the new, compared as parsed graphs with fresh
builds of the old and of the new facts; nothing staged is left; the store holds output/, quad for
quad what a fresh `kg load` of it would hold.

`kg add` of one file to the seed updates the store by the difference (kg.store_delta): the
renames are the facts file, then the output files and, among them in name order, the difference
and the origins beside the store (output/store/…, the 6th and 7th); once they are all made, the
difference is applied in one transaction. The points: staging@2 (mid-staging), after-staging
(all staged, nothing committed), after-journal (committed, nothing renamed), between-renames@1
(the facts file is in facts/, output/ is all old), between-renames@6 (the difference beside the
store, the graph files old), between-renames@10 (output/ half renamed), between-renames@15 (all
files new, the store old), after-renames (the journal not yet removed), store-delta (inside the
transaction), store-delta-applied (the transaction committed, the manifest not yet final).

`kg add` of most of a graph (to a project with no facts) reloads the store whole instead: a new
store staged in the same change (store-fill: loaded, before its manifest; folder-swap: the old
store moved aside, the new not yet in: no output/store)."""

from __future__ import annotations

import resource
import shutil
import signal
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.lock import writing
from kg.project import open_project
from kg.store import holds_published, manifest, open_published
from kg.store_delta import PENDING
from tests.conftest import digests
from tests.helpers import NEW_CLAIM, kg_process, scratch_project

NEW_FILE = "shipenko.yaml"
# Every published file that is a graph, and how to read it.
GRAPHS = {"vyzov.ttl": ox.RdfFormat.TURTLE, "vyzov.nq": ox.RdfFormat.N_QUADS, "vyzov.trig": ox.RdfFormat.TRIG,
          "vyzov.jsonld": ox.RdfFormat.JSON_LD, "vyzov-wikidata.ttl": ox.RdfFormat.TURTLE,
          "vyzov-rdf12.ttl": ox.RdfFormat.TURTLE, "vyzov-rdf12.nt": ox.RdfFormat.N_TRIPLES,
          "void.ttl": ox.RdfFormat.TURTLE}
COMMITTED_FROM = "after-journal"
ADD_POINTS = ["staging@2", "after-staging", "after-journal", "between-renames@1", "between-renames@6",
              "between-renames@10", "between-renames@15", "after-renames", "store-delta", "store-delta-applied"]
RELOAD_POINTS = ["store-fill", "after-journal", "folder-swap", "after-renames"]
UNCOMMITTED = {"staging@2", "after-staging", "store-fill"}

Generation = dict[str, frozenset[str]]


def generation(files: dict[str, bytes]) -> Generation:
    return {name: frozenset(str(q) for q in ox.parse(files[name], format=fmt, base_iri="https://example.org/"))
            for name, fmt in GRAPHS.items()}


def published(root: Path) -> Generation:
    return generation({name: (root / "output" / name).read_bytes() for name in GRAPHS})


def leftovers(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*")
                  if ".kg-staged-" in p.name or ".kg-retired-" in p.name or p.name == "journal.json")


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed built and loaded (output/store current), never written by the tests: each copies it."""
    root = scratch_project(tmp_path_factory.mktemp("crash") / "base")
    for command in (["build", "-q"], ["load", "-q"]):
        process = kg_process(root, *command)
        assert process.communicate()[1] == "" and process.returncode == 0
    return root


@pytest.fixture(scope="module")
def old_and_new(base: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Generation, Generation]:
    """The graphs of a fresh build of the old facts and of the old facts plus NEW_CLAIM."""
    from kg.pipeline import build

    copy = Path(shutil.copytree(base, tmp_path_factory.mktemp("crash") / "new", ignore=shutil.ignore_patterns("store")))
    (copy / "facts" / NEW_FILE).write_text(NEW_CLAIM, encoding="utf-8")
    new = build(open_project(copy), run_shacl=False).files
    return published(base), generation(new)


@pytest.fixture
def project(base: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("KG_STORE")  # in-process checks look at output/store, as the processes do
    root = Path(shutil.copytree(base, tmp_path / "project"))
    (tmp_path / NEW_FILE).write_text(NEW_CLAIM, encoding="utf-8")
    return root


def recover(root: Path) -> None:
    """What every writing command does first: take the lock, finish or undo an interrupted change."""
    with writing(open_project(root), "test"):
        pass


def assert_store_holds_output(root: Path) -> None:
    """The store's manifest says it holds output/, and its quads are those of output/ loaded now."""
    project = open_project(root)
    assert holds_published(project)
    recorded = manifest(project.store_dir)
    fresh = open_published(project, use_store=False)
    graphs = set(fresh.named_graphs())
    assert recorded is not None and recorded["graphs"] == len(graphs)
    assert recorded["triples"] == sum(1 for q in fresh if isinstance(q.graph_name, ox.DefaultGraph))
    store = ox.Store.read_only(str(project.store_dir))
    assert set(store) == set(fresh) and set(store.named_graphs()) == graphs
    assert not (project.store_dir / PENDING).exists()


@pytest.mark.parametrize("point", ADD_POINTS)
def test_kg_add_killed_anywhere_leaves_old_or_new_and_the_next_command_recovers(
        project: Path, tmp_path: Path, old_and_new: tuple[Generation, Generation], point: str) -> None:
    store_folder = (project / "output" / "store").stat().st_ino
    killed_add_recovers(project, tmp_path / NEW_FILE, old_and_new, point)
    assert (project / "output" / "store").stat().st_ino == store_folder  # updated in place: by the difference


def killed_add_recovers(project: Path, added: Path, old_and_new: tuple[Generation, Generation], point: str) -> None:
    """`kg add` of `added` killed at `point`, the next writer's recovery, and `kg add` again."""
    old, new = old_and_new
    killed = kg_process(project, "add", str(added), hook=point)
    out, _ = killed.communicate()
    assert killed.returncode == -signal.SIGKILL
    assert "added" not in out

    recover(project)
    committed = point not in UNCOMMITTED
    assert (project / "facts" / added.name).exists() is committed
    assert published(project) == (new if committed else old)
    assert leftovers(project) == []
    assert_store_holds_output(project)

    retry = kg_process(project, "add", str(added))
    retry_out, retry_err = retry.communicate()
    if committed:
        assert retry.returncode == 2
        assert retry_err == (f"error: {project / 'facts' / added.name} exists already: "
                             f"rename {added.name} before adding it\n")
    else:
        assert retry.returncode == 0, retry_err
        assert retry_out.splitlines()[0] == f"added facts/{added.name}"
    assert published(project) == new
    assert leftovers(project) == []
    assert_store_holds_output(project)


# Most of a graph: an entity and a claim about it, added to a project with no facts.
DIRECTOR = """entities:
  - id: person/klim-shipenko
    type: schema:Person
    names:
      - {text: Klim Shipenko, preferred: true, refs: [{source: 001_b25d8b9e867eeac6, quote: "Director Klim Shipenko"}]}
""" + NEW_CLAIM


@pytest.fixture(scope="module")
def small_base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed's articles and no facts, built and loaded."""
    root = scratch_project(tmp_path_factory.mktemp("crash") / "small", "claims: []\n")
    for command in (["build", "-q"], ["load", "-q"]):
        process = kg_process(root, *command)
        assert process.communicate()[1] == "" and process.returncode == 0
    return root


@pytest.fixture(scope="module")
def small_old_and_new(small_base: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Generation, Generation]:
    from kg.pipeline import build

    copy = Path(shutil.copytree(small_base, tmp_path_factory.mktemp("crash") / "small-new",
                                ignore=shutil.ignore_patterns("store")))
    (copy / "facts" / "director.yaml").write_text(DIRECTOR, encoding="utf-8")
    return published(small_base), generation(build(open_project(copy), run_shacl=False).files)


@pytest.fixture
def small_project(small_base: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("KG_STORE")
    (tmp_path / "director.yaml").write_text(DIRECTOR, encoding="utf-8")
    return Path(shutil.copytree(small_base, tmp_path / "small"))


@pytest.mark.parametrize("point", RELOAD_POINTS)
def test_kg_add_of_most_of_the_graph_killed_anywhere_leaves_old_or_new(
        small_project: Path, tmp_path: Path, small_old_and_new: tuple[Generation, Generation], point: str) -> None:
    killed_add_recovers(small_project, tmp_path / "director.yaml", small_old_and_new, point)


def test_a_full_disk_after_the_store_difference_is_finished_by_the_next_writer(
        project: Path, tmp_path: Path, old_and_new: tuple[Generation, Generation]) -> None:
    """The add is committed when the store fails to follow: kg add says so, the next writer finishes it."""
    process = kg_process(project, "add", str(tmp_path / NEW_FILE), hook="store-delta-applied:enospc")
    out, err = process.communicate()
    assert process.returncode == 2
    assert err == ("error: the facts were added, but the store could not follow: No space left on device; "
                   "the next kg command that writes the project updates it\n")
    assert (project / "facts" / NEW_FILE).exists() and published(project) == old_and_new[1]
    recover(project)
    assert leftovers(project) == []
    assert_store_holds_output(project)


@pytest.mark.parametrize("point", ["after-staging", "between-renames@3", "after-renames"])
def test_kg_build_killed_leaves_old_or_new(project: Path, old_and_new: tuple[Generation, Generation],
                                          point: str) -> None:
    old, new = old_and_new
    (project / "facts" / NEW_FILE).write_text(NEW_CLAIM, encoding="utf-8")
    killed = kg_process(project, "build", "-q", hook=point)
    killed.communicate()
    assert killed.returncode == -signal.SIGKILL
    recover(project)
    assert published(project) == (old if point == "after-staging" else new)
    assert leftovers(project) == []


@pytest.mark.parametrize("point", ["store-fill", "folder-swap", "after-renames"])
def test_kg_load_killed_leaves_a_whole_store(project: Path, point: str) -> None:
    generation_before = manifest(project / "output" / "store")["generation"]  # type: ignore[index]
    killed = kg_process(project, "load", "-q", hook=point)
    killed.communicate()
    assert killed.returncode == -signal.SIGKILL
    assert (project / "output" / "store").exists() is (point != "folder-swap")
    recover(project)
    assert leftovers(project) == []
    assert_store_holds_output(project)
    after = manifest(project / "output" / "store")["generation"]  # type: ignore[index]
    assert (after == generation_before) is (point == "store-fill")


@pytest.mark.parametrize("point", ["after-staging", "between-renames@1"])
def test_kg_source_add_killed_leaves_the_registry_whole(project: Path, tmp_path: Path, point: str) -> None:
    from kg.inputs.sources import load_sources

    article = tmp_path / "article.txt"
    article.write_text("An article registered while the machine went down.\n", encoding="utf-8")
    killed = kg_process(project, "source", "add", str(article), "--key", "late", hook=point)
    killed.communicate()
    assert killed.returncode == -signal.SIGKILL
    recover(project)
    committed = point != "after-staging"
    sources = load_sources(project / "sources")
    assert ("late" in sources) is committed
    assert (project / "sources" / "late.txt").exists() is committed
    if committed:
        assert sources["late"].text == article.read_text(encoding="utf-8")
    assert leftovers(project) == []


def _snapshot(root: Path) -> dict[str, str]:
    return {name: digest for name, digest in digests(root).items() if not name.startswith(".kg/")}


def test_a_full_disk_while_writing_output_changes_nothing(project: Path, tmp_path: Path) -> None:
    """ENOSPC and EFBIG reach kg the same way (an OSError from write); a file size limit
    (RLIMIT_FSIZE, which also binds root) gives the real one without a full disk."""
    before = _snapshot(project)
    limit = 200_000  # facts/shipenko.yaml and the small outputs (shapes.ttl: 93 kB) fit; output/vyzov-rdf12.nt does not

    def small_files() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    process = kg_process(project, "add", str(tmp_path / NEW_FILE), preexec_fn=small_files)
    out, err = process.communicate()
    assert process.returncode == 2
    assert err == "error: cannot write output/vyzov-rdf12.nt: File too large; nothing was changed\n"
    assert "added" not in out
    assert _snapshot(project) == before
    assert leftovers(project) == []


def test_a_full_disk_during_the_store_reload_changes_nothing(small_project: Path, tmp_path: Path) -> None:
    project = small_project
    before = _snapshot(project)
    process = kg_process(project, "add", str(tmp_path / "director.yaml"), hook="store-fill:enospc")
    out, err = process.communicate()
    assert process.returncode == 2
    assert err == "error: cannot write output/store: No space left on device; nothing was changed\n"
    assert "added" not in out
    assert _snapshot(project) == before
    assert leftovers(project) == []


@pytest.mark.skipif(hasattr(__import__("os"), "geteuid") and __import__("os").geteuid() == 0,
                    reason="root writes into a read-only folder (the file size limit test covers root)")
def test_a_read_only_output_folder_changes_nothing(project: Path) -> None:
    before = _snapshot(project)
    (project / "output").chmod(0o555)
    try:
        process = kg_process(project, "build", "-q")
        _, err = process.communicate()
    finally:
        (project / "output").chmod(0o755)
    assert process.returncode == 2
    assert err == "error: cannot write output/context.jsonld: Permission denied; nothing was changed\n"
    assert _snapshot(project) == before


def test_a_project_moved_after_a_kill_still_recovers(project: Path, tmp_path: Path,
                                                     old_and_new: tuple[Generation, Generation]) -> None:
    killed = kg_process(project, "add", str(tmp_path / NEW_FILE), hook="between-renames@5")
    killed.communicate()
    assert killed.returncode == -signal.SIGKILL
    moved = project.rename(tmp_path / "moved")
    recover(moved)
    assert published(moved) == old_and_new[1]
    assert leftovers(moved) == []
    assert_store_holds_output(moved)


def test_what_older_kg_left_when_killed_is_removed(project: Path) -> None:
    """kg 0.2 left `.vyzov.ttl.k2j4h1x0` beside the file, and `.store.loading-PID`,
    `.store.retired-PID`, `.site.old-PID` folders, for good (issue 10, row 4)."""
    output = project / "output"
    (output / ".vyzov.ttl.k2j4h1x0").write_bytes(b"half")
    (project / "facts" / ".film.yaml.a1b2c3d4").write_bytes(b"half")
    for name in (".store.loading-4242", ".store.retired-4242", ".site.old-77", ".site.ab12cd34"):
        (output / name).mkdir()
        (output / name / "x").write_bytes(b"")
    (output / ".notes.k2j4h1x0").write_bytes(b"not kg's: no file notes beside it")
    recover(project)
    assert sorted(p.name for p in output.iterdir() if p.name.startswith(".")) == [".notes.k2j4h1x0"]
    assert not (project / "facts" / ".film.yaml.a1b2c3d4").exists()


def test_a_full_disk_while_committing_changes_nothing(project: Path, tmp_path: Path) -> None:
    """The journal is the last file written before the renames: a disk error there leaves the old project."""
    before = _snapshot(project)
    process = kg_process(project, "add", str(tmp_path / NEW_FILE), hook="after-staging:enospc")
    out, err = process.communicate()
    assert process.returncode == 2
    assert err == "error: cannot write .kg/journal.json: No space left on device; nothing was changed\n"
    assert "added" not in out
    assert _snapshot(project) == before
    assert leftovers(project) == []


def test_kg_site_killed_in_the_folder_swap_is_finished_by_the_next_writer(project: Path) -> None:
    first = kg_process(project, "site")
    assert first.communicate()[1] == "" and first.returncode == 0
    killed = kg_process(project, "site", hook="folder-swap")
    killed.communicate()
    assert killed.returncode == -signal.SIGKILL
    assert not (project / "output" / "site").exists()
    recover(project)
    assert (project / "output" / "site" / "index.html").is_file()
    assert leftovers(project) == []
