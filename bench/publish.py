#!/usr/bin/env python3
"""Benchmark kg publish: triples/s into an Oxigraph server for the seed graph and a synthetic
graph `--scale` times the seed, beside a bare HTTP PUT of the same files (the floor).

    .venv/bin/python bench/publish.py                    # the repository + 1000x (its build takes ~4 min)
    .venv/bin/python bench/publish.py --scale 10 --runs 3,1 --out /tmp/publish.md

Every run gets a fresh Oxigraph server (a new database folder, a free loopback port), so runs do
not share caches or graphs: kg publish (full) = what `kg publish --full` does: one SPARQL Update
(DROP + INSERT DATA + record) when it fits the update limit, else the staging path; kg publish
(staging) = `--update-limit 0`: upload into a staging graph + count + COPY onto the empty target +
drop the staging graph; the floor = `requests.put` of the graph's Turtle into a graph and
`requests.post` of the ontology's. Triples/s = the triples of the two files / wall-clock seconds.
The delta publish: the store holds the build less one claim's statement (every quad that names
one rdf:Statement node), with a matching record and kg's copy of it; kg publish then sends the
difference (seconds, wall clock, including kg reading and sorting the build). `make bench` runs this as its part E, on the run's own seed copy and
largest corpus.
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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from config import BENCH_DIR, REPO_ROOT
from measure import command_env, kg_cli

if str(REPO_ROOT) not in sys.path:
    sys.path.append(str(REPO_ROOT))  # tests.servers, and kg when not run with the project's virtualenv

import requests  # noqa: E402

from kg.errors import PublishError  # noqa: E402
from kg.outputs import output_path  # noqa: E402
from kg.project import Project, open_project  # noqa: E402
from kg.remote.endpoint import Client, endpoints  # noqa: E402
from kg.remote import delta  # noqa: E402
from kg.remote.publish import UPDATE_LIMIT, expected_count, plan, publish, published_files, published_quads  # noqa: E402
from tests.servers import Server, start_oxigraph  # noqa: E402

DEFAULT_LIMIT = 1800.0  # seconds a single request may take before kg publish is recorded as not finished


def built_project(root: Path, seed: Path | None = None, scale: int = 1) -> Project:
    """The project at `root`, built (kg build --no-shacl) if it is not, except the repository itself
    (its output/ is the published one); with `seed`, a missing project is first generated `scale`
    times the seed (bench/synth.py)."""
    if seed is not None and not (root / "kg.toml").exists():
        from synth import make_corpus

        make_corpus(seed, root, scale)
    project = open_project(root)
    if not output_path(project, "graph").exists():
        if root.resolve() == REPO_ROOT:
            raise SystemExit(f"{output_path(project, 'graph')} does not exist: run `make` first")
        subprocess.run([*kg_cli(root), "build", "-q", "--no-shacl"], check=True, env=command_env())
    return project


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


@dataclass
class PublishBench:
    """Both ways of getting one project's files into a fresh server, and what each run took."""

    project: Project
    limit: float = DEFAULT_LIMIT
    steps: dict[str, dict[str, list[float]]] = field(default_factory=dict)
    modes: set[str] = field(default_factory=set)

    @property
    def files(self) -> list[Path]:
        return published_files(self.project, "turtle")

    @property
    def graph(self) -> str:
        return self.project.base_iri

    def kg_publish(self, server: Server, update_limit: int | None = None, key: str = "full",
                   snapshots: delta.SnapshotStore | None = None) -> str:
        """One kg publish (its path, as the summary says it)."""
        client = _TimedClient(endpoints(server.store_url), auth="none", retries=0, timeout=self.limit)
        started = time.perf_counter()
        the_plan = plan(self.files, self.graph)
        steps = self.steps.setdefault(key, {})
        steps.setdefault("count the files (local)", []).append(time.perf_counter() - started)
        try:
            result = publish(client, the_plan, snapshots=snapshots, full=snapshots is None,
                             update_limit=UPDATE_LIMIT if update_limit is None else update_limit)
            return result.mode
        finally:
            for step, seconds in client.steps.items():
                steps.setdefault(step, []).append(seconds)
            client.close()

    def kg_staging(self, server: Server) -> None:
        self.kg_publish(server, update_limit=0, key="staging")

    def kg_full(self, server: Server) -> None:
        self.modes.add(self.kg_publish(server))

    def delta_seconds(self, folder: Path) -> tuple[float, int, int]:
        """A delta publish of one claim's statement, added back: (seconds, quads removed, added)."""
        snap = delta.snapshot(published_quads(self.files, self.graph))
        statement = next(line.split(b" ", 1)[0] for line in snap.lines if b"/statement/" in line.split(b" ", 1)[0])
        old = delta.Snapshot([line for line in snap.lines if statement not in line])
        snapshots = delta.SnapshotStore(folder / "snapshots")
        snapshots.save(old)
        server = start_oxigraph(folder)
        try:
            with requests.Session() as session:
                session.post(server.store_url, data=b"".join(old.lines), timeout=3600,
                             headers={"Content-Type": "application/n-quads"}).raise_for_status()
                record = delta.Record(old.checksum, len(old.lines), "turtle")
                session.post(server.store_url.replace("/store", "/update"), timeout=600,
                             data={"update": delta.record_update(self.graph, record)}).raise_for_status()
            started = time.perf_counter()
            mode = self.kg_publish(server, key="delta", snapshots=snapshots)
            seconds = time.perf_counter() - started
            if mode != "delta" or server.count(self.graph) != len(snap.lines):
                raise SystemExit(f"delta publish: took the {mode} path, the store holds {server.count(self.graph)}")
            return seconds, 0, len(snap.lines) - len(old.lines)
        finally:
            server.stop()

    def bare_put(self, server: Server) -> None:
        with requests.Session() as session:
            for method, path in zip(("PUT", "POST"), self.files):
                with path.open("rb") as body:
                    session.request(method, server.store_url, params={"graph": self.graph}, data=body,
                                    headers={"Content-Type": "text/turtle"}, timeout=3600).raise_for_status()

    def rate(self, action: Callable[[Server], None], triples: int) -> float:
        """One run on a fresh server; triples/s, after checking the store holds them all."""
        folder = Path(tempfile.mkdtemp(prefix="kg-bench-publish-"))
        server = start_oxigraph(folder)
        try:
            started = time.perf_counter()
            action(server)
            seconds = time.perf_counter() - started
            found = server.count(self.graph)
            if found != triples:
                raise SystemExit(f"{action.__name__}: the store holds {found} triples, expected {triples}")
            return triples / seconds
        finally:
            server.stop()
            shutil.rmtree(folder, ignore_errors=True)


