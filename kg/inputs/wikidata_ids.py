"""The checked Wikidata identifiers (reference/wikidata-ids.tsv): only these may be linked."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

USABLE = {"verified", "single"}


@dataclass(frozen=True)
class WikidataId:
    kind: str
    label: str
    id: str
    status: str


def read_reference_table(path: Path) -> list[WikidataId]:
    rows = []
    with path.open(encoding="utf-8") as handle:
        lines = (line for line in handle if not line.startswith("#"))
        for row in csv.DictReader(lines, delimiter="\t"):
            rows.append(WikidataId(row["kind"], row["label"], row["id"] or "", row["status"]))
    return rows


def usable_ids(path: Path, kind: str | None = None) -> set[str]:
    """IDs marked verified or single (optionally of one kind: item, class, prop)."""
    return {
        row.id
        for row in read_reference_table(path)
        if row.id and row.status in USABLE and (kind is None or row.kind == kind)
    }


def verified_ids(table: Path) -> set[str] | None:
    """The item and class IDs the reference table marks usable; None when there is no table."""
    return (usable_ids(table, "item") | usable_ids(table, "class")) if table.exists() else None


def usable_by_label(path: Path, kind: str) -> dict[str, str]:
    """Label -> ID of the usable rows of one kind ("Gregorian calendar" -> Q…, if the table
    lists it); empty when there is no table. Nothing outside the table is ever looked up."""
    if not path.exists():
        return {}
    return {row.label: row.id for row in read_reference_table(path)
            if row.id and row.status in USABLE and row.kind == kind}
