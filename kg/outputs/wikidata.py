"""The graph in Wikidata's vocabulary, written the way Wikidata's own RDF is
(https://www.mediawiki.org/wiki/Wikibase/Indexing/RDF_Dump_Format), so that a query written for
the Wikidata Query Service runs here unchanged:

- truthy triples, `item wdt:Pn value`, for the best-rank statements of each item and property;
  the value in Wikidata's format: an item (`wd:Q…` where the entity has a verified one, else
  kg's IRI), a time as an xsd:dateTime in UTC (`"2021-10-05T00:00:00Z"^^xsd:dateTime`), a
  quantity as its amount (`1.9`, xsd:decimal), text as it is;
- full statements: `item p:Pn st . st a wikibase:Statement ; ps:Pn value ; wikibase:rank …`,
  `a wikibase:BestRank` on the best-rank ones, and for a time or a quantity `psv:Pn` a value
  node, a wikibase:TimeValue (wikibase:timeValue, timePrecision 11 for a date, 14 for a
  dateTime, 10 a month, 9 a year; timeTimezone 0) or a wikibase:QuantityValue
  (wikibase:quantityAmount);
- events lifted onto their super event: a kg:Launch's schema:startDate is Wikidata's P619 on the
  item of the flight it is a schema:superEvent of, its schema:location P1427 (the event class's
  kg:wikidataDate / kg:wikidataPlace say which property).

Every node is an IRI (no blank nodes): a statement's is hashed from (item, property, value), a
value node's from its content, both under the project's base IRI (kg.mapping.Minter).

Never guessed: the calendar model (Wikidata's Gregorian calendar item) and a quantity's unit item
(metre, day, …) are written only if the project's reference table lists them (a row labelled
"Gregorian calendar" of kind item; a row of kind unit labelled with the unit's name, "metre").
The seed's table lists neither, so its view has no wikibase:timeCalendarModel and no
wikibase:quantityUnit triples (Wikidata's own "no unit" item is not in the table either)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass

import pyoxigraph as ox

from kg.inputs.ontology import Ontology
from kg.inputs.wikidata_ids import usable_by_label
from kg.mapping import RANK_IRIS, MappedGraph, Minter, reading_order
from kg.namespaces import OWL, P, PS, PSV, RDF, RDFS, SCHEMA, WD, WDT, WIKIBASE, XSD
from kg.project import Project
from kg.terms import Term, integer_literal, iri, value

INSTANCE_OF = WDT + "P31"
PROPERTY_ENTITY = re.compile(re.escape(WD) + "P[1-9][0-9]*")
A = ox.NamedNode(RDF + "type")
# Wikidata's time precisions (Wikibase data model): 9 year, 10 month, 11 day, 14 second.
PRECISION = {XSD + "gYear": 9, XSD + "gYearMonth": 10, XSD + "date": 11, XSD + "dateTime": 14}
NUMBERS = frozenset(XSD + d for d in ("decimal", "integer", "nonNegativeInteger", "positiveInteger", "int", "long"))
TEXT = frozenset((XSD + "string", RDF + "langString"))
RANK_ORDER = ("deprecated", "normal", "preferred")
GREGORIAN = "Gregorian calendar"  # the reference table's label for the calendar model item, if listed
# The English label of the Wikidata item for each unit kg.model.UNITS knows (by its UN/CEFACT code):
# a label, never an ID; the ID comes from a "unit" row of the project's reference table or not at all.
UNIT_LABELS = {"MTR": "metre", "CMT": "centimetre", "KGM": "kilogram", "DAY": "day", "HUR": "hour"}
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
    """A value as Wikidata writes it: the simple value (wdt:, ps:) and, for a time or a
    quantity, the value node's class and content (psv:)."""

    simple: Term
    node_class: str | None = None
    node: tuple[tuple[ox.NamedNode, Term], ...] = ()



def _decimal(lexical: str) -> ox.Literal:
    return ox.Literal(lexical, datatype=ox.NamedNode(XSD + "decimal"))


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

    def item(self, node: ox.NamedNode) -> ox.NamedNode:
        return self.items.get(node, node)

    def convert(self, obj: Term) -> WikidataValue | None:
        """Wikidata's form of a value, or None where Wikidata has no such value (an
        xsd:duration, a boolean): such values are not written."""
        if isinstance(obj, ox.NamedNode):
            if obj in self.amounts:
                return self.quantity(self.amounts[obj], self.unit_codes.get(obj))
            return WikidataValue(self.item(obj))
        datatype = obj.datatype.value
        if datatype in TEXT:
            return WikidataValue(obj)
        if datatype in NUMBERS:
            return self.quantity(obj.value, None)
        time = wikidata_time(obj)
        if time is None:
            return None
        stamp = ox.Literal(time[0], datatype=ox.NamedNode(XSD + "dateTime"))
        node: list[tuple[ox.NamedNode, Term]] = [(ox.NamedNode(WIKIBASE + "timeValue"), stamp),
                (ox.NamedNode(WIKIBASE + "timePrecision"), integer_literal(time[1])),
                (ox.NamedNode(WIKIBASE + "timeTimezone"), integer_literal(0))]
        if self.calendar:
            node.append((ox.NamedNode(WIKIBASE + "timeCalendarModel"), ox.NamedNode(WD + self.calendar)))
        return WikidataValue(stamp, WIKIBASE + "TimeValue", tuple(node))

    def quantity(self, amount: str, unit_code: str | None) -> WikidataValue:
        """The amount on wdt:/ps:, and a wikibase:QuantityValue; its wikibase:quantityUnit only
        where the reference table lists the unit's item (no ID is guessed, not even "no unit")."""
        simple = _decimal(amount)
        node: list[tuple[ox.NamedNode, Term]] = [(ox.NamedNode(WIKIBASE + "quantityAmount"), simple)]
        unit = self.units.get(unit_code or "")
        if unit:
            node.append((ox.NamedNode(WIKIBASE + "quantityUnit"), ox.NamedNode(WD + unit)))
        return WikidataValue(simple, WIKIBASE + "QuantityValue", tuple(node))


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
class _Claim:
    rank: str
    value: WikidataValue


