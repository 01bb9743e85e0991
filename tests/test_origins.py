"""Errors about existing claims name their facts file and line even when the loaded store answers:
kg load and kg add keep each statement's origin beside the store (kg.origins), never in the
published files or the store's RDF."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.origins import ORIGINS_FILE, StoredOrigins
from tests.helpers import NEW_CLAIM, scratch_project



def kg(root: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["--project", str(root), *args])
    return result.exit_code, result.output


@pytest.fixture
def loaded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("KG_STORE", raising=False)
    root = scratch_project(tmp_path / "project")
    assert kg(root, "build", "-q")[0] == 0
    assert kg(root, "load", "-q")[0] == 0
    return root


def test_a_duplicate_of_a_claim_kg_add_added_names_its_new_place_when_the_store_answers(
        loaded: Path, tmp_path: Path) -> None:
    added = tmp_path / "shipenko.yaml"
    added.write_text(NEW_CLAIM, encoding="utf-8")
    code, output = kg(loaded, "add", str(added))
    assert code == 0, output
    again = tmp_path / "again.yaml"
    again.write_text(NEW_CLAIM, encoding="utf-8")
    result = CliRunner().invoke(main, ["--project", str(loaded), "validate", str(again), "--format", "json"])
    assert result.stderr == ""  # no note: the store answered, not facts/
    [problem] = json.loads(result.stdout)["problems"]
    assert problem["rule"] == "KG009"
    assert problem["message"] == "duplicate of the claim at facts/shipenko.yaml:2; its references will be merged"


def test_the_origins_are_beside_the_store_not_in_its_rdf_or_the_published_files(loaded: Path) -> None:
    store_dir = loaded / "output" / "store"
    origins = StoredOrigins(store_dir)
    assert origins["https://example.org/vyzov/id/person/yulia-peresild"].startswith("facts/entities.yaml:")
    assert all(":" in where for where in origins.values())
    store = ox.Store.read_only(str(store_dir))
    assert not list(store.quads_for_pattern(None, None, ox.Literal(origins[next(iter(origins))])))
    for published in (loaded / "output").glob("*.*"):
        assert b"entities.yaml:" not in published.read_bytes(), published
    assert (store_dir / ORIGINS_FILE).is_file()


def test_a_store_without_origins_falls_back_to_statement_iris(loaded: Path, tmp_path: Path) -> None:
    (loaded / "output" / "store" / ORIGINS_FILE).unlink()  # a store an earlier kg loaded
    again = tmp_path / "again.yaml"
    again.write_text("""claims:
  - subject: person/yulia-peresild
    property: kg:age
    value: 37
    qualifiers: {point_in_time: 2021-10-05}
    refs:
      - {source: 000_d6db8baa69644283, quote: "Yulia Peresild, 37"}
""", encoding="utf-8")
    result = CliRunner().invoke(main, ["--project", str(loaded), "validate", str(again), "--format", "json"])
    [problem] = json.loads(result.stdout)["problems"]
    assert problem["message"].startswith("duplicate of the claim at <https://example.org/vyzov/statement/")
