"""kg source add: register a text file as a new source."""

from __future__ import annotations

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
