"""Map facts to RDF: the asserted (truthy) triples, one statement node per triple with its
references and quoted spans, and the source articles. No blank nodes; IRIs are stable."""

from __future__ import annotations

import bisect
import hashlib
import itertools
import operator
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

import pyoxigraph as ox

from kg.model import UNITS, Claim, EntityValue, Facts, LiteralValue, QuantityValue, Reference, Source, Value
from kg.namespaces import DCTERMS, OA, OWL, PROV, RDF, SCHEMA, WD, WIKIBASE, WIKIDATA_PAGE, XSD
from kg.project import Project
from kg.rules import Problem, Rule
from kg.terms import integer_literal, term

A = ox.NamedNode(RDF + "type")
_PREDICATE = operator.attrgetter("predicate")
RANK_IRIS = {
    "preferred": ox.NamedNode(WIKIBASE + "PreferredRank"),
    "normal": ox.NamedNode(WIKIBASE + "NormalRank"),
    "deprecated": ox.NamedNode(WIKIBASE + "DeprecatedRank"),
}
HASH_CHARS = 16
_REIFICATION = {RDF + "subject", RDF + "predicate", RDF + "object", WIKIBASE + "rank"}


def _iri(value: str) -> ox.NamedNode:
    return ox.NamedNode(value)


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:HASH_CHARS]


def reading_order(triple: ox.Triple) -> tuple[str, bool, str, str]:
    """By subject (so each node is written once), its rdf:type first, then by predicate."""
    return (str(triple.subject), triple.predicate.value != RDF + "type", str(triple.predicate), str(triple.object))


def in_reading_order(triples: Iterable[ox.Triple]) -> list[ox.Triple]:
    """The distinct triples sorted by reading_order, without a Python call per triple (a third of
    the time at 700k triples)."""
    return sorted_with_lines(triples)[0]


def sorted_with_lines(triples: Iterable[ox.Triple]) -> tuple[list[ox.Triple], list[bytes]]:
    """in_reading_order's triples, and their N-Triples lines in that order as pyoxigraph writes
    them (language tags lowercase, without the closing ` .`), the lines they were sorted by. A triple's N-Triples line,
    `<s> <p> o`, sorts as its reading_order key without the rdf:type flag: an IRI holds no `>` or
    space, so `<s> ` and `<p> ` end where the terms do, and what follows a literal's closing quote
    (`@`, `^^`) sorts after the space before ` .`. So the rdf:type triples and the others are each
    sorted by their lines, and each rdf:type triple goes before the first other triple of its
    subject or of a later one."""
    items = list(triples)
    typed = list(map(A.__eq__, map(_PREDICATE, items)))
    types, type_lines = _by_line(list(itertools.compress(items, typed)))
    others, other_lines = _by_line(list(itertools.compress(items, map(operator.not_, typed))))
    out: list[ox.Triple] = []
    lines: list[bytes] = []
    done = 0
    for triple, line in zip(types, type_lines):
        subject = line[:line.index(b"> ") + 2]  # b"<s> "
        at = bisect.bisect_left(other_lines, subject, done)
        if at > done:
            out += others[done:at]
            lines += other_lines[done:at]
            done = at
        out.append(triple)
        lines.append(line)
    out += others[done:]
    lines += other_lines[done:]
    return out, lines


def _by_line(triples: list[ox.Triple]) -> tuple[list[ox.Triple], list[bytes]]:
    """The distinct triples sorted by their N-Triples lines, and the lines (pyoxigraph writes them
    all at once; a literal's line breaks are escaped, so each triple is one line, and equal lines
    are equal triples)."""
    if not triples:
        return [], []
    data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    assert data is not None
    lines = data.split(b" .\n")
    lines.pop()  # after the last line's " .\n"
    if len(lines) != len(triples):
        raise ValueError(f"{len(triples)} triples written as {len(lines)} N-Triples lines")
    index = dict(zip(lines, range(len(triples))))
    ordered = sorted(index)
    return list(map(triples.__getitem__, map(index.__getitem__, ordered))), ordered


