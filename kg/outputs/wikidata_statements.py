"""kg's claims as Wikidata statements: item, property, value, qualifiers, references and rank,
converted once and rendered twice, as Wikidata's RDF (kg.outputs.wikidata) and as QuickStatements
commands (kg.outputs.quickstatements).

- The item is `wd:Q…` where the entity has a verified one, else kg's IRI; the property is the
  ontology's Wikidata alignment (kg:wikidataProperty, owl:equivalentProperty, rdfs:subPropertyOf
  wdt:…); an event's date and place are lifted onto the item of the flight it is a
  schema:superEvent of (the event class's kg:wikidataDate / kg:wikidataPlace).
- A value in Wikidata's format: an item, a time as a UTC timestamp with its precision, a quantity
  as its amount (and its unit item, if the table lists it), text as it is.
- Qualifiers: a claim's point_in_time is P585 point in time; its role P453 character role when
  the role is a schema:PerformanceRole, else P3831 object has role (the role's item, or kg's IRI
  for it). The Role pattern's own triples (film schema:actor role, role schema:actor person) are
  no statements here: Wikidata says the role with the qualifier.
- One reference per source article: P1683 quote (each quoted span, in the article's language),
  P854 reference URL and P813 retrieved where the source registry gives them, P248 stated in where
  the article's publisher has a verified item.
- Ranks as kg's (a Wikidata statement made of several kg statements takes the highest); the
  best-rank statements of an item and property are those no statement outranks, never deprecated.
- `disputed`: a statement of a value that kg.conflicts reports as a conflict (sources disagree
  on a single-valued property): both stay normal rank, as the data contract says.

Every ID comes from the project's reference table (verified or single rows): properties by the
ontology, qualifier and reference properties, the calendar model and unit items by their English
label ("point in time", "reference URL", "metre", …). Nothing is guessed."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import pyoxigraph as ox

from kg.conflicts import Conflict
from kg.inputs.ontology import Ontology
from kg.inputs.wikidata_ids import usable_by_label
from kg.mapping import MappedGraph, Minter, Statement
from kg.model import Source
from kg.namespaces import OWL, RDF, RDFS, SCHEMA, WD, WDT, WIKIBASE, XSD
from kg.project import Project
from kg.terms import Term, integer_literal, iri, value

Kind = Literal["item", "string", "monolingual", "url", "time", "quantity"]
INSTANCE_OF = "P31"
PROPERTY_ENTITY = re.compile(re.escape(WD) + "P[1-9][0-9]*")
# Wikidata's time precisions (Wikibase data model): 9 year, 10 month, 11 day, 14 second.
PRECISION = {XSD + "gYear": 9, XSD + "gYearMonth": 10, XSD + "date": 11, XSD + "dateTime": 14}
NUMBERS = frozenset(XSD + d for d in ("decimal", "integer", "nonNegativeInteger", "positiveInteger", "int", "long"))
TEXT = frozenset((XSD + "string", RDF + "langString"))
RANK_ORDER = ("deprecated", "normal", "preferred")
GREGORIAN = "Gregorian calendar"  # the reference table's label for the calendar model item, if listed
# The English label of the Wikidata item for each unit kg.model.UNITS knows (by its UN/CEFACT code):
# a label, never an ID; the ID comes from a "unit" row of the project's reference table or not at all.
UNIT_LABELS = {"MTR": "metre", "CMT": "centimetre", "KGM": "kilogram", "DAY": "day", "HUR": "hour"}
# The Wikidata properties of qualifiers and references, by their label in the reference table.
POINT_IN_TIME, CHARACTER_ROLE, OBJECT_HAS_ROLE = "point in time", "character role", "object has role"
QUOTE, REFERENCE_URL, RETRIEVED, STATED_IN = "quote", "reference URL", "retrieved", "stated in"
_DATE = re.compile(r"(?P<y>[0-9]{4})(?:-(?P<m>[0-9]{2})(?:-(?P<d>[0-9]{2}))?)?(?:Z|[+-][0-9]{2}:[0-9]{2})?")


def wikidata_time(literal: ox.Literal) -> tuple[str, int] | None:
    """The timestamp Wikidata writes for a date or time literal (an xsd:dateTime in UTC, `Z`),
    and its precision; None for anything else. A dateTime is converted to UTC, its fraction of a
    second dropped (14 is Wikidata's finest precision); a date's (or month's, year's) time zone
    does not move the day it names, and the parts it lacks are written 01, as Wikidata does.

    >>> def xsd(text, datatype): return ox.Literal(text, datatype=ox.NamedNode(XSD + datatype))
    >>> wikidata_time(xsd("2021-10-05", "date"))
    ('2021-10-05T00:00:00Z', 11)
    >>> wikidata_time(xsd("2021-10-05T12:22:00+03:00", "dateTime"))
    ('2021-10-05T09:22:00Z', 14)
    >>> wikidata_time(xsd("2021-10", "gYearMonth")), wikidata_time(xsd("2021", "gYear"))
    (('2021-10-01T00:00:00Z', 10), ('2021-01-01T00:00:00Z', 9))
    >>> wikidata_time(xsd("2021-10-05T09:22:00", "dateTime")) is None  # no time zone: no instant
    True
    """
    precision = PRECISION.get(literal.datatype.value)
    if precision is None:
        return None
    text = literal.value
    try:
        if precision == 14:
            instant = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
            if instant.tzinfo is None:
                return None
            utc = instant.astimezone(dt.timezone.utc)
            return f"{utc.year:04d}-{utc.month:02d}-{utc.day:02d}T{utc:%H:%M:%S}Z", precision
        parts = _DATE.fullmatch(text)
        if parts is None or (parts["m"] is None) != (precision < 10) or (parts["d"] is None) != (precision < 11):
            return None
        day = dt.date(int(parts["y"]), int(parts["m"] or 1), int(parts["d"] or 1))
    except ValueError:
        return None
    return f"{day.isoformat()}T00:00:00Z", precision


@dataclass(frozen=True)
class WikidataValue:
    """A value as Wikidata writes it: its kind, the simple value (wdt:, ps:, pq:, pr:) and, for a
    time or a quantity, the value node's class and content (psv:, pqv:, prv:)."""

    kind: Kind
    simple: Term
    node_class: str | None = None
    node: tuple[tuple[ox.NamedNode, Term], ...] = ()

    def _node_value(self, local: str) -> Term | None:
        return next((o for p, o in self.node if p.value == WIKIBASE + local), None)

    @property
    def qid(self) -> str | None:
        """An item's Wikidata ID, or None for an entity without one (kg's IRI) or any other value."""
        if self.kind == "item" and self.simple.value.startswith(WD):
            return self.simple.value.removeprefix(WD)
        return None

    @property
    def precision(self) -> int | None:
        found = self._node_value("timePrecision")
        return int(found.value) if found is not None else None

    @property
    def unit(self) -> str | None:
        """A quantity's unit item (Q…), where the reference table lists it."""
        found = self._node_value("quantityUnit")
        return found.value.removeprefix(WD) if found is not None else None


@dataclass(frozen=True)
class Snak:
    """A property and its value: a qualifier, or one part of a reference."""

    pid: str  # P…
    value: WikidataValue

    @property
    def content(self) -> tuple[str, Term]:
        return self.pid, self.value.simple


def _ordered(snaks: Iterable[Snak]) -> tuple[Snak, ...]:
    return tuple(sorted(set(snaks), key=lambda s: (int(s.pid[1:]), str(s.value.simple))))


@dataclass(frozen=True)
class WikidataReference:
    """One reference: what one source article gives for a statement."""

    iri: ox.NamedNode
    source: str  # the source key
    snaks: tuple[Snak, ...]


@dataclass(frozen=True)
class WikidataStatement:
    """A Wikidata statement, made of the kg statements that say the same in Wikidata's terms."""

    iri: ox.NamedNode
    item: ox.NamedNode
    pid: str  # P…
    value: WikidataValue
    rank: str
    best: bool
    qualifiers: tuple[Snak, ...]
    references: tuple[WikidataReference, ...]
    disputed: bool
    origins: tuple[str, ...]  # file:line of the claims it is made of

    @property
    def qid(self) -> str | None:
        """The item's Wikidata ID, or None for an entity without one."""
        return WikidataValue("item", self.item).qid


class _Values:
    """Converts kg's values (items, literals, schema:QuantitativeValue nodes) into Wikidata's."""

    def __init__(self, graph: MappedGraph, project: Project) -> None:
        self.items: dict[ox.NamedNode, ox.NamedNode] = {}
        for t in graph.metadata:
            if t.predicate.value == OWL + "sameAs" and isinstance(t.object, ox.NamedNode):
                self.items[iri(t.subject)] = t.object
        self.amounts: dict[ox.NamedNode, str] = {}
        self.unit_codes: dict[ox.NamedNode, str] = {}
        for t in graph.asserted:
            if t.predicate.value == SCHEMA + "value" and isinstance(t.subject, ox.NamedNode):
                self.amounts[t.subject] = value(t.object)
            elif t.predicate.value == SCHEMA + "unitCode" and isinstance(t.subject, ox.NamedNode):
                self.unit_codes[t.subject] = value(t.object)
        table = project.reference_table
        self.calendar = usable_by_label(table, "item").get(GREGORIAN)
        unit_ids = usable_by_label(table, "unit")
        self.units = {code: unit_ids[label] for code, label in UNIT_LABELS.items() if label in unit_ids}

    def item_iri(self, node: ox.NamedNode) -> ox.NamedNode:
        """The entity's Wikidata item (wd:Q…) where it has a verified one, else its own IRI."""
        return self.items.get(node, node)

    def item(self, node: ox.NamedNode) -> WikidataValue:
        return WikidataValue("item", self.item_iri(node))

    def convert(self, obj: Term) -> WikidataValue | None:
        """Wikidata's form of a value, or None where Wikidata has no such value (an
        xsd:duration, a boolean): such values are not written."""
        if isinstance(obj, ox.NamedNode):
            if obj in self.amounts:
                return self.quantity(self.amounts[obj], self.unit_codes.get(obj))
            return self.item(obj)
        datatype = obj.datatype.value
        if datatype in TEXT:
            return WikidataValue("monolingual" if obj.language else "string", obj)
        if datatype in NUMBERS:
            return self.quantity(obj.value, None)
        return self.time(obj)

    def time(self, literal: ox.Literal) -> WikidataValue | None:
        time = wikidata_time(literal)
        if time is None:
            return None
        stamp = ox.Literal(time[0], datatype=ox.NamedNode(XSD + "dateTime"))
        node: list[tuple[ox.NamedNode, Term]] = [(ox.NamedNode(WIKIBASE + "timeValue"), stamp),
                (ox.NamedNode(WIKIBASE + "timePrecision"), integer_literal(time[1])),
                (ox.NamedNode(WIKIBASE + "timeTimezone"), integer_literal(0))]
        if self.calendar:
            node.append((ox.NamedNode(WIKIBASE + "timeCalendarModel"), ox.NamedNode(WD + self.calendar)))
        return WikidataValue("time", stamp, WIKIBASE + "TimeValue", tuple(node))

    def quantity(self, amount: str, unit_code: str | None) -> WikidataValue:
        """The amount on wdt:/ps:, and a wikibase:QuantityValue; its wikibase:quantityUnit only
        where the reference table lists the unit's item (no ID is guessed, not even "no unit")."""
        simple = ox.Literal(amount, datatype=ox.NamedNode(XSD + "decimal"))
        node: list[tuple[ox.NamedNode, Term]] = [(ox.NamedNode(WIKIBASE + "quantityAmount"), simple)]
        unit = self.units.get(unit_code or "")
        if unit:
            node.append((ox.NamedNode(WIKIBASE + "quantityUnit"), ox.NamedNode(WD + unit)))
        return WikidataValue("quantity", simple, WIKIBASE + "QuantityValue", tuple(node))


def wikidata_properties(ontology: Ontology, kg: str) -> dict[str, str]:
    """Our property IRI -> wdt: property: the property's kg:wikidataProperty wd:P…, or an exact
    or narrower alignment (owl:equivalentProperty / rdfs:subPropertyOf wdt:P…). A skos:closeMatch
    alone is no mapping."""
    mapping: dict[str, str] = {}
    annotation = kg + "wikidataProperty"
    for t in ontology.triples:
        target = value(t.object)
        if t.predicate.value in (OWL + "equivalentProperty", RDFS + "subPropertyOf") and target.startswith(WDT):
            mapping.setdefault(value(t.subject), target)
        elif t.predicate.value == annotation and PROPERTY_ENTITY.fullmatch(target):
            mapping[value(t.subject)] = WDT + target.removeprefix(WD)
    return mapping


def wikidata_classes(ontology: Ontology) -> dict[str, str]:
    return {
        value(t.subject): value(t.object)
        for t in ontology.triples
        if t.predicate.value == OWL + "equivalentClass" and value(t.object).startswith(WD)
    }


def lifted_properties(ontology: Ontology, kg: str) -> dict[str, dict[str, str]]:
    """Event class -> {event property -> wdt: property of its super event's item}: a class's
    kg:wikidataDate is what its schema:startDate becomes, kg:wikidataPlace its schema:location."""
    lifted: dict[str, dict[str, str]] = {}
    events = {kg + "wikidataDate": SCHEMA + "startDate", kg + "wikidataPlace": SCHEMA + "location"}
    for t in ontology.triples:
        if t.predicate.value in events and value(t.object).startswith(WDT):
            lifted.setdefault(value(t.subject), {})[events[t.predicate.value]] = value(t.object)
    return lifted


@dataclass
class _Draft:
    """A Wikidata statement while the kg statements that make it are gathered."""

    rank: str
    value: WikidataValue
    qualifiers: tuple[Snak, ...]
    quotes: dict[str, set[str]] = field(default_factory=dict)  # source key -> quoted spans
    disputed: bool = False
    origins: set[str] = field(default_factory=set)


class _Converter:
    """The shared state of one conversion: the graph's types and super events, the ontology's
    alignments and the reference table's qualifier and reference properties."""

    def __init__(self, graph: MappedGraph, ontology: Ontology, project: Project,
                 sources: Mapping[str, Source]) -> None:
        self.ontology, self.sources, self.mint = ontology, sources, Minter(project)
        self.values = _Values(graph, project)
        self.properties, self.classes = wikidata_properties(ontology, project.kg), wikidata_classes(ontology)
        self.lifted = lifted_properties(ontology, project.kg)
        self.pids = usable_by_label(project.reference_table, "prop")
        self.publishers = usable_by_label(project.reference_table, "item")
        self.types: dict[ox.NamedNode, set[str]] = {}
        self.super_events: dict[ox.NamedNode, set[ox.NamedNode]] = {}
        for t in graph.asserted:
            if t.predicate.value == RDF + "type":
                self.types.setdefault(iri(t.subject), set()).add(value(t.object))
            elif t.predicate.value == SCHEMA + "superEvent" and isinstance(t.object, ox.NamedNode):
                self.super_events.setdefault(iri(t.subject), set()).add(t.object)

    def targets(self, s: ox.NamedNode, p: str) -> Iterator[tuple[ox.NamedNode, str]]:
        """(item, wdt: property) pairs a statement's value is stated on."""
        if p in self.properties:
            yield self.values.item_iri(s), self.properties[p]
        classes_of = {c for cls in self.types.get(s, ()) for c in (cls, *self.ontology.superclasses.get(cls, ()))}
        for cls in sorted(classes_of):
            target = self.lifted.get(cls, {}).get(p)
            if target is not None:
                for event in sorted(self.super_events.get(s, ()), key=str):
                    yield self.values.item_iri(event), target

    def is_a(self, node: Term, ancestor: str) -> bool:
        return isinstance(node, ox.NamedNode) and any(
            self.ontology.is_subclass(cls, ancestor) for cls in self.types.get(node, ()))

    def converted(self, st: Statement) -> list[tuple[ox.NamedNode, str, WikidataValue]]:
        """(item, P…, value) for each Wikidata statement the kg statement says."""
        if self.is_a(st.subject, SCHEMA + "Role") or self.is_a(st.object, SCHEMA + "Role"):
            return []  # the Role pattern's triples: Wikidata says the role as a qualifier
        if st.predicate.value == RDF + "type":
            if value(st.object) not in self.classes:
                return []
            item = self.values.item_iri(st.subject)
            return [(item, INSTANCE_OF, WikidataValue("item", ox.NamedNode(self.classes[value(st.object)])))]
        found = []
        wikidata_value = None
        for item, prop in self.targets(st.subject, st.predicate.value):
            wikidata_value = wikidata_value or self.values.convert(st.object)
            if wikidata_value is not None:
                found.append((item, prop.removeprefix(WDT), wikidata_value))
        return found

    def qualifiers(self, st: Statement) -> tuple[Snak, ...]:
        """P585 point in time for a claim's date; P453 character role for a performance role,
        P3831 object has role for any other role: each only if the table lists the property."""
        snaks = []
        point_in_time = self.pids.get(POINT_IN_TIME)
        for when in st.points_in_time:
            time = self.values.time(_date(when))
            if point_in_time and time is not None:
                snaks.append(Snak(point_in_time, time))
        for role in st.roles:
            node = self.mint.entity(role)
            pid = self.pids.get(CHARACTER_ROLE if self.is_a(node, SCHEMA + "PerformanceRole") else OBJECT_HAS_ROLE)
            if pid:
                snaks.append(Snak(pid, self.values.item(node)))
        return _ordered(snaks)

    def reference(self, key: str, quotes: set[str]) -> WikidataReference:
        """What one source gives: its quotes (P1683, in the article's language), its URL (P854),
        the date it was retrieved (P813), and its publisher's item (P248 stated in) if verified."""
        source = self.sources[key]
        found: list[tuple[str, WikidataValue | None]] = [
            (QUOTE, WikidataValue("monolingual", ox.Literal(quote, language=source.language))) for quote in quotes]
        if source.url:
            found.append((REFERENCE_URL, WikidataValue("url", ox.NamedNode(source.url))))
        if source.retrieved:
            found.append((RETRIEVED, self.values.time(_date(source.retrieved))))
        publisher = self.publishers.get(source.publisher or "")
        if publisher:
            found.append((STATED_IN, WikidataValue("item", ox.NamedNode(WD + publisher))))
        snaks = _ordered(Snak(self.pids[label], v) for label, v in found if label in self.pids and v is not None)
        return WikidataReference(self.mint.wikidata_reference(s.content for s in snaks), key, snaks)


def _date(text: str) -> ox.Literal:
    return ox.Literal(text, datatype=ox.NamedNode(XSD + "date"))


def wikidata_statements(graph: MappedGraph, ontology: Ontology, project: Project, sources: Mapping[str, Source],
                        conflicts: Sequence[Conflict] = ()) -> list[WikidataStatement]:
    """Every Wikidata statement the graph's statements make (deprecated ones too, as Wikidata
    keeps them), sorted by item, property and value: one per (item, property, value,
    qualifiers), with the references of every kg statement it is made of."""
    convert = _Converter(graph, ontology, project, sources)
    disputed = {e.statement for conflict in conflicts for e in conflict.evidence}
    drafts: dict[tuple[ox.NamedNode, str, Term, tuple[Snak, ...]], _Draft] = {}
    for st in graph.statements:
        for item, pid, wikidata_value in convert.converted(st):
            qualifiers = convert.qualifiers(st)
            draft = drafts.setdefault((item, pid, wikidata_value.simple, qualifiers),
                                      _Draft(st.rank, wikidata_value, qualifiers))
            if RANK_ORDER.index(st.rank) > RANK_ORDER.index(draft.rank):
                draft.rank = st.rank
            for ref in st.refs.values():
                draft.quotes.setdefault(ref.source, set()).add(ref.span.exact)
            draft.disputed = draft.disputed or st.iri.value in disputed
            if st.origin:
                draft.origins.add(st.origin)
    best: dict[tuple[ox.NamedNode, str], int] = {}
    for (item, pid, _, _), draft in drafts.items():
        best[item, pid] = max(best.get((item, pid), 0), RANK_ORDER.index(draft.rank))
    out = []
    for (item, pid, simple, qualifiers), draft in drafts.items():
        statement_iri = convert.mint.wikidata_statement(item, ox.NamedNode(WDT + pid), simple,
                                                        (q.content for q in qualifiers))
        references = tuple(convert.reference(key, quotes) for key, quotes in sorted(draft.quotes.items()))
        is_best = draft.rank != "deprecated" and RANK_ORDER.index(draft.rank) == best[item, pid]
        out.append(WikidataStatement(statement_iri, item, pid, draft.value, draft.rank, is_best, qualifiers,
                                     references, draft.disputed, tuple(sorted(draft.origins))))
    return sorted(out, key=lambda s: (str(s.item), int(s.pid[1:]), str(s.value.simple), s.iri.value))


__all__ = ["Snak", "WikidataReference", "WikidataStatement", "WikidataValue", "lifted_properties",
           "wikidata_classes", "wikidata_properties", "wikidata_statements", "wikidata_time"]
