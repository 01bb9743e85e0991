"""The published graph indexed for the site: triples by subject and object, labels, quoted spans,
and the resources that get a page. Everything is read from output/ (the graph and the ontology)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pyoxigraph as ox

from kg.errors import InputError
from kg.mapping import reading_order
from kg.namespaces import OA, PROV, RDF, RDFS, SCHEMA, Compactor
from kg.outputs import output_path
from kg.project import Project
from kg.site.dependencies import Recorded, Recorder
from kg.site.layout import Location, locate
from kg.store import built
from kg.terms import term, value

TYPE = RDF + "type"
ENTITY_SPACES = ("id/", "value/")


@dataclass(frozen=True)
class Span:
    """One quoted span of a source article (one reference node)."""

    reference: str
    source: str
    start: int
    end: int
    exact: str
    statements: tuple[str, ...]
    prefix: str = ""
    suffix: str = ""


@dataclass
class SiteGraph:
    project: Project
    store: ox.Store
    ontology: list[ox.Triple]
    # read through kg.site.dependencies.Recorded maps, so that what a page reads is known
    by_subject: Mapping[str, list[ox.Triple]] = field(default_factory=dict)
    by_object: Mapping[str, list[ox.Triple]] = field(default_factory=dict)
    labels: Mapping[str, str] = field(default_factory=dict)
    reads: Recorder = field(default_factory=Recorder)

    @property
    def base(self) -> str:
        return self.project.base_iri

    @cached_property
    def compactor(self) -> Compactor:
        """Prefixed names for IRIs outside the site (the base IRI's own prefix is not used)."""
        return Compactor(self.project.prefixes(), exclude=("kgr",))

    def locate(self, iri: str) -> Location | None:
        return locate(iri, self.base)

    def objects(self, subject: str, predicate: str) -> list[ox.NamedNode | ox.Literal]:
        return sorted(
            (term(t.object) for t in self.by_subject.get(subject, ()) if t.predicate.value == predicate), key=str
        )

    def first(self, subject: str, predicate: str) -> str | None:
        values = self.objects(subject, predicate)
        return values[0].value if values else None

    def types(self, subject: str) -> list[str]:
        return [o.value for o in self.objects(subject, TYPE)]

    def label(self, iri: str) -> str:
        return self.labels.get(iri) or _local_name(iri)

    def resources(self) -> list[str]:
        """Every minted IRI that gets a page of its own (fragments live on their parent's page)."""
        self.reads.everything()  # the list is computed once, outside any page
        return list(self._resources)

    @cached_property
    def _resources(self) -> tuple[str, ...]:
        return tuple(sorted(s for s in self.by_subject if (loc := self.locate(s)) is not None and not loc.anchor))

    def entities(self) -> list[str]:
        return [r for r in self.resources() if r[len(self.base):].startswith("id/")]

    def sources(self) -> list[str]:
        return [r for r in self.resources() if r[len(self.base):].startswith("source/")]

    def kind(self, iri: str) -> str:
        """entity, statement, source, reference or ontology."""
        path = iri[len(self.base):]
        if path.startswith(ENTITY_SPACES):
            return "entity"
        return path.split("/", 1)[0].split("#", 1)[0]

    def entity_kinds(self) -> set[str]:
        return {e[len(self.base) + 3:].split("/", 1)[0] for e in self.entities()}

    def spans(self, source: str) -> list[Span]:
        """The quoted spans of one article, by position."""
        found = []
        for t in self.by_object.get(source, ()):
            if t.predicate.value != OA + "hasSource":
                continue
            reference = value(t.subject)
            exact = start = end = prefix = suffix = None
            for selector in self.objects(reference, OA + "hasSelector"):
                exact = exact or self.first(selector.value, OA + "exact")
                prefix = prefix or self.first(selector.value, OA + "prefix")
                suffix = suffix or self.first(selector.value, OA + "suffix")
                start = start or self.first(selector.value, OA + "start")
                end = end or self.first(selector.value, OA + "end")
            if exact is None or start is None or end is None:
                raise InputError(f"reference <{reference}> lacks its quote or position selector")
            statements = tuple(sorted(
                value(s.subject) for s in self.by_object.get(reference, ())
                if s.predicate.value == PROV + "wasDerivedFrom"
            ))
            found.append(Span(reference, source, int(start), int(end), exact, statements, prefix or "", suffix or ""))
        return sorted(found, key=lambda s: (s.start, s.end))

    def description(self, iri: str) -> list[ox.Triple]:
        """What a resource's data files hold (a concise bounded description): its own triples;
        for an entity also every statement about it or pointing at it; for an entity or a
        statement the references of those statements and their two selectors; for a reference its
        selectors. Source articles are linked, not copied."""
        kind = self.kind(iri)
        subjects = {iri}
        if kind == "entity":
            for t in self.by_object.get(iri, ()):
                if t.predicate.value in (RDF + "subject", RDF + "object"):
                    subjects.add(value(t.subject))
        if kind in ("entity", "statement"):
            for statement in list(subjects):
                for derived in self.objects(statement, PROV + "wasDerivedFrom"):
                    subjects.add(derived.value)
        for ref in list(subjects):
            for selector in self.objects(ref, OA + "hasSelector"):
                subjects.add(selector.value)
        triples = [t for s in subjects for t in self.by_subject.get(s, ())]
        return sorted(triples, key=reading_order)


def _local_name(iri: str) -> str:
    for sep in ("#", "/"):
        if sep in iri.rstrip("/"):
            return iri.rstrip("/").rsplit(sep, 1)[-1]
    return iri


def _best(values: list[ox.Literal]) -> str:
    """English first, then any language, alphabetically: one stable label per resource."""
    return sorted(values, key=lambda v: (v.language not in ("en", None), v.language or "", v.value))[0].value


def load(project: Project, store: ox.Store) -> SiteGraph:
    ontology = _parse(built(output_path(project, "ontology"))[0])
    graph = SiteGraph(project, store, ontology)
    by_subject: dict[str, list[ox.Triple]] = defaultdict(list)
    by_object: dict[str, list[ox.Triple]] = defaultdict(list)
    for quad in store.quads_for_pattern(None, None, None, ox.DefaultGraph()):
        triple = ox.Triple(quad.subject, quad.predicate, quad.object)
        if isinstance(quad.subject, ox.NamedNode):
            by_subject[quad.subject.value].append(triple)
        if isinstance(quad.object, ox.NamedNode):
            by_object[quad.object.value].append(triple)
    graph.by_subject = Recorded({s: sorted(ts, key=reading_order) for s, ts in by_subject.items()}, "S", graph.reads)
    graph.by_object = Recorded({o: sorted(ts, key=reading_order) for o, ts in by_object.items()}, "O", graph.reads)
    graph.labels = Recorded(_labels(graph), "L", graph.reads)
    return graph


def _parse(path: Path) -> list[ox.Triple]:
    return [ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)]


