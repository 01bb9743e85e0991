"""The HTML pages: what each page shows, rendered with autoescaping Jinja2 templates."""

from __future__ import annotations

import html
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import jinja2
import pyoxigraph as ox
from markupsafe import Markup

from kg.explain import Explanation, Fact, explain_all
from kg.namespaces import DCTERMS, OA, OWL, PROV, RDF, RDFS, SCHEMA, WIKIBASE, XSD
from kg.outputs import output
from kg.query import Example
from kg.site import layout
from kg.site.dependencies import Recorded
from kg.site.layout import DATA_SUFFIXES, span_anchor
from kg.site.model import SiteGraph, Span
from kg.site.rdf import schema_org_jsonld
from kg.terms import canonical_language_tag, value

NAME_PREDICATES = (SCHEMA + "name", SCHEMA + "alternateName")
TEMPLATES = Path(__file__).parent / "templates"


def environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


@dataclass(frozen=True)
class Term:
    """A value as shown on a page: text, an optional link and a note (language or datatype)."""

    text: str
    href: str | None = None
    note: str = ""
    external: bool = False


# An example query as the queries page shows it: the example, its text, the columns, the rows.
QueryResult = tuple[Example, str, list[str], list[list[Term | None]]]


class Links:
    """Links and labels as seen from one page."""

    def __init__(self, graph: SiteGraph, stem: str) -> None:
        self.graph = graph
        self.stem = stem

    def page(self, iri: str) -> str | None:
        loc = self.graph.locate(iri)
        if loc is None or (iri not in self.graph.by_subject and iri != self.graph.base + layout.ONTOLOGY):
            return None
        return layout.href(self.stem, loc.stem, anchor=loc.anchor)

    def asset(self, name: str) -> str:
        return layout.asset(self.stem, name)

    def data(self, suffix: str) -> str:
        return layout.href(self.stem, self.stem, suffix)

    def span(self, source_key: str, start: int, end: int) -> str:
        return layout.href(self.stem, f"source/{source_key}", anchor=span_anchor(start, end))

    def term(self, node: ox.NamedNode | ox.Literal | ox.BlankNode) -> Term:
        if isinstance(node, ox.Literal):
            note = canonical_language_tag(node.language) if node.language else ""
            if not note and node.datatype.value != XSD + "string":
                dt = node.datatype.value
                note = "xsd:" + dt[len(XSD):] if dt.startswith(XSD) else dt
            return Term(node.value, note=note)
        if isinstance(node, ox.BlankNode):
            return Term(str(node))
        return self.iri(node.value)

    def iri(self, iri: str) -> Term:
        href = self.page(iri)
        if href is not None:
            return Term(self.graph.label(iri), href)
        label = self.graph.labels.get(iri)
        if iri.startswith(("http://", "https://")):
            return Term(label or _compact(iri, self.graph), iri, external=True)
        return Term(label or iri)


def _compact(iri: str, graph: SiteGraph) -> str:
    return graph.compactor.curie(iri) or iri


