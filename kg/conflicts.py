"""Where sources disagree: a functional property with more than one asserted value."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from kg.inputs.ontology import Ontology
from kg.mapping import Statement


@dataclass(frozen=True)
class Conflict:
    subject: str
    property: str
    statements: tuple[Statement, ...]

    @property
    def values(self) -> list[str]:
        """The distinct values the sources give, in order."""
        return list(dict.fromkeys(st.object.value for st in self.statements))


def find_conflicts(statements: list[Statement], ontology: Ontology) -> list[Conflict]:
    """Every (subject, functional property) with two or more asserted values, sorted."""
    functional = {iri for iri, info in ontology.properties.items() if info.functional}
    groups: dict[tuple[str, str], list[Statement]] = defaultdict(list)
    for st in statements:
        if st.asserted and st.predicate.value in functional:
            groups[(st.subject.value, st.predicate.value)].append(st)
    return [
        Conflict(subject, prop, tuple(sorted(group, key=lambda st: (str(st.object), st.iri.value))))
        for (subject, prop), group in sorted(groups.items())
        if len({st.object for st in group}) > 1
    ]
