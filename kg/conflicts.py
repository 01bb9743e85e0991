"""Where sources disagree: a property the ontology declares kg:SingleValuedProperty (one value
expected) with more than one asserted value for the same subject. The rule lives here once; the build reads its
evidence from the mapped statements, every other command from a store of the published graph.
Deprecated claims do not count: a curator has already judged them.

A property whose values are plans (the ontology's kg:plannedValueOf names the property of the
actual value: kg:plannedDate -> schema:startDate) conflicts only with itself: what happened is a
different fact. Such a conflict carries the actual values, if stated, to say so beside it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass

import pyoxigraph as ox

from kg.mapping import Statement
from kg.namespaces import OA, OWL, PROV, RDF, SCHEMA, WIKIBASE, XSD
from kg.query import solutions

Term = ox.NamedNode | ox.Literal


@dataclass(frozen=True)
class Evidence:
    """One asserted statement of a value, with its quotes as (source key, exact words)."""

    subject: str
    predicate: str
    value: Term
    statement: str
    quotes: tuple[tuple[str, str], ...] = ()


_DATES = (XSD + "date", XSD + "dateTime")


@dataclass(frozen=True)
class Conflict:
    subject: str
    predicate: str
    evidence: tuple[Evidence, ...]
    # When the conflicting values are plans: the property of the actual value and its asserted
    # values (a different fact, never part of the conflict).
    actual_property: str | None = None
    actual: tuple[Evidence, ...] = ()

    @property
    def values(self) -> list[str]:
        """The distinct values the sources give, in order."""
        return list(dict.fromkeys(e.value.value for e in self.evidence))

    def note(self, compact: Callable[[str], str]) -> str | None:
        """What the conflict is not about, for a conflict between planned values; else None.

        >>> Conflict("e", "kg:plannedDate", (), "schema:startDate").note(str)  # doctest: +NORMALIZE_WHITESPACE
        'the values are planned (kg:plannedDate); an actual schema:startDate is a different fact,
         not part of this conflict'
        """
        if self.actual_property is None:
            return None
        dates = all(isinstance(e.value, ox.Literal) and e.value.datatype.value in _DATES for e in self.evidence)
        kind = "planned dates" if dates and self.evidence else "planned"
        actual = compact(self.actual_property)
        if not self.actual:
            return f"the values are {kind} ({compact(self.predicate)}); an actual {actual} is a different fact, " \
                   "not part of this conflict"
        stated = ", ".join(dict.fromkeys(e.value.value for e in self.actual))
        return f"the values are {kind} ({compact(self.predicate)}); the actual {actual}, {stated}, is a different " \
               "fact, not part of this conflict"


def group_conflicts(evidence: Iterable[Evidence], functional: Collection[str],
                    planned: Mapping[str, str] | None = None) -> list[Conflict]:
    """Every (subject, functional property) whose evidence gives two or more values, sorted.
    `planned` (planned property -> actual property, Ontology.planned) attaches to a conflict
    between planned values the evidence of the actual value."""
    planned = planned or {}
    actual_properties = set(planned.values())
    groups: dict[tuple[str, str], list[Evidence]] = defaultdict(list)
    actual: dict[tuple[str, str], list[Evidence]] = defaultdict(list)
    for item in evidence:
        if item.predicate in functional:
            groups[(item.subject, item.predicate)].append(item)
        if item.predicate in actual_properties:
            actual[(item.subject, item.predicate)].append(item)
    conflicts = []
    for (subject, prop), group in sorted(groups.items()):
        if len({e.value for e in group}) < 2:
            continue
        actual_property = planned.get(prop)
        stated = actual.get((subject, actual_property), []) if actual_property else []
        conflicts.append(Conflict(subject, prop, _ordered(group), actual_property, _ordered(stated)))
    return conflicts


def _ordered(evidence: Iterable[Evidence]) -> tuple[Evidence, ...]:
    return tuple(sorted(evidence, key=lambda e: (str(e.value), e.statement)))


def mapped_conflicts(statements: Iterable[Statement], functional: Collection[str],
                     planned: Mapping[str, str] | None = None) -> list[Conflict]:
    """Conflicts among the statements of a build."""
    return group_conflicts(
        (
            Evidence(st.subject.value, st.predicate.value, st.object, st.iri.value,
                     tuple((ref.source, ref.quote) for ref in st.refs.values()))
            for st in statements
            if st.asserted
        ),
        functional,
        planned,
    )


_EVIDENCE = f"""
SELECT ?statement ?subject ?property ?value ?source ?exact WHERE {{
  PROPERTIES
  ?statement <{RDF}predicate> ?property ; <{RDF}subject> ?subject ; <{RDF}object> ?value ;
    <{WIKIBASE}rank> ?rank .
  FILTER (?rank != <{WIKIBASE}DeprecatedRank>)
  OPTIONAL {{
    ?statement <{PROV}wasDerivedFrom> ?reference .
    ?reference <{OA}hasSource>/<{SCHEMA}identifier> ?source ; <{OA}hasSelector>/<{OA}exact> ?exact .
  }}
  FILTER_SUBJECT
}}
"""


def _stored_evidence(store: ox.Store, properties: str, subject: str | None) -> list[Evidence]:
    """The asserted statements of the properties a graph pattern on ?property selects, with quotes."""
    query = _EVIDENCE.replace("PROPERTIES", properties)
    query = query.replace("FILTER_SUBJECT", f"FILTER (?subject = <{subject}>)" if subject else "")
    quotes: dict[tuple[str, str, str, Term], list[tuple[str, str]]] = defaultdict(list)
    for row in solutions(store, query):
        key = (row["statement"].value, row["subject"].value, row["property"].value, row["value"])
        found = quotes[key]
        if row["source"] is not None and (row["source"].value, row["exact"].value) not in found:
            found.append((row["source"].value, row["exact"].value))
    return [Evidence(subject, prop, value, statement, tuple(sorted(qs)))
            for (statement, subject, prop, value), qs in quotes.items()]


def stored_conflicts(store: ox.Store, subject: str | None = None, *, kg_namespace: str) -> list[Conflict]:
    """Conflicts in a store holding the published graph and the ontology (optionally about one
    subject only): the properties typed kg:SingleValuedProperty in the project's `kg_namespace`.
    A conflict between planned values carries the actual values the graph states (the ontology's
    kg:plannedValueOf)."""
    evidence = _stored_evidence(store, f"?property a <{kg_namespace}SingleValuedProperty> .", subject)
    functional = {e.predicate for e in evidence}
    query = (f"SELECT ?planned ?actual WHERE {{ ?planned <{kg_namespace}plannedValueOf> ?actual "
             "FILTER isIRI(?actual) }")
    planned = {row["planned"].value: row["actual"].value for row in solutions(store, query)}
    actual = sorted(set(planned.values()) - functional)
    if actual:
        evidence += _stored_evidence(store, f"VALUES ?property {{ {' '.join(f'<{iri}>' for iri in actual)} }}", subject)
    return group_conflicts(evidence, functional, planned)


__all__ = ["Conflict", "Evidence", "group_conflicts", "mapped_conflicts", "stored_conflicts"]
