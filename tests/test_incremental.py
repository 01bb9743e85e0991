"""After any sequence of edits, `kg build` (which skips a build the manifest shows unchanged, and
reads and maps only the facts files kg.build_cache misses) leaves output/ byte for byte what a
clean build writes, or fails with a clean build's message."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.api import build_or_reuse
from kg.build_cache import CACHE_FOLDER, Workers
from kg.build_manifest import manifest_path
from kg.errors import KgError
from kg.pipeline import build
from kg.project import Project, open_project
from tests.helpers import scratch_project

CLAIM = """
  - subject: mission/soyuz-ms-19
    property: kg:plannedReturnDate
    value: 2021-10-17
    note: "Sources disagree: 001 gives 16 October, 002 gives 17 October."
    refs:
      - {source: 002_61f4a650ca5522b8, quote: "before returning to Earth on October 17th"}
"""

EDITS = st.one_of(
    st.tuples(st.just("date"), st.sampled_from(["2021-10-17", "2021-10-18"])),
    st.tuples(st.just("claim in"), st.sampled_from(["mission.yaml", "zz-extra.yaml", "nowhere"])),
    st.tuples(st.just("touch"), st.sampled_from(["mission.yaml", "people.yaml", "zz-extra.yaml"])),
    st.tuples(st.just("corrupt cache"), st.binary(max_size=64)),
    st.tuples(st.just("corrupt output"), st.sampled_from(["vyzov.ttl", "void.ttl", "vyzov.nq"])),
)


@dataclass
class FactsState:
    """Where EDITS have left CLAIM: mission.yaml as the seed has it, the claim's date and file."""

    original: str
    date: str = "2021-10-17"
    place: str = "mission.yaml"


def apply_edit(project: Project, state: FactsState, edit: tuple[str, object]) -> None:
    """One of EDITS, then the facts files as `state` says (any other edit only rewrites them)."""
    root = project.root
    kind, value = edit
    if kind == "date":
        state.date = str(value)
    elif kind == "claim in":
        state.place = str(value)
    elif kind == "touch" and (root / "facts" / str(value)).exists():
        os.utime(root / "facts" / str(value))
    elif kind == "corrupt cache":
        manifest_path(project).write_bytes(bytes(value))  # type: ignore[call-overload]
    elif kind == "corrupt output":
        path = root / "output" / str(value)
        data = path.read_bytes()
        path.write_bytes(data[:50] + bytes([data[50] ^ 1]) + data[51:])
    write_facts(root, state.date, state.place, state.original)


def write_facts(root: Path, date: str, place: str, original: str) -> None:
    claim = CLAIM.replace("2021-10-17", date)
    mission = original if place == "mission.yaml" else original.replace(CLAIM, "")
    (root / "facts" / "mission.yaml").write_text(mission.replace(CLAIM, claim), encoding="utf-8")
    extra = root / "facts" / "zz-extra.yaml"
    if place == "zz-extra.yaml":
        extra.write_text("claims:\n" + claim, encoding="utf-8")
    else:
        extra.unlink(missing_ok=True)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(EDITS, min_size=1, max_size=4))
