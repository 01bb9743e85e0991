"""The graph in Wikidata's vocabulary, written the way Wikidata's own RDF is
(https://www.mediawiki.org/wiki/Wikibase/Indexing/RDF_Dump_Format), so that a query written for
the Wikidata Query Service runs here unchanged. The statements are kg.outputs.wikidata_statements'
(the one conversion of claims, shared with the QuickStatements export); this module writes them:

- truthy triples, `item wdt:Pn value`, for the best-rank statements of each item and property;
  the value in Wikidata's format: an item (`wd:Q…` where the entity has a verified one, else
  kg's IRI), a time as an xsd:dateTime in UTC (`"2021-10-05T00:00:00Z"^^xsd:dateTime`), a
  quantity as its amount (`1.9`, xsd:decimal), text as it is;
- full statements: `item p:Pn st . st a wikibase:Statement ; ps:Pn value ; wikibase:rank …`,
  `a wikibase:BestRank` on the best-rank ones, and for a time or a quantity `psv:Pn` a value
  node, a wikibase:TimeValue (wikibase:timeValue, timePrecision 11 for a date, 14 for a
  dateTime, 10 a month, 9 a year; timeTimezone 0) or a wikibase:QuantityValue
  (wikibase:quantityAmount);
- qualifiers: `st pq:Pn value` (and `pqv:Pn` a value node for a time): P585 point in time, P453
  character role or P3831 object has role (the role's item, or kg's IRI for a role without one);
- references: `st prov:wasDerivedFrom ref . ref a wikibase:Reference ; pr:P1683 "quote"@en ;
  pr:P854 <url> ; pr:P813 "…"^^xsd:dateTime ; prv:P813 value ; pr:P248 wd:Q…`, one per source
  article (the dump format's "References" section);
- events lifted onto their super event: a kg:Launch's schema:startDate is Wikidata's P619 on the
  item of the flight it is a schema:superEvent of, its schema:location P1427 (the event class's
  kg:wikidataDate / kg:wikidataPlace say which property).

Every node is an IRI (no blank nodes): a statement's is hashed from (item, property, value,
qualifiers), a reference's and a value node's from their content, all under the project's base
IRI (kg.mapping.Minter), as Wikidata's wds:, wdref: and wdv: nodes are.

Never guessed: the calendar model (Wikidata's Gregorian calendar item) and a quantity's unit item
(metre, day, …) are written only if the project's reference table lists them (a row labelled
"Gregorian calendar" of kind item; a row of kind unit labelled with the unit's name, "metre").
The seed's table lists neither, so its view has no wikibase:timeCalendarModel and no
wikibase:quantityUnit triples (Wikidata's own "no unit" item is not in the table either)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import pyoxigraph as ox

from kg.conflicts import Conflict
from kg.inputs.ontology import Ontology
from kg.mapping import RANK_IRIS, MappedGraph, Minter, in_reading_order
from kg.model import Source
from kg.namespaces import P, PQ, PQV, PR, PRV, PROV, PS, PSV, RDF, WDT, WIKIBASE
from kg.outputs.wikidata_statements import Snak, WikidataStatement, wikidata_statements, wikidata_time
from kg.project import Project

A = ox.NamedNode(RDF + "type")


def wikidata_view(graph: MappedGraph, ontology: Ontology, project: Project, sources: Mapping[str, Source],
                  conflicts: Sequence[Conflict] = ()) -> list[ox.Triple]:
    """The view's triples, sorted: truthy wdt: triples and full statements for every statement
    (deprecated ones too, as Wikidata keeps them: p:/ps: with wikibase:DeprecatedRank, no wdt:)
    whose property or class is aligned, or whose event class is lifted onto its super event."""
    statements = wikidata_statements(graph, ontology, project, sources, conflicts)
    return in_reading_order(statement_triples(statements, Minter(project)))


def statement_triples(statements: Iterable[WikidataStatement], mint: Minter) -> set[ox.Triple]:
    """Wikidata's triples for the statements (the dump format's "Statement representation")."""
    out: set[ox.Triple] = set()
    for st in statements:
        pid, node = st.pid, st.iri
        out |= {ox.Triple(st.item, ox.NamedNode(P + pid), node),
                ox.Triple(node, A, ox.NamedNode(WIKIBASE + "Statement")),
                ox.Triple(node, ox.NamedNode(WIKIBASE + "rank"), RANK_IRIS[st.rank])}
        out |= _snak(node, Snak(pid, st.value), PS, PSV, mint)
        if st.best:
            out.add(ox.Triple(node, A, ox.NamedNode(WIKIBASE + "BestRank")))
            out.add(ox.Triple(st.item, ox.NamedNode(WDT + pid), st.value.simple))
        for qualifier in st.qualifiers:
            out |= _snak(node, qualifier, PQ, PQV, mint)
        for reference in st.references:
            out |= {ox.Triple(node, ox.NamedNode(PROV + "wasDerivedFrom"), reference.iri),
                    ox.Triple(reference.iri, A, ox.NamedNode(WIKIBASE + "Reference"))}
            for snak in reference.snaks:
                out |= _snak(reference.iri, snak, PR, PRV, mint)
    return out


def _snak(subject: ox.NamedNode, snak: Snak, simple: str, full: str, mint: Minter) -> set[ox.Triple]:
    """`subject ps:Pn value` (or pq:, pr:) and, for a time or quantity, the value node on psv:
    (pqv:, prv:)."""
    out = {ox.Triple(subject, ox.NamedNode(simple + snak.pid), snak.value.simple)}
    if snak.value.node_class is not None:
        node = mint.wikidata_value(snak.value.node)
        out.add(ox.Triple(subject, ox.NamedNode(full + snak.pid), node))
        out.add(ox.Triple(node, A, ox.NamedNode(snak.value.node_class)))
        out |= {ox.Triple(node, p, o) for p, o in snak.value.node}
    return out


def view_prefixes(project: Project, prefixes: dict[str, str]) -> dict[str, str]:
    """The publication's prefixes plus Wikidata's statement prefixes and the view's own IRI spaces."""
    return {**prefixes, "p": P, "ps": PS, "psv": PSV, "pq": PQ, "pqv": PQV, "pr": PR, "prv": PRV,
            "wdstatement": project.base_iri + "wikidata/statement/",
            "wdreference": project.base_iri + "wikidata/reference/",
            "wdvalue": project.base_iri + "wikidata/value/"}


__all__ = ["statement_triples", "view_prefixes", "wikidata_time", "wikidata_view"]
