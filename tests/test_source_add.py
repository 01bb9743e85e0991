"""kg source add: register a text file as a new source."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.sources import load_sources
from tests.helpers import scratch_project



@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = scratch_project(tmp_path / "project")
    monkeypatch.setenv("KG_ROOT", str(root))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1634428800")  # 2021-10-17
    return root


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in (root / "sources").iterdir()}


def test_a_text_file_is_registered_and_builds(project: Path, tmp_path: Path) -> None:
    article = tmp_path / "landing report.txt"
    article.write_text("Crew returns\n\nThe Soyuz MS-18 capsule landed in Kazakhstan on 17 October.\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["source", "add", str(article), "--title", "Crew returns", "--date", "2021-10-17"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("registered landing-report: sources/landing-report.txt sha256 ")
    assert result.output.endswith("(retrieved 2021-10-17)\n")
    sources = load_sources(project / "sources")
    assert sources["landing-report"].text == article.read_text(encoding="utf-8")
    assert (sources["landing-report"].title, sources["landing-report"].date) == ("Crew returns", "2021-10-17")
    assert CliRunner().invoke(main, ["build", "-q"]).exit_code == 0
    assert "source:landing-report a schema:NewsArticle" in (project / "output" / "vyzov.ttl").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "content,args,message",
    [
        (None, ["--key", "other"], "is already registered as source 000_d6db8baa69644283 (same sha256)"),
        (b"New text.\n", ["--key", "000_d6db8baa69644283"], "source key '000_d6db8baa69644283' is taken: give another with --key"),
        (b"New text.\n", ["--key", "../escape"], "source key '../escape' may hold only letters, digits"),
        (b"\xff\xfe binary", [], "not UTF-8 text (byte 0)"),
        (b"New text.\n", ["--date", "17 October"], "date '17 October' is not YYYY-MM-DD"),
    ],
    ids=["duplicate", "taken-key", "traversal", "binary", "bad-date"],
)
def test_refusals_change_nothing(project: Path, tmp_path: Path, content: bytes | None, args: list[str], message: str) -> None:
    article = tmp_path / "article.txt"
    article.write_bytes(content if content is not None else (project / "sources" / "000_d6db8baa69644283.txt").read_bytes())
    before = snapshot(project)
    result = CliRunner().invoke(main, ["source", "add", str(article), *args])
    assert result.exit_code == 2
    assert message in result.output
    assert snapshot(project) == before
