"""kg site: every minted resource has a page and data files, the data files hold what the
published graph says, the embedded schema.org JSON-LD equals the published triples, every link
resolves, untrusted text is escaped, and a rebuild is byte-identical. All on the frozen seed project."""

from __future__ import annotations

import json
import posixpath
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pyoxigraph as ox
import pytest
import rdflib
from click.testing import CliRunner

from kg.cli import main
from kg.namespaces import RDF, SCHEMA
from kg.site import render_site
from kg.site.model import Span
from kg.site.pages import environment, highlighted
from kg.site.rdf import schema_org_jsonld
from tests.helpers import require_tool

BASE = "https://example.org/vyzov/"  # the frozen seed's base IRI
FILM = "id/film/vyzov"
MISSION = "id/mission/soyuz-ms-19"


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.scripts: list[str] = []
        self._in_jsonld = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name in ("href", "src", "xlink:href"):
            if values.get(name):
                self.links.append(values[name])  # type: ignore[arg-type]
        if values.get("id"):
            self.ids.add(values["id"])  # type: ignore[arg-type]
        self._in_jsonld = tag == "script" and values.get("type") == "application/ld+json"

    def handle_data(self, data: str) -> None:
        if self._in_jsonld:
            self.scripts.append(data)

    def handle_endtag(self, tag: str) -> None:
        self._in_jsonld = False


def _parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


@pytest.fixture(scope="module")
def pages(site_dir: Path) -> dict[Path, _Page]:
    return {path: _parse(path) for path in sorted(site_dir.rglob("*.html"))}


def _minted(store: ox.Store) -> set[str]:
    query = f"SELECT DISTINCT ?s WHERE {{ ?s ?p ?o FILTER (STRSTARTS(STR(?s), '{BASE}')) }}"
    return {row["s"].value for row in store.query(query)}  # type: ignore[union-attr]


def test_every_minted_iri_has_a_page_and_four_data_files(site_dir: Path, store: ox.Store) -> None:
    minted = _minted(store)
    assert len(minted) > 700
    for iri in minted:
        path, _, anchor = iri[len(BASE):].partition("#")
        page = site_dir / (path + ".html")
        assert page.is_file(), iri
        if anchor:
            assert anchor in _parse(page).ids, iri
        else:
            for suffix in (".ttl", ".jsonld", ".nt", ".nq"):
                assert (site_dir / (path + suffix)).is_file(), iri + suffix


def test_every_link_resolves_and_every_anchor_exists(site_dir: Path, pages: dict[Path, _Page]) -> None:
    assert len(pages) > 700
    checked = 0
    broken = []
    for path, page in pages.items():
        for link in page.links:
            parts = urlsplit(link)
            if parts.scheme in ("http", "https"):
                continue
            assert not parts.scheme and not parts.netloc, f"{path}: non-relative link {link}"
            target = path if not parts.path else (path.parent / unquote(parts.path)).resolve()
            if not target.is_file() or not target.is_relative_to(site_dir.resolve()):
                broken.append(f"{path.relative_to(site_dir)} -> {link}")
                continue
            if parts.fragment and target.suffix == ".html":
                ids = pages[target].ids if target in pages else _parse(target).ids
                if parts.fragment not in ids:
                    broken.append(f"{path.relative_to(site_dir)} -> {link} (no such anchor)")
            checked += 1
    assert broken == []
    assert checked > 10_000


