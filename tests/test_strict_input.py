"""One strict YAML reading for facts/ and sources/sources.yaml (issue 10, rows 5, 11, 12, 13):
duplicate keys are errors, numbers are read as a reviewer reads them (YAML 1.2, plain decimals,
at most 18 digits, finite), dates are real xsd:dates, and the registry refuses unknown keys,
wrong types and control characters. Against the frozen seed (read-only) or scratch copies."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from kg.cli import main
from tests.helpers import scratch_project

CREW = ('{source: 001_b25d8b9e867eeac6, quote: "Russian cosmonaut Anton Shkaplerov, film director Klim Shipenko '
        'and actor Yulia Peresild pose"}')
AGE = """claims:
  - subject: person/anton-shkaplerov
    property: kg:age
    value: VALUE
    refs:
      - CREW
""".replace("CREW", CREW)


def age(value: str) -> str:
    return AGE.replace("VALUE", value)


def claim(prop: str, value: str, subject: str = "person/anton-shkaplerov") -> str:
    return AGE.replace("kg:age", prop).replace("VALUE", value).replace("person/anton-shkaplerov", subject)


@pytest.fixture(autouse=True)
def seed(monkeypatch: pytest.MonkeyPatch, seed_root: Path, tmp_path: Path) -> None:
    monkeypatch.setenv("KG_PROJECT", str(seed_root))
    monkeypatch.setenv("KG_STORE", str(tmp_path / "no-store"))


def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
    result = CliRunner().invoke(main, list(args), env=env)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def problems(tmp_path: Path, content: str) -> tuple[int, list[tuple[str, int, str]]]:
    """kg validate --format json of `content`: the exit code and (rule, line, message) of each problem."""
    path = tmp_path / "new.yaml"
    path.write_text(content, encoding="utf-8")
    result = invoke("validate", str(path), "--format", "json", "--no-shacl")
    assert result.exit_code in (0, 1), result.output
    found = json.loads(result.stdout)["problems"]
    assert all(p["file"] == str(path) for p in found), found
    return result.exit_code, [(p["rule"], p["line"], p["message"]) for p in found]


def refused(tmp_path: Path, content: str | bytes) -> str:
    """kg validate of a file it refuses to read: exit 2, the error (stderr) with the path as new.yaml."""
    path = tmp_path / "new.yaml"
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    result = invoke("validate", str(path), "--no-shacl")
    assert result.exit_code == 2, result.output
    return result.stderr.replace(str(path), "new.yaml")


# ------------------------------------------------------------------ row 13: duplicate keys


def test_a_key_given_twice_is_an_error_naming_both_lines(tmp_path: Path) -> None:
    content = age("99\n    value: 38")
    assert problems(tmp_path, content) == (1, [
        ("KG026", 5, "key 'value' is given twice in one mapping (first at line 4); YAML keeps only one of them: "
                     "remove or merge the other"),
    ])


def test_two_refs_lists_are_an_error(tmp_path: Path) -> None:
    content = age("38").replace("    refs:\n", "    refs: [{source: 000_d6db8baa69644283, quote: \"x\"}]\n    refs:\n")
    code, found = problems(tmp_path, content)
    assert (code, [(rule, line) for rule, line, _ in found]) == (1, [("KG026", 6)])


def test_a_duplicate_key_in_facts_stops_the_build(tmp_path: Path) -> None:
    root = scratch_project(tmp_path / "project")
    (root / "facts" / "new.yaml").write_text(age("99\n    value: 38"), encoding="utf-8")
    result = invoke("build", env={"KG_PROJECT": str(root)})
    assert result.exit_code == 1
    assert "facts/new.yaml:5: error KG026: key 'value' is given twice in one mapping (first at line 4)" in result.output
    assert not (root / "output").exists()


# ------------------------------------------------------------------ rows 11-13: numbers


@pytest.mark.parametrize("written,message", [
    ("046", "046 has a leading zero, which YAML 1.1 reads as the octal number 38 and YAML 1.2 as 46: write 46, "
            "or quote it if it is text"),
    ("0x1F", "0x1F is a hexadecimal number: write it in decimal (31), or quote it if it is text"),
    ("0o17", "0o17 is an octal number: write it in decimal (15), or quote it if it is text"),
    ("0b101", "0b101 is a binary number: write it in decimal (5), or quote it if it is text"),
    ("1_000", "1_000: digit separators (_) are not read; write 1000, or quote it if it is text"),
    ("1e3", "1e3 has an exponent: write the number in full (1000), or quote it if it is text"),
    (".inf", ".inf is not a finite number: kg publishes only xsd:integer and xsd:decimal values, which have no "
             "infinity or NaN"),
    ("-.inf", "-.inf is not a finite number: kg publishes only xsd:integer and xsd:decimal values, which have no "
              "infinity or NaN"),
    (".nan", ".nan is not a finite number: kg publishes only xsd:integer and xsd:decimal values, which have no "
             "infinity or NaN"),
    ("1" + "0" * 5000, "10000000000000000000…00000000 (5,001 characters) has 5,001 digits; kg reads numbers of at "
                       "most 18 digits (as every XML Schema processor must), so quote it if it is text"),
    ("1234567890123456789", "1234567890123456789 has 19 digits; kg reads numbers of at most 18 digits (as every XML "
                            "Schema processor must), so quote it if it is text"),
])
def test_numbers_a_reviewer_could_misread_are_refused_with_file_and_line(tmp_path: Path, written: str,
                                                                        message: str) -> None:
    assert problems(tmp_path, age(written)) == (1, [("KG027", 4, message)])


def test_eighteen_digits_are_read_exactly(tmp_path: Path) -> None:
    code, found = problems(tmp_path, age("123456789012345678"))
    assert "KG027" not in [rule for rule, *_ in found]


@pytest.mark.parametrize("written,message", [
    ('"46"', "'46' is not an integer"),  # quoted: text, not a number
    ("yes", "'yes' is not an integer"),  # YAML 1.2: text, not a boolean
    ("1:30", "'1:30' is not an integer"),  # YAML 1.1's base 60: text in YAML 1.2
])
def test_text_that_is_not_a_number_is_not_an_integer(tmp_path: Path, written: str, message: str) -> None:
    assert problems(tmp_path, age(written)) == (1, [("KG004", 2, message)])


@pytest.mark.parametrize("written", ["yes", "no", "on", "off", "y", "n"])
def test_yes_no_on_off_are_not_booleans(tmp_path: Path, written: str) -> None:
    code, found = problems(tmp_path, claim("kg:budgetDisclosed", written, "film/vyzov"))
    assert (code, found) == (1, [("KG004", 2, f"{written!r} is not true or false")])


@pytest.mark.parametrize("amount,rule,message", [
    (".nan", "KG027", ".nan is not a finite number"),
    (".inf", "KG027", ".inf is not a finite number"),
    ("1e3", "KG027", "1e3 has an exponent: write the number in full (1000)"),
    ('"NaN"', "KG004", "amount: NaN is not a finite number"),
    ('"Infinity"', "KG004", "amount: Infinity is not a finite number"),
    ('"1e3"', "KG004", "amount: 1e3 has an exponent: write the number in full (1000)"),
    ("[1]", "KG004", "amount: [1] is not a decimal number"),
])
def test_quantities_must_be_finite_plain_decimals(tmp_path: Path, amount: str, rule: str, message: str) -> None:
    code, found = problems(tmp_path, claim("schema:height", f"{{amount: {amount}, unit: m}}"))
    assert code == 1
    # KG027 at the number's own line, KG004 at the claim's
    assert [(r, line) for r, line, _ in found] == [(rule, 4 if rule == "KG027" else 2)], found
    assert found[0][2].startswith(message), found


def test_decimals_are_published_as_written_never_with_an_exponent(tmp_path: Path) -> None:
    root = scratch_project(tmp_path / "project")
    heights = claim("schema:height", "{amount: 0.0000001, unit: m}") + claim(
        "schema:height", "{amount: 1.50, unit: m}", "person/yulia-peresild").removeprefix("claims:\n")
    (root / "facts" / "new.yaml").write_text(heights, encoding="utf-8")
    result = invoke("build", "-q", "--no-shacl", env={"KG_PROJECT": str(root)})
    assert result.exit_code == 0, result.output
    turtle = (root / "output" / "vyzov.ttl").read_text(encoding="utf-8")
    assert "\tschema:value 0.0000001 .\n" in turtle and "\tschema:value 1.50 .\n" in turtle
    assert "E-7" not in turtle  # kg 0.2 published "1E-7"^^xsd:decimal, which is no xsd:decimal


@pytest.mark.parametrize("written", ['"2021-10-05 09:22:00"', '"20211005T092200Z"', '"2021-10-05T09:22"'])
def test_date_times_must_be_xsd_date_times(tmp_path: Path, written: str) -> None:
    content = claim("kg:dockingTime", written, "mission/soyuz-ms-19")
    assert problems(tmp_path, content) == (1, [
        ("KG004", 2, f"{written.strip(chr(34))!r} is not an xsd:dateTime like \"2021-10-05T09:22:00Z\""),
    ])


@pytest.mark.parametrize("written", ["2021-W40-2", "20211005", "2021-10-5"])
def test_point_in_time_must_be_a_calendar_date(tmp_path: Path, written: str) -> None:
    content = age("38").replace("    refs:", f"    qualifiers: {{point_in_time: '{written}'}}\n    refs:")
    code, found = problems(tmp_path, content)
    assert (code, [(r, m) for r, _, m in found]) == (1, [("KG004", f"{written!r} is not a date (YYYY-MM-DD)")])


# ------------------------------------------------------------------ what the reader refuses outright


@pytest.mark.parametrize("content,message", [
    ("claims: " + "[" * 500 + "]" * 500 + "\n", "new.yaml:1:72: YAML error: nesting deeper than 64 levels [KG001]"),
    ("claims:\n  - 1: x\n", "new.yaml:2:5: YAML error: a mapping key must be text, not 1 (quote it) [KG001]"),
    ("claims: !!binary aGk=\n", "new.yaml:1:9: YAML error: the tag 'tag:yaml.org,2002:binary' is not allowed: "
                                "kg's YAML holds mappings, lists, text, numbers, true/false and null [KG001]"),
    ("claims: !!python/object:os.system x\n", "new.yaml:1:9: YAML error: the tag "
                                              "'tag:yaml.org,2002:python/object:os.system' is not allowed"),
    ("claims:\n  - !!bool yes\n", "new.yaml:2:5: YAML error: !!bool 'yes' is not true or false [KG001]"),
])
def test_what_the_reader_refuses_is_exit_2_with_file_and_line(tmp_path: Path, content: str, message: str) -> None:
    assert refused(tmp_path, content).startswith(f"error: {message}")


@pytest.mark.parametrize("character,escape", [("\x85", "\\N"), ("\u2028", "\\L"), ("\u2029", "\\P")])
def test_a_break_yaml_versions_read_differently_is_refused_and_its_escape_accepted(
        tmp_path: Path, character: str, escape: str) -> None:
    # libyaml folded a raw NEL inside quotes to a space: the published text lost a character
    raw = f"claims:\n  - subject: film/vyzov\n    property: schema:description\n    value: 'a{character}b'\n"
    assert refused(tmp_path, raw) == (
        f"error: new.yaml:4:14: character U+{ord(character):04X} is a line break to YAML 1.1 readers and a "
        f"character to YAML 1.2 ones; write it as {escape} inside double quotes [KG001]\n")
    from kg.inputs.yamlio import parse_yaml
    assert parse_yaml(f'value: "a{escape}b"\n', "new.yaml").data == {"value": f"a{character}b"}


# ------------------------------------------------------------------ the registry, sources/sources.yaml


def with_registry(tmp_path: Path, old: str, new: str) -> Path:
    root = scratch_project(tmp_path / "project")
    registry = root / "sources" / "sources.yaml"
    text = registry.read_text(encoding="utf-8")
    assert old in text
    registry.write_text(text.replace(old, new, 1), encoding="utf-8")
    return root


@pytest.mark.parametrize("old,new,message", [
    ("    date: null\n", '    date: "20211005"\n', "sources.yaml:6: source date '20211005' is not YYYY-MM-DD [KG028]"),
    ("    date: null\n", '    date: "2021-W40-2"\n',
     "sources.yaml:6: source date '2021-W40-2' is not YYYY-MM-DD [KG028]"),
    ("    date: null\n", "    date: 2021\n", "sources.yaml:6: 'date' must be a string or null, not 2021 (quote dates: "
                                            "\"2021-10-05\") [KG028]"),
    ("    date: null\n", "    titel: A typo\n",
     "sources.yaml:6: unknown source entry key(s): titel (an entry has key, file, sha256, language, title, date, "
     "retrieved, url, publisher, rights) [KG028]"),
    ("    date: null\n", '    date: null\n    url: "ftp://example.org/a"\n',
     "sources.yaml:6: source url 'ftp://example.org/a' is not an http(s) URL [KG028]"),
    ("    language: en\n", "    language: [en]\n", "sources.yaml:6: source entry needs a 'language' string [KG028]"),
    ("    language: en\n", '    language: "en\\nfr"\n',
     "sources.yaml:6: source language 'en\\nfr' holds the control character U+000A (line feed) [KG028]"),
    ("    title: Russian actress and director flies to the ISS to film the first film in space\n",
     '    title: "Bell\\a"\n',
     "sources.yaml:6: source title 'Bell\\x07' holds the control character U+0007 (BEL) [KG028]"),
    ("    title: Russian actress and director flies to the ISS to film the first film in space\n",
     '    title: "Two\\nlines"\n', "sources.yaml:6: source title 'Two\\nlines' holds the control character U+000A "
                                  "(line feed) [KG028]"),
    ("    date: null\n", "    date: null\n    date: null\n",
     "sources.yaml:10: key 'date' is given twice in one mapping (first at line 9); YAML keeps only one of them"),
    ("sha256: 191ef7bb", "sha256: 191EF7BB", "is not 64 lowercase hexadecimal digits [KG028]"),
])
def test_a_bad_registry_entry_stops_every_command_with_file_and_line(tmp_path: Path, old: str, new: str,
                                                                     message: str) -> None:
    root = with_registry(tmp_path, old, new)
    article = tmp_path / "article.txt"
    article.write_text("A new article.\n", encoding="utf-8")
    for command in (["build"], ["validate", str(root / "facts" / "people.yaml")], ["source", "add", str(article)]):
        result = invoke(*command, env={"KG_PROJECT": str(root)})
        assert result.exit_code == 2, (command, result.output)
        assert result.stderr.startswith(f"error: {root}/sources/") and message in result.stderr, result.stderr
    assert not (root / "output").exists()


def test_the_registry_reads_yaml_1_2(tmp_path: Path) -> None:
    """`language: no` (Norwegian) is text, not YAML 1.1's false."""
    from kg.inputs.sources import load_sources

    root = with_registry(tmp_path, "    language: en\n", "    language: no\n")
    assert load_sources(root / "sources")["000_d6db8baa69644283"].language == "no"


