"""Part B: synthetic corpora 10x, 100x, 1000x the seed (bench/synth.py) — build() stage by stage
in a fresh worker per size, and the floor on each size's own output."""

from __future__ import annotations

from typing import Any

from config import Config
from formatting import fmt_int, fmt_s
from measure import log, median, now
from snapshot import output_file
from synth import make_corpus
from timed import build_stages, floor_times


def measure_scale(cfg: Config, seed: dict[str, Any] | None) -> dict[str, Any]:
    """One row per size, 1x first. `seed` is part A's result when it measured this snapshot: its
    in-process build and floor are the 1x row (measured once, not twice)."""
    rows = []
    for factor in (1, *cfg.sizes):
        runs = cfg.runs_for(factor)
        root = cfg.corpus(factor)
        row: dict[str, Any] = {"factor": factor, "runs_wanted": runs}
        if factor == 1 and seed and (seed.get("inprocess") or {}).get("n"):
            row["build"], row["floor"] = seed["inprocess"], seed.get("floor_inprocess")
            rows.append(row)
            continue
        if factor > 1:
            log(f"{factor}x: generating the corpus")
            t0 = now()
            make_corpus(cfg.corpus(1), root, factor)
            row["generate_s"] = now() - t0
            row["corpus_mb"] = round(sum(p.stat().st_size for p in root.rglob("*") if p.is_file()) / 2**20, 1)
            log(f"{factor}x: generated in {fmt_s(row['generate_s'])} ({row['corpus_mb']} MB)")
        log(f"{factor}x: build() stages ({runs} runs, time limit {cfg.timeout:.0f} s)")
        build = row["build"] = build_stages(cfg, root, runs)
        log(f"{factor}x: build {build['status']} {build.get('message', '')}: "
            + ", ".join(f"{k} {fmt_s(median(v))}" for k, v in build["stages"].items())
            + f"; {fmt_int(build['counts'].get('triples'))} triples")
        nquads = output_file(root, "dataset-nquads")
        if build["status"] == "ok" and nquads.exists():
            row["floor"], _ = floor_times(cfg, root, nquads, runs)
        rows.append(row)
    return {"rows": rows}