def _rates_cell(rates: list[float]) -> str:
    return f"{statistics.median(rates):,.0f} ({min(rates):,.0f}–{max(rates):,.0f})" if rates else "—"


def measure(label: str, project: Project, runs: int, limit: float) -> tuple[str, str]:
    """One table row (rates) and one row of median seconds per publish step."""
    bench = PublishBench(project, limit)
    triples = expected_count(bench.files)
    size = sum(p.stat().st_size for p in bench.files)
    rates: dict[str, list[float]] = {"full": [], "staging": [], "bare": []}
    deltas: list[tuple[float, int, int]] = []
    failed = ""
    for _ in range(runs):
        for key, action in (("full", bench.kg_full), ("staging", bench.kg_staging)):
            try:
                rates[key].append(bench.rate(action, triples))
            except PublishError as exc:
                failed = str(exc).split(";")[0]
                print(f"  {label}: kg publish ({key}) did not finish: {failed}", file=sys.stderr)
        rates["bare"].append(bench.rate(bench.bare_put, triples))
        folder = Path(tempfile.mkdtemp(prefix="kg-bench-delta-"))
        try:
            deltas.append(bench.delta_seconds(folder))
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        print(f"  {label}: " + ", ".join(f"{k} {v[-1] if v else 0:,.0f} /s" for k, v in rates.items())
              + f", delta {deltas[-1][0]:.2f} s", file=sys.stderr)
    bare = statistics.median(rates["bare"])

    def cells(key: str) -> str:
        if not rates[key]:
            return f"not finished ({failed}) | —"
        return f"{_rates_cell(rates[key])} | **{statistics.median(rates[key]) / bare:.2f}**"

    seconds = [d[0] for d in deltas]
    row = (f"| {label} | {triples:,} | {size / 1e6:,.1f} MB | {runs} | {'/'.join(sorted(bench.modes))} | "
           f"{cells('full')} | {cells('staging')} | {_rates_cell(rates['bare'])} | "
           f"{statistics.median(seconds):.2f} s (+{deltas[0][2]} quads) |")
    steps = " / ".join(f"{key}: " + "; ".join(f"{step} {statistics.median(v):.2f} s" for step, v in found.items())
                       for key, found in bench.steps.items())
    return row, f"| {label} | {steps} |"


