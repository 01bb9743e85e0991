"""Part C: validation at each size — kg.shacl.validate with pyshacl and with the fast engine on
the triples build() produced, and `kg validate` of one new fact against the loaded store."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from config import PYSHACL_MAX_FACTOR, Config
from formatting import fmt_s
from measure import Entry, kg_cli, log, median, python_for_kg, run_worker, summary, time_command
from snapshot import output_file
from synth import suffix

ENGINES = ("pyshacl", "fast")
# A claim no copy holds (a producer of the film), quoted from a seed source.
ONE_FACT = """claims:
  - subject: film/vyzov{sfx}
    property: schema:producer
    value: org/roscosmos{sfx}
    refs:
      - {{source: 004_ba6c03b084f54831{sfx}, quote: "The film is directed by Russian filmmaker"}}
"""


def measure_validation(cfg: Config, scale: dict[str, Any]) -> dict[str, Any]:
    """One row per size that part B built; a validation that cannot fit the time limit is not started."""
    rows: list[dict[str, Any]] = []
    for built in scale.get("rows", []):
        factor = built["factor"]
        runs = cfg.runs_for(factor)
        root = cfg.corpus(factor)
        build = built["build"]
        row: dict[str, Any] = {"factor": factor, "triples": build.get("counts", {}).get("triples")}
        for engine in ENGINES:
            if engine == "pyshacl" and not cfg.pyshacl:
                continue
            row[engine] = validate_once_per_size(cfg, root, factor, runs, engine, build, rows)
            log(f"{factor}x: {engine} {row[engine]['status']} {fmt_s(median(row[engine]))} {row[engine]['note']}")
        if build["status"] == "ok" and output_file(root, "graph").exists():
            check_runs = runs if cfg.quick else max(runs, 5)
            log(f"{factor}x: kg load, then kg validate of one new fact ({check_runs} runs)")
            row["check"] = check_one_fact(cfg, root, factor, check_runs)
        rows.append(row)
    return {"rows": rows}


def validate_once_per_size(cfg: Config, root: Path, factor: int, runs: int, engine: str, build: Entry,
                           smaller: list[dict[str, Any]]) -> Entry:
    skip = None
    estimate = linear_estimate(smaller, engine, factor)
    if engine == "pyshacl" and factor > PYSHACL_MAX_FACTOR:
        skip = f"not run above {PYSHACL_MAX_FACTOR}x (brief)"
    elif build["status"] != "ok":
        skip = "not run: build() itself does not finish within the time limit at this size"
    elif estimate and estimate[0] > cfg.timeout:
        skip = (f"not run: {estimate[1]} x {factor // estimate[2]} = {fmt_s(estimate[0])} "
                f"even if it grew only linearly, over the {cfg.timeout:.0f} s limit")
    if skip:
        return summary([], runs, "skipped", skip)
    # 5x what linear growth predicts (plus the build it needs first): a kill then still proves the
    # growth is at least ~n^1.7 per 10x step, without waiting the whole time limit.
    limit = cfg.timeout
    if estimate:
        preparation = (median(build["stages"].get("total")) or 0) * 2 + 30
        limit = min(cfg.timeout, preparation + max(60.0, 5 * estimate[0]))
    log(f"{factor}x: {engine} validate ({runs} run(s), budget {cfg.budget:.0f} s, time limit {limit:.0f} s)")
    entry = validation_times(cfg, root, runs, engine, limit)
    if estimate:
        entry["linear_estimate"] = estimate[0]
    return entry


def validation_times(cfg: Config, root: Path, runs: int, engine: str, limit: float) -> Entry:
    worker = run_worker(cfg, "validate", timeout=limit, root=root, runs=runs, budget=cfg.budget, engine=engine)
    done = worker.of("run")
    prepared = worker.first("prepared")
    if worker.status == "timeout" and not done:
        spent = worker.seconds - prepared.get("secs", 0)
        entry = summary([], runs, "timeout",
                        f"not finished: killed after {spent:.0f} s of validation (time limit {limit:.0f} s)")
        entry["lower_bound"] = spent
    else:
        entry = summary([e["secs"] for e in done], runs, worker.status, worker.budget_note(runs))
    entry["report"] = done[-1]["report"] if done else {}
    checks = worker.first("checks")
    if checks.get("top"):
        entry["checks"] = checks
    entry["triples"] = prepared.get("triples")
    return entry


def linear_estimate(smaller: list[dict[str, Any]], engine: str, factor: int) -> tuple[float, str, int] | None:
    """The largest smaller size's time (or lower bound) scaled linearly: a lower bound for this size."""
    for row in sorted(smaller, key=lambda r: -r["factor"]):
        entry = row.get(engine) or {}
        known = median(entry) or entry.get("lower_bound")
        if known and row["factor"] < factor:
            what = f"{'>' if not median(entry) else ''}{fmt_s(known)} at {row['factor']}x"
            return known * factor / row["factor"], what, row["factor"]
    return None


def check_one_fact(cfg: Config, root: Path, factor: int, runs: int) -> dict[str, Any]:
    """`kg load` once, then `kg validate` of one new fact against the store, beside
    `python -c 'import kg'` and `kg --help`: what start-up costs and what the check adds to it."""
    kg = kg_cli(root)
    fact = cfg.work / f"one-fact-{factor}x.yaml"
    fact.write_text(ONE_FACT.format(sfx="" if factor == 1 else suffix(factor // 2)), encoding="utf-8")
    return {
        "factor": factor,
        "load": time_command([*kg, "load", "-q"], 1, cfg),
        "import_kg": time_command([str(python_for_kg()), "-c", "import kg"], runs, cfg),
        "help": time_command([*kg, "--help"], runs, cfg),
        "validate": time_command([*kg, "validate", str(fact)], runs, cfg),
    }
