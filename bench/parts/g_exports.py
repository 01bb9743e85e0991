"""Part G: each published file's writer and each export, timed alone on one built graph, at the
seed and at 100x (--quick: 10x), beside the Turtle writer of the same graph (the ratio column)."""

from __future__ import annotations

from typing import Any

from config import Config
from formatting import fmt_s
from measure import log, run_worker
from synth import make_corpus

EXPORT_FACTOR, QUICK_EXPORT_FACTOR = 100, 10


def export_sizes(cfg: Config) -> tuple[int, int]:
    return 1, QUICK_EXPORT_FACTOR if cfg.quick else EXPORT_FACTOR


def measure_exports(cfg: Config, scale_part: dict[str, Any] | None) -> dict[str, Any]:
    """`scale_part` is part B's result when it measured this run's snapshot: a corpus it generated
    is reused; any other is generated again from this run's seed."""
    generated = {r["factor"] for r in (scale_part or {}).get("rows", [])}
    rows = []
    for factor in export_sizes(cfg):
        runs = cfg.runs_for(factor)
        root = cfg.corpus(factor)
        if factor > 1 and factor not in generated:
            log(f"exports: generating the {factor}x corpus")
            make_corpus(cfg.corpus(1), root, factor)
        log(f"exports: {factor}x, each writer alone ({runs} runs)")
        worker = run_worker(cfg, "exports", root=root, runs=runs, budget=cfg.budget)
        writers = {e["name"]: e for e in worker.of("export")}
        counts = worker.first("counts")
        log(f"exports: {factor}x {worker.status} {worker.message}: "
            + ", ".join(f"{name} {fmt_s(e['median'])}" for name, e in writers.items()))
        rows.append({"factor": factor, "status": worker.status, "message": worker.message, "runs_wanted": runs,
                     "triples": counts.get("triples"), "writers": writers})
    return {"rows": rows}