class Renderer:
    def __init__(self, graph: SiteGraph, roles: frozenset[str] = frozenset()) -> None:
        self.graph = graph
        self.roles = roles  # classes whose nodes the page's JSON-LD embeds whole (schema:Role's)
        self.env = environment()

    @cached_property
    def explanations(self) -> Mapping[str, Explanation]:
        """kg explain of every entity page, all at once (one query per entity would cost entities × graph)."""
        g = self.graph
        return Recorded(explain_all(g.store, [r for r in g.resources() if g.kind(r) == "entity"], g.project.kg),
                        "E", g.reads)

    def _render(self, template: str, stem: str, title: str, iri: str | None, description: list[ox.Triple] | None,
                **context: object) -> bytes:
        links = Links(self.graph, stem)
        alternates = [(suffix, media, links.data(suffix)) for suffix, media in DATA_SUFFIXES.items()] if iri else []
        jsonld = Markup(schema_org_jsonld(self.graph.by_subject, iri, self.graph.project.language, self.roles)) \
            if iri and description is not None else None
        text = self.env.get_template(template).render(
            title=title, iri=iri, L=links, alternates=alternates, jsonld=jsonld, dataset=self.graph.project, **context
        )
        return text.encode("utf-8")

    def entity(self, iri: str, stem: str, description: list[ox.Triple], svg: str | None) -> bytes:
        g = self.graph
        ex = self.explanations[iri]
        names = [f for f in ex.facts if f.predicate in NAME_PREDICATES]
        names.sort(key=lambda f: (f.predicate != SCHEMA + "name", f.value.value))
        by_predicate: dict[str, list[Fact]] = defaultdict(list)
        for f in ex.facts:
            if f.predicate not in NAME_PREDICATES:
                by_predicate[f.predicate].append(f)
        conflicts = [(predicate, facts, ex.conflict_of[predicate].note(g.compactor))
                     for predicate, facts in sorted(ex.conflicts.items())]
        same_as = [o.value for o in g.objects(iri, SCHEMA + "sameAs")] + [o.value for o in g.objects(iri, OWL + "sameAs")]
        return self._render(
            "entity.html", stem, g.label(iri), iri, description,
            types=[t for t in g.types(iri)],
            names=names,
            facts=sorted(by_predicate.items(), key=lambda kv: (kv[0] != RDF + "type", g.label(kv[0]), kv[0])),
            mentions=ex.mentions,
            conflicts=conflicts,
            same_as=same_as,
            svg=Markup(svg) if svg else None,
            label=g.label,
        )

    def source(self, iri: str, stem: str, description: list[ox.Triple], spans: list[Span]) -> bytes:
        g = self.graph
        text = g.first(iri, SCHEMA + "text")
        publishers = g.objects(iri, SCHEMA + "publisher")
        return self._render(
            "source.html", stem, g.label(iri), iri, description,
            key=g.first(iri, SCHEMA + "identifier"),
            fields=[(g.label(p), g.objects(iri, p)) for p in (
                SCHEMA + "headline", SCHEMA + "datePublished", SCHEMA + "inLanguage", SCHEMA + "url",
                DCTERMS + "rights", g.project.kg + "sha256")],
            publisher=g.label(publishers[0].value) if publishers else None,
            language=g.first(iri, SCHEMA + "inLanguage") or "",
            article=Markup(highlighted(text, spans)) if text is not None else None,
            passages=Markup(quoted_passages(spans)),
            style=Markup(span_style(spans)),
            spans=spans,
            label=g.label,
        )

    def statement(self, iri: str, stem: str, description: list[ox.Triple]) -> bytes:
        g = self.graph
        subject, predicate, obj = (g.objects(iri, RDF + x)[0] for x in ("subject", "predicate", "object"))
        references = [self._reference(r.value) for r in g.objects(iri, PROV + "wasDerivedFrom")]
        references.sort(key=lambda r: (r["source_key"], r["start"]))
        rank = g.first(iri, WIKIBASE + "rank") or ""
        qualifiers = [(t.predicate.value, t.object) for t in g.by_subject.get(iri, ())
                      if t.predicate.value.startswith(g.project.kg)]
        return self._render(
            "statement.html", stem, g.label(iri), iri, description,
            subject=subject, predicate=predicate, object=obj,
            rank=rank.rsplit("#", 1)[-1].removesuffix("Rank").lower(),
            asserted=not rank.endswith("DeprecatedRank"),
            qualifiers=qualifiers, references=references, label=g.label,
        )

    def _reference(self, ref: str) -> dict[str, object]:
        g = self.graph
        source = g.first(ref, OA + "hasSource") or ""
        fields: dict[str, object] = {"iri": ref, "source": source, "source_key": g.first(source, SCHEMA + "identifier") or ""}
        for selector in g.objects(ref, OA + "hasSelector"):
            for name in ("exact", "prefix", "suffix", "start", "end"):
                found = g.first(selector.value, OA + name)
                if found is not None:
                    fields[name] = int(found) if name in ("start", "end") else found
        return fields

    def reference(self, iri: str, stem: str, description: list[ox.Triple]) -> bytes:
        g = self.graph
        statements = sorted(value(t.subject) for t in g.by_object.get(iri, ())
                            if t.predicate.value == PROV + "wasDerivedFrom")
        selectors = [(s.value, s.value.rpartition("#")[2], g.by_subject.get(s.value, []))
                     for s in g.objects(iri, OA + "hasSelector")]
        return self._render(
            "reference.html", stem, g.label(iri), iri, description,
            ref=self._reference(iri), statements=statements, selectors=selectors, label=g.label,
        )

    def index(self, by_type: list[tuple[str, list[str]]], sources: list[str],
              conflicts: list[tuple[str, str, list[str], str | None]], pictured: list[str]) -> bytes:
        downloads = [(output(key).format.name, output(key).name(self.graph.project))
                      for key in ("graph", "graph-jsonld", "dataset-nquads")]
        return self._render("index.html", "index", self.graph.project.title, None, None,
                            by_type=by_type, sources=sources, conflicts=conflicts, pictured=pictured,
                            downloads=downloads, label=self.graph.label)

    def queries(self, results: list[QueryResult]) -> bytes:
        return self._render("queries.html", "queries", "Example SPARQL queries", None, None, results=results)

    def ontology(self, iri: str, stem: str, description: list[ox.Triple]) -> bytes:
        g = self.graph
        terms: dict[str, list[ox.Triple]] = defaultdict(list)
        for t in description:
            terms[value(t.subject)].append(t)
        head = terms.pop(iri, [])
        own = sorted((s for s in terms if s.startswith(g.project.kg)), key=lambda s: s.lower())
        others = sorted((s for s in terms if not s.startswith(g.project.kg)), key=lambda s: s.lower())
        return self._render("ontology.html", stem, "kg ontology", iri, description,
                            head=head, terms=terms, own=own, others=others, label=g.label,
                            comment=lambda s: g.first(s, RDFS + "comment") or "")


