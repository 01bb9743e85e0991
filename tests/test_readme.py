"""The README's quick start is a real session: a run of the same commands gives the same output."""

from __future__ import annotations

import importlib.util
import types
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _transcript_module() -> types.ModuleType:
    spec = importlib.util.spec_from_file_location("transcript", ROOT / "docs" / "transcript.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_quick_start_is_what_a_real_session_prints(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KG_STORE", raising=False)
    transcript = _transcript_module()
    assert transcript.main(["--check", str(ROOT / "README.md")]) == 0


def test_the_check_fails_when_the_readme_drifts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KG_STORE", raising=False)
    transcript = _transcript_module()
    readme = tmp_path / "README.md"
    readme.write_text((ROOT / "README.md").read_text(encoding="utf-8").replace("1 entities", "2 entities"),
                      encoding="utf-8")
    assert transcript.main(["--check", str(readme)]) == 1
