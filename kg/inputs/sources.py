"""Source articles: the registry in sources/sources.yaml and the texts it describes."""

from __future__ import annotations

import re
from pathlib import Path

from kg.errors import SourceError
from kg.inputs.yamlio import Located, load_yaml
from kg.model import Source

REGISTRY_FILE = "sources.yaml"
KEY_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$")


def _required(entry: Located, field: str, where: str) -> str:
    value = entry.get(field)
    if not isinstance(value, str) or not value:
        raise SourceError(f"{where}: source entry needs a '{field}' string")
    return value


def _optional(entry: Located, field: str, where: str) -> str | None:
    value = entry.get(field)
    if value is None:
        return None
    if not isinstance(value, str):
        raise SourceError(f"{where}: '{field}' must be a string (quote dates: \"2021-10-05\")")
    return value


def load_sources(sources_dir: Path) -> dict[str, Source]:
    """Read the registry; refuse bad keys and traversal. Each text is checked when first read
    (Source.text): a missing or altered text is a SourceError then."""
    registry_path = sources_dir / REGISTRY_FILE
    document = load_yaml(registry_path)
    entries = document.get("sources", False) if isinstance(document, dict) else False
    if entries is None:  # `sources:` with no entry yet
        entries = []
    if not isinstance(entries, list):
        raise SourceError(f"{registry_path}: expected a 'sources:' list")
    sources: dict[str, Source] = {}
    for entry in entries:
        if not isinstance(entry, Located):
            raise SourceError(f"{registry_path}: each source must be a mapping")
        where = f"{registry_path}:{entry.line}"
        key = _required(entry, "key", where)
        if not KEY_PATTERN.match(key):
            raise SourceError(f"{where}: source key {key!r} may hold only letters, digits, '_', '.', '-'")
        if key in sources:
            raise SourceError(f"{where}: duplicate source key {key!r}")
        file_name = _required(entry, "file", where)
        path = sources_dir / file_name
        if Path(file_name).name != file_name or file_name in (".", ".."):
            raise SourceError(f"{where}: source file {file_name!r} must lie in {sources_dir}")
        sources[key] = Source(
            key=key,
            file=file_name,
            path=path,
            sha256=_required(entry, "sha256", where),
            language=_required(entry, "language", where),
            where=where,
            title=_optional(entry, "title", where),
            date=_optional(entry, "date", where),
            retrieved=_optional(entry, "retrieved", where),
            url=_optional(entry, "url", where),
            publisher=_optional(entry, "publisher", where),
            rights=_optional(entry, "rights", where),
        )
    return sources
