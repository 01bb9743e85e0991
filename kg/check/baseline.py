"""The graph new facts would join, as a pyoxigraph store: its entities, its statements and the
neighbourhood of any node, each answered with a few index lookups however large the graph is."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

import pyoxigraph as ox

from kg.conflicts import Evidence
from kg.files import display_path
from kg.inputs.facts import fact_files, read_facts
from kg.inputs.ontology import Ontology
from kg.inputs.sources import load_sources
from kg.mapping import Minter, map_facts
from kg.model import Entity, Name, Source
from kg.namespaces import OWL, PROV, RDF, SCHEMA, WD, WIKIBASE
from kg.origins import StoredOrigins
from kg.project import Project
from kg.store import MANIFEST, holds_published, newer_inputs, open_persistent
from kg.terms import iri, term, value

_DEFAULT = ox.DefaultGraph()
_TYPE = ox.NamedNode(RDF + "type")
_SUBJECT = ox.NamedNode(RDF + "subject")
_PREDICATE = ox.NamedNode(RDF + "predicate")
_OBJECT = ox.NamedNode(RDF + "object")
_RANK = ox.NamedNode(WIKIBASE + "rank")
_DEPRECATED = ox.NamedNode(WIKIBASE + "DeprecatedRank")
_DERIVED = ox.NamedNode(PROV + "wasDerivedFrom")
_PRIMARY = ox.NamedNode(PROV + "hadPrimarySource")
_IDENTIFIER = ox.NamedNode(SCHEMA + "identifier")
_NAME = ox.NamedNode(SCHEMA + "name")
_ALTERNATE = ox.NamedNode(SCHEMA + "alternateName")
_SAME_AS = ox.NamedNode(OWL + "sameAs")
_VALUE = ox.NamedNode(SCHEMA + "value")
_UNIT = ox.NamedNode(SCHEMA + "unitText")
_RANKS = {
    WIKIBASE + "PreferredRank": "preferred",
    WIKIBASE + "NormalRank": "normal",
    WIKIBASE + "DeprecatedRank": "deprecated",
}


class Baseline:
    """`locations` names where curated claims and entities come from (statement or entity IRI ->
    "file:line"): mapped from facts/ just now, or kept beside the loaded store (kg.origins)."""

    def __init__(self, store: ox.Store, project: Project, locations: Mapping[str, str] | None = None,
                 sources: Mapping[str, Source] | None = None) -> None:
        self.store = store
        self.entity_space = project.base_iri + "id/"
        self.source_space = project.base_iri + "source/"
        self.locations = locations or {}
        self.entities = StoredEntities(self)
        # The project's own registry: the texts are read (and checked against their sha256) from
        # sources/ when a quote needs them, whether or not the published graph carries them.
        self.sources: Mapping[str, Source] = load_sources(project.sources_dir) if sources is None else sources

    def objects(self, subject: ox.NamedNode, predicate: ox.NamedNode) -> list[ox.NamedNode | ox.Literal]:
        return [term(q.object) for q in self.store.quads_for_pattern(subject, predicate, None, _DEFAULT)]

    def where(self, iri: str) -> str:
        return self.locations.get(iri) or f"<{iri}>"

    def rank(self, statement: ox.NamedNode) -> str | None:
        ranks = self.objects(statement, _RANK)
        return _RANKS.get(ranks[0].value) if ranks else None

    def entity_id(self, term: ox.NamedNode | ox.Literal) -> str | None:
        if isinstance(term, ox.NamedNode) and term.value.startswith(self.entity_space):
            return term.value[len(self.entity_space):]
        return None

    def value_text(self, term: ox.NamedNode | ox.Literal) -> str:
        """An object as the facts format writes it: entity id, lexical form, or 'amount unit'."""
        if isinstance(term, ox.Literal):
            return term.value
        entity = self.entity_id(term)
        if entity is not None:
            return entity
        amount, unit = self.objects(term, _VALUE), self.objects(term, _UNIT)
        if amount:
            return f"{amount[0].value} {unit[0].value if unit else ''}".strip()
        return term.value

    def evidence(self, s: ox.NamedNode, p: ox.NamedNode) -> list[Evidence]:
        """The asserted (not deprecated) statements of (s, p), with the sources they cite."""
        found = []
        for quad in self.store.quads_for_pattern(None, _SUBJECT, s, _DEFAULT):
            statement = quad.subject
            if not isinstance(statement, ox.NamedNode) or self.objects(statement, _PREDICATE) != [p]:
                continue
            values = self.objects(statement, _OBJECT)
            if not values or _DEPRECATED in self.objects(statement, _RANK):
                continue
            sources = sorted(self._source_key(src) for src in self.objects(statement, _PRIMARY))
            found.append(Evidence(s.value, p.value, values[0], statement.value, tuple((key, "") for key in sources)))
        return sorted(found, key=lambda e: e.statement)

    def _source_key(self, source: ox.NamedNode | ox.Literal) -> str:
        keys = self.objects(source, _IDENTIFIER) if isinstance(source, ox.NamedNode) else []
        return keys[0].value if keys else source.value

    def neighbourhood(self, nodes: Iterable[str], pointed_at: Iterable[str] = ()) -> tuple[list[ox.Triple], set[str]]:
        """What SHACL reads when it validates these nodes: their statements and references, the
        triples of all of them, and of everything those triples (or new ones, `pointed_at`)
        point at: types, selectors, quoted articles. Returns the triples and the focus nodes
        (the nodes, their statements and references)."""
        focus = {ox.NamedNode(n) for n in nodes}
        for node in list(focus):
            for quad in self.store.quads_for_pattern(None, _SUBJECT, node, _DEFAULT):
                focus.add(iri(quad.subject))
        for node in list(focus):
            focus.update(iri(ref) for ref in self.objects(node, _DERIVED))
        triples: set[ox.Triple] = set()
        pointed = {ox.NamedNode(n) for n in pointed_at}
        for node in focus:
            for quad in self.store.quads_for_pattern(node, None, None, _DEFAULT):
                triples.add(quad.triple)
                if isinstance(quad.object, ox.NamedNode) and quad.object not in focus:
                    pointed.add(quad.object)
        for node in pointed:
            triples.update(q.triple for q in self.store.quads_for_pattern(node, None, None, _DEFAULT))
        return sorted(triples, key=str), {n.value for n in focus}


class StoredEntities(Mapping[str, Entity]):
    """The baseline's entities by id (kind/slug), read from the store on demand."""

    def __init__(self, baseline: Baseline) -> None:
        self.baseline = baseline

    def __getitem__(self, entity_id: str) -> Entity:
        node = ox.NamedNode(self.baseline.entity_space + entity_id)
        objects = self.baseline.objects
        types = tuple(sorted(t.value for t in objects(node, _TYPE)))
        if not types:
            raise KeyError(entity_id)
        names = tuple(
            Name(n.value, n.language or "", preferred, ())
            for predicate, preferred in ((_NAME, True), (_ALTERNATE, False))
            for n in objects(node, predicate)
            if isinstance(n, ox.Literal)
        )
        qids = [s.value[len(WD):] for s in objects(node, _SAME_AS) if s.value.startswith(WD)]
        where = self.baseline.where(node.value)
        file, _, line = where.rpartition(":") if where[-1:].isdigit() else (where, "", "0")
        return Entity(entity_id, types, qids[0] if qids else None, names, file, int(line))

    def __iter__(self) -> Iterator[str]:
        seen = set()
        for quad in self.baseline.store.quads_for_pattern(None, _TYPE, None, _DEFAULT):
            entity = self.baseline.entity_id(iri(quad.subject))
            if entity is not None and entity not in seen:
                seen.add(entity)
                yield entity

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def values(self) -> list[Entity]:  # type: ignore[override]  # a list read in one pass, not a live view
        """Every entity with its name forms (types left out): one pass, for did-you-mean."""
        names: dict[str, list[Name]] = {}
        for predicate, preferred in ((_NAME, True), (_ALTERNATE, False)):
            for quad in self.baseline.store.quads_for_pattern(None, predicate, None, _DEFAULT):
                entity = self.baseline.entity_id(iri(quad.subject))
                if entity is not None:
                    names.setdefault(entity, []).append(Name(value(quad.object), "", preferred, ()))
        return [Entity(e, (), None, tuple(n), "", 0) for e, n in sorted(names.items())]



