"""The model every stage shares: source articles, quoted spans, entities, claims and their values."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from kg.errors import SourceError
from kg.rules import Problem

RANKS = ("normal", "preferred", "deprecated")
# unit key -> (UN/CEFACT common code, unit text)
UNITS: dict[str, tuple[str, str]] = {
    "m": ("MTR", "m"),
    "cm": ("CMT", "cm"),
    "kg": ("KGM", "kg"),
    "day": ("DAY", "day"),
    "hour": ("HUR", "h"),
}



def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()



@dataclass(frozen=True)
class Source:
    """One article: its text is the ground truth for every quote that cites it. The text is read
    (and its checksum checked) when first used, so checking one new fact reads one article."""

    key: str
    file: str
    path: Path
    sha256: str
    language: str
    where: str
    title: str | None = None
    date: str | None = None
    retrieved: str | None = None  # when a copy was fetched: not in the graph; Wikidata's P813 in its view and export
    url: str | None = None
    publisher: str | None = None
    rights: str | None = None

    @cached_property
    def text(self) -> str:
        if self.path.resolve().parent != self.path.parent.resolve():
            raise SourceError(f"{self.where}: source file {self.file!r} must lie in {self.path.parent}")
        try:
            raw = self.path.read_bytes()
        except OSError as exc:
            raise SourceError(f"{self.where}: cannot read source text {self.file}: {exc.strerror}") from exc
        actual = sha256_hex(raw)
        if actual != self.sha256:
            raise SourceError(
                f"{self.where}: {self.file} has sha256 {actual}, the registry says {self.sha256}; "
                "a source text must not change once claims quote it"
            )
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise SourceError(f"{self.where}: {self.file} is not UTF-8 (byte {exc.start})") from exc


@dataclass(frozen=True)
class Span:
    """A quoted span: zero-based code-point offsets, end exclusive, with its context."""

    start: int
    end: int
    exact: str
    prefix: str
    suffix: str


@dataclass(frozen=True)
class Reference:
    source: str
    quote: str
    span: Span
    file: str
    line: int


@dataclass(frozen=True)
class Name:
    text: str
    lang: str
    preferred: bool
    refs: tuple[Reference, ...]


@dataclass(frozen=True)
class DraftMark:
    """What `kg draft` says of a candidate it proposed: the rule, its confidence, the curator's
    verdict (unreviewed, accepted, rejected), and where a claim it repeats or contradicts is."""

    rule: str
    confidence: float
    status: str
    duplicates: str | None = None
    contradicts: str | None = None


@dataclass(frozen=True)
class Entity:
    id: str
    types: tuple[str, ...]
    wikidata: str | None
    names: tuple[Name, ...]
    file: str
    line: int
    draft: DraftMark | None = None

    @property
    def preferred_name(self) -> Name:
        return next(n for n in self.names if n.preferred)


@dataclass(frozen=True)
class EntityValue:
    id: str


@dataclass(frozen=True)
class LiteralValue:
    lexical: str
    datatype: str
    lang: str | None = None


@dataclass(frozen=True)
class QuantityValue:
    amount: str
    unit: str


Value = EntityValue | LiteralValue | QuantityValue


@dataclass(frozen=True)
class Claim:
    subject: str
    property: str
    value: Value
    refs: tuple[Reference, ...]
    file: str
    line: int
    point_in_time: str | None = None
    role: str | None = None
    rank: str = "normal"
    note: str | None = None
    draft: DraftMark | None = None


@dataclass
class Facts:
    entities: dict[str, Entity] = field(default_factory=dict)
    claims: list[Claim] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
