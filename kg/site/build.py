"""kg site: every minted resource as an HTML page with its data files, plus the index, the
example queries and the ontology, written into one folder all at once."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

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
    files: dict[str, bytes] = field(default_factory=dict)
    pages: int = 0
    pictures: int = 0
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return f"kg site: {self.pages} pages, {len(self.files)} files, {self.pictures} pictures"


def render_site(project: Project) -> SiteResult:
    """Every file of the site, by path relative to the site root."""
    store = open_published(project, use_store=False)
    graph = load(project, store)
    prefixes = minted_prefixes(project, graph.entity_kinds())
    # The published graph's context (the same as output/context.jsonld): each resource's JSON-LD
    # embeds the part of it that it uses.
    context = make_context((t for triples in graph.by_subject.values() for t in triples), prefixes, project.language)
    result = SiteResult()
    files = result.files

    draw = picture.dot_available()
    if not draw:
        result.warnings.append("Graphviz 'dot' is not installed: pages are written without pictures")
    classes = picture.neighbour_classes(graph)
    roles = picture.subclasses(graph, SCHEMA + "Role")
    renderer = Renderer(graph, frozenset(roles))
    wanted = picture.subclasses(graph, *project.pictured) if project.pictured else set()
    pictured: list[str] = []

    for iri in graph.resources():
        loc = graph.locate(iri)
        assert loc is not None
        kind = graph.kind(iri)
        description = graph.description(iri)
        for suffix, data in data_files(description, context).items():
            files[loc.stem + suffix] = data
        if kind == "entity":
            svg = None
            if wanted & set(graph.types(iri)):
                edges = picture.neighbourhood(graph, iri, classes)
                if len(edges) >= picture.MIN_EDGES:
                    pictured.append(iri)
                    if draw:
                        links = Links(graph, loc.stem)
                        svg = picture.render_svg(picture.to_dot(graph, iri, edges, lambda i: links.page(i) or i, roles))
                        result.pictures += 1
            page = renderer.entity(iri, loc.stem, description, svg)
        elif kind == "source":
            page = renderer.source(iri, loc.stem, description, graph.spans(iri))
        elif kind == "statement":
            page = renderer.statement(iri, loc.stem, description)
        elif kind == "reference":
            page = renderer.reference(iri, loc.stem, description)
        else:
            continue
        files[loc.stem + layout.HTML] = page

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
    result.pages = sum(1 for name in files if name.endswith(layout.HTML))
    return result


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
    on_disk = {p.relative_to(out_dir).as_posix(): p for p in out_dir.rglob("*") if p.is_file() and not _staged(p)}
    changed = sorted(name for name, data in files.items()
                     if name not in on_disk or on_disk[name].stat().st_size != len(data)
                     or on_disk[name].read_bytes() != data)
    gone = sorted(set(on_disk) - set(files))
    with Change() as change:
        for name in changed:
            change.stage(out_dir / name, files[name])
        change.commit()
    for name in gone:
        on_disk[name].unlink()
    for folder in sorted({on_disk[name].parent for name in gone}, key=lambda f: len(f.parts), reverse=True):
        while folder != out_dir and folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
            folder = folder.parent
    return changed + gone


def _staged(path: Path) -> bool:
    return path.name.startswith(".") and (STAGED in path.name or RETIRED in path.name)


def update_site(project: Project) -> SiteResult | None:
    """After a build, bring output/site up to date if kg site wrote it (else None): only the files
    the change touches are rewritten, with the bytes a full kg site would write."""
    out_dir = project.output_dir / "site"
    if not (out_dir / MARKER).is_file():
        return None
    result = render_site(project)
    sync_site(result.files, out_dir)
    return result


def build_site(project: Project, out_dir: Path | None = None,
               warn: Callable[[str], None] | None = None) -> SiteResult:
    result = render_site(project)
    for message in result.warnings:
        if warn:
            warn(message)
    write_site(result.files, out_dir or project.output_dir / "site")
    return result
