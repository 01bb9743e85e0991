"""The README's command-line reference, generated from --help so that it cannot drift."""

from __future__ import annotations

import re
from pathlib import Path

START = "<!-- cli-reference:start -->"
END = "<!-- cli-reference:end -->"


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


def updated(readme: str) -> str:
    block = f"{START}\n\n{reference()}\n{END}"
    if START not in readme:
        return readme.rstrip("\n") + "\n\n## Command-line reference\n\n" + block + "\n"
    return re.sub(re.escape(START) + ".*?" + re.escape(END), lambda _: block, readme, flags=re.S)


def main(argv: list[str] | None = None) -> int:
    import sys

    args = sys.argv[1:] if argv is None else argv
    path = Path(__file__).resolve().parent.parent.parent / "README.md"
    text = path.read_text(encoding="utf-8")
    new = updated(text)
    if "--check" in args:
        if new != text:
            print("README.md's command-line reference is out of date: run `make docs`")
            return 1
        return 0
    path.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
