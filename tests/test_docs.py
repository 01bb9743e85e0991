"""The README's generated parts are what the code says (regenerate with `make docs`): the
command-line reference is --help, the rule table is the rule registry."""

from __future__ import annotations

from kg.cli.docs import RULES_END, RULES_START, main, updated, with_cli_reference, with_rule_table
from kg.rules import Rule
from tests.conftest import REPOSITORY


def readme() -> str:
    return (REPOSITORY / "README.md").read_text(encoding="utf-8")


def test_readme_cli_reference_matches_help() -> None:
    assert with_cli_reference(readme()) == readme(), "README.md's CLI reference is out of date: run `make docs`"


def test_readme_rule_table_matches_the_registry() -> None:
    assert with_rule_table(readme()) == readme(), "README.md's rule table is out of date: run `make docs`"


def test_the_rule_table_has_a_row_per_rule() -> None:
    table = readme().split(RULES_START)[1].split(RULES_END)[0]
    rows = [line for line in table.splitlines() if line.startswith("| KG")]
    assert [row.split(" | ")[0].removeprefix("| ") for row in rows] == [rule.code for rule in Rule]
    assert "| KG007 | `quote-not-found` | error | A quote that is not in its source text" in table


def test_a_drifted_rule_table_is_found_and_regenerated() -> None:
    drifted = readme().replace("| KG010 | `conflict` | warning |", "| KG010 | `conflict` | info |")
    assert drifted != readme()
    assert updated(drifted) == readme()


def test_a_readme_without_the_generated_parts_gets_them() -> None:
    generated = updated("# kg\n")
    assert generated.index("## Rules") < generated.index(RULES_START) < generated.index("## Command-line reference")
    assert "### `kg rules`" in generated


def test_docs_check_passes_on_the_committed_readme() -> None:
    assert main(["--check"]) == 0


def test_readme_shows_both_commands_early() -> None:
    head = readme().splitlines()[:40]
    assert any(line.startswith("$ make ") or line == "$ make" for line in head)
    assert any(line.startswith("$ make test") for line in head)
