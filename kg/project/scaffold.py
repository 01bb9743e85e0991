"""kg init: a new, runnable project from the template shipped with kg (kg/project/template)."""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from kg.errors import ProjectError
from kg.project.config import PROJECT_FILE, read_project

TEMPLATE = Path(__file__).resolve().parent / "template"
_PLACEHOLDERS = ("{name}", "{title}", "{base_iri}")
# Files whose placeholders are written into quoted strings (TOML, Turtle): escaped as JSON escapes them.
_QUOTED = {PROJECT_FILE, "ontology.ttl"}
_RENAMED = {"gitignore": ".gitignore"}


@dataclass(frozen=True)
class Created:
    root: Path
    name: str
    files: tuple[str, ...]


def default_name(directory: Path) -> str:
    """A dataset name from a folder name: lower case, runs of other characters become '-'."""
    return re.sub(r"[^a-z0-9_.-]+", "-", directory.resolve().name.lower()).strip("-.") or "kg-project"


def create_project(directory: Path, *, name: str | None = None, title: str | None = None,
                   base_iri: str | None = None) -> Created:
    """Write the template into `directory` (new or empty), all at once: a failure leaves nothing.

    >>> import pathlib, tempfile
    >>> created = create_project(pathlib.Path(tempfile.mkdtemp()) / "landing", title="Soyuz MS-18 landing")
    >>> created.name, "kg.toml" in created.files, "facts/README.md" in created.files
    ('landing', True, True)
    """
    directory = directory.expanduser()
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise ProjectError(f"{directory} exists and is not an empty folder: kg init writes a new project")
    name = name or default_name(directory)
    values = {"{name}": name, "{title}": title or name.replace("-", " ").capitalize(),
              "{base_iri}": base_iri or f"https://example.org/{name}/"}
    directory.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{directory.name}.init-", dir=directory.parent))
    try:
        written = []
        for source in sorted(TEMPLATE.rglob("*")):
            if not source.is_file():
                continue
            relative = source.relative_to(TEMPLATE)
            relative = relative.with_name(_RENAMED.get(relative.name, relative.name))
            text = source.read_text(encoding="utf-8")
            for placeholder in _PLACEHOLDERS:
                value = values[placeholder]
                text = text.replace(placeholder, json.dumps(value)[1:-1] if relative.name in _QUOTED else value)
            target = staging / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
            written.append(relative.as_posix())
        (staging / "output").mkdir()
        read_project(staging)  # the new kg.toml must be one kg reads: a bad name or IRI stops here
        try:  # one rename: a second kg init into the same folder, even at the same time, is refused
            if directory.exists():
                directory.rmdir()
            os.replace(staging, directory)
        except OSError as exc:
            raise ProjectError(f"{directory} exists and is not an empty folder: kg init writes a new project") from exc
    finally:
        if staging.exists():
            shutil.rmtree(staging)
    return Created(directory.resolve(), name, tuple(written))