# ------------------------------------------------------------------ fuzzing the facts reader

from hypothesis import HealthCheck, event, given, settings  # noqa: E402 - the fuzzing section's own imports
from hypothesis import strategies as st  # noqa: E402

VALID = [  # facts that conform, each a starting point for mutations
    age("38"),
    claim("schema:height", "{amount: 1.9, unit: m}"),
    claim("kg:budgetDisclosed", "false", "film/vyzov"),
    """entities:
  - id: person/klim-shipenko-junior
    type: [schema:Person]
    wikidata: Q27990623
    names:
      - text: Klim Shipenko
        preferred: true
        lang: en
        refs: [{source: 001_b25d8b9e867eeac6, quote: "Russian film director Klim Shipenko waves farewell"}]
""",
]
# Scalars a YAML 1.1 reader, a reviewer or a hostile curator might write
TRICKY = ["046", "0x1F", "0o17", "0b1", "1_000", "1e3", "-1E-999", ".inf", "-.Inf", ".NaN", "1" + "0" * 5000,
          "123456789012345678", "yes", "no", "on", "~", "null", "true", "2021-13-45", "2021-W40-2", "20211005",
          "1:30", "'046'", '"\\a"', '"\\x85"', '"\\u2028"', '"\\ud800"', "&a x", "*a", "!!binary aGk=",
          "!!python/object/apply:os.system [ls]", "!!int x", "!custom x", "[]", "{}", "[[[[", "{a: [1, {b: 2}]}",
          "? [a]\n  : b", "|\n  a\n  b", ">-\n  folded", "\t", "\x00", "\ufeff", "é" * 3, "🚀", "\u202e",
          "person/klim-shipenko", "schema:Person", "kg:age", "Q1", "- x", "<<: {a: 1}", "%YAML 1.1", "---", "..."]
