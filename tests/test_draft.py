"""kg draft: candidates from a new article, the `draft:` mark the facts reader reads, and what
kg add does with unreviewed, rejected and accepted candidates."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from kg.cli import main
from tests.helpers import scratch_project

KEY = "001_b25d8b9e867eeac6"

# Two candidates of a draft: a claim known already (its reference is new) and a new description.
MARKED = f"""claims:
  - subject: person/klim-shipenko
    property: schema:description
    value: {{text: "Had a challenging flight in a small capsule.", lang: en}}
    refs:
      - {{source: {KEY}, quote: "Director Klim Shipenko had a challenging flight in a small capsule"}}
    draft: {{rule: description, confidence: 0.4, status: STATUS_A}}

  # a second candidate
  - subject: person/klim-shipenko
    property: schema:description
    value: {{text: "Looks forward to a sequel on Mars.", lang: en}}
    refs:
      - {{source: {KEY}, quote: "He said he is looking forward to a Mars-based sequel."}}
    draft:
      rule: description
      confidence: 0.3
      status: STATUS_B
"""


def kg(project: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["--project", str(project), *args])
    return result.exit_code, result.stdout, result.stderr


def marked(tmp_path: Path, a: str, b: str) -> Path:
    path = tmp_path / "draft.yaml"
    path.write_text(MARKED.replace("STATUS_A", a).replace("STATUS_B", b), encoding="utf-8")
    return path


def test_validate_and_add_refuse_an_unreviewed_candidate(tmp_path: Path) -> None:
    project = scratch_project(tmp_path / "p")
    path = marked(tmp_path, "accepted", "unreviewed")
    message = (f"{path}:18: error KG033: claim person/klim-shipenko schema:description is an unreviewed draft "
               "candidate (rule description, confidence 0.3): set `status: accepted` to add it or "
               "`status: rejected` to leave it out, or delete it")
    code, out, _ = kg(project, "validate", str(path), "--no-shacl")
    assert code == 1 and message in out.splitlines()
    facts_before = sorted(p.name for p in (project / "facts").iterdir())
    code, out, err = kg(project, "add", str(path))
    assert code == 1 and message in out.splitlines() and "nothing added" in err
    assert sorted(p.name for p in (project / "facts").iterdir()) == facts_before


def test_a_mark_that_is_not_one_is_refused(tmp_path: Path) -> None:
    project = scratch_project(tmp_path / "p")
    code, out, _ = kg(project, "validate", str(marked(tmp_path, "maybe", "accepted")), "--no-shacl")
    assert code == 1 and "error KG012: draft status 'maybe' must be one of unreviewed, accepted, rejected" in out


def test_add_drops_rejected_candidates_and_strips_the_mark_of_accepted_ones(tmp_path: Path) -> None:
    project = scratch_project(tmp_path / "p")
    path = marked(tmp_path, "rejected", "accepted")
    code, out, err = kg(project, "add", str(path))
    assert code == 0, out + err
    stored = (project / "facts" / "draft.yaml").read_text(encoding="utf-8")
    assert stored == f"""claims:

  # a second candidate
  - subject: person/klim-shipenko
    property: schema:description
    value: {{text: "Looks forward to a sequel on Mars.", lang: en}}
    refs:
      - {{source: {KEY}, quote: "He said he is looking forward to a Mars-based sequel."}}
"""
    turtle = (project / "output" / "vyzov.ttl").read_text(encoding="utf-8")
    assert "Looks forward to a sequel on Mars." in turtle
    assert "Had a challenging flight in a small capsule." not in turtle
