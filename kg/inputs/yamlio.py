"""The one strict YAML reading of kg's curated files (facts/*.yaml, sources/sources.yaml).

What a reviewer reads is what kg reads:
- the YAML 1.2 core schema, not PyYAML's YAML 1.1: `yes`, `no`, `on`, `off` are text; true/false
  are booleans; null, ~ and an empty value are null; dates stay text (kg checks them itself);
- numbers are plain decimals, read exactly (1.9 is Decimal("1.9"), never a float); anything else
  that looks like a number (046, 0x1F, 0o17, 1_000, 1e3, .inf, .nan, more than 18 digits) is a
  problem (KG027, kg.inputs.lexical says why each) and the value is a `Refused` marker;
- a key given twice in one mapping is a problem (KG026), never silently one of the two;
- anchors and aliases, tags other than the core schema's, keys that are not text and nesting
  deeper than MAX_DEPTH are refused outright (exit 2), as a syntax error is.
Text may hold any character YAML can write (escapes included: a quote may need a tab); the
registry's one-line fields are checked by kg.inputs.sources.
Parsing stays in libyaml (the C parser); only the construction of values is kg's own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import ConstructorError
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import BaseResolver

from kg.errors import InputError
from kg.files import read_limited
from kg.inputs import lexical
from kg.rules import Problem, Rule, syntax_error

try:  # the C parser is ~10x faster on large fact files
    from yaml._yaml import CParser as _Parser
except ImportError:  # pragma: no cover - PyYAML without libyaml
    from yaml.composer import Composer
    from yaml.parser import Parser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    class _Parser(Reader, Scanner, Parser, Composer):  # type: ignore[no-redef]  # the same interface in Python
        def __init__(self, stream: str) -> None:
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            Parser.__init__(self)
            Composer.__init__(self)


MAX_BYTES = 16 * 1024 * 1024  # a curated facts file is far smaller; refuse before parsing
MAX_DEPTH = 64  # a facts file nests six levels; deeper is refused before Python's recursion limit
_CORE = "tag:yaml.org,2002:"
_NULLS = ("", "~", "null", "Null", "NULL")
_BOOLEANS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}


class Located(dict[str, Any]):
    """A YAML mapping that remembers the file line (1-based) where it starts, and each key's."""

    line: int = 0
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line) if hasattr(self, "key_lines") else self.line


class LocatedList(list[Any]):
    """A YAML sequence that remembers the file line (1-based) of each item."""

    lines: list[int]


@dataclass(frozen=True)
class Refused:
    """A scalar the strict reading refused (a problem says why); readers skip it silently."""

    text: str
    line: int

    def __repr__(self) -> str:
        return self.text


@dataclass
class Document:
    """A parsed YAML file and the problems found while reading it (each with file:line)."""

    data: Any
    problems: list[Problem] = field(default_factory=list)


class _AliasRefused(Exception):
    def __init__(self, line: int) -> None:
        self.line = line


_NULL, _BOOL, _STR, _MAP, _SEQ = (_CORE + t for t in ("null", "bool", "str", "map", "seq"))
_INT, _FLOAT = _CORE + "int", _CORE + "float"
_NUMBER = re.compile(f"(?:{lexical.NUMBER_LIKE.pattern})\\Z")
_NULL_SET, _NUMBER_FIRST = frozenset(_NULLS), frozenset(lexical.NUMBER_FIRST_CHARACTERS)