scalars = st.one_of(st.sampled_from(TRICKY), st.text(max_size=30), st.integers().map(str),
                    st.decimals(allow_nan=True, allow_infinity=True).map(str))


@st.composite
def mutated_facts(draw: st.DrawFn) -> bytes:
    lines = draw(st.sampled_from(VALID)).splitlines()
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(lines) - 1))
        line = lines[at]
        kind = draw(st.sampled_from(["value", "key", "duplicate", "delete", "indent", "insert"]))
        if kind == "value" and ":" in line:
            lines[at] = line.split(":", 1)[0] + ": " + draw(scalars)
        elif kind == "key" and ":" in line:
            lines[at] = line[:len(line) - len(line.lstrip())] + draw(scalars) + ":" + line.split(":", 1)[1]
        elif kind == "duplicate":
            lines.insert(at, line)
        elif kind == "delete" and len(lines) > 1:
            del lines[at]
        elif kind == "indent":
            lines[at] = " " * draw(st.integers(0, 8)) + line.lstrip()
        else:
            lines.insert(at, draw(scalars))
    return ("\n".join(lines) + "\n").encode("utf-8", "surrogatepass")


hostile_files = st.one_of(
    mutated_facts(),
    st.binary(max_size=300),
    st.integers(1, 400).map(lambda n: ("claims: " + "[" * n + "]" * n + "\n").encode()),
    st.integers(1, 400).map(lambda n: ("claims: " + "{a: " * n + "1" + "}" * n + "\n").encode()),
    st.integers(1, 40).map(lambda n: age("9" * (n * 100)).encode()),
    st.text(max_size=200).map(lambda text: text.encode("utf-8", "surrogatepass")),
)


