"""The rule registry: every rule is triggered by some input and reported with its own code, and
`kg rules` prints the registry. Runs against a built copy of the frozen seed project."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.rules import Problem, Rule, Severity, rule_list, rule_text
from tests.conftest import SEED
from tests.helpers import scratch_project

SHIPENKO_QUOTE = '{source: 001_b25d8b9e867eeac6, quote: "Russian film director Klim Shipenko waves farewell"}'
CREW_QUOTE = ('{source: 001_b25d8b9e867eeac6, quote: "Russian cosmonaut Anton Shkaplerov, film director Klim Shipenko '
              'and actor Yulia Peresild pose"}')
CLAIM = f"""claims:
  - subject: person/anton-shkaplerov
    property: schema:description
    value: Russian cosmonaut
    refs:
      - {CREW_QUOTE}
"""
ENTITY = f"""entities:
  - id: person/klim-shipenko-junior
    type: schema:Person
    names:
      - text: Klim Shipenko
        preferred: true
        refs: [{SHIPENKO_QUOTE}]
"""
RETURN_17 = """claims:
  - subject: mission/soyuz-ms-19
    property: kg:plannedReturnDate
    value: 2021-10-17
    refs:
      - {source: 002_61f4a650ca5522b8, quote: "before returning to Earth on October 17th"}
"""
AGE_36 = """claims:
  - subject: person/yulia-peresild
    property: kg:age
    value: 36
    qualifiers: {point_in_time: 2021-10-05}
    refs:
      - {source: 000_d6db8baa69644283, quote: "Yulia Peresild, 37"}
"""
FILM_WITH_AN_AGE = """claims:
  - subject: film/vyzov
    property: kg:age
    value: 38
    refs: [{source: 000_d6db8baa69644283, quote: "director Klim Chipenko, 38"}]
"""


REGISTRY = "sources/sources.yaml"
# A project ontology file declaring the old model's owl:FunctionalProperty (KG032).
FUNCTIONAL_ONTOLOGY = "ontology/functional.ttl"
FUNCTIONAL_TURTLE = """@prefix kg: <ontology#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .

