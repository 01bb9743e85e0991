"""The frozen seed's Wikidata-vocabulary view uses only properties and items from its reference table."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.inputs.wikidata_ids import usable_ids
from tests.conftest import SEED

WDT = "http://www.wikidata.org/prop/direct/"
WD = "http://www.wikidata.org/entity/"
TABLE = SEED / "reference" / "wikidata-ids.tsv"


@pytest.fixture(scope="module")
def view(seed_output: Path) -> list[ox.Triple]:
    return list(ox.parse(path=str(seed_output / "vyzov-wikidata.ttl"), format=ox.RdfFormat.TURTLE))


def test_every_wdt_property_is_a_verified_property(view: list[ox.Triple]) -> None:
    used = {t.predicate.value.removeprefix(WDT) for t in view}
    assert all(t.predicate.value.startswith(WDT) for t in view)
    assert used, "the view is empty"
    assert used - usable_ids(TABLE, "prop") == set()


def test_every_wd_item_is_verified(view: list[ox.Triple]) -> None:
    items = {
        term.value.removeprefix(WD)
        for t in view
        for term in (t.subject, t.object)
        if isinstance(term, ox.NamedNode) and term.value.startswith(WD)
    }
    assert items
    assert items - usable_ids(TABLE) == set()


def test_the_director_reads_as_wikidata_would(view: list[ox.Triple]) -> None:
    directed = {(str(t.subject), str(t.object)) for t in view if t.predicate.value == WDT + "P57"}
    assert ("<https://example.org/vyzov/id/film/vyzov>", "<http://www.wikidata.org/entity/Q27990623>") in directed
