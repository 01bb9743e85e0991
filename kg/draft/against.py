"""A candidate claim against the graph: a repeat of a known claim (its quote is a new reference)
or, on a single-valued property, a contradiction of one."""

from __future__ import annotations

import dataclasses

from kg.check.facts import value_text
from kg.draft.candidates import ClaimCandidate
from kg.inputs.ontology import Ontology
from kg.model import Claim


def compare(candidate: ClaimCandidate, known: list[Claim], ontology: Ontology) -> ClaimCandidate:
    prop = ontology.expand(candidate.property)
    same = [c for c in known if c.subject == candidate.subject and c.property == prop and c.rank != "deprecated"]
    for claim in same:
        if value_text(claim) == candidate.value_text() and candidate.role in (None, claim.role):
            return dataclasses.replace(candidate, duplicates=f"{claim.file}:{claim.line}")
    if prop in ontology.functional and same:
        first = min(same, key=lambda c: (c.file, c.line))
        return dataclasses.replace(candidate, contradicts=f"{first.file}:{first.line}")
    return candidate