def test_entity_data_files_hold_its_triples_and_statements(site_dir: Path, turtle_graph: rdflib.Graph) -> None:
    iri = rdflib.URIRef(BASE + "id/person/klim-shipenko")
    data = {suffix: rdflib.Graph().parse(site_dir / f"id/person/klim-shipenko{suffix}", format=fmt)
            for suffix, fmt in ((".ttl", "turtle"), (".nt", "nt"), (".jsonld", "json-ld"))}
    assert set(data[".ttl"]) == set(data[".nt"]) == set(data[".jsonld"])
    own = set(turtle_graph.triples((iri, None, None)))
    statements = {s for s in turtle_graph.subjects(rdflib.RDF.subject, iri)} | \
                 {s for s in turtle_graph.subjects(rdflib.RDF.object, iri)}
    expected = own | {t for s in statements for t in turtle_graph.triples((s, None, None))}
    assert expected <= set(data[".ttl"])
    assert len(statements) > 20
    quads = list(ox.parse(path=str(site_dir / "id/person/klim-shipenko.nq"), format=ox.RdfFormat.N_QUADS))
    graphs = {rdflib.URIRef(q.graph_name.value) for q in quads if isinstance(q.graph_name, ox.NamedNode)}
    assert graphs and graphs <= statements
    for q in quads:
        if isinstance(q.graph_name, ox.NamedNode):
            statement = rdflib.URIRef(q.graph_name.value)
            assert turtle_graph.value(statement, rdflib.RDF.predicate) == rdflib.URIRef(q.predicate.value)
    assert len([q for q in quads if isinstance(q.graph_name, ox.DefaultGraph)]) == len(data[".nt"])


def test_embedded_json_ld_is_the_published_schema_org_description(
    site_dir: Path, pages: dict[Path, _Page], turtle_graph: rdflib.Graph
) -> None:
    compared = 0
    for path, page in pages.items():
        rel = path.relative_to(site_dir).as_posix()
        if not rel.startswith(("id/", "source/")):
            continue
        iri = rdflib.URIRef(BASE + rel.removesuffix(".html"))
        assert len(page.scripts) == 1, rel
        embedded = rdflib.Graph().parse(data=page.scripts[0], format="json-ld")
        published = {
            (s, p, o) for s, p, o in turtle_graph.triples((iri, None, None))
            if p == rdflib.RDF.type or str(p).startswith(SCHEMA)
        }
        assert set(embedded.triples((iri, None, None))) == published, rel
        assert set(embedded) <= set(turtle_graph), rel  # what it links to, embedded, is the published graph's too
        compared += 1
    assert compared == 72 + 5


def test_json_ld_cannot_close_its_script_element() -> None:
    hostile = "</script><script>alert(1)</script> & <!--"
    triples = [ox.Triple(ox.NamedNode(BASE + "id/x/y"), ox.NamedNode(SCHEMA + "name"), ox.Literal(hostile))]
    text = schema_org_jsonld({BASE + "id/x/y": triples}, BASE + "id/x/y", "en")
    assert "<" not in text and ">" not in text and "&" not in text.replace("\\u0026", "")
    assert json.loads(text)["name"] == hostile


def test_article_text_and_labels_are_escaped() -> None:
    text = 'a <img src=x onerror="alert(1)"> & b'
    out = highlighted(text, [Span("r", "s", 2, 30, text[2:30], ())])
    assert "<img" not in out and "&lt;img" in out and "&amp; b" in out
    template = environment().from_string("{{ value }}")
    assert template.render(value="<script>") == "&lt;script&gt;"


def test_overlapping_spans_each_get_an_anchor_and_their_pieces() -> None:
    text = "0123456789"
    out = highlighted(text, [Span("a", "s", 1, 6, "12345", ()), Span("b", "s", 4, 9, "45678", ())])
    assert out == ('0<span class="anchor" id="s1-6"></span><mark class="c-s1-6">123</mark>'
                   '<span class="anchor" id="s4-9"></span><mark class="c-s1-6 c-s4-9">45</mark>'
                   '<mark class="c-s4-9">678</mark>9')


def test_source_page_marks_every_quoted_span_at_its_offsets(site_dir: Path, source_texts: dict[str, str]) -> None:
    key = "000_d6db8baa69644283"
    html = (site_dir / f"source/{key}.html").read_text(encoding="utf-8")
    article = re.search(r'<div class="article"[^>]*>(.*?)</div>', html, re.S).group(1)  # type: ignore[union-attr]
    plain = re.sub(r"<[^>]+>", "", article)
    assert unescape(plain) == source_texts[key]
    pieces = re.findall(r'<mark class="([^"]*)">(.*?)</mark>', article, re.S)
    span = "s309-335"
    assert unescape("".join(t for classes, t in pieces if f"c-{span}" in classes.split())) == source_texts[key][309:335]
    assert f"#{span}:target ~ .c-{span}" in html


