"""The frozen seed's example queries (queries/) give their expected answers (queries/expected/) on
its published Turtle. (That the live project's examples run: test_live_project.)"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from tests.conftest import SEED

QUERIES = sorted((SEED / "queries").glob("*.rq"))


def run_tsv(store: ox.Store, query: Path) -> str:
    results = store.query(query.read_text(encoding="utf-8"))
    return results.serialize(format=ox.QueryResultsFormat.TSV).decode("utf-8")  # type: ignore[union-attr]


def test_there_is_an_example_for_each_question() -> None:
    assert {q.stem for q in QUERIES} >= {"director", "crew", "fact-sources", "conflicts", "name-forms",
                                         "single-source", "roles", "plays-the-doctor", "lead-applicants"}


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q.stem)
def test_query_gives_its_expected_answer(store: ox.Store, query: Path) -> None:
    expected = query.parent / "expected" / f"{query.stem}.tsv"
    assert run_tsv(store, query) == expected.read_text(encoding="utf-8")


def _rows(store: ox.Store, name: str) -> list[dict[str, str]]:
    results = store.query((SEED / "queries" / f"{name}.rq").read_text(encoding="utf-8"))
    return [{v.value: s[v].value for v in results.variables if s[v] is not None} for s in results]  # type: ignore[union-attr]


def test_the_director_is_klim_shipenko(store: ox.Store) -> None:
    assert [(r["name"], r["wikidata"]) for r in _rows(store, "director")] == [
        ("Klim Shipenko", "http://www.wikidata.org/entity/Q27990623")
    ]


def test_the_crew_is_the_three_who_flew(store: ox.Store) -> None:
    assert {r["name"] for r in _rows(store, "crew")} == {"Anton Shkaplerov", "Klim Shipenko", "Yulia Peresild"}


def test_the_return_date_conflict_shows_both_sides(store: ox.Store) -> None:
    rows = [r for r in _rows(store, "conflicts") if r["property"].endswith("#plannedReturnDate")]
    assert {(r["value"], r["article"]) for r in rows} == {
        ("2021-10-16", "001_b25d8b9e867eeac6"),
        ("2021-10-17", "002_61f4a650ca5522b8"),
    }


def test_name_forms_include_both_spellings(store: ox.Store) -> None:
    forms = {r["form"] for r in _rows(store, "name-forms")}
    assert {"Klim Shipenko", "Klim Chipenko"} <= forms


def test_each_of_the_directors_jobs_has_its_own_sources(store: ox.Store) -> None:
    jobs: dict[str, list[str]] = {}
    for row in _rows(store, "roles"):
        jobs.setdefault(row["job"], []).append(row["article"])
    assert jobs["sound"] == ["004_ba6c03b084f54831"], "only the 2022 article names the sound job"
    assert set(jobs) == {"camera", "lighting", "make-up", "sound"}
