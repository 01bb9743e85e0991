"""After any sequence of edits, `kg build` (which skips a build the manifest shows unchanged)
leaves output/ byte for byte what a clean build writes."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.api import build_or_reuse
from kg.build_manifest import manifest_path
from kg.pipeline import build
from kg.project import open_project
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
        date, place = "2021-10-17", "mission.yaml"
        for kind, value in edits:
            if kind == "date":
                date = str(value)
            elif kind == "claim in":
                place = str(value)
            elif kind == "touch" and (root / "facts" / str(value)).exists():
                os.utime(root / "facts" / str(value))
            elif kind == "corrupt cache":
                manifest_path(project).write_bytes(bytes(value))  # type: ignore[call-overload]
            elif kind == "corrupt output":
                path = root / "output" / str(value)
                data = path.read_bytes()
                path.write_bytes(data[:50] + bytes([data[50] ^ 1]) + data[51:])
            write_facts(root, date, place, original)
            build_or_reuse(project, shacl=False)
        built = {p.name: p.read_bytes() for p in (root / "output").iterdir() if p.is_file()}
        clean = build(open_project(root), run_shacl=False).files
        assert {name: built[name] for name in clean} == clean
