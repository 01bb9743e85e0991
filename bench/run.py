#!/usr/bin/env python3
"""Benchmark kg: the seed end to end against the bare pyoxigraph floor (A), synthetic corpora up to
1000x the seed stage by stage (B), validation (C), hotspots (D), kg publish (E) and kg serve
under concurrent clients beside oxigraph serve-read-only (F), and each writer and export beside the
Turtle writer (G), and kg draft by leave-one-out on the seed with its time against 100x (H), and what a change costs
at 1x to 1000x (I). Prints the
report and writes bench/results.md (--quick: bench/results-quick.md).

    .venv/bin/python bench/run.py                 # everything (make bench), about an hour
    .venv/bin/python bench/run.py --quick         # every part at the smallest sizes, a few minutes
    .venv/bin/python bench/run.py --only seed     # one part; the others are kept from the last run
    .venv/bin/python bench/run.py --only scale --sizes 100
    .venv/bin/python bench/run.py --only serve    # part F: kg serve beside oxigraph serve-read-only
    .venv/bin/python bench/run.py --only exports  # part G: each writer and export at 1x and 100x
    .venv/bin/python bench/run.py --only draft    # part H: kg draft, leave-one-out on the seed, and at 100x
    .venv/bin/python bench/run.py --only change   # part I: what a change costs, 1x to 1000x
    .venv/bin/python bench/run.py --only report   # write the report again from the saved results

See bench/README.md for what each number means and for every option.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
from pathlib import Path
from typing import Any

from config import BENCH_DIR, PARTS, QUICK_CHANGE_SIZES, QUICK_RUNS, QUICK_SERVE, QUICK_SIZES, Config
from machine import load_average, machine_info
from measure import log, now
from parts.a_seed import measure_seed
from parts.b_scale import measure_scale
from parts.c_validation import measure_validation
from parts.d_hotspots import measure_hotspots
from parts.e_publish import measure_publish
from parts.f_serve import measure_serve
from parts.g_exports import measure_exports
from parts.h_draft import measure_draft
from parts.i_change import measure_change
from report import RESULT_PARTS, SPLICED, splice_part, write_report
from snapshot import changed_since, copy_seed, fingerprint, snapshot_code, take_lock


def parse_options(argv: list[str]) -> Config:
    env = os.environ
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true",
                        help=f"every part at sizes 1x and {','.join(map(str, QUICK_SIZES))} with few runs, in "
                             "bench/work/quick/, written to bench/results-quick.md")
    parser.add_argument("--runs", default=env.get("KG_BENCH_RUNS"),
                        help="runs for the seed, 10x and 100x, 1000x (default 5,3,1; --quick 3,1; env KG_BENCH_RUNS)")
    parser.add_argument("--sizes", default=env.get("KG_BENCH_SIZES"),
                        help="synthetic factors (default 10,100,1000; --quick 10; env KG_BENCH_SIZES)")
    parser.add_argument("--mem-gb", type=float, default=float(env.get("KG_BENCH_MEM_GB", 20)),
                        help="address-space limit per worker in GB (default 20; env KG_BENCH_MEM_GB)")
    parser.add_argument("--timeout", type=float, default=float(env.get("KG_BENCH_TIMEOUT", 570)),
                        help="seconds before a worker or command is killed (default 570; env KG_BENCH_TIMEOUT)")
    parser.add_argument("--budget", type=float, default=float(env.get("KG_BENCH_BUDGET", 300)),
                        help="seconds per row for repeated runs (default 300, --quick 60; env KG_BENCH_BUDGET)")
    parser.add_argument("--no-pyshacl", action="store_true", help="skip pyshacl everywhere")
    parser.add_argument("--no-profile", action="store_true", help="skip part D (the cProfile and GC-off builds)")
    parser.add_argument("--serve-runs", type=int, default=None,
                        help="part F: runs of each kind of request, the median is reported (default 3, --quick 1)")
    parser.add_argument("--serve-seconds", type=float, default=None,
                        help="part F: seconds of load per run and kind (default 10, --quick 3)")
    parser.add_argument("--serve-requests", type=int, default=None,
                        help="part F: mixed requests before each server's memory is read (default 10000, --quick 1000)")
    parser.add_argument("--serve-clients", type=int, default=None,
                        help="part F: concurrent clients (connections) of the load generator (default 50)")
    parser.add_argument("--change-sizes", default=env.get("KG_BENCH_CHANGE_SIZES"),
                        help="part I: sizes, the seed (1) included (default 1,10,100,1000; --quick 1,2; "
                             "env KG_BENCH_CHANGE_SIZES)")
    parser.add_argument("--only", choices=("all", *PARTS, "report"), default="all",
                        help="one part (scale = B, C and D); the others are kept from the last run's results")
    parser.add_argument("--work", type=Path, default=None,
                        help="scratch folder (default bench/work, --quick bench/work/quick; env KG_BENCH_WORK)")
    parser.add_argument("--out", type=Path, default=None,
                        help="the report (default bench/results.md, --quick bench/results-quick.md)")
    args = parser.parse_args(argv)

    cfg = Config(timeout=args.timeout, budget=args.budget, mem_gb=args.mem_gb, pyshacl=not args.no_pyshacl,
                 profile=not args.no_profile, only=args.only)
    if args.quick:
        cfg = dataclasses.replace(cfg, quick=True, runs=dict(QUICK_RUNS), sizes=QUICK_SIZES,
                                  budget=min(cfg.budget, 60.0), work=BENCH_DIR / "work" / "quick",
                                  out=BENCH_DIR / "results-quick.md", serve_runs=QUICK_SERVE[0],
                                  serve_seconds=QUICK_SERVE[1], serve_requests=QUICK_SERVE[2],
                                  change_sizes=QUICK_CHANGE_SIZES)
    serve = {"serve_runs": args.serve_runs, "serve_seconds": args.serve_seconds,
             "serve_requests": args.serve_requests, "serve_clients": args.serve_clients}
    cfg = dataclasses.replace(cfg, **{key: value for key, value in serve.items() if value is not None})
    if args.runs:
        seed, middle, largest = ([int(x) for x in args.runs.split(",")] + [1, 1])[:3]
        cfg = dataclasses.replace(cfg, runs={1: seed, 10: middle, 100: middle, 1000: largest})
    if args.sizes:
        cfg = dataclasses.replace(cfg, sizes=tuple(int(x) for x in args.sizes.split(",") if x.strip()))
    if args.change_sizes:
        cfg = dataclasses.replace(cfg, change_sizes=tuple(int(x) for x in args.change_sizes.split(",") if x.strip()))
    work = args.work or (Path(env["KG_BENCH_WORK"]) if env.get("KG_BENCH_WORK") else cfg.work)
    return dataclasses.replace(cfg, work=work.resolve(), out=(args.out or cfg.out).resolve())


def main(argv: list[str]) -> int:
    cfg = parse_options(argv)
    cfg.work.mkdir(parents=True, exist_ok=True)
    lock = take_lock(cfg.work)
    try:
        results = load_saved(cfg.saved_results) if cfg.only != "all" else {}
        if cfg.only != "report":
            measure(cfg, results)
        saved = set(results) & set(RESULT_PARTS)
        if cfg.only != "all" and cfg.out.exists() and saved and saved <= set(SPLICED):
            for part in sorted(saved):  # the work folder holds only these: only their sections change
                markdown = splice_part(results, part, cfg.out)
        else:
            markdown = write_report(results, cfg.out)
    finally:
        lock.unlink(missing_ok=True)
    print()
    print(markdown)
    log(f"wrote {cfg.out}")
    return 0


def measure(cfg: Config, results: dict[str, Any]) -> None:
    """Take the snapshot, run the parts asked for, and save the results after each one (a run that
    dies later keeps what it measured)."""
    started = now()
    code = snapshot_code(cfg.work)
    seed = copy_seed(cfg.corpus(1))
    snapshot = fingerprint(code, seed)
    results |= {"meta": machine_info(cfg.work), "quick": cfg.quick, "snapshot": snapshot}
    imported = results["meta"]["versions"].get("kg_imported_from") or ""
    results["meta"]["kg_from_snapshot"] = imported.startswith(str(code))
    log(f"kg bench{' --quick' if cfg.quick else ''}: {results['meta']['nproc']} CPUs, Python "
        f"{results['meta']['python']}, runs {cfg.runs}, sizes {list(cfg.sizes)}, limit {cfg.timeout:.0f} s/worker, "
        f"budget {cfg.budget:.0f} s/row, snapshot {snapshot['id']}")

    def record(part: str, measured: dict[str, Any]) -> None:
        results[part] = {**measured, "snapshot": snapshot["id"], "date": results["meta"]["date"]}
        save(cfg.saved_results, results)

    def this_run(part: str) -> dict[str, Any] | None:
        """A part's results when they measured this snapshot (not kept from an earlier run)."""
        measured = results.get(part) or {}
        return measured if measured.get("snapshot") == snapshot["id"] else None

    if cfg.does("seed"):
        record("seed", measure_seed(cfg))
    if cfg.does("scale"):
        record("scale", measure_scale(cfg, this_run("seed")))
        record("validation", measure_validation(cfg, results["scale"]))
        record("hotspots", measure_hotspots(cfg, results["scale"]) if cfg.profile
               else {"note": "not measured (--no-profile)"})
    if cfg.does("publish"):
        record("publish", measure_publish(cfg, this_run("scale")))
    if cfg.does("serve"):
        record("serve", measure_serve(cfg))
    if cfg.does("exports"):
        record("exports", measure_exports(cfg, this_run("scale")))
    if cfg.does("draft"):
        record("draft", measure_draft(cfg, this_run("scale")))
    if cfg.does("change"):
        record("change", measure_change(cfg))
    results["changed_during_run"] = changed_since(snapshot)
    results["meta"]["load_end"] = load_average()
    results["elapsed"] = (results.get("elapsed", 0) if cfg.only != "all" else 0) + (now() - started)
    save(cfg.saved_results, results)


def load_saved(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def save(path: Path, results: dict[str, Any]) -> None:
    path.write_text(json.dumps(results, indent=1, default=str), encoding="utf-8")


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
