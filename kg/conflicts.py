"""Where sources disagree: a property the ontology declares functional (one value expected) with
more than one asserted value for the same subject. The rule lives here once; the build reads its
evidence from the mapped statements, every other command from a store of the published graph.
Deprecated claims do not count: a curator has already judged them."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass

import pyoxigraph as ox

from kg.mapping import Statement
from kg.namespaces import OA, OWL, PROV, RDF, SCHEMA, WIKIBASE
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


@dataclass(frozen=True)
class Conflict:
    subject: str
    predicate: str
    evidence: tuple[Evidence, ...]

    @property
    def values(self) -> list[str]:
        """The distinct values the sources give, in order."""
        return list(dict.fromkeys(e.value.value for e in self.evidence))


def group_conflicts(evidence: Iterable[Evidence], functional: Collection[str]) -> list[Conflict]:
    """Every (subject, functional property) whose evidence gives two or more values, sorted."""
    groups: dict[tuple[str, str], list[Evidence]] = defaultdict(list)
    for item in evidence:
        if item.predicate in functional:
            groups[(item.subject, item.predicate)].append(item)
    return [
        Conflict(subject, prop, tuple(sorted(group, key=lambda e: (str(e.value), e.statement))))
        for (subject, prop), group in sorted(groups.items())
        if len({e.value for e in group}) > 1
    ]


def mapped_conflicts(statements: Iterable[Statement], functional: Collection[str]) -> list[Conflict]:
    """Conflicts among the statements of a build."""
    return group_conflicts(
        (
            Evidence(st.subject.value, st.predicate.value, st.object, st.iri.value,
                     tuple((ref.source, ref.quote) for ref in st.refs.values()))
            for st in statements
            if st.asserted
        ),
        functional,
    )


_EVIDENCE = f"""
SELECT ?statement ?subject ?property ?value ?source ?exact WHERE {{
  ?property a <{OWL}FunctionalProperty> .
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


def stored_conflicts(store: ox.Store, subject: str | None = None) -> list[Conflict]:
    """Conflicts in a store holding the published graph and the ontology (optionally about one
    subject only)."""
    query = _EVIDENCE.replace("FILTER_SUBJECT", f"FILTER (?subject = <{subject}>)" if subject else "")
    quotes: dict[tuple[str, str, str, Term], list[tuple[str, str]]] = defaultdict(list)
    functional = set()
    for row in solutions(store, query):
        key = (row["statement"].value, row["subject"].value, row["property"].value, row["value"])
        functional.add(row["property"].value)
        found = quotes[key]
        if row["source"] is not None and (row["source"].value, row["exact"].value) not in found:
            found.append((row["source"].value, row["exact"].value))
    return group_conflicts(
        (Evidence(subject, prop, value, statement, tuple(sorted(qs))) for (statement, subject, prop, value), qs
         in quotes.items()),
        functional,
    )


__all__ = ["Conflict", "Evidence", "group_conflicts", "mapped_conflicts", "stored_conflicts"]
