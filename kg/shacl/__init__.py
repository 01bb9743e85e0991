"""SHACL validation behind one interface: both engines read the same shapes and return the same
report model (kg.shacl.report), compared on (severity, focus node, path, value, shape).

- "pyshacl" (kg.shacl.pyshacl_engine): the reference implementation;
- "fast" (kg.shacl.compiled): the same shapes compiled into SPARQL queries run on Oxigraph.
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox

from kg.errors import InputError
from kg.inputs.ontology import Vocabulary
from kg.project import Project
from kg.shacl.report import ShaclReport, ShaclResult
from kg.shacl.shapes import load_shapes

ENGINES = ("pyshacl", "fast")


def validate(
    triples: Iterable[ox.Triple], vocabulary: Iterable[ox.Triple], project: Project, *, engine: str,
    shapes: Vocabulary | None = None,
) -> ShaclReport:
    """Every shape (kg's and the project's, unless `shapes` are given) over the triples plus the
    vocabulary layer, with the engine named."""
    if engine == "pyshacl":
        from kg.shacl.pyshacl_engine import validate as run
    elif engine == "fast":
        from kg.shacl.compiled import validate_fast as run
    else:
        raise InputError(f"unknown SHACL engine {engine!r} (use one of {', '.join(ENGINES)})")
    return run(list(triples), list(vocabulary), project, shapes or load_shapes(project))


__all__ = ["ENGINES", "ShaclReport", "ShaclResult", "validate"]