def wikidata_view(graph: MappedGraph, ontology: Ontology, project: Project) -> list[ox.Triple]:
    """The view's triples, sorted: truthy wdt: triples and full statements for every statement
    (deprecated ones too, as Wikidata keeps them: p:/ps: with wikibase:DeprecatedRank, no wdt:)
    whose property or class is aligned, or whose event class is lifted onto its super event."""
    values = _Values(graph, project)
    properties, classes = wikidata_properties(ontology, project.kg), wikidata_classes(ontology)
    lifted = lifted_properties(ontology, project.kg)
    types: dict[ox.NamedNode, set[str]] = {}
    super_events: dict[ox.NamedNode, set[ox.NamedNode]] = {}
    for t in graph.asserted:
        if t.predicate.value == RDF + "type":
            types.setdefault(iri(t.subject), set()).add(value(t.object))
        elif t.predicate.value == SCHEMA + "superEvent" and isinstance(t.object, ox.NamedNode):
            super_events.setdefault(iri(t.subject), set()).add(t.object)

    def targets(s: ox.NamedNode, p: str) -> Iterator[tuple[ox.NamedNode, str]]:
        """(item, wdt: property) pairs a statement's value is stated on."""
        if p in properties:
            yield values.item(s), properties[p]
        classes_of = {c for cls in types.get(s, ()) for c in (cls, *ontology.superclasses.get(cls, ()))}
        for cls in sorted(classes_of):
            target = lifted.get(cls, {}).get(p)
            if target is not None:
                for event in sorted(super_events.get(s, ()), key=str):
                    yield values.item(event), target

    def is_role(node: ox.NamedNode | ox.Literal) -> bool:
        """A schema:Role node of the Role pattern: Wikidata says that with a qualifier instead."""
        return isinstance(node, ox.NamedNode) and any(
            ontology.is_subclass(cls, SCHEMA + "Role") for cls in types.get(node, ()))

    claims: dict[tuple[ox.NamedNode, str, Term], _Claim] = {}
    for st in graph.statements:
        if is_role(st.subject) or is_role(st.object):
            continue
        converted: list[tuple[ox.NamedNode, str, WikidataValue]] = []
        if st.predicate.value == RDF + "type":
            if value(st.object) in classes:
                item = ox.NamedNode(classes[value(st.object)])
                converted.append((values.item(st.subject), INSTANCE_OF, WikidataValue(item)))
        else:
            found = None
            for item, prop in targets(st.subject, st.predicate.value):
                found = found or values.convert(st.object)
                if found is not None:
                    converted.append((item, prop, found))
        for item, prop, wikidata_value in converted:
            claim = claims.setdefault((item, prop, wikidata_value.simple), _Claim(st.rank, wikidata_value))
            if RANK_ORDER.index(st.rank) > RANK_ORDER.index(claim.rank):
                claim.rank = st.rank
    return sorted(_statements(claims, Minter(project)), key=reading_order)


def _statements(claims: dict[tuple[ox.NamedNode, str, Term], _Claim], mint: Minter) -> set[ox.Triple]:
    """Wikidata's triples for the claims: a statement is best-rank when no statement of the same
    item and property has a higher rank (a preferred one hides the normal ones from wdt:, as on
    Wikidata); a deprecated statement never is."""
    best: dict[tuple[ox.NamedNode, str], int] = {}
    for (item, prop, _), claim in claims.items():
        best[item, prop] = max(best.get((item, prop), 0), RANK_ORDER.index(claim.rank))
    out: set[ox.Triple] = set()
    for (item, prop, simple), claim in claims.items():
        pid = prop.removeprefix(WDT)
        st = mint.wikidata_statement(item, ox.NamedNode(prop), simple)
        out |= {ox.Triple(item, ox.NamedNode(P + pid), st),
                ox.Triple(st, A, ox.NamedNode(WIKIBASE + "Statement")),
                ox.Triple(st, ox.NamedNode(PS + pid), simple),
                ox.Triple(st, ox.NamedNode(WIKIBASE + "rank"), RANK_IRIS[claim.rank])}
        if claim.rank != "deprecated" and RANK_ORDER.index(claim.rank) == best[item, prop]:
            out.add(ox.Triple(st, A, ox.NamedNode(WIKIBASE + "BestRank")))
            out.add(ox.Triple(item, ox.NamedNode(prop), simple))
        if claim.value.node_class is not None:
            node = mint.wikidata_value(claim.value.node)
            out.add(ox.Triple(st, ox.NamedNode(PSV + pid), node))
            out.add(ox.Triple(node, A, ox.NamedNode(claim.value.node_class)))
            out |= {ox.Triple(node, p, o) for p, o in claim.value.node}
    return out


def view_prefixes(project: Project, prefixes: dict[str, str]) -> dict[str, str]:
    """The publication's prefixes plus Wikidata's statement prefixes and the view's own IRI spaces."""
    return {**prefixes, "p": P, "ps": PS, "psv": PSV,
            "wdstatement": project.base_iri + "wikidata/statement/", "wdvalue": project.base_iri + "wikidata/value/"}
