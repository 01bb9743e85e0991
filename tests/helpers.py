"""Test helpers: a throwaway project root holding the real sources, ontology and shapes."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.conftest import ROOT


def scratch_project(tmp_path: Path, facts_yaml: str | None = None) -> Path:
    """A copy of the project's inputs under tmp_path; facts/ holds only `facts_yaml` if given."""
    for folder in ("sources", "ontology", "shapes", "reference", "queries"):
        if (ROOT / folder).exists():
            shutil.copytree(ROOT / folder, tmp_path / folder)
    if facts_yaml is None:
        shutil.copytree(ROOT / "facts", tmp_path / "facts")
    else:
        (tmp_path / "facts").mkdir()
        (tmp_path / "facts" / "claims.yaml").write_text(facts_yaml, encoding="utf-8")
    return tmp_path
