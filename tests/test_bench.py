"""The benchmark still runs: part A of `bench/run.py --quick`, one run each, in a scratch folder.

No figure is checked (the machine is shared; bench/README.md says what the numbers mean), only that
every measurement finished and the report was written."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED_MEASUREMENTS = ("python_startup", "kg_version", "kg_build_no_shacl", "kg_build", "floor_subprocess",
                     "floor_inprocess")


def test_quick_seed_part_runs(tmp_path: Path) -> None:
    report = tmp_path / "results.md"
    proc = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--quick", "--only", "seed", "--runs", "1",
         "--work", str(tmp_path / "work"), "--out", str(report)],
        capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]

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
