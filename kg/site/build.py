"""kg site: every minted resource as an HTML page with its data files, plus the index, the
example queries and the ontology, written into one folder all at once."""

from __future__ import annotations

import contextlib
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from kg.build_cache import project_settings
from kg.build_manifest import code_fingerprint
from kg.conflicts import stored_conflicts
from kg.errors import InputError
from kg.files import RETIRED, STAGED, Change
from kg.mapping import reading_order
from kg.namespaces import SCHEMA
from kg.outputs import OUTPUTS, output_path
from kg.outputs.jsonld import make_context
from kg.pipeline import minted_prefixes
from kg.project import Project
from kg.query import examples
from kg.site import layout, picture
from kg.site.dependencies import EVERYTHING, FORMAT, PageRecord, SiteIndex, digest, drop_index, read_index, write_index
from kg.site.model import SiteGraph, load
from kg.site.pages import Links, QueryResult, Renderer, Term
from kg.site.rdf import data_files
from kg.store import open_published

MARKER = layout.MARKER_NAME
# The published files the site carries too, for download next to the pages: every distribution
# VoID names (so each downloadURL resolves), the JSON-LD context and the VoID description itself.
COPIED = tuple(o.key for o in OUTPUTS if o.distribution) + ("context", "void")
STYLE = Path(__file__).parent / "style.css"


@dataclass
class SiteResult:
    """The files a run rendered (every file of the site for a full render), the site's page and
    picture counts, and how many resource pages were rendered and which files removed."""

    files: dict[str, bytes] = field(default_factory=dict)
    pages: int = 0
    pictures: int = 0
    warnings: list[str] = field(default_factory=list)
    rendered: int = 0
    removed: list[str] = field(default_factory=list)
    index: SiteIndex | None = None

    def summary(self) -> str:
        return f"kg site: {self.pages} pages, {len(self.files)} files, {self.pictures} pictures"


