"""What a draft needs of the graph: every entity's name forms and classes, and the claims about a
subject (for duplicates and contradictions). Read from facts/, or from the persistent store when it
holds the current build (name forms and classes by index lookups, a subject's statements when a
candidate asks, their facts file:line from kg.origins): the same answers either way, far faster at
scale than reading and checking every facts file."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

import pyoxigraph as ox

from kg.model import UNITS, Claim, Entity, EntityValue, LiteralValue, Name, QuantityValue
from kg.namespaces import RDF, SCHEMA, WIKIBASE
from kg.project import Project

_A = ox.NamedNode(RDF + "type")
_NAME, _ALTERNATE = ox.NamedNode(SCHEMA + "name"), ox.NamedNode(SCHEMA + "alternateName")
_SUBJECT, _PREDICATE, _OBJECT = (ox.NamedNode(RDF + p) for p in ("subject", "predicate", "object"))
_RANK = ox.NamedNode(WIKIBASE + "rank")
_VALUE, _UNIT_TEXT = ox.NamedNode(SCHEMA + "value"), ox.NamedNode(SCHEMA + "unitText")
_DEFAULT = ox.DefaultGraph()
RANKS = {WIKIBASE + "PreferredRank": "preferred", WIKIBASE + "NormalRank": "normal",
         WIKIBASE + "DeprecatedRank": "deprecated"}


class Known(Protocol):
    @property
    def entities(self) -> Mapping[str, Entity]:
        """Every entity, in facts order (file, then line)."""

    def claims_about(self, subject: str) -> list[Claim]:
        """The claims whose subject is entity `subject`, in facts order (file, then line)."""

    def claims_valued(self, value: str) -> list[Claim]:
        """The claims whose value is entity `value`, in facts order (file, then line)."""


@dataclass
class FromFacts:
    """The entities (their classes in IRI order, as the store, which keeps no order, gives them)
    and claims facts/ holds."""

    facts_entities: Mapping[str, Entity]
    claims: list[Claim]
    _by_subject: dict[str, list[Claim]] = field(default_factory=dict)
    _by_value: dict[str, list[Claim]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.entities: Mapping[str, Entity] = {
            key: e if list(e.types) == sorted(e.types) else dataclasses.replace(e, types=tuple(sorted(e.types)))
            for key, e in self.facts_entities.items()}

    def claims_about(self, subject: str) -> list[Claim]:
        if not self._by_subject and self.claims:
            for claim in self.claims:
                self._by_subject.setdefault(claim.subject, []).append(claim)
        return self._by_subject.get(subject, [])

    def claims_valued(self, value: str) -> list[Claim]:
        if not self._by_value and self.claims:
            for claim in self.claims:
                if isinstance(claim.value, EntityValue):
                    self._by_value.setdefault(claim.value.id, []).append(claim)
        return self._by_value.get(value, [])


def _location(where: str) -> tuple[str, int]:
    file, _, line = where.rpartition(":")
    return file, int(line) if line.isdigit() else 0


class FromStore:
    """The entities and claims of the graph a current store holds."""

    def __init__(self, project: Project, store: ox.Store) -> None:
        import sqlite3

        from kg.origins import ORIGINS_FILE

        self.store = store
        self.entity_prefix = project.base_iri + "id/"
        self._has_role = ox.NamedNode(project.kg + "objectHasRole")
        path = project.store_dir / ORIGINS_FILE
        self._origins = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        self.entities = self._entities()

    def _origin(self, iri: str) -> str | None:
        row = self._origins.execute("SELECT location FROM origin WHERE iri = ?", (iri,)).fetchone()
        return str(row[0]) if row else None

    def _entities(self) -> dict[str, Entity]:
        prefix = self.entity_prefix
        located = {str(iri): str(where) for iri, where in self._origins.execute(
            "SELECT iri, location FROM origin WHERE iri >= ? AND iri < ?", (prefix, prefix[:-1] + chr(ord(prefix[-1]) + 1)))}
        names: dict[str, list[Name]] = {}
        for predicate in (_NAME, _ALTERNATE):
            for quad in self.store.quads_for_pattern(None, predicate, None, _DEFAULT):
                iri = quad.subject.value if isinstance(quad.subject, ox.NamedNode) else ""
                if iri in located and isinstance(quad.object, ox.Literal):
                    names.setdefault(iri, []).append(Name(quad.object.value, quad.object.language or "",
                                                          predicate == _NAME, ()))
        entities: dict[str, Entity] = {}
        for iri in sorted(located, key=lambda i: (*_location(located[i]), i)):  # facts order: file, then line
            types = sorted(q.object.value for q in self.store.quads_for_pattern(ox.NamedNode(iri), _A, None, _DEFAULT)
                           if isinstance(q.object, ox.NamedNode))
            file, line = _location(located[iri])
            entity_id = iri.removeprefix(prefix)
            entities[entity_id] = Entity(entity_id, tuple(types), None,
                                         tuple(sorted(names.get(iri, []), key=lambda n: (not n.preferred, n.text))),
                                         file, line)
        return entities

    def _one(self, node: ox.NamedNode, predicate: ox.NamedNode) -> ox.NamedNode | ox.Literal | None:
        found = next(iter(self.store.quads_for_pattern(node, predicate, None, _DEFAULT)), None)
        obj = found.object if found is not None else None
        return obj if isinstance(obj, (ox.NamedNode, ox.Literal)) else None

    def _value(self, obj: ox.NamedNode | ox.Literal) -> EntityValue | LiteralValue | QuantityValue | None:
        if isinstance(obj, ox.Literal):
            return LiteralValue(obj.value, obj.datatype.value, obj.language)
        if obj.value.startswith(self.entity_prefix):
            return EntityValue(obj.value.removeprefix(self.entity_prefix))
        amount, unit = self._one(obj, _VALUE), self._one(obj, _UNIT_TEXT)
        units = {text: key for key, (_, text) in UNITS.items()}
        if isinstance(amount, ox.Literal) and isinstance(unit, ox.Literal) and unit.value in units:
            return QuantityValue(amount.value, units[unit.value])
        return None  # a role node or another value the facts format does not write as a claim's value

    def _claim(self, statement: ox.NamedNode | ox.BlankNode | ox.Triple) -> Claim | None:
        """The claim a statement node of the graph states, or None when it is none the facts format writes."""
        if not isinstance(statement, ox.NamedNode):
            return None
        where = self._origin(statement.value)
        subject, predicate, obj, rank = (self._one(statement, p) for p in (_SUBJECT, _PREDICATE, _OBJECT, _RANK))
        if where is None or not isinstance(subject, ox.NamedNode) or not isinstance(predicate, ox.NamedNode) \
                or obj is None or predicate in (_A, _NAME, _ALTERNATE):
            return None
        value = self._value(obj)
        if value is None:
            return None
        file, line = _location(where)
        role = self._one(statement, self._has_role)
        return Claim(subject.value.removeprefix(self.entity_prefix), predicate.value, value, (), file, line,
                     rank=RANKS.get(rank.value if rank is not None else "", "normal"),
                     role=role.value.removeprefix(self.entity_prefix) if isinstance(role, ox.NamedNode) else None)

    def _restates_a_role(self, claim: Claim) -> bool:
        """Whether the claim is one of the build's statements of a role qualifier (mission/M
        kg:crewMember role/R and role/R kg:crewMember X beside mission/M kg:crewMember X with role
        R), which facts/ does not write as claims."""
        def qualified_by(role: str) -> list[Claim]:
            return [c for quad in self.store.quads_for_pattern(None, self._has_role,
                                                               ox.NamedNode(self.entity_prefix + role), _DEFAULT)
                    if (c := self._claim(quad.subject)) is not None]

        where = (claim.property, claim.file, claim.line)
        if any((c.property, c.file, c.line) == where and c.value == claim.value for c in qualified_by(claim.subject)):
            return True
        return isinstance(claim.value, EntityValue) and any(
            (c.property, c.file, c.line) == where and c.subject == claim.subject for c in qualified_by(claim.value.id))

    def _claims(self, position: ox.NamedNode, entity: str) -> list[Claim]:
        claims = [claim for quad in self.store.quads_for_pattern(None, position, ox.NamedNode(self.entity_prefix + entity),
                                                                  _DEFAULT)
                  if (claim := self._claim(quad.subject)) is not None and not self._restates_a_role(claim)]
        return sorted(claims, key=lambda c: (c.file, c.line, c.property, str(c.value)))

    def claims_about(self, subject: str) -> list[Claim]:
        return self._claims(_SUBJECT, subject)

    def claims_valued(self, value: str) -> list[Claim]:
        return self._claims(_OBJECT, value)


def store_is_current(project: Project) -> bool:
    """Whether the persistent store holds the current build of what facts/ and ontology/ say now
    (a newly registered article does not matter: its text is read from sources/)."""
    from kg.origins import ORIGINS_FILE
    from kg.store import holds_published, newer_inputs

    if not (project.store_dir / ORIGINS_FILE).exists() or not holds_published(project):
        return False
    return all(p.is_relative_to(project.sources_dir) for p in newer_inputs(project))
