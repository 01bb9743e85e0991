"""SHACL validation behind one interface: every engine reads the same shapes and returns the same
report model (kg.shacl.report); the two are compared on (severity, focus node, path, value, shape).

- "pyshacl" (kg.shacl.pyshacl_engine): the reference implementation, the cross-check;
- "fast" (kg.shacl.compiled): the same shapes compiled into SPARQL queries run on Oxigraph, what `auto` picks.

Neither engine imports pyshacl or rdflib until it runs.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Protocol

from kg.errors import InputError

if TYPE_CHECKING:
    import pyoxigraph as ox

    from kg.inputs.ontology import Vocabulary
    from kg.project import Project
    from kg.shacl.report import ShaclReport, ShaclResult


class Engine(Protocol):
    """A SHACL engine: every shape of `shapes` over the triples plus the vocabulary layer, as one report."""

    def __call__(
        self, triples: Iterable[ox.Triple], vocabulary: Iterable[ox.Triple], project: Project, shapes: Vocabulary
    ) -> ShaclReport: ...


def _pyshacl(triples: Iterable[ox.Triple], vocabulary: Iterable[ox.Triple], project: Project,
             shapes: Vocabulary) -> ShaclReport:
    from kg.shacl.pyshacl_engine import validate as run

    return run(triples, vocabulary, project, shapes)


def _compiled(triples: Iterable[ox.Triple], vocabulary: Iterable[ox.Triple], project: Project,
              shapes: Vocabulary) -> ShaclReport:
    from kg.shacl.compiled import validate_fast as run

    return run(triples, vocabulary, project, shapes)


# Each engine is imported when it first runs: `kg --help` and `kg validate --no-shacl` need neither.
ENGINES: dict[str, Engine] = {"pyshacl": _pyshacl, "fast": _compiled}
CHOICES = ("auto", *ENGINES)


def choose_engine(choice: str) -> str:
    """The engine a choice names; `auto` is the compiled engine at every size (6–485x faster than
    pyshacl on the bench's corpora, with the same results: tests/test_shacl_sparql.py runs both).

    >>> choose_engine("auto"), choose_engine("pyshacl")
    ('fast', 'pyshacl')
    """
    return "fast" if choice == "auto" else choice


def validate(
    triples: Iterable[ox.Triple], vocabulary: Iterable[ox.Triple], project: Project, *, engine: str,
    shapes: Vocabulary | None = None,
) -> ShaclReport:
    """Every shape (kg's and the project's, unless `shapes` are given) over the triples plus the
    vocabulary layer, with the engine named."""
    from kg.shacl.shapes import load_shapes

    run = ENGINES.get(engine)
    if run is None:
        raise InputError(f"unknown SHACL engine {engine!r} (use one of {', '.join(ENGINES)})")
    return run(list(triples), list(vocabulary), project, shapes or load_shapes(project))


def __getattr__(name: str) -> Any:
    """The report model, re-exported without importing it (and pyoxigraph) with the package."""
    if name in ("ShaclReport", "ShaclResult"):
        from kg.shacl import report

        return getattr(report, name)
    raise AttributeError(name)


__all__ = ["CHOICES", "ENGINES", "Engine", "ShaclReport", "ShaclResult", "choose_engine", "validate"]
