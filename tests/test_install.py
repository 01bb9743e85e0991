"""kg from a plain (non-editable) pip install into a fresh virtual environment, used outside this
repository: `kg init`, `kg build` of the empty project, `kg source add`, `kg add`, and every
published file parses and holds the claim. Slow (a venv and a pip install from the package
registry, about a minute): `pytest -m "not slow"` leaves it out locally; `make test` runs it."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg import __version__
from tests.conftest import REPOSITORY

# Left out of the copy pip installs: at the top, what is no part of the package (the suite, the
# benchmark, the live project's output) and what builds leave; anywhere, caches and egg-info (a
# stale SOURCES.txt could ship files the package data does not declare).
NOT_SOURCES_AT_TOP = {".git", ".venv", "build", "dist", "output", "tests", "bench"}
NOT_SOURCES = {"__pycache__", ".hypothesis", ".pytest_cache", ".mypy_cache", ".ruff_cache"}
ARTICLE = "Capsule lands in Kazakhstan\n\nThe Soyuz MS-18 capsule landed on 17 October 2021 in Kazakhstan " \
          "with cosmonaut Oleg Novitsky aboard.\n"
FACTS = """entities:
  - id: person/oleg-novitsky
    type: schema:Person
    names:
      - text: Oleg Novitsky
        preferred: true
        refs:
          - {source: article, quote: "cosmonaut Oleg Novitsky"}
claims:
  - subject: person/oleg-novitsky
    property: schema:jobTitle
    value: {text: "cosmonaut", lang: en}
    refs:
      - {source: article, quote: "cosmonaut Oleg Novitsky aboard"}
"""
BASE = "https://example.org/proj/"  # kg init's default base IRI for a folder named proj
CLAIM = ox.Triple(ox.NamedNode(BASE + "id/person/oleg-novitsky"), ox.NamedNode("https://schema.org/jobTitle"),
                  ox.Literal("cosmonaut", language="en"))
GRAPH_FORMATS = {"proj.ttl": ox.RdfFormat.TURTLE, "proj.jsonld": ox.RdfFormat.JSON_LD,
                 "proj.trig": ox.RdfFormat.TRIG, "proj.nq": ox.RdfFormat.N_QUADS}


def not_sources(folder: str, names: list[str]) -> set[str]:
    top = Path(folder) == REPOSITORY
    return {name for name in names
            if name in NOT_SOURCES or name.endswith(".egg-info") or (top and name in NOT_SOURCES_AT_TOP)}


def run(command: list[str | Path], cwd: Path, timeout: float = 120) -> str:
    """Run a command with an environment that names no kg project, store or Python path; return
    its standard output, failing the test on a non-zero exit with both streams."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("KG_", "PYTHON", "VIRTUAL_ENV")) and k != "SOURCE_DATE_EPOCH"}
    done = subprocess.run([str(c) for c in command], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=timeout)
    assert done.returncode == 0, f"{command} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def triples_of(path: Path, fmt: ox.RdfFormat) -> set[ox.Triple]:
    return {quad.triple for quad in ox.parse(path=str(path), format=fmt)}


@pytest.mark.slow
def test_a_plain_pip_install_builds_a_new_project_outside_the_repository(tmp_path: Path) -> None:
    # pip builds a local folder in place (it would leave build/ in the repository): install a copy
    # of its sources instead, made the way an sdist is, from the files a build would read.
    sources = shutil.copytree(REPOSITORY, tmp_path / "kg-sources", ignore=not_sources)
    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", venv], cwd=tmp_path)
    run([venv / "bin" / "pip", "install", "--quiet", sources], cwd=tmp_path, timeout=900)
    work = tmp_path / "work"
    work.mkdir()
    assert not work.resolve().is_relative_to(REPOSITORY)
    installed = Path(run([venv / "bin" / "python", "-c", "import kg; print(kg.__file__)"], cwd=work).strip())
    assert installed.is_relative_to(venv), f"kg was imported from {installed}, not from the fresh install"
    kg = venv / "bin" / "kg"
    assert run([kg, "--version"], cwd=work) == f"kg, version {__version__}\n"

    created = run([kg, "init", "proj"], cwd=work)
    assert created.startswith(f"created project proj in {work / 'proj'}: ")
    project = work / "proj"
    empty = run([kg, "build"], cwd=project)
    assert empty.startswith("kg build: 0 sources, 0 entities, 0 claims, 0 statements, 0 triples, 0 conflicts, "
                            "SHACL conforms (0 warnings), ")
    assert triples_of(project / "output" / "proj.ttl", ox.RdfFormat.TURTLE) == set()

    (work / "article.txt").write_text(ARTICLE, encoding="utf-8")
    digest = hashlib.sha256(ARTICLE.encode("utf-8")).hexdigest()
    registered = run([kg, "source", "add", "../article.txt", "--date", "2021-10-17"], cwd=project)
    assert registered.startswith(f"registered article: sources/article.txt sha256 {digest} ")
    (work / "novitsky.yaml").write_text(FACTS, encoding="utf-8")
    added = run([kg, "add", "../novitsky.yaml"], cwd=project).splitlines()
    assert added[0] == "added facts/novitsky.yaml"
    assert added[-1].startswith("kg build: 1 sources, 1 entities, 1 claims, ")

    output = project / "output"
    for name, fmt in GRAPH_FORMATS.items():
        assert CLAIM in triples_of(output / name, fmt), name
    graph = triples_of(output / "proj.ttl", ox.RdfFormat.TURTLE)
    void = triples_of(output / "void.ttl", ox.RdfFormat.TURTLE)
    assert ox.Literal(str(len(graph)), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")) in {
        t.object for t in void if t.predicate.value == "http://rdfs.org/ns/void#triples"}
    ontology = triples_of(output / "ontology.ttl", ox.RdfFormat.TURTLE)
    # the template names schema.org's property by its label and never redefines it (no type, no range)
    assert ox.Triple(CLAIM.predicate, ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"),
                     ox.Literal("job title", language="en")) in ontology
    assert [t for t in ontology if t.subject == CLAIM.predicate and t.predicate.value.endswith(("#type", "#range"))] == []

    names = run([kg, "query", "--example", "names", "--format", "csv"], cwd=project)
    assert "Oleg Novitsky" in names and "cosmonaut Oleg Novitsky" in names
