"""SHACL validation behind one interface: every engine reads the same shapes and returns the same
report model (kg.shacl.report); the two are compared on (severity, focus node, path, value, shape).

- "pyshacl" (kg.shacl.pyshacl_engine): the reference implementation;
- "fast" (kg.shacl.compiled): the same shapes compiled into SPARQL queries run on Oxigraph.

Neither engine imports pyshacl or rdflib until it runs.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

import pyoxigraph as ox

from kg.errors import InputError
from kg.inputs.ontology import Vocabulary
from kg.project import Project
from kg.shacl import compiled, pyshacl_engine
from kg.shacl.report import ShaclReport, ShaclResult
from kg.shacl.shapes import load_shapes


class Engine(Protocol):
    """A SHACL engine: every shape of `shapes` over the triples plus the vocabulary layer, as one report."""

    def __call__(
        self, triples: Iterable[ox.Triple], vocabulary: Iterable[ox.Triple], project: Project, shapes: Vocabulary
    ) -> ShaclReport: ...


ENGINES: dict[str, Engine] = {"pyshacl": pyshacl_engine.validate, "fast": compiled.validate_fast}


def validate(
    triples: Iterable[ox.Triple], vocabulary: Iterable[ox.Triple], project: Project, *, engine: str,
    shapes: Vocabulary | None = None,
) -> ShaclReport:
    """Every shape (kg's and the project's, unless `shapes` are given) over the triples plus the
    vocabulary layer, with the engine named."""
    run = ENGINES.get(engine)
    if run is None:
        raise InputError(f"unknown SHACL engine {engine!r} (use one of {', '.join(ENGINES)})")
    return run(list(triples), list(vocabulary), project, shapes or load_shapes(project))


__all__ = ["ENGINES", "Engine", "ShaclReport", "ShaclResult", "validate"]
