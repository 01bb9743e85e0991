"""The benchmark still runs: part A of `bench/run.py --quick`, one run each, in a scratch folder;
part F (kg serve beside oxigraph serve-read-only under wrk) with tiny numbers.

No figure is checked (the machine is shared; bench/README.md says what the numbers mean), only that
every measurement finished and the report was written."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.helpers import require_tool

ROOT = Path(__file__).resolve().parent.parent
SEED_MEASUREMENTS = ("python_startup", "kg_version", "kg_build_no_shacl", "kg_build", "floor_subprocess",
                     "floor_inprocess")


def run_quick(tmp_path: Path, part: str, *options: str, timeout: float = 300) -> Path:
    """`bench/run.py --quick --only PART` in a scratch work folder; the report it wrote."""
    report = tmp_path / "results.md"
    proc = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--quick", "--only", part, *options,
         "--work", str(tmp_path / "work"), "--out", str(report)],
        capture_output=True, text=True, timeout=timeout,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return report


def test_quick_seed_part_runs(tmp_path: Path) -> None:
    report = run_quick(tmp_path, "seed", "--runs", "1")

    results = json.loads((tmp_path / "work" / "results.json").read_text(encoding="utf-8"))
    seed = results["seed"]
    assert {key: seed[key]["status"] for key in SEED_MEASUREMENTS} == dict.fromkeys(SEED_MEASUREMENTS, "ok")
    assert seed["inprocess"]["status"] == "ok"
    assert seed["inprocess"]["counts"]["triples"] > 0
    assert seed["inprocess"]["missing"] == []  # every function the worker times still exists in kg
    assert results["meta"]["kg_from_snapshot"]

    text = report.read_text(encoding="utf-8")
    assert "## A. Seed" in text
    assert "not measured:" not in text


def test_quick_serve_part_runs(tmp_path: Path) -> None:
    require_tool(shutil.which("wrk") is not None, "wrk (Debian package wrk)")
    report = run_quick(tmp_path, "serve", "--serve-runs", "1", "--serve-seconds", "1", "--serve-requests", "40",
                       "--serve-clients", "4")

    serve = json.loads((tmp_path / "work" / "results.json").read_text(encoding="utf-8"))["serve"]
    assert serve["status"] == "ok", serve.get("note")
    kinds = {server: [kind["name"] for kind in listed] for server, listed in serve["kinds"].items()}
    assert kinds == {"kg serve": ["303-html", "page", "303-turtle", "turtle", "select", "describe", "select-close"],
                     "oxigraph serve-read-only": ["select", "describe", "select-close"]}
    rows = {server: (checks["select"]["rows"], checks["select-close"]["rows"])
            for server, checks in serve["checks"].items()}
    assert rows == {"kg serve": (10, 10), "oxigraph serve-read-only": (10, 10)}
    for server, by_kind in serve["runs"].items():
        assert set(by_kind) == set(kinds[server])
        for name, runs in by_kind.items():
            assert len(runs) == 1
            assert runs[0]["requests"] > 0 and runs[0]["rps"] > 0 and runs[0]["p99_ms"] > 0, (server, name)
            assert runs[0]["errors"]["status"] == 0, (server, name)  # every answer was the expected 2xx/3xx
    for server, memory in serve["memory"].items():
        assert memory["requests"] >= 40 and memory["after"]["rss_mb"] > 0, server
    assert serve["memory"]["kg serve"]["after"]["processes"] >= 2  # the server and its query workers

    text = report.read_text(encoding="utf-8")
    section = text[text.index("## F. `kg serve` under concurrent clients"):]
    # (the report's header may say "not measured here" of files edited in the tree during the run)
    assert "| SELECT |" in section and "| SELECT, Connection: close |" in section and "not measured" not in section


def test_quick_exports_part_runs(tmp_path: Path) -> None:
    """Part G times every writer kg.pipeline.writers() has, at the seed and 10x, beside Turtle's."""
    from kg.outputs import OUTPUTS

    report = run_quick(tmp_path, "exports", "--runs", "1")

    rows = json.loads((tmp_path / "work" / "results.json").read_text(encoding="utf-8"))["exports"]["rows"]
    assert [(row["factor"], row["status"]) for row in rows] == [(1, "ok"), (10, "ok")]
    written = {out.key for out in OUTPUTS} - {"shacl-report"}  # a build without SHACL writes no report
    for row in rows:
        assert written | {"export quickstatements"} <= set(row["writers"])
        assert all(writer["bytes"] > 0 for writer in row["writers"].values())
    text = report.read_text(encoding="utf-8")
    assert "## G. Each published file and export" in text
    assert "| graph | " in text


def test_synthetic_registry_quotes_number_like_checksums(monkeypatch: pytest.MonkeyPatch) -> None:
    """A checksum such as 0123e4567… is a number to kg's strict reader (KG027) unless quoted; the
    50x and 100x corpora held such checksums and did not build."""
    monkeypatch.syspath_prepend(str(ROOT / "bench"))
    from synth import _dump

    from kg.inputs.yamlio import parse_yaml, refuse_problems

    entry = {"key": "a", "sha256": "0123e4567", "other": "123", "text": "Shipenko"}
    text = _dump({"sources": [entry]})
    assert 'sha256: "0123e4567"' in text
    assert refuse_problems(parse_yaml(text, "sources.yaml"))["sources"][0] == entry


