"""Hostile or broken input is answered with a clear error and exit 2, and nothing is written;
against copies of the frozen seed project (tests/fixtures/seed), never the live one."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main
from tests.helpers import scratch_project


@pytest.fixture(autouse=True)
def seed(monkeypatch: pytest.MonkeyPatch, seed_root: Path, tmp_path: Path) -> None:
    monkeypatch.setenv("KG_PROJECT", str(seed_root))
    monkeypatch.setenv("KG_STORE", str(tmp_path / "no-store"))


def validate(path: Path) -> tuple[int, str]:
    facts = Path(os.environ["KG_PROJECT"]) / "facts"
    before = {p: p.read_bytes() for p in facts.glob("*.yaml")}
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert before == {p: p.read_bytes() for p in facts.glob("*.yaml")}
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


@pytest.mark.parametrize(
    "content,message",
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", ": not UTF-8 text (byte 0) [KG001]"),
        (b"claims:\n  - subject: \xc3\x28\n", ": not UTF-8 text (byte 21) [KG001]"),
        (b'a: &a ["x","x"]\nb: &b [*a,*a]\nc: &c [*b,*b]\nd: [*c,*c]\n',
         ":1: YAML anchors and aliases are not allowed"),
        (b"claims: [\n", ":2:1: YAML syntax error: did not find expected node content [KG001]"),
        (b"claims:\n  - subject: [\n    property: x\n",
         ":4:1: YAML syntax error: did not find expected ',' or ']' [KG001]"),
        (b"\x00\x00\x00", ": character U+0000 at offset 0 is not allowed in YAML [KG001]"),
    ],
    ids=["binary", "invalid-utf8", "alias-bomb", "syntax", "syntax-inside", "nul-bytes"],
)
def test_unreadable_facts_exit_2(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "hostile.yaml"
    path.write_bytes(content)
    code, output = validate(path)
    assert (code, output) == (2, f"error: {path}{message}\n")


def test_a_huge_file_is_refused_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    with path.open("wb") as out:
        out.truncate(50 * 1024 * 1024)
    code, output = validate(path)
    assert code == 2
    assert output == f"error: {path}: 52,428,800 bytes is more than the 16,777,216 a kg YAML file may hold\n"


@pytest.mark.parametrize("key", ["../../etc/passwd", "a/b", ".hidden", ""])
def test_source_keys_cannot_traverse_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, key: str) -> None:
    root = scratch_project(tmp_path / "seed")
    registry = root / "sources" / "sources.yaml"
    text = registry.read_text(encoding="utf-8")
    registry.write_text(text.replace("key: 000_d6db8baa69644283", f"key: '{key}'"), encoding="utf-8")
    monkeypatch.setenv("KG_PROJECT", str(root))
    result = CliRunner().invoke(main, ["build"])
    assert result.exit_code == 2
    assert "sources/sources.yaml:6:" in result.output
    assert not (root / "output").exists()


def test_a_source_file_outside_sources_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = scratch_project(tmp_path / "seed")
    registry = root / "sources" / "sources.yaml"
    text = registry.read_text(encoding="utf-8")
    registry.write_text(text.replace("file: 000_d6db8baa69644283.txt", "file: ../facts/film.yaml"), encoding="utf-8")
    monkeypatch.setenv("KG_PROJECT", str(root))
    result = CliRunner().invoke(main, ["build"])
    assert result.exit_code == 2
    assert "source file '../facts/film.yaml' must lie in" in result.output


def test_an_altered_source_text_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = scratch_project(tmp_path / "seed")
    text = root / "sources" / "000_d6db8baa69644283.txt"
    text.write_bytes(text.read_bytes().replace(b"Chipenko", b"Shipenko"))
    monkeypatch.setenv("KG_PROJECT", str(root))
    result = CliRunner().invoke(main, ["build"])
    assert result.exit_code == 2
    assert "000_d6db8baa69644283.txt has sha256 " in result.output
    assert "a source text must not change once claims quote it" in result.output