def highlighted(text: str, spans: list[Span]) -> str:
    """The article text with every quoted span marked. Spans may overlap, so the text is cut at
    every span boundary; each piece carries one class per span covering it, and each span has an
    empty anchor element just before its first piece. The page's style then highlights, with
    `#anchor:target ~ .c-anchor`, exactly the pieces of the span the link points to."""
    cuts = sorted({0, len(text)} | {s.start for s in spans} | {s.end for s in spans})
    starting: dict[int, list[Span]] = defaultdict(list)
    for s in spans:
        starting[s.start].append(s)
    out = []
    for a, b in zip(cuts, cuts[1:]):
        for s in sorted(starting.get(a, ()), key=lambda s: s.end):
            out.append(f'<span class="anchor" id="{span_anchor(s.start, s.end)}"></span>')
        piece = html.escape(text[a:b], quote=False)
        covering = [span_anchor(s.start, s.end) for s in spans if s.start <= a and b <= s.end]
        if covering:
            classes = " ".join(f"c-{c}" for c in covering)
            out.append(f'<mark class="{classes}">{piece}</mark>')
        else:
            out.append(piece)
    return "".join(out)


def quoted_passages(spans: list[Span]) -> str:
    """Each quoted span with the context its quote selector publishes, for a source whose full
    text the project does not publish; each passage carries the span's anchor, so a link to a
    span highlights it as it does in the full text."""
    out = []
    for s in spans:
        anchor = span_anchor(s.start, s.end)
        out.append(f'<p class="passage"><span class="anchor" id="{anchor}"></span>'
                   f'…{html.escape(s.prefix, quote=False)}<mark class="c-{anchor}">{html.escape(s.exact, quote=False)}'
                   f'</mark>{html.escape(s.suffix, quote=False)}… <small>[{s.start}–{s.end}]</small></p>')
    return "\n".join(out)


def span_style(spans: list[Span]) -> str:
    return "\n".join(
        f"#{span_anchor(s.start, s.end)}:target ~ .c-{span_anchor(s.start, s.end)} "
        "{ background: var(--target); outline: 1px solid var(--target-edge); }"
        for s in spans
    )
