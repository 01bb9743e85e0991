"""Test helpers: throwaway copies of the frozen seed project, projects built for one test, and
the real server and system tools the slow tests need."""

from __future__ import annotations

import functools
import shutil
import subprocess
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from tests.conftest import SEED

if TYPE_CHECKING:
    from kg.draft.kinds import Kinds
    from kg.inputs.ontology import Ontology
    from kg.model import Entity

# What a project is made of; output/ (with its store and site) is what `kg build` makes of it.
INPUTS = ("kg.toml", "sources", "facts", "ontology", "shapes", "queries", "reference")


# A new claim the frozen seed accepts: a description of its director, quoted from one article.
NEW_CLAIM = """claims:
  - subject: person/klim-shipenko
    property: schema:description
    value: {text: "Had a challenging flight in a small capsule.", lang: en}
    refs:
      - {source: 001_b25d8b9e867eeac6, quote: "Director Klim Shipenko had a challenging flight in a small capsule"}
"""


# The seed's mission as an entity of a facts file.
MISSION_ENTITY = """\
  - id: mission/soyuz-ms-19
    type: [kg:SpaceMission, kg:CrewedSpaceMission]
    wikidata: Q86675323
    names:
      - text: Soyuz MS-19
        preferred: true
        refs:
          - {source: 004_ba6c03b084f54831, quote: "a Soyuz MS-19 spacecraft"}
"""
# The two planned return dates the seed's articles give (16 and 17 October): a conflict, as claims.
PLANNED_RETURN_CLAIMS = """\
  - subject: mission/soyuz-ms-19
    property: kg:plannedReturnDate
    value: 2021-10-16
    refs:
      - {source: 001_b25d8b9e867eeac6, quote: "they are set to return to Earth on October 16"}
  - subject: mission/soyuz-ms-19
    property: kg:plannedReturnDate
    value: 2021-10-17
    refs:
      - {source: 002_61f4a650ca5522b8, quote: "before returning to Earth on October 17th"}
"""


def copy_inputs(project: Path, dest: Path, *, skip: tuple[str, ...] = ()) -> Path:
    """A copy of the project's inputs (INPUTS, those it has, less `skip`) in dest; no output/."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in INPUTS:
        if name in skip or not (project / name).exists():
            continue
        if (project / name).is_dir():
            shutil.copytree(project / name, dest / name)
        else:
            shutil.copy(project / name, dest / name)
    return dest


def scratch_project(tmp_path: Path, facts_yaml: str | None = None) -> Path:
    """A copy of the frozen seed project's inputs under tmp_path; facts/ holds only `facts_yaml` if given."""
    copy_inputs(SEED, tmp_path, skip=() if facts_yaml is None else ("facts",))
    if facts_yaml is not None:
        (tmp_path / "facts").mkdir()
        (tmp_path / "facts" / "claims.yaml").write_text(facts_yaml, encoding="utf-8")
    return tmp_path


def require_tool(found: bool, what: str) -> None:
    """Skip a test when a system tool is missing, except under CI=true, where it fails."""
    import os

    import pytest

    if not found:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{what} is missing (CI=true: .ci/run installs it)")
        pytest.skip(f"{what} is missing")


@contextmanager
def running_server(project: Path, site: Path, *options: str) -> Iterator[str]:
    """Start `kg --project PROJECT serve --port 0 --quiet` as a process, wait until it answers,
    yield its URL, and stop it by its pid. Its stderr goes to a file (a pipe nobody reads would
    block it once full); if it exited on its own before the stop, the stop says how, with that
    stderr, so a test that found it gone is explained."""
    import select
    import subprocess
    import sys
    import tempfile
    import time

    import requests

    command = [sys.executable, "-c", "from kg.cli import main; main()", "--project", str(project),
               "serve", "--port", "0", "--quiet", "--site", str(site), *options]
    with tempfile.TemporaryFile() as stderr:
        process = subprocess.Popen(command, cwd=project, stdout=subprocess.PIPE, stderr=stderr, text=True)

        def said() -> str:
            stderr.seek(0)
            return stderr.read().decode("utf-8", "replace")[-4000:]

        try:
            ready, _, _ = select.select([process.stdout], [], [], 60)
            line = process.stdout.readline() if ready else ""  # type: ignore[union-attr]
            if not line.startswith("serving "):
                process.kill()
                process.wait(10)
                raise RuntimeError(f"kg serve did not start: {line!r} {said()!r}")
            url = line.split()[1]
            deadline = time.monotonic() + 30
            while True:
                try:
                    requests.get(url, timeout=5)
                    break
                except requests.ConnectionError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.1)
            yield url
            if process.poll() is not None:
                raise RuntimeError(f"kg serve (pid {process.pid}) exited on its own with status "
                                   f"{process.returncode} while in use; its stderr: {said()!r}")
        finally:
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(10)


def kg_process(project: Path, *args: str, hook: str | None = None, **popen: object) -> subprocess.Popen[str]:
    """`kg --project PROJECT ARGS…` as a real process (output/store as its store, not the
    suite's $KG_STORE), with kg.files.fault_point's KG_TEST_HOOK set to `hook` if given."""
    import os
    import sys

    env = {name: value for name, value in os.environ.items() if name not in ("KG_STORE", "KG_TEST_HOOK")}
    if hook:
        env["KG_TEST_HOOK"] = hook
    command = [sys.executable, "-c", "from kg.cli import main; main()", "--project", str(project), *args]
    return subprocess.Popen(command, cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, **popen)  # type: ignore[call-overload]


