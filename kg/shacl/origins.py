"""Where a SHACL result comes from in the facts: the file:line of the claim behind its focus node
and path (kg.mapping.Statement.origin), or, for a value that is missing, of the entity's definition."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox

from kg.mapping import Minter, Statement
from kg.model import Facts
from kg.project import Project
from kg.shacl.report import ShaclResult


@dataclass(frozen=True)
class Origins:
    """file:line by triple (subject, predicate, value), by (subject, predicate) and by node."""

    triples: dict[tuple[str, str, str], str] = field(default_factory=dict)
    subjects: dict[tuple[str, str], str] = field(default_factory=dict)
    nodes: dict[str, str] = field(default_factory=dict)

    def of(self, result: ShaclResult) -> str | None:
        """The claim that made the offending triple, else one with the same subject and property,
        else the focus node's definition (an entity; a statement or reference: its claim)."""
        if result.path is not None:
            if result.value is not None and (found := self.triples.get((result.focus, result.path, result.value))):
                return found
            if found := self.subjects.get((result.focus, result.path)):
                return found
        return self.nodes.get(result.focus)

    def located(self, result: ShaclResult) -> str:
        """The result as text, after its file:line when it has one."""
        where = self.of(result)
        return f"{where}: {result}" if where else str(result)


def origins_of(facts: Facts, statements: Iterable[Statement], project: Project) -> Origins:
    """The origins of a mapped graph: its facts' entities and the statements mapped from its claims."""
    mint = Minter(project)
    origins = Origins()
    for entity in facts.entities.values():
        origins.nodes[mint.entity(entity.id).value] = f"{entity.file}:{entity.line}"
    for st in statements:
        where = st.origin or origins.nodes.get(st.subject.value)
        if not where:
            continue
        origins.triples.setdefault((st.subject.value, st.predicate.value, st.object.value), where)
        origins.subjects.setdefault((st.subject.value, st.predicate.value), where)
        origins.nodes.setdefault(st.iri.value, where)
        for reference in st.refs:
            origins.nodes.setdefault(reference.value, where)
        if isinstance(st.object, ox.NamedNode):  # a quantity node, or an entity defined elsewhere
            origins.nodes.setdefault(st.object.value, where)
    return origins
