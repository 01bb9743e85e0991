#!/usr/bin/env python3
"""Benchmark kg publish: triples/s into an Oxigraph server for the seed graph and a synthetic
graph `--scale` times the seed, beside a bare HTTP PUT of the same files (the floor).

    .venv/bin/python bench/publish.py                    # seed + 1000x (the 1000x build takes ~4 min)
    .venv/bin/python bench/publish.py --scale 10 --runs 3,1 --out /tmp/publish.md

Every run gets a fresh Oxigraph server (a new database folder, a free loopback port), so runs do
not share caches or graphs: kg publish = upload into a staging graph + count + MOVE onto the empty
target; the floor = `requests.put` of vyzov.ttl into a graph and `requests.post` of ontology.ttl.
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

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
if str(ROOT) not in sys.path:
    sys.path.append(str(ROOT))

import requests  # noqa: E402

from kg.endpoint import Client, endpoints  # noqa: E402
from kg.publish import expected_count, plan, publish, published_files  # noqa: E402
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


def kg_publish(server: Server, output: Path) -> None:
    client = Client(endpoints(server.store_url), auth="none", retries=0, timeout=7200)
    publish(client, plan(published_files(output, "turtle"), GRAPH))
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


def measure(label: str, output: Path, runs: int) -> list[str]:
    triples = expected_count(published_files(output, "turtle"))
    size = sum(p.stat().st_size for p in published_files(output, "turtle"))
    rates: dict[str, list[float]] = {"kg": [], "bare": []}
    for _ in range(runs):
        rates["kg"].append(timed(kg_publish, output, triples))
        rates["bare"].append(timed(bare_put, output, triples))
        print(f"  {label}: kg {rates['kg'][-1]:,.0f} /s, bare PUT {rates['bare'][-1]:,.0f} /s", file=sys.stderr)
    kg, bare = statistics.median(rates["kg"]), statistics.median(rates["bare"])
    return [f"| {label} | {triples:,} | {size / 1e6:,.1f} MB | {runs} | **{kg:,.0f}** "
            f"({min(rates['kg']):,.0f}–{max(rates['kg']):,.0f}) | {bare:,.0f} "
            f"({min(rates['bare']):,.0f}–{max(rates['bare']):,.0f}) | {kg / bare:.2f} |"]


def run_publish_bench(scale: int = 1000, runs: tuple[int, int] = (5, 1), work: Path | None = None) -> str:
    """The markdown table: seed and `scale`x, kg publish against the bare PUT, medians of runs."""
    work = work or HERE / "work" / "publish"
    work.mkdir(parents=True, exist_ok=True)
    print(f"seed: {runs[0]} runs", file=sys.stderr)
    lines = measure("seed", ROOT / "output", runs[0])
    print(f"{scale}x: building", file=sys.stderr)
    synthetic = build_synthetic(scale, work)
    lines += measure(f"{scale}x synthetic", synthetic, runs[1])
    load = os.getloadavg()[0]
    return "\n".join([
        "| graph | triples | Turtle | runs | kg publish, triples/s (min–max) | bare PUT, triples/s (min–max) "
        "| kg / bare |",
        "|---|---|---|---|---|---|---|",
        *lines,
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
    args = parser.parse_args(argv)
    seed_runs, synthetic_runs = (int(x) for x in args.runs.split(","))
    table = run_publish_bench(args.scale, (seed_runs, synthetic_runs), args.work)
    print(table)
    if args.out:
        args.out.write_text(table, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
