"""The README's command-line reference is what --help says (regenerate with `make docs`)."""

from __future__ import annotations

from kg.cli.docs import updated
from tests.conftest import REPOSITORY


def test_readme_cli_reference_matches_help() -> None:
    readme = (REPOSITORY / "README.md").read_text(encoding="utf-8")
    assert updated(readme) == readme, "README.md's command-line reference is out of date: run `make docs`"


def test_readme_shows_both_commands_early() -> None:
    head = (REPOSITORY / "README.md").read_text(encoding="utf-8").splitlines()[:40]
    assert any(line.startswith("$ make ") or line == "$ make" for line in head)
    assert any(line.startswith("$ make test") for line in head)
