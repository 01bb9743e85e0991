"""One writer at a time (issue 10, rows 2 and 3): real concurrent `kg` processes. The first
stops itself while it holds the lock (KG_TEST_HOOK=locked:stop), so the second provably starts
while the first writes; no timing is involved."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.inputs.sources import load_sources
from kg.project import open_project
from kg.store import holds_published, manifest
from tests.helpers import NEW_CLAIM, kg_process, scratch_project, stopped_or_ended

PRODUCER = """claims:
  - subject: film/vyzov
    property: schema:producer
    value: org/roscosmos
    refs:
      - {source: 004_ba6c03b084f54831, quote: "The film is directed by Russian filmmaker"}
"""
SINCE = r"since \d\d:\d\d:\d\d"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = scratch_project(tmp_path / "project")
    assert CliRunner().invoke(main, ["--project", str(root), "build", "-q"]).exit_code == 0
    return root


def _ttl_triples(root: Path) -> set[tuple[str, str, str]]:
    import rdflib

    graph = rdflib.Graph().parse(root / "output" / "vyzov.ttl", format="turtle")
    return {(str(s), str(p), str(o)) for s, p, o in graph}


def _second_writer_waits(project: Path, first_args: list[str], second_args: list[str]
                         ) -> tuple[subprocess.Popen[str], subprocess.Popen[str], str]:
    """Start a writer that stops itself holding the lock, then a second one; read the second's
    waiting line, then let the first go on. Returns both processes and that line."""
    first = kg_process(project, *first_args, hook="locked:stop")
    stopped_or_ended(first)
    second = kg_process(project, *second_args)
    waiting = second.stderr.readline()  # type: ignore[union-attr]
    os.kill(first.pid, signal.SIGCONT)
    return first, second, waiting


def _new_files(tmp_path: Path) -> tuple[Path, Path]:
    first, second = tmp_path / "shipenko.yaml", tmp_path / "producer.yaml"
    first.write_text(NEW_CLAIM, encoding="utf-8")
    second.write_text(PRODUCER, encoding="utf-8")
    return first, second


def test_a_second_kg_add_waits_and_both_are_kept(project: Path, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KG_STORE")  # the processes keep output/store
    assert kg_process(project, "load", "-q").wait() == 0
    first_file, second_file = _new_files(tmp_path)
    first, second, waiting = _second_writer_waits(project, ["add", str(first_file)], ["add", str(second_file)])
    first_out, first_err = first.communicate()
    second_out, second_err = second.communicate()

    assert re.fullmatch(rf"waiting for kg add \(pid {first.pid}, {SINCE}\) to finish…\n", waiting), waiting
    assert (first.returncode, second.returncode) == (0, 0), first_err + second_err
    assert first_out.splitlines()[0] == "added facts/shipenko.yaml"
    assert second_out.splitlines()[0] == "added facts/producer.yaml"
    triples = _ttl_triples(project)
    assert ("https://example.org/vyzov/id/person/klim-shipenko", "https://schema.org/description",
            "Had a challenging flight in a small capsule.") in triples
    assert ("https://example.org/vyzov/id/film/vyzov", "https://schema.org/producer",
            "https://example.org/vyzov/id/org/roscosmos") in triples
    # the store was current before both adds and holds what output/ holds after them
    project_ = open_project(project)
    assert holds_published(project_)
    recorded = manifest(project_.store_dir)
    assert recorded is not None and recorded["triples"] >= len(triples)


def test_with_no_wait_a_second_kg_add_exits_2_and_writes_nothing(project: Path, tmp_path: Path) -> None:
    first_file, second_file = _new_files(tmp_path)
    first = kg_process(project, "add", str(first_file), hook="locked:stop")
    stopped_or_ended(first)
    second = kg_process(project, "add", "--no-wait", str(second_file))
    second_out, second_err = second.communicate()
    os.kill(first.pid, signal.SIGCONT)
    first.communicate()

    assert second.returncode == 2
    assert second_out == ""
    assert re.fullmatch(rf"error: the project is locked by kg add \(pid {first.pid}, {SINCE}\); "
                        r"try again when it ends, or drop --no-wait\n", second_err), second_err
    assert first.returncode == 0
    assert sorted(p.name for p in (project / "facts").iterdir()) == [
        "entities.yaml", "film.yaml", "mission.yaml", "organisations.yaml", "people.yaml", "shipenko.yaml"]
    assert ("https://example.org/vyzov/id/film/vyzov", "https://schema.org/producer",
            "https://example.org/vyzov/id/org/roscosmos") not in _ttl_triples(project)


def _articles(tmp_path: Path) -> tuple[Path, Path]:
    first, second = tmp_path / "first.txt", tmp_path / "second.txt"
    first.write_text("The first article says one thing.\n", encoding="utf-8")
    second.write_text("The second article says another.\n", encoding="utf-8")
    return first, second


def test_two_concurrent_source_adds_are_both_registered(project: Path, tmp_path: Path) -> None:
    first_file, second_file = _articles(tmp_path)
    first, second, waiting = _second_writer_waits(project, ["source", "add", str(first_file), "--key", "first"],
                                                  ["source", "add", str(second_file), "--key", "second"])
    first_out, first_err = first.communicate()
    second_out, second_err = second.communicate()

    assert re.fullmatch(rf"waiting for kg source add \(pid {first.pid}, {SINCE}\) to finish…\n", waiting), waiting
    assert (first.returncode, second.returncode) == (0, 0), first_err + second_err
    assert first_out.startswith("registered first: sources/first.txt ")
    assert second_out.startswith("registered second: sources/second.txt ")
    sources = load_sources(project / "sources")
    assert sources["first"].text == "The first article says one thing.\n"
    assert sources["second"].text == "The second article says another.\n"
    assert CliRunner().invoke(main, ["--project", str(project), "build", "-q"]).exit_code == 0


def test_with_no_wait_a_second_source_add_exits_2_and_writes_nothing(project: Path, tmp_path: Path) -> None:
    first_file, second_file = _articles(tmp_path)
    registry_before = (project / "sources" / "sources.yaml").read_text(encoding="utf-8")
    first = kg_process(project, "source", "add", str(first_file), "--key", "first", hook="locked:stop")
    stopped_or_ended(first)
    second = kg_process(project, "source", "add", "--no-wait", str(second_file), "--key", "second")
    _, second_err = second.communicate()
    os.kill(first.pid, signal.SIGCONT)
    first.communicate()

    assert second.returncode == 2
    assert re.fullmatch(rf"error: the project is locked by kg source add \(pid {first.pid}, {SINCE}\); "
                        r"try again when it ends, or drop --no-wait\n", second_err), second_err
    assert not (project / "sources" / "second.txt").exists()
    registry = (project / "sources" / "sources.yaml").read_text(encoding="utf-8")
    assert registry.startswith(registry_before.rstrip("\n")) and '"second"' not in registry
    assert set(load_sources(project / "sources")) >= {"first"}


def test_a_killed_holder_never_blocks_the_next_writer(project: Path) -> None:
    holder = kg_process(project, "build", "-q", hook="locked")
    assert holder.wait() == -signal.SIGKILL
    assert json.loads((project / ".kg" / "lock").read_text(encoding="utf-8"))["pid"] == holder.pid
    after = kg_process(project, "build", "-q", "--no-wait")
    assert after.communicate() == ("", "") and after.returncode == 0


@pytest.mark.parametrize("command", [["build"], ["load"], ["add", "x.yaml"], ["source", "add", "x.txt"], ["site"]])
def test_every_writing_command_has_no_wait(command: list[str]) -> None:
    result = CliRunner().invoke(main, [*command, "--help"])
    assert result.exit_code == 0 and "--no-wait" in result.output


def test_the_lock_is_held_per_thread_and_reentrant_within_one(project: Path) -> None:
    """A library user's second thread is a second writer; a call inside a held lock is not."""
    import threading

    from kg.errors import ProjectLocked
    from kg.lock import writing

    opened = open_project(project)
    refused: list[str] = []

    def other_writer() -> None:
        try:
            with writing(opened, "kg build", wait=False):
                pass
        except ProjectLocked as exc:
            refused.append(str(exc))

    with writing(opened, "kg add"):
        with writing(opened, "kg load", wait=False):  # kg add reloading the store: no deadlock
            thread = threading.Thread(target=other_writer)
            thread.start()
            thread.join()
    assert len(refused) == 1
    assert re.fullmatch(rf"the project is locked by kg add \(pid {os.getpid()}, {SINCE}\); "
                        r"try again when it ends, or drop --no-wait", refused[0])