@settings(max_examples=200, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(content=hostile_files)
def test_the_facts_reader_never_crashes_and_always_says_where(tmp_path: Path, content: bytes, loaded_project: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """Random and mutated YAML through kg validate: exit 0, 1 or 2, never a traceback; every
    problem names the file and a line, every refusal the file (and a line or an offset).
    Against a scratch copy of the seed whose graph kg load put in a store (fast lookups)."""
    monkeypatch.setenv("KG_PROJECT", str(loaded_project))
    monkeypatch.delenv("KG_STORE", raising=False)
    path = tmp_path / "fuzzed.yaml"
    path.write_bytes(content)
    result = CliRunner().invoke(main, ["validate", str(path), "--format", "json", "--no-shacl"])
    assert result.exception is None or isinstance(result.exception, SystemExit), (content, result.exception)
    assert result.exit_code in (0, 1, 2), (content, result.output)
    event(f"exit {result.exit_code}")
    if result.exit_code == 2:
        assert result.stderr.startswith(f"error: {path}"), (content, result.stderr)
        where = result.stderr[len(f"error: {path}"):]
        assert where[:1] == ":" and (where[1:2].isdigit() or "(byte " in where or "at offset " in where), where
        return
    for problem in json.loads(result.stdout)["problems"]:
        assert problem["file"] == str(path) and isinstance(problem["line"], int) and problem["line"] >= 1, problem