def stopped_or_ended(process: subprocess.Popen[str]) -> None:
    """Wait until `process` stops itself (a ':stop' hook) or ends; it stays waitable."""
    import os

    os.waitid(os.P_PID, process.pid, os.WSTOPPED | os.WEXITED | os.WNOWAIT)


def raw_request(url: str, method: str, path: str, headers: dict[str, str] | None = None,
                body: bytes | None = None) -> tuple[int, dict[str, str], bytes]:
    """A request with the path sent exactly as given (no client-side normalisation)."""
    import http.client
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        conn.putrequest(method, path, skip_accept_encoding=True)
        for name, value in (headers or {}).items():
            conn.putheader(name, value)
        if body is not None and "Content-Length" not in (headers or {}):
            conn.putheader("Content-Length", str(len(body)))
        conn.endheaders(body)
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


# Debian's Jena (libapache-jena-java) and the jars it depends on; its relocated Xerces looks for its
# messages under xerces/ while the jar keeps them under org/apache/jena/ext/xerces/ (without them
# Jena 4.5.0 stops at start-up with "internal error"), so jena_shacl copies them there.
JENA_PACKAGES = (
    "libapache-jena-java libcommons-cli-java libcommons-codec-java libcommons-compress-java libcommons-csv-java "
    "libcommons-io-java libcommons-lang3-java libdexx-java libgoogle-gson-java libguava-java libhttpclient-java "
    "libhttpcore-java libjackson2-core-java libjackson2-databind-java libjackson2-annotations-java libjsonld-java "
    "libjsonp2-java libprotobuf-java libthrift-java libtitanium-json-ld-java libcommons-logging-java"
).split()
JENA_SHACL = Path("/usr/share/java/jena-shacl.jar")


def jena_classpath(work: Path) -> str:
    """The classpath for Debian's Jena command classes (shacl.shacl, tdb2.tdbloader, …), with the
    Xerces messages copied where the relocated Xerces looks for them."""
    import zipfile

    jars = []
    for package in JENA_PACKAGES:
        listed = subprocess.run(["dpkg", "-L", package], capture_output=True, text=True).stdout.split()
        jars += [f for f in listed if f.endswith(".jar") and not Path(f).is_symlink()]
    jars += ["/usr/share/java/slf4j-api.jar", "/usr/share/java/slf4j-nop.jar"]
    messages = work / "jena-messages"
    with zipfile.ZipFile("/usr/share/java/jena-core.jar") as jar:
        for name in jar.namelist():
            if name.startswith("org/apache/jena/ext/xerces/") and name.endswith(".properties"):
                target = messages / name.removeprefix("org/apache/jena/ext/")
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(jar.read(name))
    return ":".join([str(messages), *jars])


def jena_shacl(shapes: Path, data: list[Path], work: Path) -> str:
    """Jena's `shacl validate` (Debian's libapache-jena-java) over the data files merged: its report as Turtle."""
    import pyoxigraph as ox

    classpath = jena_classpath(work)
    merged = work / "data.nt"
    with merged.open("wb") as out:
        for path in data:
            ox.serialize(ox.parse(path=str(path)), out, ox.RdfFormat.N_TRIPLES)
    run = subprocess.run(
        ["java", "-cp", classpath, "shacl.shacl", "validate",
         "--shapes", str(shapes), "--data", str(merged)],
        capture_output=True, text=True, timeout=600,
    )
    assert run.stdout.strip(), run.stderr[-3000:]
    return run.stdout


ONTOLOGY_FIXTURES = Path(__file__).parent / "fixtures" / "ontology"
P620_ROW = "prop\ttime of spacecraft landing\tP620\ttime\tverified\t\n"


def project_with_ontology(tmp_path: Path, fixture: str, *, p620: bool = True) -> Path:
    """A new project (kg init) whose ontology/ holds the template's file and one of
    tests/fixtures/ontology as landing.ttl; its reference table lists P620 unless told not to."""
    import shutil

    from click.testing import CliRunner

    from kg.cli import main

    result = CliRunner().invoke(main, ["init", str(tmp_path / "p")])
    assert result.exit_code == 0, result.output
    root = tmp_path / "p"
    shutil.copy(ONTOLOGY_FIXTURES / fixture, root / "ontology" / "landing.ttl")
    if p620:
        with (root / "reference" / "wikidata-ids.tsv").open("a", encoding="utf-8") as table:
            table.write(P620_ROW)
    return root


@functools.cache
def repository_ontology() -> Ontology:
    """The ontology of this repository's project (ontology/kg.ttl and the vocabularies)."""
    from kg.inputs.ontology import load_ontology
    from kg.project import open_project

    return load_ontology(open_project(Path(__file__).resolve().parent.parent))


def draft_kinds(known: Mapping[str, Entity], ontology: Ontology | None = None) -> Kinds:
    """kg.draft.kinds.Kinds of these known entities, against `ontology` (else the repository's)."""
    from kg.draft.kinds import Kinds

    return Kinds(known, ontology if ontology is not None else repository_ontology())


def kinds_of(classes: Mapping[str, str]) -> Kinds:
    """Kinds of entities given as id -> class CURIE (for tests that write their mentions by hand)."""
    from kg.model import Entity

    ontology = repository_ontology()
    return draft_kinds({e: Entity(e, (ontology.expand(c),), None, (), "entities.yaml", 1) for e, c in classes.items()})