def open_baseline(
    project: Project, checked: list[Path], ontology: Ontology, known_qids: set[str] | None
) -> tuple[Baseline, list[str]]:
    """The graph the checked files would join: the store `kg load` wrote when it is current
    (a few index lookups per fact, whatever the graph's size), else facts/ read and mapped
    now. Facts files inside facts/ are left out of it, so that they are checked against the rest."""
    facts_dir = project.facts_dir.resolve()
    inside = {p.resolve() for p in checked if p.resolve().is_relative_to(facts_dir)}
    store_dir = project.store_dir
    notes = []
    if not inside and holds_published(project):
        newer = newer_inputs(project)
        if not newer:
            return Baseline(open_persistent(store_dir), project, StoredOrigins(store_dir)), []
        notes.append(f"{display_path(newer[0], project.root)} changed after the last build: checked against "
                     "facts/ instead of the store (run 'kg build' and 'kg load' to check faster)")
    elif (store_dir / MANIFEST).exists() and not inside:
        notes.append(f"{display_path(store_dir, project.root)} is older than output/: checked against facts/ "
                     "instead (run 'kg load' to check faster)")
    sources = load_sources(project.sources_dir)
    paths = [p for p in fact_files(project.facts_dir) if p.resolve() not in inside]
    facts = read_facts(paths, ontology, sources, known_qids, project.root)
    graph = map_facts(facts, sources, project)
    mint = Minter(project)
    store = ox.Store()
    store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in [*graph.triples(), *ontology.triples])
    locations = {st.iri.value: st.origin for st in graph.statements}
    locations |= {mint.entity(e.id).value: f"{e.file}:{e.line}" for e in facts.entities.values()}
    return Baseline(store, project, locations, sources), notes
