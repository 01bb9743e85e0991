"""The README's quick start, run for real: `python docs/transcript.py` prints the transcript of a
new project's first session; `--check README.md` exits 1 when the README's copy differs (timings
and temporary paths aside). `make docs` writes it into the README between the markers."""

from __future__ import annotations

import os
import re
import shlex
import sys
import tempfile
from pathlib import Path

from click.testing import CliRunner

START, END = "<!-- quickstart:start -->", "<!-- quickstart:end -->"
ARTICLE = """\
Soyuz MS-18 landed in the Kazakh steppe on 17 October 2021 at 04:36 GMT.
On board were the cosmonaut Oleg Novitsky, 50, and the actress Yulia Peresild, 37.
"""
CLAIMS = """\
entities:
  - id: person/oleg-novitsky
    type: schema:Person
    names:
      - {text: Oleg Novitsky, preferred: true, refs: [{source: landing, quote: the cosmonaut Oleg Novitsky}]}
claims:
  - subject: person/oleg-novitsky
    property: schema:jobTitle
    value: cosmonaut
    refs: [{source: landing, quote: the cosmonaut Oleg Novitsky}]
"""
TYPO = CLAIMS.replace("person/oleg-novitsky\n    property", "person/oleg-novitski\n    property")
SESSION = [
    "kg init landing --title 'Soyuz MS-18 landing'",
    "cd landing",
    "kg source add ../report.txt --key landing --date 2021-10-17",
    "kg validate ../typo.yaml",
    "kg add ../novitsky.yaml",
    "kg query --example names",
]
_SECONDS = re.compile(r"\b\d+\.\d\ds\b")
_SHA = re.compile(r"\b[0-9a-f]{64}\b")
_DATE = re.compile(r"retrieved \d{4}-\d{2}-\d{2}")


def transcript() -> str:
    from kg.cli import main

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "report.txt").write_text(ARTICLE, encoding="utf-8")
        (folder / "novitsky.yaml").write_text(CLAIMS, encoding="utf-8")
        (folder / "typo.yaml").write_text(TYPO, encoding="utf-8")
        here = folder
        lines = []
        for command in SESSION:
            lines.append(f"$ {command}")
            words = shlex.split(command)
            if words[0] == "cd":
                here = here / words[1]
                continue
            previous = Path.cwd()
            os.chdir(here)
            try:
                result = CliRunner().invoke(main, words[1:], env={"KG_PROJECT": ""})
            finally:
                os.chdir(previous)
            output = result.output.replace(str(folder.resolve()), "~").replace(str(folder), "~")
            lines.extend(output.rstrip("\n").splitlines())
        return "\n".join(lines) + "\n"


def normalised(text: str) -> str:
    return _DATE.sub("retrieved DATE", _SHA.sub("SHA256", _SECONDS.sub("N.NNs", text)))


def block(text: str) -> str:
    return f"{START}\n```console\n{text}```\n{END}"


def main(argv: list[str]) -> int:
    if len(argv) == 2 and argv[0] in ("--check", "--write"):
        readme = Path(argv[1])
        text = readme.read_text(encoding="utf-8")
        found = re.search(re.escape(START) + r"\n```console\n(.*?)```\n" + re.escape(END), text, re.S)
        if found is None:
            print(f"{readme}: no {START} … {END} block")
            return 1
        fresh = transcript()
        if argv[0] == "--write":
            readme.write_text(text[:found.start()] + block(fresh) + text[found.end():], encoding="utf-8")
            return 0
        if normalised(found.group(1)) != normalised(fresh):
            print(f"{readme}: the quick start differs from a real run: run `make docs`")
            return 1
        return 0
    sys.stdout.write(transcript())
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