class _Site:
    """What every page of one render shares: the graph, the published graph's JSON-LD context,
    what the pictures draw, the renderer."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self.graph = graph = load(project, open_published(project, use_store=False))
        self.prefixes = minted_prefixes(project, graph.entity_kinds())
        # The published graph's context (the same as output/context.jsonld): each resource's JSON-LD
        # embeds the part of it that it uses.
        self.context = make_context((t for triples in graph.by_subject.values() for t in triples), self.prefixes,
                                    project.language)
        self.draw = picture.dot_available()
        self.classes = picture.neighbour_classes(graph)
        self.roles = picture.subclasses(graph, SCHEMA + "Role")
        self.renderer = Renderer(graph, frozenset(self.roles))
        self.renderer.explanations  # computed here, not while the first entity page records its reads
        self.wanted = picture.subclasses(graph, *project.pictured) if project.pictured else set()

    def inputs(self) -> str:
        """The digest of everything a resource's page reads besides what it records."""
        dot = picture.dot_version() if self.draw else ""
        return digest(FORMAT, code_fingerprint(), project_settings(self.project), self.prefixes, self.context,
                      self.classes, self.roles, self.wanted, dot)

    def resource(self, iri: str) -> tuple[dict[str, bytes], PageRecord]:
        """One resource's page and data files, and what rendering them read."""
        graph, renderer = self.graph, self.renderer
        files: dict[str, bytes] = {}
        pictured = drawn = False
        with graph.reads.recording() as reads:
            loc = graph.locate(iri)
            assert loc is not None
            kind = graph.kind(iri)
            description = graph.description(iri)
            for suffix, data in data_files(description, self.context).items():
                files[loc.stem + suffix] = data
            page: bytes | None
            if kind == "entity":
                svg = None
                if self.wanted & set(graph.types(iri)):
                    edges = picture.neighbourhood(graph, iri, self.classes)
                    if len(edges) >= picture.MIN_EDGES:
                        pictured = True
                        if self.draw:
                            links = Links(graph, loc.stem)
                            svg = picture.render_svg(picture.to_dot(graph, iri, edges, lambda i: links.page(i) or i,
                                                                    self.roles))
                            drawn = True
                page = renderer.entity(iri, loc.stem, description, svg)
            elif kind == "source":
                page = renderer.source(iri, loc.stem, description, graph.spans(iri))
            elif kind == "statement":
                page = renderer.statement(iri, loc.stem, description)
            elif kind == "reference":
                page = renderer.reference(iri, loc.stem, description)
            else:
                page = None
            if page is not None:
                files[loc.stem + layout.HTML] = page
        suffixes = tuple(name[len(loc.stem):] for name in files)
        return files, PageRecord(loc.stem, suffixes, tuple(reads), pictured, drawn)

    def shared(self, pictured: list[str]) -> dict[str, bytes]:
        """The files no one resource makes: the ontology, the index, the queries, the dataset
        description, the style sheet, the copied outputs and the marker. Rendered on every run:
        they read the whole graph, and are few."""
        project, graph, renderer, prefixes = self.project, self.graph, self.renderer, self.prefixes
        files: dict[str, bytes] = {}
        ontology_iri = project.base_iri + layout.ONTOLOGY
        ontology = sorted(graph.ontology, key=reading_order)
        for suffix, data in data_files(ontology, make_context(ontology, prefixes, project.language)).items():
            files[layout.ONTOLOGY + suffix] = data
        files[layout.ONTOLOGY + layout.HTML] = renderer.ontology(ontology_iri, layout.ONTOLOGY, ontology)

        files["index.html"] = renderer.index(_by_type(graph), graph.sources(), _conflicts(graph), pictured)
        files["queries.html"] = renderer.queries(_query_results(graph))
        void = list(ox.parse(path=output_path(project, "void"), format=ox.RdfFormat.TURTLE))
        void_triples = [ox.Triple(q.subject, q.predicate, q.object) for q in void]
        for suffix, data in data_files(void_triples, make_context(void_triples, prefixes, project.language)).items():
            files[layout.DATASET + suffix] = data
        files[layout.DATASET + layout.HTML] = files["index.html"]  # the index is the dataset's page
        files["style.css"] = STYLE.read_bytes()
        for key in COPIED:
            path = output_path(project, key)
            files[path.name] = path.read_bytes()
        files[MARKER] = b"generated by kg site; the whole folder is replaced on each run\n"
        return files

    def warnings(self) -> list[str]:
        return [] if self.draw else ["Graphviz 'dot' is not installed: pages are written without pictures"]

    def render(self, pages: dict[str, PageRecord], stale: set[str] | None = None) -> SiteResult:
        """The site after rendering the resources in `stale` (all of them when None); `pages` holds
        the records of the others, as they were last rendered, and becomes the new index's."""
        result = SiteResult(warnings=self.warnings())
        resources = self.graph.resources()
        for iri in resources:
            if stale is None or iri in stale or iri not in pages:
                files, pages[iri] = self.resource(iri)
                result.files.update(files)
                result.rendered += 1
        records = [pages[iri] for iri in resources]
        for gone in set(pages) - set(resources):
            del pages[gone]
        result.files.update(self.shared([iri for iri in resources if pages[iri].pictured]))
        names = {name for record in records for name in record.files} | set(result.files)
        result.pages = sum(1 for name in names if name.endswith(layout.HTML))
        result.pictures = sum(1 for record in records if record.drawn)
        reads = {key for record in records for key in record.reads if key != EVERYTHING}
        result.index = SiteIndex(self.inputs(), pages, {key: self.graph.reads.fingerprint(key) for key in reads})
        return result


def render_site(project: Project) -> SiteResult:
    """Every file of the site, by path relative to the site root."""
    return _Site(project).render({})


def _by_type(graph: SiteGraph) -> list[tuple[str, list[str]]]:
    groups: dict[str, list[str]] = defaultdict(list)
    for entity in graph.entities():
        for t in graph.types(entity):
            groups[t].append(entity)
    return sorted(((t, sorted(m, key=lambda e: (graph.label(e).casefold(), e))) for t, m in groups.items()),
                  key=lambda kv: (graph.label(kv[0]).casefold(), kv[0]))


def _conflicts(graph: SiteGraph) -> list[tuple[str, str, list[str], str | None]]:
    return [(c.subject, c.predicate, c.values, c.note(graph.compactor))
            for c in stored_conflicts(graph.store, kg_namespace=graph.project.kg)]


