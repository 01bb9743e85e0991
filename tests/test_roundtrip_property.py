"""Property: well-typed claims (text with any characters, integers, dates, durations) are accepted
by kg validate, build, and their Turtle and JSON-LD are the same graph holding the value."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyoxigraph as ox
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.check.facts import validate_facts
from kg.pipeline import build
from kg.project import open_project
from tests.helpers import scratch_project

QUOTE = {"source": "001_b25d8b9e867eeac6", "quote": "38-year-old director Klim Shipenko"}
SUBJECTS = ["person/klim-shipenko", "person/yulia-peresild", "film/vyzov", "mission/soyuz-ms-19"]
# text with quotes, backslashes, newlines, tabs, non-ASCII, and characters Turtle must escape
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
               min_size=1, max_size=40)


@st.composite
def claims(draw: st.DrawFn) -> dict[str, object]:
    kind = draw(st.sampled_from(["description", "age", "launch", "duration"]))
    subject = draw(st.sampled_from(SUBJECTS))
    if kind == "description":
        value: object = {"text": draw(TEXT), "lang": draw(st.sampled_from(["en", "ru", "ru-Latn", "fr"]))}
        prop = "schema:description"
    elif kind == "age":
        value, prop = draw(st.integers(min_value=-10, max_value=10**12)), "kg:age"
    elif kind == "launch":
        value, prop = draw(st.dates(min_value=dt.date(1, 1, 1))).isoformat(), "kg:launchDate"
    else:
        value = f"P{draw(st.integers(0, 10**6))}D"
        prop = "kg:plannedDuration"
    return {"subject": subject, "property": prop, "value": value, "refs": [QUOTE]}


class _QuotingDumper(yaml.SafeDumper):
    """Text in double quotes, where PyYAML escapes NEL, LS and PS (in single quotes it writes
    them raw, which kg refuses: YAML 1.1 and 1.2 readers read them differently)."""


_QuotingDumper.add_representer(
    str, lambda dumper, text: dumper.represent_scalar("tag:yaml.org,2002:str", text, style='"'))


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return scratch_project(tmp_path_factory.mktemp("property"))


def _triples(data: bytes, fmt: ox.RdfFormat) -> set[ox.Triple]:
    return set(ox.parse(data, format=fmt))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(claim=claims())
def test_accepted_claims_build_and_round_trip(project: Path, claim: dict[str, object]) -> None:
    path = project / "candidate.yaml"
    path.write_text(yaml.dump({"claims": [claim]}, Dumper=_QuotingDumper, allow_unicode=True), encoding="utf-8")
    config = open_project(project)
    outcome = validate_facts([path], config, shacl=False)
    assert outcome.conforms, [str(p) for p in outcome.problems]  # the strategy draws only well-typed claims
    result = build(config, run_shacl=False, extra_fact_files=[path])
    turtle = _triples(result.files["vyzov.ttl"], ox.RdfFormat.TURTLE)
    jsonld = _triples(result.files["vyzov.jsonld"], ox.RdfFormat.JSON_LD)
    assert turtle == jsonld
    value = claim["value"]
    lexical = value["text"] if isinstance(value, dict) else str(value)
    subject = ox.NamedNode(config.base_iri + "id/" + str(claim["subject"]))
    assert lexical in {t.object.value for t in turtle if t.subject == subject and isinstance(t.object, ox.Literal)}