def run_publish_bench(seed: Path, synthetic: Path, scale: int, runs: tuple[int, int],
                      limit: float = DEFAULT_LIMIT) -> str:
    """The markdown table: the seed and `scale`x, kg publish against the bare PUT, medians of runs."""
    print(f"seed: {runs[0]} runs", file=sys.stderr)
    rows = [measure("seed", built_project(seed), runs[0], limit)]
    print(f"{scale}x: {runs[1]} runs", file=sys.stderr)
    rows.append(measure(f"{scale}x synthetic", built_project(synthetic, seed, scale), runs[1], limit))
    return "\n".join([
        "| graph | triples | Turtle | runs | full path | kg publish --full, triples/s (min–max) | / bare "
        "| staging path, triples/s | / bare | bare PUT, triples/s (min–max) | delta publish, one claim |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
        *(row for row, _ in rows),
        "",
        "Where a kg publish spends its time (median seconds per step):",
        "",
        "| graph | steps |",
        "|---|---|",
        *(steps for _, steps in rows),
        "",
        f"Oxigraph server {_oxigraph_version()}, a fresh server per run, load average at the end "
        f"{os.getloadavg()[0]:.2f}.",
    ]) + "\n"


def _oxigraph_version() -> str:
    binary = Path(sys.executable).parent / "oxigraph"
    try:
        return subprocess.run([str(binary), "--version"], capture_output=True, text=True).stdout.split()[-1]
    except (OSError, IndexError):
        return "?"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=Path, default=REPO_ROOT,
                        help="the seed project (default: the repository, as last built into its output/)")
    parser.add_argument("--synthetic", type=Path, default=None,
                        help="the synthetic project, generated and built if missing "
                             "(default bench/work/publish/x<scale>)")
    parser.add_argument("--scale", type=int, default=1000, help="synthetic factor (default 1000)")
    parser.add_argument("--runs", default="5,1", help="runs for the seed and the synthetic graph (default 5,1)")
    parser.add_argument("--out", type=Path, default=None, help="also write the table to this file")
    parser.add_argument("--limit", type=float, default=DEFAULT_LIMIT,
                        help="seconds one request of kg publish may take (default 1800); beyond: not finished")
    args = parser.parse_args(argv)
    seed_runs, synthetic_runs = (int(x) for x in args.runs.split(","))
    synthetic = args.synthetic or BENCH_DIR / "work" / "publish" / f"x{args.scale}"
    table = run_publish_bench(args.seed.resolve(), synthetic.resolve(), args.scale, (seed_runs, synthetic_runs),
                              args.limit)
    print(table)
    if args.out:
        args.out.write_text(table, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
