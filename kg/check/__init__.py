"""Checking what would join the graph: facts files and RDF files, through one rule set, against
the graph they would join (kg.check.baseline), without changing anything."""

from __future__ import annotations

from pathlib import Path

from kg.check.outcome import Outcome
from kg.errors import InputError
from kg.project import Project
from kg.rules import Problem

FACT_SUFFIXES = (".yaml", ".yml")


def validate_files(paths: list[Path], project: Project, shacl: bool = True) -> Outcome:
    """Facts files (.yaml) and RDF files (.ttl, .trig, .jsonld, .nq, .nt), each checked as if it
    joined the graph; nothing is changed."""
    from kg.check.facts import validate_facts
    from kg.check.rdf import is_rdf_file, validate_rdf_files

    for path in paths:
        if not path.is_file():
            raise InputError(f"{path}: no such file")
        if path.suffix.lower() not in FACT_SUFFIXES and not is_rdf_file(path):
            raise InputError(f"{path}: kg validate reads facts (.yaml) and RDF (.ttl, .trig, .jsonld, .nq, .nt) files")
    rdf = [p for p in paths if is_rdf_file(p)]
    facts = [p for p in paths if not is_rdf_file(p)]
    from kg.inputs.ontology_check import check_ontology

    problems: list[Problem] = check_ontology(project)
    problems += validate_rdf_files(rdf, project, shacl) if rdf else []
    names = [str(p) for p in rdf]
    notes: list[str] = []
    if facts:
        outcome = validate_facts(facts, project, shacl)
        problems += outcome.problems
        names += outcome.files
        notes += outcome.notes
    return Outcome(tuple(sorted(names)), tuple(problems), tuple(notes))




__all__ = ["FACT_SUFFIXES", "Outcome", "validate_files"]
