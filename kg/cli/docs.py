"""The README's generated parts, so that they cannot drift: the rule table, from the rule
registry (kg.rules), and the command-line reference, from --help. `make docs` runs this module;
`--check` only says whether the README is current."""

from __future__ import annotations

import re
from pathlib import Path

START = "<!-- cli-reference:start -->"
END = "<!-- cli-reference:end -->"
RULES_START = "<!-- rules:start -->"
RULES_END = "<!-- rules:end -->"
CLI_HEADING = "## Command-line reference"
RULES_SECTION = """## Rules

Every problem `kg validate` and `kg build` report carries a stable code, which scripts may match
on (`kg validate --format json` gives it as `rule`); one code means one problem. `kg rules`
lists them and `kg rules KG007` explains one. Errors fail a check, warnings fail it only with
`--strict`, info never does; a file kg cannot read at all (KG001, KG026–KG028) stops the command with exit
code 2. The table is generated
from `kg/rules.py` by `make docs`.

"""


def reference() -> str:
    import click
    from click.testing import CliRunner

    from kg.cli import main

    runner = CliRunner()
    parts = []
    invocations: list[list[str]] = [[]]
    for name in sorted(main.commands):
        invocations.append([name])
        command = main.commands[name]
        if isinstance(command, click.Group):
            invocations += [[name, sub] for sub in sorted(command.commands)]
    for args in invocations:
        result = runner.invoke(main, [*args, "--help"], prog_name="kg", terminal_width=100)
        title = " ".join(["kg", *args])
        parts.append(f"### `{title}`\n\n```text\n{result.output.rstrip()}\n```\n")
    return "\n".join(parts)


def _replace(readme: str, start: str, end: str, content: str) -> str:
    block = f"{start}\n\n{content}\n{end}"
    return re.sub(re.escape(start) + ".*?" + re.escape(end), lambda _: block, readme, flags=re.S)


def with_cli_reference(readme: str) -> str:
    """The README with its command-line reference regenerated (appended as a last section the
    first time)."""
    if START not in readme:
        readme = readme.rstrip("\n") + f"\n\n{CLI_HEADING}\n\n{START}\n{END}\n"
    return _replace(readme, START, END, reference())


def with_rule_table(readme: str) -> str:
    """The README with its rule table regenerated (a new Rules section before the command-line
    reference the first time)."""
    from kg.rules import rule_table

    if RULES_START not in readme:
        section = f"{RULES_SECTION}{RULES_START}\n{RULES_END}\n\n"
        if CLI_HEADING in readme:
            readme = readme.replace(CLI_HEADING, section + CLI_HEADING, 1)
        else:
            readme = readme.rstrip("\n") + "\n\n" + section.rstrip("\n") + "\n"
    return _replace(readme, RULES_START, RULES_END, rule_table())


def updated(readme: str) -> str:
    return with_cli_reference(with_rule_table(readme))


def main(argv: list[str] | None = None) -> int:
    import sys

    args = sys.argv[1:] if argv is None else argv
    path = Path(__file__).resolve().parent.parent.parent / "README.md"
    text = path.read_text(encoding="utf-8")
    new = updated(text)
    if "--check" in args:
        if new != text:
            print("README.md's rule table or command-line reference is out of date: run `make docs`")
            return 1
        return 0
    path.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