@dataclass(slots=True)
class Statement:
    """Everything the claims say about one (s, p, o): merged references and qualifiers."""

    subject: ox.NamedNode
    predicate: ox.NamedNode
    object: ox.NamedNode | ox.Literal
    iri: ox.NamedNode
    rank: str
    refs: dict[ox.NamedNode, Reference] = field(default_factory=dict)
    points_in_time: set[str] = field(default_factory=set)
    roles: set[str] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)
    origin: str = ""  # file:line of the first claim, for messages

    @property
    def asserted(self) -> bool:
        return self.rank != "deprecated"

    @property
    def triple(self) -> ox.Triple:
        return ox.Triple(self.subject, self.predicate, self.object)


@dataclass
class MappedGraph:
    """The published graph by layer, plus the statements for reports."""

    asserted: list[ox.Triple]
    provenance: list[ox.Triple]
    metadata: list[ox.Triple]
    statements: list[Statement]
    problems: list[Problem]
    _sorted: list[ox.Triple] | None = field(default=None, repr=False)
    _lines: bytes | None = field(default=None, repr=False)

    def triples(self) -> list[ox.Triple]:
        """Layers (1)-(3) of the contract, sorted: what Turtle and JSON-LD carry."""
        if self._sorted is None:
            self._sorted, lines = sorted_with_lines([*self.asserted, *self.provenance, *self.metadata])
            self._lines = b" .\n".join(lines) + b" .\n" if lines else b""
        return self._sorted

    def take_lines(self) -> bytes:
        """The sorted triples' N-Triples as pyoxigraph wrote them to sort them (language tags
        lowercase; kg.outputs.rdf.canonical_language_tags makes them the published bytes), handed
        over once: the graph keeps no copy."""
        self.triples()
        lines, self._lines = self._lines, None
        if lines is None:
            raise ValueError("the graph's N-Triples lines were taken already")
        return lines

    def statement_graphs(self) -> list[ox.Quad]:
        """Layer (4): each asserted statement names a graph holding its one triple. The datasets
        are the default graph (triples()) followed by these."""
        return statement_quads(self.statements)


class Reification(Protocol):
    """What layer (4) needs of a statement: its triple, its IRI, whether it is asserted."""

    @property
    def subject(self) -> ox.NamedNode: ...
    @property
    def predicate(self) -> ox.NamedNode: ...
    @property
    def object(self) -> ox.NamedNode | ox.Literal: ...
    @property
    def iri(self) -> ox.NamedNode: ...
    @property
    def asserted(self) -> bool: ...


@dataclass(frozen=True)
class ReadStatement:
    """A statement node read back from published triples."""

    iri: ox.NamedNode
    subject: ox.NamedNode
    predicate: ox.NamedNode
    object: ox.NamedNode | ox.Literal
    asserted: bool


def statement_quads(statements: Iterable[Reification]) -> list[ox.Quad]:
    """One quad per asserted statement: its triple in the graph the statement IRI names."""
    return sorted(
        (ox.Quad(st.subject, st.predicate, st.object, st.iri) for st in statements if st.asserted), key=str
    )


def read_statements(triples: Iterable[ox.Triple]) -> list[ReadStatement]:
    """The statement nodes among published triples, in one pass."""
    parts: dict[ox.NamedNode, dict[str, ox.NamedNode | ox.Literal]] = {}
    for t in triples:
        if isinstance(t.subject, ox.NamedNode) and t.predicate.value in _REIFICATION:
            parts.setdefault(t.subject, {})[t.predicate.value] = term(t.object)
    found = []
    for iri, p in parts.items():
        s, pred, o = p.get(RDF + "subject"), p.get(RDF + "predicate"), p.get(RDF + "object")
        if isinstance(s, ox.NamedNode) and isinstance(pred, ox.NamedNode) and o is not None:
            found.append(ReadStatement(iri, s, pred, o, p.get(WIKIBASE + "rank") != RANK_IRIS["deprecated"]))
    return found