def test_quick_draft_part_runs(tmp_path: Path) -> None:
    """Part H drafts each seed article against the seed without it and scores the draft; then
    drafts each article's first copy against the 10x corpus. No figure is checked against a target."""
    report = run_quick(tmp_path, "draft", "--runs", "1")

    draft = json.loads((tmp_path / "work" / "results.json").read_text(encoding="utf-8"))["draft"]
    registry = yaml.safe_load((ROOT / "sources" / "sources.yaml").read_text(encoding="utf-8"))
    seed_keys = [str(entry["key"]) for entry in registry["sources"]]
    # the live project's articles, however many (a real article added to facts/ must not break this)
    assert [row["key"] for row in draft["rows"]] == seed_keys and seed_keys
    assert any(row["scores"]["curated"] > 0 for row in draft["rows"])
    for row in draft["rows"]:
        assert row["status"] == "ok", row["message"]
        scores = row["scores"]
        for measure in ("recall", "precision", "mention_recall", "aligned_recall", "aligned_precision"):
            assert scores[measure] is None or 0 <= scores[measure] <= 1, (row["key"], measure)
        assert scores["matched"] <= min(scores["curated"], scores["proposed"])
        assert scores["aligned_matched"] <= scores["curated"] and scores["aligned_proposed_matched"] <= scores["proposed"]
        assert len(row["runs"]) == 1 and row["cold"] > 0
    throughput = draft["throughput"]
    assert throughput["factor"] == 10 and throughput["status"] == "ok"
    assert [a["key"] for a in throughput["articles"]] == [f"{key}-c0" for key in seed_keys]
    assert throughput["load"]["sources"] == 10 * len(seed_keys)
    assert throughput["store"] is None and throughput["graph"]["from_store"] is True  # built and loaded first
    facts = throughput["facts"]
    assert facts["status"] == "ok" and facts["graph"]["from_store"] is False
    assert [a["key"] for a in facts["articles"]] == [a["key"] for a in throughput["articles"]]

    text = report.read_text(encoding="utf-8")
    section = text[text.index("## H. `kg draft`: leave-one-out on the seed"):]
    assert "| **all** |" in section and "Where the rules fail" in section and "not measured" not in section
    assert "| recall | precision | aligned recall | aligned precision |" in section
    assert "Missed even by the aligned score: " in section
    assert "| article | characters | claims proposed | from the store (cold) | from facts/ (cold) |" in section
    assert "here its store (reading it alone:" in section


CHANGE_MEASUREMENTS = ("clean_build", "floor", "clean_build_shacl", "no_change_build", "edit_build", "load",
                       "validate_store", "validate_no_store", "add", "site", "site_after_change")


def test_quick_change_part_runs(tmp_path: Path) -> None:
    """Part I runs every command at 1x and 2x with its peak RSS, and writes its section and the SVG."""
    report = run_quick(tmp_path, "change", "--runs", "1", timeout=540)

    change = json.loads((tmp_path / "work" / "results.json").read_text(encoding="utf-8"))["change"]
    assert [row["factor"] for row in change["rows"]] == [1, 2] and change["startup"]["status"] == "ok"
    for row in change["rows"]:
        assert {key: row[key]["status"] for key in CHANGE_MEASUREMENTS} == dict.fromkeys(CHANGE_MEASUREMENTS, "ok"), \
            row.get("notes")
        assert all(row[key]["rss_mb"] > 10 for key in CHANGE_MEASUREMENTS)
        assert row["quads"] > 0 and row["pages"] > 0 and not row.get("notes")
    assert change["rows"][1]["quads"] > change["rows"][0]["quads"]
    text = report.read_text(encoding="utf-8")
    section = text[text.index("## I. Change costs what changed"):]
    assert "](scale-quick.svg)" in section and "Targets (issue 14), at 2x" in section
    assert (tmp_path / "scale-quick.svg").read_text(encoding="utf-8").startswith("<svg ")
    work = tmp_path / "work"  # the one-claim edit was undone at the end
    assert (work / "change-x1" / "facts" / "film.yaml").read_bytes() == (work / "seed" / "facts" / "film.yaml").read_bytes()


def test_leave_one_out_drops_what_rested_on_the_article(monkeypatch: pytest.MonkeyPatch) -> None:
    """A name, an entity and a claim cited only by the article go, and so does a claim about that
    entity another source cites; what another source also cites stays, with only its other refs."""
    monkeypatch.syspath_prepend(str(ROOT / "bench"))
    from leave_one_out import without_source

    def ref(source: str) -> dict[str, str]:
        return {"source": source, "quote": "q"}

    documents = [{"entities": [
        {"id": "person/a", "names": [{"text": "A", "preferred": True, "refs": [ref("x")]},
                                     {"text": "Ay", "refs": [ref("y")]}]},
        {"id": "person/b", "names": [{"text": "B", "preferred": True, "refs": [ref("x")]}]},
    ], "claims": [
        {"subject": "person/a", "property": "kg:age", "value": 3, "refs": [ref("x"), ref("y")]},
        {"subject": "person/a", "property": "schema:knows", "value": "person/b", "refs": [ref("y")]},
        {"subject": "person/a", "property": "kg:age", "value": 4, "refs": [ref("x")]},
    ]}]
    kept = without_source(documents, "x")[0]
    assert kept["entities"] == [{"id": "person/a", "names": [{"text": "Ay", "refs": [ref("y")], "preferred": True}]}]
    assert kept["claims"] == [{"subject": "person/a", "property": "kg:age", "value": 3, "refs": [ref("y")]}]
    assert documents[0]["claims"][0]["refs"] == [ref("x"), ref("y")]  # the input is not changed
