"""Part D: where build()'s time goes — one cProfile'd build() at the largest size up to 100x that
part B finished, and the same build with Python's garbage collector off."""

from __future__ import annotations

from typing import Any

from config import Config
from measure import log, run_worker
from timed import build_stages

PROFILE_MAX_FACTOR = 100  # a profiled 1000x build would take ~10 minutes and twice the memory


def measure_hotspots(cfg: Config, scale: dict[str, Any]) -> dict[str, Any]:
    finished = [r["factor"] for r in scale.get("rows", [])
                if r["factor"] <= PROFILE_MAX_FACTOR and r["build"]["status"] == "ok"]
    if not finished:
        return {"note": "not measured: no size up to 100x finished its build in part B"}
    factor = max(finished)
    root = cfg.corpus(factor)
    log(f"hotspots: cProfile of one build() at {factor}x")
    worker = run_worker(cfg, "profile", root=root)
    profile = {"factor": factor, "status": worker.status, "message": worker.message, **worker.first("profile")}
    log(f"hotspots: build() at {factor}x with the garbage collector off (1 run)")
    return {"profile": profile, "gc_off": {"factor": factor, "build": build_stages(cfg, root, 1, gc_off=True)}}