def unescape(text: str) -> str:
    import html

    return html.unescape(text)


def test_film_and_mission_pages_show_their_neighbourhood(site_dir: Path) -> None:
    from kg.site.picture import dot_available

    require_tool(dot_available(), "Graphviz (dot)")
    for stem, people in ((FILM, ("Klim Shipenko", "Yulia Peresild")), (MISSION, ("Anton Shkaplerov",))):
        html = (site_dir / f"{stem}.html").read_text(encoding="utf-8")
        svg = re.search(r"<svg.*?</svg>", html, re.S)
        assert svg, stem
        assert "Generated by graphviz" not in html
        for name in people:
            assert f">{name}</text>" in svg.group(0)
        assert 'xlink:href="../person/klim-shipenko.html"' in svg.group(0)


def test_rebuild_is_byte_identical(site_dir: Path, seed_project) -> None:  # type: ignore[no-untyped-def]
    again = render_site(seed_project).files
    on_disk = {p.relative_to(site_dir).as_posix(): p.read_bytes() for p in site_dir.rglob("*") if p.is_file()}
    assert set(again) == set(on_disk)
    assert [name for name in sorted(again) if again[name] != on_disk[name]] == []


def test_index_lists_entities_sources_conflicts(pages: dict[Path, _Page], site_dir: Path) -> None:
    index = pages[site_dir / "index.html"]
    assert {"id/person/klim-shipenko.html", "source/000_d6db8baa69644283.html", "queries.html"} <= set(index.links)
    assert f"{MISSION}.html#conflicts" in index.links
    mission = (site_dir / f"{MISSION}.html").read_text(encoding="utf-8")
    conflicts = mission[mission.index('id="conflicts"'):mission.index('id="names"')]
    assert "2021-10-16" in conflicts and "2021-10-17" in conflicts


def test_queries_page_shows_every_example_with_its_rows(site_dir: Path, store: ox.Store, seed_root: Path) -> None:
    from kg.query import examples

    html = (site_dir / "queries.html").read_text(encoding="utf-8")
    for example in examples(seed_root / "queries"):
        section = html[html.index(f'<section id="{example.name}">'):]
        section = section[:section.index("</section>")]
        rows = list(store.query(example.path.read_text(encoding="utf-8")))  # type: ignore[arg-type]
        assert section.count("<tr>") == len(rows) + 1, example.name


def test_site_command_writes_and_refuses_a_foreign_folder(tmp_path: Path, seed_root: Path) -> None:
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("keep me", encoding="utf-8")
    result = CliRunner().invoke(main, ["--project", str(seed_root), "site", "--out", str(foreign)])
    assert result.exit_code == 2
    assert "was not written by kg site" in result.output
    assert (foreign / "notes.txt").read_text(encoding="utf-8") == "keep me"
    result = CliRunner().invoke(main, ["--project", str(seed_root), "site", "--out", str(tmp_path / "site")])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("kg site: ")
    assert (tmp_path / "site" / "id" / "film" / "vyzov.html").is_file()


def test_relative_links_only(pages: dict[Path, _Page]) -> None:
    for path, page in pages.items():
        for link in page.links:
            assert not link.startswith("/"), f"{path}: {link}"
            assert posixpath.normpath(link) == link or "#" in link or link.startswith("http"), f"{path}: {link}"


def test_type_triples_are_listed_with_the_right_types(turtle_graph: rdflib.Graph, site_dir: Path) -> None:
    page = _parse(site_dir / f"{MISSION}.html")
    embedded = rdflib.Graph().parse(data=page.scripts[0], format="json-ld")
    types = set(embedded.objects(rdflib.URIRef(BASE + MISSION), rdflib.URIRef(RDF + "type")))
    assert types == set(turtle_graph.objects(rdflib.URIRef(BASE + MISSION), rdflib.RDF.type))
    assert len(types) == 2