def test_incremental_builds_equal_a_clean_build(edits: list[tuple[str, object]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = scratch_project(Path(folder))
        original = (root / "facts" / "mission.yaml").read_text(encoding="utf-8")
        assert CLAIM in original
        project = open_project(root)
        build_or_reuse(project, shacl=False)
        state = FactsState(original)
        for edit in edits:
            apply_edit(project, state, edit)
            build_or_reuse(project, shacl=False)
            built = {p.name: p.read_bytes() for p in (root / "output").iterdir() if p.is_file()}
            clean = build(open_project(root), run_shacl=False, cache=False).files
            assert {name: built[name] for name in clean} == clean


OCCUPATION_TYPE = "  - id: occupation/actor\n    type: schema:Occupation\n"
NEW_PROPERTY = ('\nkg:cacheProbe a owl:DatatypeProperty ;\n    rdfs:label "cache probe"@en ;\n'
                '    rdfs:domain schema:Thing ; rdfs:range xsd:string ;\n'
                '    rdfs:comment "A property no fact uses: it changes the ontology only."@en .\n')

REPEATED = """claims:
  - subject: mission/soyuz-ms-19
    property: kg:plannedReturnDate
    value: 2021-10-17
    note: "Repeated in a second file, with a reference of its own."
    refs:
      - {source: 002_61f4a650ca5522b8, quote: "returning to Earth on October 17th"}
"""

CACHED_EDITS = st.one_of(
    st.tuples(st.just("date"), st.sampled_from(["2021-10-17", "2021-10-18"])),
    st.tuples(st.just("claim in"), st.sampled_from(["mission.yaml", "zz-extra.yaml", "nowhere"])),
    # entities.yaml defines what people.yaml's claims resolve against: schema:Person is the wrong class
    st.tuples(st.just("occupation type"), st.sampled_from(["schema:Occupation", "schema:Person"])),
    st.tuples(st.just("ontology"), st.booleans()),
    st.tuples(st.just("repeat"), st.booleans()),  # a second file claims mission.yaml's triple
    st.tuples(st.just("corrupt entry"), st.integers(min_value=0, max_value=10_000)),
    st.tuples(st.just("truncate entry"), st.integers(min_value=0, max_value=10_000)),
    st.tuples(st.just("swap entries"), st.integers(min_value=0, max_value=10_000)),
)


def outcome(project: Project, **options: Any) -> dict[str, bytes] | str:
    """A build's files, or the message of the error it raised."""
    try:
        return build(project, run_shacl=False, **options).files
    except KgError as exc:
        return f"{type(exc).__name__}: {exc}"


def damage_entry(root: Path, kind: str, n: int) -> None:
    entries = sorted((root / CACHE_FOLDER).glob("*.entry"))
    if not entries:
        return
    entry = entries[n % len(entries)]
    data = entry.read_bytes()
    if kind == "corrupt entry":
        at = n % len(data)
        entry.write_bytes(data[:at] + bytes([data[at] ^ 0x20]) + data[at + 1:])
    elif kind == "truncate entry":
        entry.write_bytes(data[: n % len(data)])
    else:  # another file's entry under this one's name: a foreign entry with a good checksum
        other = entries[(n + 1) % len(entries)]
        entry.write_bytes(other.read_bytes())


class Scratch:
    """A scratch project that CACHED_EDITS edit (tests/test_delta_validation.py edits it too)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.original = (root / "facts" / "mission.yaml").read_text(encoding="utf-8")
        self.entities = root / "facts" / "entities.yaml"
        self.ontology = root / "ontology" / "kg.ttl"
        self.vocabulary = self.ontology.read_text(encoding="utf-8")
        assert CLAIM in self.original
        assert OCCUPATION_TYPE in self.entities.read_text(encoding="utf-8")
        self.date, self.place = "2021-10-17", "mission.yaml"

    def apply(self, kind: str, value: object) -> None:
        root = self.root
        if kind == "date":
            self.date = str(value)
        elif kind == "claim in":
            self.place = str(value)
        elif kind == "occupation type":
            text = self.entities.read_text(encoding="utf-8")
            text = text.replace(OCCUPATION_TYPE, OCCUPATION_TYPE.replace("schema:Occupation", str(value)))
            self.entities.write_text(text.replace("type: schema:Person\n    wikidata: Q33999",
                                                  f"type: {value}\n    wikidata: Q33999"), encoding="utf-8")
        elif kind == "repeat":
            repeat = root / "facts" / "zz-repeat.yaml"
            if value:
                repeat.write_text(REPEATED, encoding="utf-8")
            else:
                repeat.unlink(missing_ok=True)
        elif kind == "ontology":
            self.ontology.write_text(self.vocabulary + (NEW_PROPERTY if value else ""), encoding="utf-8")
        else:
            damage_entry(root, kind, int(value))  # type: ignore[call-overload]
        write_facts(root, self.date, self.place, self.original)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(CACHED_EDITS, min_size=1, max_size=5))
def test_cached_builds_equal_clean_builds_at_every_step(edits: list[tuple[str, object]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        scratch = Scratch(scratch_project(Path(folder)))
        project = open_project(scratch.root)
        assert outcome(project) == outcome(project, cache=False)
        for kind, value in edits:
            scratch.apply(kind, value)
            cached = outcome(project, workers=Workers(jobs=2, min_misses=3))
            assert cached == outcome(project, cache=False), kind