class Minter:
    """The IRIs kg mints, all under one base IRI."""

    def __init__(self, project: Project) -> None:
        self.base = project.base_iri
        self.kg = project.kg

    def entity(self, entity_id: str) -> ox.NamedNode:
        return _iri(f"{self.base}id/{entity_id}")

    def source(self, key: str) -> ox.NamedNode:
        return _iri(f"{self.base}source/{key}")

    def statement(
        self,
        s: ox.NamedNode,
        p: ox.NamedNode,
        o: ox.NamedNode | ox.Literal,
        role: str | None = None,
        point_in_time: str | None = None,
    ) -> ox.NamedNode:
        """Hashed from the N-Triples of (s, p, o); a qualified statement adds its qualifiers."""
        content = f"{s} {p} {o}"
        if role or point_in_time:
            content += f" role={role or ''} pointInTime={point_in_time or ''}"
        return _iri(f"{self.base}statement/{_hash(content)}")

    def reference(self, source: str, start: int, end: int) -> ox.NamedNode:
        return _iri(f"{self.base}reference/{_hash(f'{source} {start} {end}')}")

    def quantity(self, subject: str, prop: str, amount: str, unit: str) -> ox.NamedNode:
        """One node per claimed quantity, so that one person's height never carries the
        references (or the rank) of another's claim of the same amount."""
        return _iri(f"{self.base}value/{_hash(f'{subject} {prop} {amount} {unit}')}")

    def wikidata_statement(self, s: ox.NamedNode, p: ox.NamedNode, o: ox.NamedNode | ox.Literal,
                           qualifiers: Iterable[tuple[str, ox.NamedNode | ox.Literal]] = ()) -> ox.NamedNode:
        """A statement of the Wikidata view (item, wdt: property, simple value), hashed as
        statement() hashes kg's own, in an IRI space of its own: its subject is the Wikidata
        item and its value Wikidata's, so it is never the same node as a kg statement. A
        qualified statement adds its sorted (property, value) qualifiers to the hash."""
        content = f"{s} {p} {o}"
        ordered = sorted(f"{prop} {term}" for prop, term in qualifiers)
        if ordered:
            content += " qualifiers=" + " ".join(ordered)
        return _iri(f"{self.base}wikidata/statement/{_hash(content)}")

    def wikidata_reference(self, snaks: Iterable[tuple[str, ox.NamedNode | ox.Literal]]) -> ox.NamedNode:
        """A reference of the Wikidata view (a wikibase:Reference), hashed from its sorted
        (property, value) snaks: one node per content, as Wikidata shares its reference nodes."""
        return _iri(f"{self.base}wikidata/reference/{_hash(' '.join(sorted(f'{p} {o}' for p, o in snaks)))}")

    def wikidata_value(self, content: Iterable[tuple[ox.NamedNode, ox.NamedNode | ox.Literal]]) -> ox.NamedNode:
        """A value node of the Wikidata view (a wikibase:TimeValue, a wikibase:QuantityValue),
        hashed from its sorted (property, value) pairs: one node per value, as Wikidata shares them."""
        return _iri(f"{self.base}wikidata/value/{_hash(' '.join(sorted(f'{p} {o}' for p, o in content)))}")

    def term(self, local: str) -> ox.NamedNode:
        return _iri(self.kg + local)

    def value(self, value: Value, claim: Claim) -> ox.NamedNode | ox.Literal:
        if isinstance(value, EntityValue):
            return self.entity(value.id)
        if isinstance(value, LiteralValue):
            if value.lang:
                return ox.Literal(value.lexical, language=value.lang)
            return ox.Literal(value.lexical, datatype=_iri(value.datatype))
        return self.quantity(claim.subject, claim.property, value.amount, value.unit)

    def claim_statement(self, claim: Claim) -> ox.NamedNode:
        return self.statement(self.entity(claim.subject), _iri(claim.property), self.value(claim.value, claim),
                              claim.role, claim.point_in_time)