def _query_results(graph: SiteGraph) -> list[QueryResult]:
    links = Links(graph, "queries")
    out = []
    for example in examples(graph.project.queries_dir):
        text = example.path.read_text(encoding="utf-8")
        results = graph.store.query(text)
        if isinstance(results, ox.QuerySolutions):
            columns = [v.value for v in results.variables]
            rows = [[links.term(s[c]) if s[c] is not None else None for c in columns] for s in results]
        elif isinstance(results, ox.QueryBoolean):
            columns, rows = ["result"], [[Term("true" if bool(results) else "false")]]
        else:
            columns = ["subject", "predicate", "object"]
            rows = [[links.term(t.subject), links.term(t.predicate), links.term(t.object)] for t in results]
        out.append((example, text, columns, rows))
    return out


def write_site(files: dict[str, bytes], out_dir: Path) -> None:
    """Replace out_dir by a folder holding exactly `files`, in one kg.files.Change. A folder kg
    did not write is never replaced (it would be deleted)."""
    out_dir = out_dir.resolve()
    if out_dir.exists() and any(out_dir.iterdir()) and not (out_dir / MARKER).exists():
        raise InputError(f"{out_dir} exists and was not written by kg site: choose an empty or new folder")
    with Change() as change:
        staging = change.stage_folder(out_dir)
        for name, data in files.items():
            target = staging / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        change.commit()


def sync_site(files: dict[str, bytes], out_dir: Path) -> list[str]:
    """Bring a folder kg site wrote to hold exactly `files`, touching only what differs: a file
    whose bytes change is replaced (staged beside it, in one kg.files.Change), a file no longer
    produced is removed, every other file is left as it is. Returns the names written or removed."""
    on_disk = {p.relative_to(out_dir).as_posix() for p in out_dir.rglob("*") if p.is_file() and not _staged(p)}
    return replace_files(files, sorted(on_disk - set(files)), out_dir)


def replace_files(files: dict[str, bytes], gone: list[str], out_dir: Path) -> list[str]:
    """Write each of `files` whose bytes differ from the folder's (staged beside it, in one
    kg.files.Change), remove the files `gone` names and the folders that leaves empty; every other
    file is left as it is. Returns the names written or removed."""
    changed = []
    for name, data in sorted(files.items()):
        path = out_dir / name
        try:
            same = path.stat().st_size == len(data) and path.read_bytes() == data
        except FileNotFoundError:
            same = False
        if not same:
            changed.append(name)
    with Change() as change:
        for name in changed:
            change.stage(out_dir / name, files[name])
        change.commit()
    for name in gone:
        with contextlib.suppress(FileNotFoundError):
            (out_dir / name).unlink()
    for folder in sorted({(out_dir / name).parent for name in gone}, key=lambda f: len(f.parts), reverse=True):
        while folder != out_dir and folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
            folder = folder.parent
    return changed + list(gone)


def _staged(path: Path) -> bool:
    return path.name.startswith(".") and (STAGED in path.name or RETIRED in path.name)


def update_site(project: Project) -> SiteResult | None:
    """After a build, bring output/site up to date if kg site wrote it (else None): only the pages
    whose inputs changed are rendered (kg.site.dependencies; every page when the index cannot be
    trusted) and only the files whose bytes change are rewritten, with the bytes a full kg site
    would write."""
    out_dir = project.output_dir / "site"
    if not (out_dir / MARKER).is_file():
        return None
    site = _Site(project)
    index = read_index(project, out_dir, site.inputs())
    drop_index(project)
    if index is None:
        result = site.render({})
        result.removed = [name for name in sync_site(result.files, out_dir) if name not in result.files]
    else:
        changed = index.changed_keys(site.graph.reads)
        old = dict(index.pages)
        stale = {iri for iri, record in old.items() if EVERYTHING in record.reads or not changed.isdisjoint(record.reads)}
        result = site.render(index.pages, stale)
        assert result.index is not None
        kept = {name for record in result.index.pages.values() for name in record.files} | set(result.files)
        result.removed = sorted({name for record in old.values() for name in record.files} - kept)
        replace_files(result.files, result.removed, out_dir)
    assert result.index is not None
    write_index(project, out_dir, result.index)
    return result


def build_site(project: Project, out_dir: Path | None = None,
               warn: Callable[[str], None] | None = None) -> SiteResult:
    result = render_site(project)
    for message in result.warnings:
        if warn:
            warn(message)
    default = project.output_dir / "site"
    ours = out_dir is None or out_dir.resolve() == default.resolve()
    if ours:
        drop_index(project)
    write_site(result.files, out_dir or default)
    if ours and result.index is not None:
        write_index(project, default, result.index)
    return result
