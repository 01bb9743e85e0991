"""Source articles: the registry in sources/sources.yaml and the texts it describes."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from kg.errors import SourceError
from kg.inputs import lexical
from kg.inputs.yamlio import Located, load_yaml
from kg.model import Source
from kg.rules import Rule

REGISTRY_FILE = "sources.yaml"
KEY_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,127}")
URL_PATTERN = re.compile(r"https?://[^\s<>\"{}|\\^`]+")
SHA256_PATTERN = re.compile(r"[0-9a-f]{64}")
REQUIRED = ("key", "file", "sha256", "language")
OPTIONAL = ("title", "date", "retrieved", "url", "publisher", "rights")


def field_problem(name: str, value: str) -> str | None:
    """Why `value` cannot be the registry field `name`, or None: every field is one line of
    printable text, and some have a form of their own."""
    problem = lexical.one_line_problem(value)
    if problem:
        return problem
    if name == "key" and not KEY_PATTERN.fullmatch(value):
        return "may hold only letters, digits, '_', '.', '-'"
    if name in ("date", "retrieved"):
        try:
            lexical.date(value)
        except lexical.NotAccepted:
            return "is not YYYY-MM-DD"
    if name == "language" and not lexical.LANG_TAG.fullmatch(value):
        return "is not a BCP 47 tag"
    if name == "url" and not URL_PATTERN.fullmatch(value):
        return "is not an http(s) URL"
    if name == "sha256" and not SHA256_PATTERN.fullmatch(value):
        return "is not 64 lowercase hexadecimal digits"
    return None


class _Entry:
    """One mapping of the registry, its problems raised as KG028 with the file and line."""

    def __init__(self, raw: Located, where: str) -> None:
        self.raw = raw
        self.where = where

    def refuse(self, message: str) -> SourceError:
        return SourceError(f"{self.where}: {message} [{Rule.INVALID_SOURCE_ENTRY.code}]")

    def text(self, name: str, required: bool) -> str | None:
        value: Any = self.raw.get(name)
        if value is None and not required:
            return None
        if not isinstance(value, str) or not value:
            if required:
                raise self.refuse(f"source entry needs a '{name}' string")
            raise self.refuse(f"'{name}' must be a string or null, not {value!r} (quote dates: \"2021-10-05\")")
        problem = field_problem(name, value)
        if problem:
            what = "source key" if name == "key" else f"source {name}"
            raise self.refuse(f"{what} {value!r} {problem}")
        return value


def load_sources(sources_dir: Path) -> dict[str, Source]:
    """Read the registry strictly: unknown keys, wrong types, malformed fields, bad keys and
    traversal are refused with file:line (KG028). Each text is checked when first read
    (Source.text): a missing or altered text is a SourceError then."""
    registry_path = sources_dir / REGISTRY_FILE
    document = load_yaml(registry_path)
    code = Rule.INVALID_SOURCE_ENTRY.code
    if isinstance(document, dict) and set(document) - {"sources"}:
        extra = ", ".join(sorted(set(document) - {"sources"}))
        raise SourceError(f"{registry_path}: unknown top-level key(s): {extra} (the registry has 'sources:') [{code}]")
    entries = document.get("sources", False) if isinstance(document, dict) else False
    if entries is None:  # `sources:` with no entry yet
        entries = []
    if not isinstance(entries, list):
        raise SourceError(f"{registry_path}: expected a 'sources:' list [{code}]")
    sources: dict[str, Source] = {}
    for raw in entries:
        if not isinstance(raw, Located):
            raise SourceError(f"{registry_path}: each source must be a mapping [{code}]")
        where = f"{registry_path}:{raw.line}"
        entry = _Entry(raw, where)
        unknown = set(raw) - set(REQUIRED) - set(OPTIONAL)
        if unknown:
            raise entry.refuse(f"unknown source entry key(s): {', '.join(sorted(unknown))} "
                               f"(an entry has {', '.join(REQUIRED + OPTIONAL)})")
        fields = {name: entry.text(name, True) for name in REQUIRED} | {name: entry.text(name, False)
                                                                        for name in OPTIONAL}
        key, file_name = str(fields["key"]), str(fields["file"])
        if key in sources:
            raise entry.refuse(f"duplicate source key {key!r}")
        if Path(file_name).name != file_name or file_name in (".", ".."):
            raise entry.refuse(f"source file {file_name!r} must lie in {sources_dir}")
        sources[key] = Source(
            key=key,
            file=file_name,
            path=sources_dir / file_name,
            sha256=str(fields["sha256"]),
            language=str(fields["language"]),
            where=where,
            title=fields["title"],
            date=fields["date"],
            retrieved=fields["retrieved"],
            url=fields["url"],
            publisher=fields["publisher"],
            rights=fields["rights"],
        )
    return sources
