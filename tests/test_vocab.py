"""`kg vocab`: the classes and properties a curator may use, with domain, range, Wikidata
alignment, single-valuedness and an example claim (from facts/ with file:line, or generated)."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from kg.cli import main
from tests.conftest import SEED
from tests.helpers import project_with_ontology



def landing_project(tmp_path: Path) -> Path:
    """A new project whose ontology adds kg:Landing and kg:landingDate (tests/fixtures/ontology)."""
    return project_with_ontology(tmp_path, "complete.ttl")


def vocab(root: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["--project", str(root), "vocab", *args])
    return result.exit_code, result.stdout, result.stderr


def test_a_new_property_is_listed_with_a_generated_example(tmp_path: Path) -> None:
    code, out, _ = vocab(landing_project(tmp_path), "kg:landing")
    assert code == 0
    assert out == """classes (1)
  kg:Landing  landing
      subclass of: schema:Event
      Wikidata: none
properties (1)
  kg:landingDate  landing date
      domain: kg:Landing; range: xsd:date (literal); several values allowed
      Wikidata: owl:equivalentProperty wdt:P620
      example (generated from the range):
        subject: landing/example
        property: kg:landingDate
        value: 2021-10-05
        refs:
          - {source: KEY, quote: "the exact words of the article"}
"""


def test_the_example_comes_from_the_facts_with_its_file_and_line(tmp_path: Path) -> None:
    root = landing_project(tmp_path)
    (root / "facts" / "landing.yaml").write_text("""claims:
  # the landing, as the follow-up reports it
  - subject: landing/soyuz-ms-18
    property: kg:landingDate
    value: 2021-10-17   # GMT
    rank: preferred
    refs:
      - {source: report, quote: "landed on 17 October"}
""", encoding="utf-8")
    code, out, _ = vocab(root, "kg:landingDate")
    assert code == 0
    assert out.split("example ", 1)[1] == """(from facts/landing.yaml:3):
        subject: landing/soyuz-ms-18
        property: kg:landingDate
        value: 2021-10-17   # GMT
        rank: preferred
"""


def test_json_is_stable_for_scripts(tmp_path: Path) -> None:
    code, out, _ = vocab(landing_project(tmp_path), "kg:landingDate", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["classes"] == []
    [prop] = data["properties"]
    assert prop == {
        "term": "kg:landingDate",
        "iri": "https://example.org/p/ontology#landingDate",
        "label": "landing date",
        "comment": "When the spacecraft landed.",
        "domain": ["kg:Landing"],
        "range": ["xsd:date"],
        "value": "literal",
        "single_valued": False,
        "wikidata": [{"relation": "owl:equivalentProperty", "target": "wdt:P620", "id": "P620"}],
        "example": {"yaml": "subject: landing/example\nproperty: kg:landingDate\nvalue: 2021-10-05\nrefs:\n"
                            '  - {source: KEY, quote: "the exact words of the article"}\n', "source": None},
    }


def test_the_seed_shows_single_valued_properties_and_quantities() -> None:
    code, out, _ = vocab(SEED, "schema:height")
    assert code == 0
    assert ("  schema:height  height\n      domain: schema:MediaObject, schema:OfferShippingDetails, schema:Person, "
            "schema:Product, schema:ShippingConditions, schema:VisualArtwork; range: schema:Distance, "
            "schema:QuantitativeValue (quantity); single-valued\n") in out  # schema.org's own domain and range
    assert "value: {amount: 1.9, unit: m}" in out
    code, out, _ = vocab(SEED, "--format", "json")
    terms = [p["term"] for p in json.loads(out)["properties"]]
    assert terms == sorted(terms) and "kg:age" in terms and "schema:name" in terms


def test_an_unknown_term_says_so_with_the_closest_and_exit_2(tmp_path: Path) -> None:
    code, out, err = vocab(landing_project(tmp_path), "kg:lendingDate")
    assert (code, out) == (2, "")
    assert err == "error: no class or property matches 'kg:lendingDate' — did you mean kg:landingDate, schema:endDate? " \
                  "(kg vocab lists them all)\n"
