"""Safe YAML reading for curated files: line numbers kept, anchors and aliases refused."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from kg.errors import InputError
from kg.files import read_limited
from kg.rules import syntax_error

try:  # the C parser is ~10x faster on large fact files
    _BaseLoader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML without libyaml
    _BaseLoader = yaml.SafeLoader


class Located(dict[str, Any]):
    """A YAML mapping that remembers the file line (1-based) where it starts."""

    line: int = 0


class _AliasRefused(Exception):
    def __init__(self, line: int) -> None:
        self.line = line


class _LineLoader(_BaseLoader):
    def construct_object(self, node: Any, deep: bool = False) -> Any:
        # A node met twice is an alias (the C composer shares the node): refuse it, which
        # also defuses "billion laughs" alias bombs.
        if node in self.constructed_objects or node in self.recursive_objects:
            raise _AliasRefused(node.start_mark.line + 1)
        return super().construct_object(node, deep=deep)

    def construct_mapping(self, node: Any, deep: bool = False) -> Located:
        mapping = Located(super().construct_mapping(node, deep=True))
        mapping.line = node.start_mark.line + 1
        return mapping


# Dates stay strings: kg checks them itself (and an impossible date such as 2021-13-45 must be
# a clear data error, not a crash in the YAML timestamp constructor).
_LineLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}

_LineLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    lambda loader, node: loader.construct_mapping(node),
)


MAX_BYTES = 16 * 1024 * 1024  # a curated facts file is far smaller; refuse before parsing


def load_yaml(path: Path, display: str | None = None) -> Any:
    """Parse one YAML file; errors name the file and line."""
    name = display or str(path)
    raw = read_limited(path, MAX_BYTES, "a kg YAML file may hold", name)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise syntax_error(name, f"not UTF-8 text (byte {exc.start})") from exc
    try:
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except _AliasRefused as exc:
        raise InputError(f"{name}:{exc.line}: YAML anchors and aliases are not allowed") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"{name}:{mark.line + 1}:{mark.column + 1}" if mark else name
        raise syntax_error(where, f"YAML syntax error: {exc.problem}") from exc
    except yaml.reader.ReaderError as exc:
        code = exc.character if isinstance(exc.character, int) else ord(exc.character)
        raise syntax_error(name, f"character U+{code:04X} at offset {exc.position} is not allowed in YAML") from exc
    except yaml.YAMLError as exc:
        raise syntax_error(name, f"YAML error: {exc}") from exc
