"""The site in headless Chromium, served by a real kg serve: open the film's page, follow a quote
to its highlighted span in the article, check the embedded JSON-LD against the published graph,
and save screenshots (tests/artifacts/) at desktop and phone sizes. The site is the frozen seed's."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import rdflib

from kg.namespaces import SCHEMA
from tests.conftest import REPOSITORY
from tests.helpers import require_tool

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = REPOSITORY / "tests" / "artifacts"
FILM = "https://example.org/vyzov/id/film/vyzov"  # in the frozen seed
TARGET_BACKGROUND = "rgb(255, 179, 71)"


@pytest.fixture(scope="module")
def browser():
    require_tool(Path(CHROMIUM).exists() or shutil.which("chromium") is not None, "Chromium (/usr/bin/chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        require_tool(False, "Playwright for Python")
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        yield browser
        browser.close()


@pytest.mark.parametrize(("device", "viewport"), [("desktop", (1280, 900)), ("phone", (390, 844))])
def test_follow_a_quote_from_the_film_to_its_highlighted_span(browser, server: str, device: str,
                                                              viewport: tuple[int, int]) -> None:
    page = browser.new_page(viewport={"width": viewport[0], "height": viewport[1]})
    response = page.goto(server + "id/film/vyzov")
    assert response.status == 200 and page.url == server + "id/film/vyzov.html"
    assert page.locator("h1").inner_text() == "Vyzov"
    assert page.locator("#picture svg").count() == 1
    page.screenshot(path=str(ARTIFACTS / f"film-{device}.png"), full_page=True)

    link = page.locator("#facts a.quote").first
    text = link.inner_text()
    assert text[0] == "“" and text[-1] == "”"
    quote = text[1:-1]
    href = link.get_attribute("href")
    assert href.startswith("../../source/") and "#s" in href
    link.click()
    page.wait_for_load_state()
    anchor = href.split("#", 1)[1]
    assert page.url.endswith("#" + anchor)
    pieces = page.locator(f".c-{anchor}")
    assert "".join(pieces.all_inner_texts()) == quote
    backgrounds = page.evaluate(
        """anchor => [...document.querySelectorAll('.article mark')].map(m => [
               m.classList.contains('c-' + anchor), getComputedStyle(m).backgroundColor])""", anchor)
    assert {bg for targeted, bg in backgrounds if targeted} == {TARGET_BACKGROUND}
    assert TARGET_BACKGROUND not in {bg for targeted, bg in backgrounds if not targeted}
    top = page.evaluate(f"document.getElementById('{anchor}').getBoundingClientRect().top")
    assert 0 <= top <= viewport[1], "the span is scrolled into view"
    page.screenshot(path=str(ARTIFACTS / f"span-{device}.png"))
    page.close()


def test_embedded_json_ld_parses_to_the_published_triples(browser, server: str, turtle_graph: rdflib.Graph) -> None:
    page = browser.new_page()
    page.goto(server + "id/film/vyzov")
    scripts = page.locator('script[type="application/ld+json"]').all_text_contents()
    page.close()
    assert len(scripts) == 1
    embedded = rdflib.Graph().parse(data=scripts[0], format="json-ld")
    film = rdflib.URIRef(FILM)
    published = {(s, p, o) for s, p, o in turtle_graph.triples((film, None, None))
                 if p == rdflib.RDF.type or str(p).startswith(SCHEMA)}
    assert set(embedded.triples((film, None, None))) == published
    assert set(embedded) <= set(turtle_graph)  # what it links to, embedded with its type and name
    director = rdflib.URIRef(FILM.replace("film/vyzov", "person/klim-shipenko"))
    assert {(director, rdflib.RDF.type, rdflib.URIRef(SCHEMA + "Person")),
            (director, rdflib.URIRef(SCHEMA + "name"), rdflib.Literal("Klim Shipenko", lang="en"))} <= set(embedded)
    predicates = {p for _, p, _ in published}
    assert {rdflib.URIRef(SCHEMA + x) for x in ("name", "alternateName", "director", "actor")} <= predicates
    assert (film, rdflib.URIRef(SCHEMA + "name"), rdflib.Literal("Vyzov", lang="ru-Latn")) in embedded


def test_the_page_uses_no_network_beyond_the_site(browser, server: str) -> None:
    page = browser.new_page()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(server + "id/mission/soyuz-ms-19")
    page.wait_for_load_state("networkidle")
    page.close()
    assert requested and all(url.startswith(server) for url in requested), requested
