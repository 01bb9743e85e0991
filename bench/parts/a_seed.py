"""Part A: the seed project end to end — whole kg commands against the pyoxigraph floor, and
build()'s own stages in-process against the floor in-process."""

from __future__ import annotations

import json
from typing import Any

from config import BENCH_DIR, Config
from formatting import fmt_s
from measure import kg_cli, log, median, python_for_kg, summary, time_command
from snapshot import output_file, project_prefixes
from timed import build_stages, floor_times


def measure_seed(cfg: Config) -> dict[str, Any]:
    runs = cfg.runs_for(1)
    project = cfg.corpus(1)
    kg = kg_cli(project)
    python = str(python_for_kg())
    out: dict[str, Any] = {"runs_wanted": runs, "root": str(project)}

    log(f"seed: python start-up, kg --version ({runs} runs)")
    out["python_startup"] = time_command([python, "-c", "pass"], runs, cfg)
    out["kg_version"] = time_command([*kg, "--version"], runs, cfg)
    log(f"seed: kg build -q --no-shacl ({runs} runs)")
    out["kg_build_no_shacl"] = time_command([*kg, "build", "-q", "--no-shacl"], runs, cfg)
    if cfg.pyshacl:
        log(f"seed: kg build -q ({runs} runs, budget {cfg.budget:.0f} s, time limit {cfg.timeout:.0f} s)")
        out["kg_build"] = time_command([*kg, "build", "-q"], runs, cfg)
    else:
        out["kg_build"] = summary([], runs, "skipped", "not run (--no-pyshacl)")
    for key in ("kg_build_no_shacl", "kg_build"):
        log(f"  {key}: median {fmt_s(median(out[key]))} ({out[key]['status']} {out[key]['note']})")

    nquads = output_file(project, "dataset-nquads")
    if not nquads.exists():
        out["floor_inprocess"] = summary([], runs, "failed", f"no {nquads.name}: kg build failed")
        out["floor_subprocess"] = out["floor_inprocess"]
        return out

    log(f"seed: the floor in-process and as a command ({runs} runs)")
    out["floor_inprocess"], out["floor_parts"] = floor_times(cfg, project, nquads, runs)
    scratch = cfg.work / "floor"
    scratch.mkdir(parents=True, exist_ok=True)
    out["floor_subprocess"] = time_command(
        [python, str(BENCH_DIR / "floor.py"), str(nquads), str(scratch / "floor.ttl"), str(scratch / "floor.nq"),
         json.dumps(project_prefixes(project))], runs, cfg)

    log(f"seed: build() stages in-process ({runs} runs)")
    out["inprocess"] = build_stages(cfg, project, runs)
    return out
