#!/usr/bin/env python3
"""Benchmark kg publish: triples/s into an Oxigraph server for the seed graph and a synthetic
graph `--scale` times the seed, beside a bare HTTP PUT of the same files (the floor).

    .venv/bin/python bench/publish.py                    # seed + 1000x (the 1000x build takes ~4 min)
    .venv/bin/python bench/publish.py --scale 10 --runs 3,1 --out /tmp/publish.md

Every run gets a fresh Oxigraph server (a new database folder, a free loopback port), so runs do
not share caches or graphs: kg publish = upload into a staging graph + count + COPY onto the empty
target + drop the staging graph; the floor = `requests.put` of vyzov.ttl into a graph and `requests.post` of ontology.ttl.
Both send the same bytes; triples/s = the triples of the two files / wall-clock seconds.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
if str(ROOT) not in sys.path:
    sys.path.append(str(ROOT))

import requests  # noqa: E402

from kg.errors import PublishError  # noqa: E402
from kg.remote.endpoint import Client, endpoints  # noqa: E402
from kg.remote.publish import expected_count, plan, publish, published_files  # noqa: E402
from tests.servers import Server, start_oxigraph  # noqa: E402

GRAPH = "https://example.org/vyzov/"


def build_synthetic(scale: int, work: Path) -> Path:
    """A project `scale` times the seed (bench/synth.py), built without SHACL; its output/."""
    from synth import make_corpus

    root = work / f"x{scale}"
    if not (root / "output" / "vyzov.ttl").exists():
        make_corpus(ROOT, root, scale)
        kg = Path(sys.executable).parent / "kg"
        subprocess.run([str(kg), "build", "-q", "--no-shacl"], env={**os.environ, "KG_ROOT": str(root)}, check=True)
    return root / "output"


class _TimedClient(Client):
    """A client that records how long each step of a publish takes."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.steps: dict[str, float] = {}

    def send(self, step: str, *args: Any, **kwargs: Any) -> requests.Response:
        started = time.perf_counter()
        try:
            return super().send(step, *args, **kwargs)
        finally:
            self.steps[step] = self.steps.get(step, 0.0) + time.perf_counter() - started


STEPS: dict[str, list[float]] = {}
LIMIT = 1800.0  # seconds a single request may take before kg publish is recorded as not finished


def kg_publish(server: Server, output: Path) -> None:
    client = _TimedClient(endpoints(server.store_url), auth="none", retries=0, timeout=LIMIT)
    started = time.perf_counter()
    the_plan = plan(published_files(output, "turtle"), GRAPH)
    STEPS.setdefault("count the files (local)", []).append(time.perf_counter() - started)
    try:
        publish(client, the_plan)
    finally:
        for step, seconds in client.steps.items():
            STEPS.setdefault(step, []).append(seconds)
        client.close()


def bare_put(server: Server, output: Path) -> None:
    with requests.Session() as session:
        for method, name in (("PUT", "vyzov.ttl"), ("POST", "ontology.ttl")):
            with (output / name).open("rb") as body:
                session.request(method, server.store_url, params={"graph": GRAPH}, data=body,
                                headers={"Content-Type": "text/turtle"}, timeout=3600).raise_for_status()


def timed(action: Callable[[Server, Path], None], output: Path, triples: int) -> float:
    """One run on a fresh server; returns triples/s, checking the store holds them all."""
    folder = Path(tempfile.mkdtemp(prefix="kg-bench-publish-"))
    server = start_oxigraph(folder)
    try:
        started = time.perf_counter()
        action(server, output)
        seconds = time.perf_counter() - started
        found = server.count(GRAPH)
        if found != triples:
            raise SystemExit(f"{action.__name__}: the store holds {found} triples, expected {triples}")
        return triples / seconds
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)


def _cell(rates: list[float]) -> str:
    return f"{statistics.median(rates):,.0f} ({min(rates):,.0f}–{max(rates):,.0f})" if rates else "—"


def measure(label: str, output: Path, runs: int) -> tuple[str, str]:
    """One table row (rates) and one row of median seconds per publish step."""
    triples = expected_count(published_files(output, "turtle"))
    size = sum(p.stat().st_size for p in published_files(output, "turtle"))
    rates: dict[str, list[float]] = {"kg": [], "bare": []}
    failed = ""
    STEPS.clear()
    for _ in range(runs):
        try:
            rates["kg"].append(timed(kg_publish, output, triples))
        except PublishError as exc:
            failed = str(exc).split(";")[0]
            print(f"  {label}: kg publish did not finish: {failed}", file=sys.stderr)
        rates["bare"].append(timed(bare_put, output, triples))
        print(f"  {label}: kg {rates['kg'][-1] if rates['kg'] else 0:,.0f} /s, "
              f"bare PUT {rates['bare'][-1]:,.0f} /s", file=sys.stderr)
    kg = _cell(rates["kg"]) if rates["kg"] else f"not finished ({failed})"
    ratio = f"{statistics.median(rates['kg']) / statistics.median(rates['bare']):.2f}" if rates["kg"] else "—"
    row = f"| {label} | {triples:,} | {size / 1e6:,.1f} MB | {runs} | **{kg}** | {_cell(rates['bare'])} | {ratio} |"
    steps = "; ".join(f"{step} {statistics.median(v):.2f} s" for step, v in STEPS.items())
    return row, f"| {label} | {steps} |"


def run_publish_bench(scale: int = 1000, runs: tuple[int, int] = (5, 1), work: Path | None = None) -> str:
    """The markdown table: seed and `scale`x, kg publish against the bare PUT, medians of runs."""
    work = work or HERE / "work" / "publish"
    work.mkdir(parents=True, exist_ok=True)
    print(f"seed: {runs[0]} runs", file=sys.stderr)
    rows = [measure("seed", ROOT / "output", runs[0])]
    print(f"{scale}x: building", file=sys.stderr)
    synthetic = build_synthetic(scale, work)
    rows.append(measure(f"{scale}x synthetic", synthetic, runs[1]))
    load = os.getloadavg()[0]
    return "\n".join([
        "| graph | triples | Turtle | runs | kg publish, triples/s (min–max) | bare PUT, triples/s (min–max) "
        "| kg / bare |",
        "|---|---|---|---|---|---|---|",
        *(row for row, _ in rows),
        "",
        "Where a kg publish spends its time (median seconds per step):",
        "",
        "| graph | steps |",
        "|---|---|",
        *(steps for _, steps in rows),
        "",
        f"Oxigraph server {_oxigraph_version()}, a fresh server per run, load average at the end {load:.2f}.",
    ]) + "\n"


def _oxigraph_version() -> str:
    binary = Path(sys.executable).parent / "oxigraph"
    try:
        return subprocess.run([str(binary), "--version"], capture_output=True, text=True).stdout.split()[-1]
    except (OSError, IndexError):
        return "?"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=int, default=1000, help="synthetic factor (default 1000)")
    parser.add_argument("--runs", default="5,1", help="runs for the seed and the synthetic graph (default 5,1)")
    parser.add_argument("--work", type=Path, default=None, help="scratch folder (default bench/work/publish)")
    parser.add_argument("--out", type=Path, default=None, help="also write the table to this file")
    parser.add_argument("--limit", type=float, default=LIMIT,
                        help="seconds one request of kg publish may take (default 1800); beyond: not finished")
    args = parser.parse_args(argv)
    globals()["LIMIT"] = args.limit
    seed_runs, synthetic_runs = (int(x) for x in args.runs.split(","))
    table = run_publish_bench(args.scale, (seed_runs, synthetic_runs), args.work)
    print(table)
    if args.out:
        args.out.write_text(table, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
