"""Everything the published graph says about one entity, with sources and quotes."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox

from kg.conflicts import Conflict, stored_conflicts
from kg.errors import InputError
from kg.namespaces import OWL, SCHEMA, WD
from kg.query import solutions
from kg.store import name_forms
from kg.suggest import did_you_mean, suggest_entities

QID = re.compile(r"Q[1-9][0-9]*")

_STATEMENTS = """
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX schema: <https://schema.org/>
PREFIX wikibase: <http://wikiba.se/ontology#>
PREFIX kg: <KG>
SELECT ?statement ?subject ?predicate ?object ?rank ?role ?when ?article ?exact ?start ?end WHERE {
  ENTITY
  ?statement rdf:subject ?subject ; rdf:predicate ?predicate ; rdf:object ?object ;
    wikibase:rank ?rank ; prov:wasDerivedFrom ?reference .
  ?reference oa:hasSource/schema:identifier ?article ;
    oa:hasSelector ?quote , ?position .
  ?quote oa:exact ?exact .
  ?position oa:start ?start ; oa:end ?end .
  # last: an OPTIONAL before the joins above makes the query's cost grow with the graph
  OPTIONAL { ?statement kg:objectHasRole/schema:name ?role }
  OPTIONAL { ?statement kg:pointInTime ?when }
}
"""


@dataclass(frozen=True)
class Quote:
    article: str
    exact: str
    start: int
    end: int


@dataclass
class Fact:
    subject: str
    predicate: str
    value: ox.NamedNode | ox.Literal
    rank: str
    role: str | None
    when: str | None
    quotes: list[Quote] = field(default_factory=list)
    statement: str = ""


@dataclass
class Explanation:
    iri: str
    names: dict[str, list[str]]
    facts: list[Fact]
    mentions: list[Fact]
    conflicts: dict[str, list[Fact]]
    # property -> its conflict (Conflict.note says what a conflict of planned values is not about)
    conflict_of: dict[str, Conflict] = field(default_factory=dict)


def resolve(store: ox.Store, wanted: str, base_iri: str) -> str:
    """An entity IRI from a slug, an IRI, a Wikidata QID or any name form the sources use."""
    text = wanted.strip().strip("<>")
    if text.startswith(("http://", "https://")):
        candidates = [text]
    elif QID.fullmatch(text):
        candidates = [
            s["e"].value
            for s in solutions(store, f"SELECT ?e WHERE {{ ?e <{OWL}sameAs> <{WD}{text}> }}")
        ]
    elif "/" in text:
        candidates = [f"{base_iri}id/{text}"]
    else:
        candidates = []
    forms = name_forms(store)
    for iri in candidates:
        if iri in forms:
            return iri
    folded = text.casefold()
    by_name = sorted(iri for iri, names in forms.items() if any(n.casefold() == folded for n in names))
    if len(by_name) == 1:
        return by_name[0]
    if len(by_name) > 1:
        raise InputError(f"{wanted!r} names several entities: {', '.join(by_name)}")
    hint = did_you_mean(suggest_entities(text, {_slug(iri, base_iri): names for iri, names in forms.items()}))
    raise InputError(f"unknown entity {wanted!r}{hint}")


def _slug(iri: str, base_iri: str) -> str:
    return iri.removeprefix(base_iri + "id/")


def explain(store: ox.Store, iri: str, kg_namespace: str) -> Explanation:
    entity = ox.NamedNode(iri)
    about = f"{{ ?statement rdf:subject {entity} }} UNION {{ ?statement rdf:object {entity} }}"
    facts = _facts(store, kg_namespace, about)
    return _explanation(iri, list(facts.values()), stored_conflicts(store, subject=iri, kg_namespace=kg_namespace))


def explain_all(store: ox.Store, iris: Iterable[str], kg_namespace: str) -> dict[str, Explanation]:
    """explain() of each of `iris`, from one pass over the statements and one over the conflicts:
    what a page per entity needs, in time linear in the graph rather than in entities × graph."""
    about: dict[str, list[Fact]] = defaultdict(list)
    for fact in _facts(store, kg_namespace, "").values():
        about[fact.subject].append(fact)
        if isinstance(fact.value, ox.NamedNode) and fact.value.value != fact.subject:
            about[fact.value.value].append(fact)
    conflicts: dict[str, list[Conflict]] = defaultdict(list)
    for conflict in stored_conflicts(store, kg_namespace=kg_namespace):
        conflicts[conflict.subject].append(conflict)
    return {iri: _explanation(iri, about.get(iri, []), conflicts.get(iri, [])) for iri in iris}


def _facts(store: ox.Store, kg_namespace: str, about: str) -> dict[str, Fact]:
    """The statements the graph pattern `about` selects (all of them when empty), by IRI."""
    query = _STATEMENTS.replace("<KG>", f"<{kg_namespace}>").replace("ENTITY", about)
    facts: dict[str, Fact] = {}
    for s in solutions(store, query):
        key = s["statement"].value
        fact = facts.get(key)
        if fact is None:
            fact = facts[key] = Fact(
                subject=s["subject"].value,
                predicate=s["predicate"].value,
                value=s["object"],
                rank=s["rank"].value.rsplit("#", 1)[-1].removesuffix("Rank").lower(),
                role=s["role"].value if s["role"] else None,
                when=s["when"].value if s["when"] else None,
                statement=key,
            )
        quote = Quote(s["article"].value, s["exact"].value, int(s["start"].value), int(s["end"].value))
        if quote not in fact.quotes:
            fact.quotes.append(quote)
    for fact in facts.values():
        fact.quotes.sort(key=lambda q: (q.article, q.start, q.end, q.exact))
    return facts


def _explanation(iri: str, facts: list[Fact], conflicts_about: list[Conflict]) -> Explanation:
    own = sorted((f for f in facts if f.subject == iri), key=lambda f: (f.predicate, str(f.value), *_qualified(f)))
    mentions = sorted((f for f in facts if f.subject != iri), key=lambda f: (f.subject, f.predicate, *_qualified(f)))
    names: dict[str, list[str]] = {}
    for fact in own:
        if fact.predicate in (SCHEMA + "name", SCHEMA + "alternateName"):
            names[fact.value.value] = [f"{q.article}@{q.start}" for q in fact.quotes]
    conflicts, conflict_of = {}, {}
    for conflict in conflicts_about:
        disputed = {e.statement for e in conflict.evidence}
        conflicts[conflict.predicate] = [f for f in own if f.statement in disputed]
        conflict_of[conflict.predicate] = conflict
    return Explanation(iri, names, own, mentions, conflicts, conflict_of)


def _qualified(fact: Fact) -> tuple[str, str, str]:
    """The end of a fact's sort key: one value stated with several qualifiers reads in their
    order, whatever order the store returned its rows in."""
    return fact.role or "", fact.when or "", fact.statement


def render(explanation: Explanation, compact: Callable[[str], str]) -> str:
    lines = [f"{compact(explanation.iri)}  <{explanation.iri}>", "", "name forms:"]
    for form, places in explanation.names.items():
        lines.append(f"  {form}  — {', '.join(places)}")
    lines += ["", "facts:"]
    for fact in explanation.facts:
        if fact.predicate in (SCHEMA + "name", SCHEMA + "alternateName"):
            continue
        lines += _fact_lines(fact, compact, compact(fact.predicate))
    if explanation.mentions:
        lines += ["", "as a value of:"]
        for fact in explanation.mentions:
            lines += _fact_lines(fact, compact, f"{compact(fact.subject)} {compact(fact.predicate)}", value=False)
    lines += ["", "conflicts:" if explanation.conflicts else "conflicts: none"]
    for prop, facts in explanation.conflicts.items():
        values = " vs ".join(_value(f.value, compact) for f in facts)
        lines.append(f"  {compact(prop)}: {values}")
        note = explanation.conflict_of[prop].note(compact) if prop in explanation.conflict_of else None
        if note:
            lines.append(f"    ({note})")
    return "\n".join(lines) + "\n"


def _value(term: ox.NamedNode | ox.Literal, compact: Callable[[str], str]) -> str:
    return compact(term.value) if isinstance(term, ox.NamedNode) else term.value


def _fact_lines(fact: Fact, compact: Callable[[str], str], head: str, value: bool = True) -> list[str]:
    qualifiers = [q for q in (fact.role and f"role: {fact.role}", fact.when and f"point in time: {fact.when}") if q]
    rank = "" if fact.rank == "normal" else f" ({fact.rank})"
    shown = f" {_value(fact.value, compact)}" if value else ""
    extra = f"  [{'; '.join(qualifiers)}]" if qualifiers else ""
    lines = [f"  {head}{shown}{extra}{rank}"]
    for q in fact.quotes:
        lines.append(f"    {q.article} [{q.start}:{q.end}] “{q.exact}”")
    return lines


__all__ = ["Explanation", "Fact", "Quote", "explain", "explain_all", "render", "resolve"]