class _StrictLoader(_Parser, BaseResolver):
    """libyaml parses and composes; resolving and constructing are kg's own (PyYAML's generic
    constructor, with its generators and tag tables, is twice as slow and reads YAML 1.1)."""

    def __init__(self, stream: str, name: str) -> None:
        _Parser.__init__(self, stream)
        BaseResolver.__init__(self)
        self.name = name
        self.problems: list[Problem] = []
        self.seen: set[Node] = set()

    def resolve(self, kind: type[Node], value: str | None, implicit: tuple[bool, bool] | None) -> str:
        """The YAML 1.2 core schema's tags for plain scalars; every other plain scalar is text.
        Numbers take the widest form (lexical.NUMBER_LIKE), so that YAML 1.1 numbers are refused
        (KG027), not read as text."""
        if kind is ScalarNode:
            if implicit and implicit[0] and value is not None:
                if value in _NULL_SET:
                    return _NULL
                first = value[0]
                if first in "tTfF" and value in _BOOLEANS:
                    return _BOOL
                if first in _NUMBER_FIRST and _NUMBER.match(value):
                    return _FLOAT
            return _STR
        return _SEQ if kind is SequenceNode else _MAP

    def get_single_data(self) -> Any:
        node = self.get_single_node()
        return None if node is None else self.construct(node, 1)

    def problem(self, rule: Rule, message: str, node: Node) -> None:
        self.problems.append(Problem(rule, message, self.name, node.start_mark.line + 1))

    def construct(self, node: Node, depth: int) -> Any:
        # A node met twice is an alias (the composer shares the node): refuse it, which also
        # defuses "billion laughs" alias bombs.
        if node in self.seen:
            raise _AliasRefused(node.start_mark.line + 1)
        self.seen.add(node)
        tag = node.tag
        if type(node) is ScalarNode:
            if tag == _STR:
                return node.value
            if tag in (_INT, _FLOAT):
                return self.number(node)
            if tag == _NULL and node.value in _NULL_SET:
                return None
            if tag == _BOOL and node.value in _BOOLEANS:
                return _BOOLEANS[node.value]
            if tag in (_NULL, _BOOL):
                raise ConstructorError(None, None, f"!!{tag[len(_CORE):]} {node.value!r} is not "
                                       f"{'null, ~ or empty' if tag == _NULL else 'true or false'}", node.start_mark)
        elif depth > MAX_DEPTH:
            raise ConstructorError(None, None, f"nesting deeper than {MAX_DEPTH} levels", node.start_mark)
        elif tag == _MAP and type(node) is MappingNode:
            return self.mapping(node, depth)
        elif tag == _SEQ and type(node) is SequenceNode:
            return self.sequence(node, depth)
        raise ConstructorError(None, None, f"the tag {tag!r} is not allowed: kg's YAML holds mappings, lists, "
                               "text, numbers, true/false and null", node.start_mark)

    def mapping(self, node: MappingNode, depth: int) -> Located:
        mapping = Located()
        mapping.line = node.start_mark.line + 1
        first_lines: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = self.construct(key_node, depth + 1)
            if not isinstance(key, str):
                raise ConstructorError(None, None, f"a mapping key must be text, not {key!r} (quote it)",
                                       key_node.start_mark)
            line = key_node.start_mark.line + 1
            if key in first_lines:
                self.problem(Rule.DUPLICATE_KEY, f"key {key!r} is given twice in one mapping (first at line "
                             f"{first_lines[key]}); YAML keeps only one of them: remove or merge the other", key_node)
            else:
                first_lines[key] = line
            mapping[key] = self.construct(value_node, depth + 1)
        mapping.key_lines = first_lines
        return mapping

    def sequence(self, node: SequenceNode, depth: int) -> LocatedList:
        items = LocatedList(self.construct(child, depth + 1) for child in node.value)
        items.lines = [child.start_mark.line + 1 for child in node.value]
        return items

    def number(self, node: ScalarNode) -> int | Decimal | Refused:
        try:
            return lexical.number(node.value)
        except lexical.NotAccepted as exc:
            self.problem(Rule.UNSUPPORTED_NUMBER, str(exc), node)
            return Refused(node.value, node.start_mark.line + 1)


# YAML 1.1 (libyaml) reads these as line breaks and folds them to a space inside a quoted string;
# YAML 1.2 reads them as characters. Only their escapes mean the same to both.
_AMBIGUOUS_BREAKS = re.compile("[\x85\u2028\u2029]")
_ESCAPES = {"\x85": "\\N", "\u2028": "\\L", "\u2029": "\\P"}


def _refuse_ambiguous_breaks(text: str, name: str) -> None:
    found = _AMBIGUOUS_BREAKS.search(text)
    if found is None:
        return
    line = text.count("\n", 0, found.start()) + 1
    column = found.start() - (text.rfind("\n", 0, found.start()) + 1) + 1
    character = found.group()
    raise syntax_error(f"{name}:{line}:{column}",
                       f"character U+{ord(character):04X} is a line break to YAML 1.1 readers and a character "
                       f"to YAML 1.2 ones; write it as {_ESCAPES[character]} inside double quotes")


def parse_yaml(text: str, name: str) -> Document:
    """Read YAML text strictly; `name` is the file in messages. Refusals raise InputError with
    name:line[:column]; problems of the data are in Document.problems."""
    _refuse_ambiguous_breaks(text, name)
    loader = _StrictLoader(text, name)
    try:
        data = loader.get_single_data()
    except _AliasRefused as exc:
        raise InputError(f"{name}:{exc.line}: YAML anchors and aliases are not allowed") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"{name}:{mark.line + 1}:{mark.column + 1}" if mark else name
        kind = "YAML error" if isinstance(exc, ConstructorError) else "YAML syntax error"
        raise syntax_error(where, f"{kind}: {exc.problem}") from exc
    except yaml.reader.ReaderError as exc:
        code = exc.character if isinstance(exc.character, int) else ord(exc.character)
        raise syntax_error(name, f"character U+{code:04X} at offset {exc.position} is not allowed in YAML") from exc
    except yaml.YAMLError as exc:
        raise syntax_error(name, f"YAML error: {exc}") from exc
    finally:
        loader.dispose()
    return Document(data, loader.problems)


def read_yaml(path: Path, display: str | None = None) -> Document:
    """Read one YAML file strictly (parse_yaml); errors name the file and line."""
    name = display or str(path)
    raw = read_limited(path, MAX_BYTES, "a kg YAML file may hold", name)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise syntax_error(name, f"not UTF-8 text (byte {exc.start})") from exc
    return parse_yaml(text, name)


def refuse_problems(document: Document) -> Any:
    """The data of a document whose every problem is fatal (the source registry): the first
    problem raised as an InputError with file:line and its rule code."""
    for problem in document.problems:
        raise InputError(f"{problem.file}:{problem.line}: {problem.message} [{problem.rule.code}]")
    return document.data


def load_yaml(path: Path, display: str | None = None) -> Any:
    """Parse one YAML file in which any problem is an error (read_yaml, then refuse_problems)."""
    return refuse_problems(read_yaml(path, display))
