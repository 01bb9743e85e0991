"""kg source add: register a text file as a new source."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.inputs.sources import load_sources
from tests.helpers import scratch_project


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = scratch_project(tmp_path / "project")
    monkeypatch.setenv("KG_PROJECT", str(root))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1634428800")  # 2021-10-17
    return root


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in (root / "sources").iterdir()}


def test_a_text_file_is_registered_and_builds(project: Path, tmp_path: Path) -> None:
    article = tmp_path / "landing report.txt"
    article.write_text("Crew returns\n\nThe Soyuz MS-18 capsule landed in Kazakhstan on 17 October.\n",
                       encoding="utf-8")
    result = CliRunner().invoke(main, ["source", "add", str(article), "--title", "Crew returns",
                                       "--date", "2021-10-17"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("registered landing-report: sources/landing-report.txt sha256 ")
    assert result.output.endswith("(retrieved 2021-10-17)\n")
    sources = load_sources(project / "sources")
    assert sources["landing-report"].text == article.read_text(encoding="utf-8")
    assert (sources["landing-report"].title, sources["landing-report"].date) == ("Crew returns", "2021-10-17")
    assert CliRunner().invoke(main, ["build", "-q"]).exit_code == 0
    turtle = (project / "output" / "vyzov.ttl").read_text(encoding="utf-8")
    assert "source:landing-report a schema:NewsArticle" in turtle


@pytest.mark.parametrize(
    "content,args,message",
    [
        (None, ["--key", "other"], "is already registered as source 000_d6db8baa69644283 (same sha256)"),
        (b"New text.\n", ["--key", "000_d6db8baa69644283"],
         "source key '000_d6db8baa69644283' is taken: give another with --key"),
        (b"New text.\n", ["--key", "../escape"], "source key '../escape' may hold only letters, digits"),
        (b"\xff\xfe binary", [], "not UTF-8 text (byte 0)"),
        (b"New text.\n", ["--date", "17 October"], "date '17 October' is not YYYY-MM-DD"),
    ],
    ids=["duplicate", "taken-key", "traversal", "binary", "bad-date"],
)
def test_refusals_change_nothing(project: Path, tmp_path: Path, content: bytes | None, args: list[str],
                                 message: str) -> None:
    article = tmp_path / "article.txt"
    registered = project / "sources" / "000_d6db8baa69644283.txt"
    article.write_bytes(content if content is not None else registered.read_bytes())
    before = snapshot(project)
    result = CliRunner().invoke(main, ["source", "add", str(article), *args])
    assert result.exit_code == 2
    assert message in result.output
    assert snapshot(project) == before


PAGE = """<html><head><title>Crew returns</title></head><body>
<nav>Home | News | Sport | Weather</nav>
<article><h1>Crew returns</h1>
<p>The Soyuz MS-18 capsule landed in Kazakhstan on 17 October, bringing back the actress Yulia Peresild
and the director Klim Shipenko after twelve days in orbit.</p>
<p>They had shot scenes for the film The Challenge aboard the International Space Station.</p></article>
<footer>Copyright 2021 Example News</footer></body></html>
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """python -m http.server on a free loopback port, stopped by its process id."""
    import os
    import signal
    import socket
    import subprocess
    import sys
    import time

    import requests

    folder = tmp_path_factory.mktemp("site")
    (folder / "landing.html").write_text(PAGE, encoding="utf-8")
    (folder / "landing.txt").write_text("Crew returns\n\nThe capsule landed on 17 October.\n", encoding="utf-8")
    (folder / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
    (folder / "huge.txt").write_bytes(b"a" * (6 * 1024 * 1024))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", str(folder)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                requests.get(base + "/landing.txt", timeout=1)
                break
            except requests.ConnectionError:
                time.sleep(0.05)
        yield base
    finally:
        os.kill(process.pid, signal.SIGTERM)
        process.wait(timeout=10)


def test_a_web_page_is_reduced_to_its_main_text(project: Path, server: str) -> None:
    result = CliRunner().invoke(main, ["source", "add", f"{server}/landing.html"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("registered landing: sources/landing.txt sha256 ")
    source = load_sources(project / "sources")["landing"]
    assert source.text.startswith("Crew returns\nThe Soyuz MS-18 capsule landed in Kazakhstan on 17 October")
    assert "Home | News" not in source.text and "Copyright" not in source.text
    assert (source.title, source.url, source.retrieved) == ("Crew returns", f"{server}/landing.html", "2021-10-17")


def test_a_plain_text_url_is_stored_as_served(project: Path, server: str) -> None:
    result = CliRunner().invoke(main, ["source", "add", f"{server}/landing.txt", "--key", "landing-text"])
    assert result.exit_code == 0, result.output
    text = load_sources(project / "sources")["landing-text"].text
    assert text == "Crew returns\n\nThe capsule landed on 17 October.\n"


@pytest.mark.parametrize(
    "path,message",
    [
        ("/photo.png", "content type 'image/png' is not an article (text/plain, text/html, application/xhtml+xml)"),
        ("/huge.txt", "more than 5,242,880 bytes; refused"),
        ("/missing.html", "HTTP 404 File not found"),
    ],
)
def test_bad_urls_are_refused_and_change_nothing(project: Path, server: str, path: str, message: str) -> None:
    before = snapshot(project)
    result = CliRunner().invoke(main, ["source", "add", server + path])
    assert result.exit_code == 2
    assert result.output == f"error: {server}{path}: {message}\n"
    assert snapshot(project) == before


# ------------------------------------------------------------------ issue 10: what the registry can hold


@pytest.fixture
def article(tmp_path: Path) -> Path:
    path = tmp_path / "article.txt"
    path.write_text("Crew returns\n\nThe capsule landed on 17 October.\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("option,field", [
    ("--key", "source key"), ("--title", "title"), ("--date", "date"), ("--language", "language"),
    ("--url", "url"), ("--publisher", "publisher"), ("--rights", "rights"),
])
@pytest.mark.parametrize("character,name", [("\x07", "U+0007 (BEL)"), ("\n", "U+000A (line feed)"),
                                            ("\t", "U+0009 (tab)"), ("\x85", "U+0085 (NEL)"),
                                            ("\u2028", "U+2028 (line separator)")])
def test_control_characters_are_refused_in_every_field_before_anything_is_written(
        project: Path, article: Path, option: str, field: str, character: str, name: str) -> None:
    value = {"--url": "https://example.org/a", "--date": "2021-10-17", "--language": "en"}.get(option, "Bell")
    value = value[:2] + character + value[2:]
    before = snapshot(project)
    for location in (str(article), "http://127.0.0.1:1/never-fetched.html"):
        result = CliRunner().invoke(main, ["source", "add", location, option, value])
        suffix = "" if option == "--key" else ": a registry field is one line of text"
        assert (result.exit_code, result.output) == (2, f"error: {field} {value!r} holds the control character "
                                                        f"{name}{suffix}\n")
    assert snapshot(project) == before
    assert CliRunner().invoke(main, ["build", "-q", "--no-shacl"]).exit_code == 0  # the registry still reads


def test_a_title_with_a_bell_no_longer_breaks_the_registry(project: Path, article: Path) -> None:
    """kg 0.2 registered it (exit 0), and then no command could read sources.yaml."""
    result = CliRunner().invoke(main, ["source", "add", str(article), "--title", "Bell\x07"])
    assert result.exit_code == 2
    assert CliRunner().invoke(main, ["build", "-q", "--no-shacl"]).exit_code == 0


@pytest.mark.parametrize("date", ["20211005", "2021-W40-2", "2021-278", "2021-02-30", "2021-10-05T00:00"])
def test_dates_must_be_calendar_dates(project: Path, article: Path, date: str) -> None:
    before = snapshot(project)
    result = CliRunner().invoke(main, ["source", "add", str(article), "--date", date])
    assert (result.exit_code, result.output) == (2, f"error: date {date!r} is not YYYY-MM-DD\n")
    assert snapshot(project) == before


@pytest.mark.parametrize("suffix,what", [(".ttl", "kg's text/turtle files"),
                                         (".jsonld", "kg's application/ld+json files"),
                                         (".nt", "kg's application/n-triples files"),
                                         (".nq", "kg's application/n-quads files"),
                                         (".trig", "kg's application/trig files"), (".html", "the site's pages")])
def test_keys_that_would_name_a_data_file_are_refused(project: Path, article: Path, suffix: str, what: str) -> None:
    """`--key report.ttl`: its IRI …/source/report.ttl is read as the Turtle file of `report` (404)."""
    before = snapshot(project)
    result = CliRunner().invoke(main, ["source", "add", str(article), "--key", "report" + suffix])
    assert (result.exit_code, result.output) == (2, (
        f"error: source key 'report{suffix}' ends in {suffix}, the suffix of {what}: the source's IRI "
        f"…/source/report{suffix} would name a file, not the source; choose a key without '.' (use '-' or '_')\n"))
    assert snapshot(project) == before


def test_a_key_with_another_dot_is_refused_and_derived_keys_have_none(project: Path, tmp_path: Path) -> None:
    article = tmp_path / "report.v1.2.ttl.txt"
    article.write_text("Version two of the report.\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["source", "add", str(article), "--key", "v1.2"])
    assert result.output.startswith("error: source key 'v1.2' holds a '.' (its IRI would end in .2)")
    result = CliRunner().invoke(main, ["source", "add", str(article)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("registered report-v1-2-ttl: sources/report-v1-2-ttl.txt ")


def test_keys_and_languages_yaml_1_1_would_misread_round_trip(project: Path, article: Path) -> None:
    """kg 0.2 wrote `key: 2021` (read back as a number: no command could read the registry)."""
    result = CliRunner().invoke(main, ["source", "add", str(article), "--key", "2021", "--language", "no",
                                       "--title", 'He said "yes" \\ no'])
    assert result.exit_code == 0, result.output
    source = load_sources(project / "sources")["2021"]
    assert (source.key, source.language, source.title) == ("2021", "no", 'He said "yes" \\ no')


# ------------------------------------------------------------------ issue 10: encodings, redirects, deadlines

FRENCH_TEXT = ("Le café crème coûte deux euros à Zürich, a déclaré l’équipe du film tourné en orbite.\n"
               "Le réalisateur a passé douze jours à bord de la station spatiale internationale : "
               "« un défi », dit-il.\n")
JAPANESE_FIRST = "映画「挑戦」の撮影クルーが国際宇宙ステーションに到着した。監督のクリム・シペンコ氏は語った。"


@pytest.fixture(scope="module")
def articles() -> Iterator[str]:
    from tests.local_server import running

    with running() as url:
        yield url


FRENCH_FIRST = FRENCH_TEXT.splitlines()[0]


@pytest.mark.parametrize("page,title,paragraph", [
    ("utf8-meta.html", "Café crème", FRENCH_FIRST),  # row 6: UTF-8, no charset in Content-Type, <meta charset>
    ("utf8-bare.html", "Café crème", FRENCH_FIRST),  # no declaration at all: valid UTF-8
    ("cp1252-meta.html", "Café crème", FRENCH_FIRST),
    ("latin1-label.html", "Café crème", FRENCH_FIRST),  # iso-8859-1 read as windows-1252 (’ is byte 0x92)
    ("sjis-header.html", "挑戦", JAPANESE_FIRST),  # Content-Type: text/html; charset=Shift_JIS
    ("sjis-meta.html", "挑戦", JAPANESE_FIRST),
    ("header-wins.html", "Café crème", FRENCH_FIRST),  # the HTTP charset (UTF-8) over the page's meta
])
def test_web_pages_are_decoded_as_browsers_decode_them(project: Path, articles: str, page: str, title: str,
                                                       paragraph: str) -> None:
    result = CliRunner().invoke(main, ["source", "add", f"{articles}/page/{page}"])
    assert result.exit_code == 0, result.output
    source = load_sources(project / "sources")[page.removesuffix(".html")]
    assert source.title == title
    assert f"\n{paragraph}\n" in source.text, source.text
    assert "Ã" not in source.text and "\ufffd" not in source.text


@pytest.mark.parametrize("page", ["utf16-bom.txt", "cp1252.txt", "utf8.txt"])
def test_plain_text_is_decoded_by_its_bom_or_detected(project: Path, articles: str, page: str) -> None:
    result = CliRunner().invoke(main, ["source", "add", f"{articles}/page/{page}"])
    assert result.exit_code == 0, result.output
    assert load_sources(project / "sources")[page.removesuffix(".txt")].text == FRENCH_TEXT


def test_a_redirect_records_the_final_url(project: Path) -> None:
    from tests.local_server import running

    with running() as target, running("--redirect-to", target) as origin:
        result = CliRunner().invoke(main, ["source", "add", f"{origin}/redirect"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("registered utf8-meta: sources/utf8-meta.txt ")
    source = load_sources(project / "sources")["utf8-meta"]
    assert source.url == f"{target}/page/utf8-meta.html" and target != origin


@pytest.mark.parametrize("path", ["/trickle", "/trickle-headers"])
def test_a_trickling_server_meets_the_download_deadline(project: Path, articles: str, path: str,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """One byte every 0.25 s never trips the per-read timeout (kg 0.2 waited for all of it); the
    whole download has a deadline (30 s; 1 s here)."""
    monkeypatch.setattr("kg.inputs.fetch.DEADLINE", 1.0)
    before = snapshot(project)
    result = CliRunner().invoke(main, ["source", "add", articles + path])
    assert (result.exit_code, result.output) == (2, (
        f"error: {articles}{path}: not downloaded within 1 seconds; refused (the server sends too slowly; "
        "save the page and add the file instead)\n"))
    assert snapshot(project) == before