kg:age a owl:DatatypeProperty , owl:FunctionalProperty .
"""
SEED_REGISTRY = (SEED / REGISTRY).read_text(encoding="utf-8")
ONTOLOGY = "ontology/landing.ttl"
SEED_ONTOLOGY = (Path(__file__).parent / "fixtures" / "ontology" / "complete.ttl").read_text(encoding="utf-8")


def claim(old: str, new: str) -> str:
    assert old in CLAIM
    return CLAIM.replace(old, new)


def entity(old: str, new: str) -> str:
    assert old in ENTITY
    return ENTITY.replace(old, new)


# (rule, file name, content, what the message says): each input breaks exactly one rule
TRIGGERS = [
    (Rule.SYNTAX_ERROR, "new.yaml", "claims: [\n",
     "new.yaml:2:1: YAML syntax error: did not find expected node content"),
    (Rule.SYNTAX_ERROR, "new.ttl", "<http://a> <http://b> .\n", "new.ttl:1:23: Turtle syntax error:"),
    (Rule.UNKNOWN_ENTITY, "new.yaml", claim("subject: person/anton-shkaplerov", "subject: person/anton-shkaplerow"),
     "unknown entity person/anton-shkaplerow — did you mean person/anton-shkaplerov?"),
    (Rule.UNKNOWN_PROPERTY, "new.yaml", claim("schema:description", "kg:nickname"),
     "kg:nickname is not a property declared in ontology/"),
    (Rule.WRONG_VALUE, "new.yaml", claim("property: schema:description\n    value: Russian cosmonaut",
                                         "property: kg:age\n    value: thirty"), "'thirty' is not an integer"),
    (Rule.MISSING_REFERENCE, "new.yaml", claim(f"refs:\n      - {CREW_QUOTE}", "refs: []"),
     "claim person/anton-shkaplerov schema:description needs at least one reference ({source, quote})"),
    (Rule.UNKNOWN_SOURCE, "new.yaml", claim("001_b25d8b9e867eeac6", "nope"), "unknown source 'nope'"),
    (Rule.QUOTE_NOT_FOUND, "new.yaml", claim("Russian cosmonaut", "Russian astronaut"),
     "quote not found in source 001_b25d8b9e867eeac6: 'Russian astronaut Anton Shkaplerov, film director Klim "
     "Shipenko and actor Yulia Peresild pose'; closest passage: 'Russian cosmonaut Anton Shkaplerov, film director "
     "Klim Shipenko and actor Yulia Peresild"),
    (Rule.AMBIGUOUS_QUOTE, "new.yaml",
     claim("Russian cosmonaut Anton Shkaplerov, film director Klim Shipenko and actor Yulia Peresild pose",
           "Yulia Peresild looks on during space suit check"),
     "quote occurs 2 times in source 001_b25d8b9e867eeac6 (at "),
    (Rule.DUPLICATE_CLAIM, "new.yaml", RETURN_17, "duplicate of the claim at facts/mission.yaml:"),
    (Rule.CONFLICT, "new.yaml", AGE_36, "contradicts facts/people.yaml:8: person/yulia-peresild has 37"),
    (Rule.SHAPE_VIOLATION, "new.yaml", FILM_WITH_AN_AGE,
     "kg:age: subject film/vyzov is a schema:Movie, not a schema:Person (domain)"),
    (Rule.INVALID_FIELD, "new.yaml", claim("    refs:", "    rank: maybe\n    refs:"),
     "rank 'maybe' must be one of normal, preferred, deprecated"),
    (Rule.INVALID_FIELD, "new.yaml", claim("    refs:", "    note: [a, list]\n    refs:"), "'note' must be text"),
    (Rule.INVALID_FIELD, "new.yaml", "claims: {subject: person/klim-shipenko}\n", "'claims' must be a list"),
    (Rule.INVALID_FIELD, "new.yaml", ENTITY.split("    names:")[0] + "    names: Klim Shipenko\n",
     "'names' of entity person/klim-shipenko-junior must be a list"),
    (Rule.MISSING_KEY, "new.yaml", ENTITY.split("    names:")[0],
     "entity person/klim-shipenko-junior needs 'names' with one preferred name"),
    (Rule.UNKNOWN_CLASS, "new.yaml", entity("schema:Person", "schema:Persn"),
     "schema:Persn is not a class declared in ontology/ — did you mean schema:Person?"),
    (Rule.UNVERIFIED_WIKIDATA_ID, "new.yaml", entity("    names:", "    wikidata: Q999999999\n    names:"),
     "Q999999999 is not a verified ID in reference/wikidata-ids.tsv; leave it out rather than guess"),
    (Rule.NAME_NOT_IN_QUOTE, "new.yaml", ENTITY + f"      - text: K. Shipenko\n        refs: [{SHIPENKO_QUOTE}]\n",
     "alternate name 'K. Shipenko' does not occur in its quote"),
    (Rule.UNKNOWN_KEY, "new.yaml", claim("    refs:", "    notes: a typo\n    refs:"), "unknown claim key(s): notes"),
    (Rule.UNKNOWN_KEY, "new.yaml", CLAIM.replace("claims:", "claim:"),
     "unknown top-level key(s): claim (a facts file has 'entities' and/or 'claims')"),
    (Rule.MISSING_KEY, "new.yaml", claim("    value: Russian cosmonaut\n", ""),
     "a claim needs 'subject', 'property' and 'value'"),
    (Rule.MISSING_KEY, "new.yaml", claim(CREW_QUOTE, "{source: 001_b25d8b9e867eeac6, quote: ''}"),
     "a reference needs 'source' and a non-empty 'quote'"),
    (Rule.INVALID_ENTITY_ID, "new.yaml", entity("person/klim-shipenko-junior", "Person/Klim_Shipenko"),
     "entity id 'Person/Klim_Shipenko' must look like kind/lowercase-slug"),
    (Rule.DUPLICATE_ENTITY, "new.yaml", entity("person/klim-shipenko-junior", "person/klim-shipenko"),
     "entity person/klim-shipenko is defined twice (first at facts/entities.yaml:"),
    (Rule.PREFERRED_NAME, "new.yaml", entity("preferred: true", "preferred: false"),
     "entity person/klim-shipenko-junior needs exactly one preferred name, has 0"),
    (Rule.DUPLICATE_NAME, "new.yaml", ENTITY + f"      - text: Klim Shipenko\n        refs: [{SHIPENKO_QUOTE}]\n",
     "name 'Klim Shipenko'@en is listed twice"),
    (Rule.INVALID_LANGUAGE_TAG, "new.yaml", entity("preferred: true", "preferred: true\n        lang: english!"),
     "language tag 'english!' is not BCP 47"),
    (Rule.UNKNOWN_PREFIX, "new.yaml", claim("schema:description", "description"),
     "'description' is not a CURIE with a known prefix (kg, kgr, schema,"),
    (Rule.OCCURRENCE_OUT_OF_RANGE, "new.yaml", claim("pose\"}", "pose\", occurrence: 2}"),
     "occurrence 2 asked, but the quote occurs 1 times in 001_b25d8b9e867eeac6"),
    (Rule.INCONSISTENT_RANK, "new.yaml",
     CLAIM + CLAIM.removeprefix("claims:\n").replace("    refs:", "    rank: deprecated\n    refs:"),
     "the same triple has rank normal elsewhere and deprecated here; give every claim of one triple the same rank"),
    (Rule.INCONSISTENT_RANK, "new.yaml", RETURN_17.replace("    refs:", "    rank: deprecated\n    refs:"),
     "the same triple has rank normal at facts/mission.yaml:"),
    (Rule.DUPLICATE_KEY, "new.yaml",
     claim("    value: Russian cosmonaut\n", "    value: cosmonaut\n    value: Russian cosmonaut\n"),
     "key 'value' is given twice in one mapping (first at line 4); YAML keeps only one of them"),
    (Rule.DUPLICATE_KEY, "new.yaml", claim("    refs:\n", "    refs: []\n    refs:\n"), "key 'refs' is given twice"),
    (Rule.UNSUPPORTED_NUMBER, "new.yaml", claim("property: schema:description\n    value: Russian cosmonaut",
                                                "property: kg:age\n    value: 046"),
     "046 has a leading zero, which YAML 1.1 reads as the octal number 38 and YAML 1.2 as 46: write 46"),
    (Rule.UNSUPPORTED_NUMBER, "new.yaml", claim("property: schema:description\n    value: Russian cosmonaut",
                                                "property: kg:age\n    value: 1" + "0" * 5000),
     "10000000000000000000…00000000 (5,001 characters) has 5,001 digits; kg reads numbers of at most 18 digits"),
    # the registry, not the checked file: every command that reads it stops (exit 2)
    (Rule.INVALID_SOURCE_ENTRY, REGISTRY, SEED_REGISTRY.replace("    date: null\n", '    date: "20211005"\n', 1),
     "sources/sources.yaml:6: source date '20211005' is not YYYY-MM-DD"),
    # the project's ontology, not the checked file: a claim that conforms is checked beside it
    (Rule.TERM_WITHOUT_LABEL, ONTOLOGY, SEED_ONTOLOGY.replace(' ;\n    rdfs:label "landing date"@en', ''),
     "kg:landingDate has no rdfs:label"),
    (Rule.PROPERTY_WITHOUT_DOMAIN_OR_RANGE, ONTOLOGY, SEED_ONTOLOGY.replace(" ; rdfs:range xsd:date", ""),
     "property kg:landingDate has no rdfs:range"),
    (Rule.UNVERIFIED_ALIGNMENT, ONTOLOGY, SEED_ONTOLOGY.replace("wdt:P620", "wdt:P99999"),
     "kg:landingDate owl:equivalentProperty wdt:P99999: P99999 is not marked verified or single"),
    # the project's ontology: refused before anything is checked (exit 2)
    (Rule.FUNCTIONAL_PROPERTY, FUNCTIONAL_ONTOLOGY, FUNCTIONAL_TURTLE,
     "ontology/functional.ttl:4: kg:age is declared owl:FunctionalProperty: sources may disagree on a value, and "
     "an OWL reasoner would then infer the two values equal (owl:sameAs), which makes the graph inconsistent; "
     "declare one value expected with kg:SingleValuedProperty instead"),
    (Rule.UNREVIEWED_CANDIDATE, "new.yaml",
     claim("    refs:", "    draft: {rule: description, confidence: 0.5, status: unreviewed}\n    refs:"),
     "claim person/anton-shkaplerov schema:description is an unreviewed draft candidate (rule description, "
     "confidence 0.5): set `status: accepted`"),
]
# Rules reported as an error (exit 2) before anything is checked, rather than in the report.
STOPPING = {Rule.SYNTAX_ERROR, Rule.INVALID_SOURCE_ENTRY, Rule.FUNCTIONAL_PROPERTY}
# Triggers that change a file of a copy of the project (then a claim that conforms is checked).
PROJECT_FILES = {REGISTRY, ONTOLOGY, FUNCTIONAL_ONTOLOGY}


@pytest.fixture(autouse=True)
def seed(monkeypatch: pytest.MonkeyPatch, seed_root: Path, tmp_path: Path) -> None:
    monkeypatch.setenv("KG_PROJECT", str(seed_root))
    monkeypatch.setenv("KG_STORE", str(tmp_path / "no-store"))  # its facts/ read on the spot


def validate(tmp_path: Path, name: str, content: str, *options: str) -> tuple[int, str]:
    """The exit code, and the report (stdout) or, for exit code 2, the error (stderr)."""
    if name in PROJECT_FILES:  # a file of a copy of the project changed, a claim that conforms checked
        root = scratch_project(tmp_path / "project")
        (root / name).write_text(content, encoding="utf-8")
        path, content, env, shown_as = tmp_path / "new.yaml", CLAIM, {"KG_PROJECT": str(root)}, (f"{root}/", "")
    else:
        path, env = tmp_path / name, {}
        shown_as = (str(path), name)
    path.write_text(content, encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(path), *options], env=env)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    shown = result.stderr if result.exit_code == 2 else result.stdout
    return result.exit_code, shown.replace(*shown_as)


def test_every_rule_has_a_trigger() -> None:
    assert {rule for rule, *_ in TRIGGERS} == set(Rule)


@pytest.mark.parametrize("content", [CLAIM, ENTITY], ids=["claim", "entity"])
def test_the_inputs_the_triggers_break_conform(tmp_path: Path, content: str) -> None:
    code, output = validate(tmp_path, "new.yaml", content, "--format", "json")
    assert (code, json.loads(output)["problems"]) == (0, [])


@pytest.mark.parametrize(
    "rule,name,content,message", TRIGGERS,
    ids=[f"{rule.code}-{rule.slug}-{n}" for n, (rule, *_) in enumerate(TRIGGERS)],
)
def test_each_rule_is_reported_with_its_own_code(tmp_path: Path, rule: Rule, name: str, content: str,
                                                 message: str) -> None:
    options = [] if rule is Rule.SHAPE_VIOLATION else ["--no-shacl"]
    code, output = validate(tmp_path, name, content, "--format", "json", *options)
    if rule in STOPPING:
        assert code == 2
        assert output.startswith(f"error: {message}") and output.endswith(f" [{rule.code}]\n"), output
        return
    problems = json.loads(output)["problems"]
    assert [(p["rule"], p["severity"]) for p in problems] == [(rule.code, rule.severity.value)], problems
    assert message in problems[0]["message"]
    assert code == (1 if rule.severity is Severity.ERROR else 0)


def test_codes_are_unique_and_in_order() -> None:
    codes = [rule.code for rule in Rule]
    assert codes == [f"KG{n:03d}" for n in range(1, len(codes) + 1)]
    assert len({rule.slug for rule in Rule}) == len(codes)


def test_every_rule_is_documented() -> None:
    for rule in Rule:
        assert re.fullmatch(r"[a-z]+(-[a-z]+)*", rule.slug), rule
        assert rule.summary and rule.explanation and rule.fix, rule
        assert rule.summary.endswith(".") and "\n" not in rule.summary, rule


def test_a_problem_has_its_rule_s_severity_unless_a_shape_gives_one() -> None:
    assert Problem(Rule.CONFLICT, "x").severity is Severity.WARNING
    assert Problem(Rule.SHAPE_VIOLATION, "x", shape_severity=Severity.INFO).severity is Severity.INFO
    assert str(Problem(Rule.QUOTE_NOT_FOUND, "quote not found", "facts/a.yaml", 3)) == (
        "facts/a.yaml:3: error KG007: quote not found"
    )


def test_find_accepts_a_code_or_a_name() -> None:
    assert Rule.find("KG007") is Rule.find("kg007") is Rule.find("quote-not-found") is Rule.QUOTE_NOT_FOUND


# ------------------------------------------------------------------ kg rules


def test_kg_rules_lists_every_rule() -> None:
    result = CliRunner().invoke(main, ["rules"])
    assert result.exit_code == 0
    assert result.output == rule_list()
    lines = result.output.splitlines()
    assert [line.split()[0] for line in lines] == [rule.code for rule in Rule]
    assert re.fullmatch(r"KG007  error    quote-not-found +A quote that is not in its source text, "
                        r"character for character\.", lines[6])


def test_kg_rules_code_prints_the_rule_in_full() -> None:
    result = CliRunner().invoke(main, ["rules", "KG007"])
    assert result.exit_code == 0
    assert result.output == rule_text(Rule.QUOTE_NOT_FOUND)
    assert result.output.startswith(
        "KG007 quote-not-found (error)\n\nA quote that is not in its source text, character for character.\n\n"
        "A quote must be copied verbatim from the article"
    )
    assert "\n\nHow to fix: Copy the words from the article exactly" in result.output


def test_kg_rules_needs_no_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KG_PROJECT")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["rules", "inconsistent-rank"])
    assert result.exit_code == 0
    assert result.output.startswith("KG025 inconsistent-rank (error)\n")


@pytest.mark.parametrize(
    "wanted,message",
    [
        ("KG999", "error: unknown rule 'KG999' (`kg rules` lists them)\n"),
        ("quote-not-fund", "error: unknown rule 'quote-not-fund' — did you mean quote-not-found (KG007)? "
                           "(`kg rules` lists them)\n"),
    ],
)
def test_kg_rules_unknown_code_exits_2(wanted: str, message: str) -> None:
    result = CliRunner().invoke(main, ["rules", wanted])
    assert (result.exit_code, result.output) == (2, message)