class _Mapper:
    def __init__(self, project: Project, sources: dict[str, Source]) -> None:
        self.project = project
        self.mint = Minter(project)
        self.sources = sources
        self.statements: dict[StatementKey, Statement] = {}
        self.metadata: list[ox.Triple] = []
        self.problems: list[Problem] = []

    def add(
        self,
        s: ox.NamedNode,
        p: ox.NamedNode,
        o: ox.NamedNode | ox.Literal,
        refs: Iterable[Reference],
        claim: Claim | None = None,
        qualified: bool = True,
    ) -> None:
        """One statement per triple and qualifiers: claims of the same triple with the same
        qualifiers merge their references; a differently qualified claim (a director's camera job
        and his sound job on the same film) is a statement of its own, with its own sources.
        `qualified=False` takes the claim's rank and origin but not its qualifiers."""
        role = claim.role if claim and qualified else None
        when = claim.point_in_time if claim and qualified else None
        key = (str(s), str(p), str(o), role, when)
        rank = claim.rank if claim else "normal"
        statement = self.statements.get(key)
        if statement is None:
            statement = Statement(s, p, o, self.mint.statement(s, p, o, role, when), rank,
                                  origin=f"{claim.file}:{claim.line}" if claim else "")
            if when:
                statement.points_in_time.add(when)
            if role:
                statement.roles.add(role)
            self.statements[key] = statement
        elif statement.rank != rank and claim is not None:
            self.problems.append(
                Problem(
                    Rule.INCONSISTENT_RANK,
                    f"the same triple has rank {statement.rank} elsewhere and {rank} here; give every claim "
                    "of one triple the same rank",
                    claim.file,
                    claim.line,
                )
            )
        for ref in refs:
            statement.refs[self.mint.reference(ref.source, ref.span.start, ref.span.end)] = ref
        if claim is not None and claim.note and claim.note not in statement.notes:
            statement.notes.append(claim.note)

    def entities(self, facts: Facts) -> None:
        for entity in facts.entities.values():
            node = self.mint.entity(entity.id)
            type_refs = entity.preferred_name.refs if any(n.preferred for n in entity.names) else ()
            for cls in entity.types:
                self.add(node, A, _iri(cls), type_refs)
            for name in entity.names:
                prop = SCHEMA + ("name" if name.preferred else "alternateName")
                self.add(node, _iri(prop), ox.Literal(name.text, language=name.lang), name.refs)
            if entity.wikidata:
                self.metadata.append(ox.Triple(node, _iri(OWL + "sameAs"), _iri(WD + entity.wikidata)))
                self.metadata.append(ox.Triple(node, _iri(SCHEMA + "sameAs"), _iri(WIKIDATA_PAGE + entity.wikidata)))

    def value(self, value: Value, claim: Claim) -> ox.NamedNode | ox.Literal:
        node = self.mint.value(value, claim)
        if isinstance(value, QuantityValue):
            assert isinstance(node, ox.NamedNode)  # a quantity is a node of its own
            self.quantity(node, value, claim)
        return node

    def quantity(self, node: ox.NamedNode, value: QuantityValue, claim: Claim) -> None:
        code, text = UNITS[value.unit]
        self.add(node, A, _iri(SCHEMA + "QuantitativeValue"), claim.refs)
        self.add(node, _iri(SCHEMA + "value"), ox.Literal(value.amount, datatype=_iri(XSD + "decimal")), claim.refs)
        self.add(node, _iri(SCHEMA + "unitCode"), ox.Literal(code), claim.refs)
        self.add(node, _iri(SCHEMA + "unitText"), ox.Literal(text), claim.refs)

    def claims(self, facts: Facts) -> None:
        for claim in facts.claims:
            obj = self.value(claim.value, claim)
            subject, prop = self.mint.entity(claim.subject), _iri(claim.property)
            self.add(subject, prop, obj, claim.refs, claim)
            if claim.role:
                self.role_pattern(subject, prop, obj, claim)

    def role_pattern(self, subject: ox.NamedNode, prop: ox.NamedNode, obj: ox.NamedNode | ox.Literal,
                     claim: Claim) -> None:
        """schema.org's Role pattern in the asserted graph, beside the plain triple and the
        qualified statement: `film schema:actor role . role schema:actor person`, so a plain query
        reaches the role's own facts (its character, its applicants) from the film and the person.
        Each triple is a statement of its own, with the claim's references and rank."""
        assert claim.role is not None
        role = self.mint.entity(claim.role)
        self.add(subject, prop, role, claim.refs, claim, qualified=False)
        self.add(role, prop, obj, claim.refs, claim, qualified=False)

    def source_triples(self) -> None:
        """Each article: what it is, its checksum and language, what it says of its title and date,
        where it is published and who holds its rights; its full text only where the project
        may republish it (kg.toml sources.text = "full")."""
        for source in self.sources.values():
            node = self.mint.source(source.key)
            self.metadata += [
                ox.Triple(node, A, _iri(SCHEMA + "NewsArticle")),
                ox.Triple(node, _iri(SCHEMA + "identifier"), ox.Literal(source.key)),
                ox.Triple(node, _iri(SCHEMA + "inLanguage"), ox.Literal(source.language)),
                ox.Triple(node, self.mint.term("sha256"), ox.Literal(source.sha256, datatype=_iri(XSD + "hexBinary"))),
            ]
            if self.project.publishes_text:
                self.metadata.append(ox.Triple(node, _iri(SCHEMA + "text"), ox.Literal(source.text)))
            if source.title:
                self.metadata.append(ox.Triple(node, _iri(SCHEMA + "headline"), ox.Literal(source.title, language=source.language)))
            if source.url:
                self.metadata.append(ox.Triple(node, _iri(SCHEMA + "url"), _iri(source.url)))
            if source.date:
                self.metadata.append(ox.Triple(node, _iri(SCHEMA + "datePublished"), ox.Literal(source.date, datatype=_iri(XSD + "date"))))
            if source.publisher:
                publisher = _iri(node.value + "#publisher")
                self.metadata += [
                    ox.Triple(node, _iri(SCHEMA + "publisher"), publisher),
                    ox.Triple(publisher, A, _iri(SCHEMA + "Organization")),
                    ox.Triple(publisher, _iri(SCHEMA + "name"), ox.Literal(source.publisher, language=source.language)),
                ]
            rights = source.rights or self.project.source_rights
            if rights:
                self.metadata.append(ox.Triple(node, _iri(DCTERMS + "rights"), ox.Literal(rights)))

    def provenance(self) -> list[ox.Triple]:
        out: list[ox.Triple] = []
        references: dict[ox.NamedNode, Reference] = {}
        # Each predicate, class and source node made once, not once per statement or reference.
        statement, subject, predicate, obj = (_iri(RDF + local) for local in ("Statement", "subject", "predicate", "object"))
        rank, derived, primary = _iri(WIKIBASE + "rank"), _iri(PROV + "wasDerivedFrom"), _iri(PROV + "hadPrimarySource")
        point_in_time, has_role, curator_note = (self.mint.term(local) for local in ("pointInTime", "objectHasRole", "curatorNote"))
        date = _iri(XSD + "date")
        sources: dict[str, ox.NamedNode] = {}

        def source(key: str) -> ox.NamedNode:
            found = sources.get(key)
            if found is None:
                found = sources[key] = self.mint.source(key)
            return found

        specific, has_source, has_selector = (_iri(OA + local) for local in ("SpecificResource", "hasSource", "hasSelector"))
        quote_selector, exact, prefix, suffix = (_iri(OA + local) for local in ("TextQuoteSelector", "exact", "prefix", "suffix"))
        position_selector, start, end = (_iri(OA + local) for local in ("TextPositionSelector", "start", "end"))
        for st in self.statements.values():
            out += [
                ox.Triple(st.iri, A, statement),
                ox.Triple(st.iri, subject, st.subject),
                ox.Triple(st.iri, predicate, st.predicate),
                ox.Triple(st.iri, obj, st.object),
                ox.Triple(st.iri, rank, RANK_IRIS[st.rank]),
            ]
            for ref_iri, ref in st.refs.items():
                references[ref_iri] = ref
                out.append(ox.Triple(st.iri, derived, ref_iri))
                out.append(ox.Triple(st.iri, primary, source(ref.source)))
            for when in st.points_in_time:
                out.append(ox.Triple(st.iri, point_in_time, ox.Literal(when, datatype=date)))
            for role in st.roles:
                out.append(ox.Triple(st.iri, has_role, self.mint.entity(role)))
            for note in st.notes:
                out.append(ox.Triple(st.iri, curator_note, ox.Literal(note)))
        for ref_iri, ref in references.items():
            quote, position = _iri(ref_iri.value + "#quote"), _iri(ref_iri.value + "#position")
            out += [
                ox.Triple(ref_iri, A, specific),
                ox.Triple(ref_iri, has_source, source(ref.source)),
                ox.Triple(ref_iri, has_selector, quote),
                ox.Triple(ref_iri, has_selector, position),
                ox.Triple(quote, A, quote_selector),
                ox.Triple(quote, exact, ox.Literal(ref.span.exact)),
                ox.Triple(quote, prefix, ox.Literal(ref.span.prefix)),
                ox.Triple(quote, suffix, ox.Literal(ref.span.suffix)),
                ox.Triple(position, A, position_selector),
                ox.Triple(position, start, integer_literal(ref.span.start)),
                ox.Triple(position, end, integer_literal(ref.span.end)),
            ]
        return out


