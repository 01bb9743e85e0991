"""The click shell: exit codes and messages."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from kg import __version__
from kg.cli import main
from tests.helpers import scratch_project


def test_version() -> None:
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0
    assert result.output == f"kg, version {__version__}\n"


@pytest.mark.parametrize("command", sorted(main.commands))
def test_every_command_has_help_with_an_example(command: str) -> None:
    result = CliRunner().invoke(main, [command, "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output or "Examples:" in result.output


def test_build_prints_the_summary_and_writes_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                    seed_output: Path) -> None:
    root = scratch_project(tmp_path)
    monkeypatch.setenv("KG_PROJECT", str(root))
    result = CliRunner().invoke(main, ["build"])
    assert result.exit_code == 0, result.output
    first, conflict = result.output.splitlines()
    assert first.startswith("kg build: 5 sources, 72 entities, 151 claims, 375 statements, 6913 triples, "
                            "1 conflicts, SHACL conforms (2 warnings), ")
    assert conflict == ("  conflict: <https://example.org/vyzov/id/mission/soyuz-ms-19> "
                        "<https://example.org/vyzov/ontology#plannedReturnDate>: 2021-10-16 vs 2021-10-17")
    for name in ("vyzov.ttl", "vyzov.jsonld", "context.jsonld", "vyzov.trig", "vyzov.nq", "void.ttl",
                 "shacl-report.ttl", "vyzov-wikidata.ttl", "ontology.ttl"):
        assert (root / "output" / name).read_bytes() == (seed_output / name).read_bytes(), name


def test_build_with_a_bad_quote_exits_1_and_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = scratch_project(tmp_path)
    claims = root / "facts" / "zz-bad.yaml"
    claims.write_text(
        "claims:\n"
        "  - subject: person/klim-shipenko\n"
        "    property: kg:age\n"
        "    value: 38\n"
        "    refs:\n"
        "      - {source: 000_d6db8baa69644283, quote: \"no such words\"}\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("KG_PROJECT", str(root))
    result = CliRunner().invoke(main, ["build"])
    assert result.exit_code == 1
    assert ("facts/zz-bad.yaml:6: error KG007: quote not found in source 000_d6db8baa69644283: "
            "'no such words'") in result.output
    assert not (root / "output").exists()


def test_build_with_unreadable_yaml_exits_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = scratch_project(tmp_path)
    (root / "facts" / "zz-broken.yaml").write_text("claims: [\n", encoding="utf-8")
    monkeypatch.setenv("KG_PROJECT", str(root))
    result = CliRunner().invoke(main, ["build"])
    assert result.exit_code == 2
    assert result.output.startswith("error: facts/zz-broken.yaml:2:1: YAML syntax error:")


def test_stats_counts_the_published_dataset(seed_root: Path) -> None:
    result = CliRunner().invoke(main, ["--project", str(seed_root), "stats"])
    assert result.exit_code == 0
    assert result.output == (
        "triples              6913\n"
        "entities             72\n"
        "statements           375\n"
        "references           288\n"
        "sources              5\n"
        "named graphs         375\n"
    )


def test_yaml_aliases_are_refused(tmp_path: Path) -> None:
    from kg.errors import InputError
    from kg.inputs.yamlio import load_yaml

    path = tmp_path / "bomb.yaml"
    path.write_text('a: &a ["x","x"]\nb: &b [*a,*a]\nc: [*b,*b]\n', encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_yaml(path, "bomb.yaml")
    assert str(info.value) == "bomb.yaml:1: YAML anchors and aliases are not allowed"


def test_build_reports_each_stage_in_order(tmp_path: Path) -> None:
    from kg.pipeline import build
    from kg.project import open_project

    seen: list[str] = []
    build(open_project(scratch_project(tmp_path)), on_stage=seen.append)
    assert seen == ["read", "map", "validate", "serialise"]


def test_the_progress_bar_appears_only_after_a_moment(capsys: pytest.CaptureFixture[str],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from kg.cli.progress import StageProgress

    progress = StageProgress(["read", "map", "validate", "serialise", "write"], enabled=True)
    progress("read")
    assert progress.bar is None
    monkeypatch.setattr(StageProgress, "DELAY", 0.0)
    progress("map")
    progress("serialise")
    progress.finish()
    assert progress.bar is not None and progress.bar.pos == 5
    assert "kg build" in capsys.readouterr().err
    quiet = StageProgress(["read"], enabled=False)  # stderr is no terminal: never a bar
    quiet("read")
    assert quiet.bar is None