def _labels(graph: SiteGraph) -> dict[str, str]:
    labels: dict[str, str] = {}
    for subject in graph.by_subject:
        literals = [o for o in graph.objects(subject, SCHEMA + "name") if isinstance(o, ox.Literal)]
        literals = literals or [o for o in graph.objects(subject, RDFS + "label") if isinstance(o, ox.Literal)]
        literals = literals or [o for o in graph.objects(subject, SCHEMA + "headline") if isinstance(o, ox.Literal)]
        if literals:
            labels[subject] = _best(literals)
    for subject in graph.by_subject:
        if subject in labels or not subject.startswith(graph.base):
            continue
        path = subject[len(graph.base):]
        if path.startswith("statement/"):
            s, p, o = (graph.objects(subject, RDF + x) for x in ("subject", "predicate", "object"))
            if s and p and o:
                obj = labels.get(o[0].value, _local_name(o[0].value)) if isinstance(o[0], ox.NamedNode) else o[0].value
                labels[subject] = (f"{labels.get(s[0].value, _local_name(s[0].value))} — "
                                   f"{labels.get(p[0].value, _local_name(p[0].value))} — {obj}")
        elif path.startswith("value/"):
            amount = graph.first(subject, SCHEMA + "value")
            if amount:
                labels[subject] = f"{amount} {graph.first(subject, SCHEMA + 'unitText') or ''}".strip()
        elif path.startswith("reference/") and "#" not in path:
            exact = next(filter(None, (graph.first(sel.value, OA + "exact")
                                       for sel in graph.objects(subject, OA + "hasSelector"))), None)
            if exact:
                labels[subject] = f"“{exact}”"
    return labels