def map_facts(facts: Facts, sources: dict[str, Source], project: Project) -> MappedGraph:
    """The whole graph for these facts and sources."""
    mapper = _Mapper(project, sources)
    mapper.entities(facts)
    mapper.claims(facts)
    return _assembled(mapper)


def _assembled(mapper: _Mapper) -> MappedGraph:
    mapper.source_triples()
    statements = sorted(mapper.statements.values(), key=lambda st: st.iri.value)
    asserted = sorted({st.triple for st in statements if st.asserted}, key=str)
    return MappedGraph(asserted, mapper.provenance(), mapper.metadata, statements, mapper.problems)


StatementKey = tuple[str, str, str, str | None, str | None]


@dataclass
class MappedPart:
    """One facts file mapped alone: the statements its entities make and those its claims make
    (map_facts maps every file's entities before any file's claims), each in the order first made,
    and its entities' metadata triples (owl:sameAs)."""

    entity_statements: list[Statement]
    claim_statements: list[Statement]
    metadata: list[ox.Triple]
    problems: list[Problem]


def statement_key(statement: Statement) -> StatementKey:
    """What _Mapper.add merges statements by: the triple and its qualifiers."""
    return (str(statement.subject), str(statement.predicate), str(statement.object),
            next(iter(statement.roles), None), next(iter(statement.points_in_time), None))


def map_part(facts: Facts, project: Project) -> MappedPart:
    """One file's facts mapped alone (kg.build_cache merges the parts with graph_of)."""
    entities, claims = _Mapper(project, {}), _Mapper(project, {})
    entities.entities(facts)
    claims.claims(facts)
    return MappedPart(list(entities.statements.values()), list(claims.statements.values()), entities.metadata,
                      entities.problems + claims.problems)


def graph_of(statements: dict[StatementKey, Statement], metadata: list[ox.Triple], sources: dict[str, Source],
             project: Project) -> MappedGraph:
    """The whole graph from statements already merged (in the order map_facts makes them) and the
    entities' metadata: what map_facts returns for the facts they came from."""
    mapper = _Mapper(project, sources)
    mapper.statements = statements
    mapper.metadata = list(metadata)
    return _assembled(mapper)
