"""The build and floor workers as the parts use them: run one, turn its events into a table entry."""

from __future__ import annotations

import statistics
from pathlib import Path
from typing import Any

from config import Config
from measure import Entry, WorkerResult, run_worker, summary


def build_stages(cfg: Config, root: Path, runs: int, gc_off: bool = False) -> Entry:
    """build(project, run_shacl=False) in a worker: medians per stage over the runs that finished;
    for a first run that was killed, the steps it finished."""
    worker = run_worker(cfg, "build", root=root, runs=runs, budget=cfg.budget, gc_off=gc_off)
    return summarise_build(worker, runs)


def summarise_build(worker: WorkerResult, runs: int) -> Entry:
    done = worker.of("run")
    entry: Entry = {"status": worker.status, "message": worker.budget_note(runs), "wanted": runs, "n": len(done),
                    "seconds": worker.seconds, "counts": worker.first("counts"),
                    "missing": [e["name"] for e in worker.of("missing")]}
    stages: dict[str, Entry] = {}
    if done:
        for name in dict.fromkeys(k for e in done for k in e["timings"]):
            stages[name] = summary([e["timings"][name] for e in done if name in e["timings"]], runs)
        stages["total"] = summary([sum(e["timings"].values()) for e in done], runs)
        entry["rss_mb"] = max(e.get("rss_mb", 0) for e in done)
    entry["stages"] = stages

    steps = worker.of("step")
    last_run = done[-1]["run"] if done else max((e["run"] for e in steps), default=None)
    breakdown: dict[str, float] = {}
    for step in steps:
        if step["run"] == last_run:
            breakdown[step["name"]] = breakdown.get(step["name"], 0.0) + step["secs"]
    entry["steps"] = breakdown
    entry["steps_complete"] = bool(done)
    graphs = [e for e in worker.of("graph") if e["run"] == last_run]
    if graphs:
        entry["graph"] = graphs[-1]
    if not done and steps:  # a killed first run: what it finished, by stage
        entry["rss_mb"] = max(e.get("rss_mb", 0) for e in steps)
        partial: dict[str, float] = {}
        for step in steps:
            if step["name"] == "read: load_inputs":
                partial["read"] = step["secs"]
            elif step["name"].startswith("map: "):
                partial["map"] = partial.get("map", 0.0) + step["secs"]
        entry["partial"] = partial
    return entry


def floor_times(cfg: Config, root: Path, nquads: Path, runs: int) -> tuple[Entry, dict[str, Any]]:
    """The floor in-process on a built N-Quads file: total seconds, and the median of each step
    with the number of quads parsed."""
    worker = run_worker(cfg, "floor", root=root, src=nquads, runs=runs, budget=cfg.budget)
    done = worker.of("run")
    steps: dict[str, Any] = {}
    if done:
        steps = {k: statistics.median(e[k] for e in done) for k in ("parse", "turtle", "nquads")}
        steps["quads"] = done[0]["quads"]
    return summary([e["total"] for e in done], runs, worker.status, worker.budget_note(runs)), steps
