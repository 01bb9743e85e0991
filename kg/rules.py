"""Problems found in inputs, as objects: severity, stable rule code, message, where."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class Rule(str, Enum):
    """Stable codes: scripts may match on them."""

    SYNTAX = "KG001"
    UNKNOWN_ENTITY = "KG002"
    UNKNOWN_PROPERTY = "KG003"
    WRONG_VALUE = "KG004"
    MISSING_REFERENCE = "KG005"
    UNKNOWN_SOURCE = "KG006"
    QUOTE_NOT_FOUND = "KG007"
    QUOTE_AMBIGUOUS = "KG008"
    DUPLICATE = "KG009"
    CONFLICT = "KG010"
    SHACL = "KG011"
    FORMAT = "KG012"
    UNKNOWN_CLASS = "KG013"
    WIKIDATA_ID = "KG014"
    NAME_NOT_IN_QUOTE = "KG015"


@dataclass(frozen=True)
class Problem:
    rule: Rule
    severity: Severity
    message: str
    file: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}: " if self.file and self.line else (
            f"{self.file}: " if self.file else ""
        )
        return f"{where}{self.severity.value} {self.rule.value}: {self.message}"


def errors_of(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity is Severity.ERROR]
