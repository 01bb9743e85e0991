#!/usr/bin/env python3
"""What runs inside the timed processes: `python bench/workers.py KIND --progress FILE …`.

Each worker is a fresh interpreter (sizes share no memory or warm caches, and the orchestrator can
kill it at its time limit) that imports kg from the run's snapshot (PYTHONPATH) and writes one
JSON line per finished step to FILE, flushed at once, so a killed worker still shows what it did.

- build:    build(project, run_shacl=False) `--runs` times, each function build() calls timed
            by a wrapper; then writes the outputs (the floor and kg load read them);
- validate: kg.shacl.validate on build()'s triples with `--engine` pyshacl or fast;
- floor:    pyoxigraph alone parsing `--src` (N-Quads) and serialising Turtle + N-Quads;
- profile:  one cProfile'd build();
- exports:  one build(), then each published file's writer and `kg export quickstatements`, each
            timed alone, `--runs` times;
- draft:    kg.draft.run.draft_source of each `--key` (comma-separated) on `--root` (from its store when
            current; `--facts`: from facts/ always), once cold and
            `--runs` times warm; with `--src` (the full seed) each draft scored by bench/draft_score.py.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import json
import pstats
import resource
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from floor import floor_once
from measure import another_run_fits, now

KINDS = ("build", "validate", "floor", "profile", "exports", "draft")


class Progress:
    """JSON lines to a file, flushed at once: what a killed worker finished is kept."""

    def __init__(self, path: Path) -> None:
        self.handle = path.open("a", encoding="utf-8")

    def emit(self, **event: Any) -> None:
        self.handle.write(json.dumps(event, default=str) + "\n")
        self.handle.flush()


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def repeat(runs: int, budget: float, progress: Progress, run_once: Callable[[int], float]) -> None:
    """`run_once(i)` up to `runs` times; stop early (and say so) when another would pass the budget."""
    started = now()
    for i in range(runs):
        gc.collect()
        seconds = run_once(i)
        if i + 1 < runs and not another_run_fits(started, seconds, budget):
            progress.emit(event="budget", done=i + 1)
            return


# ------------------------------------------------------------------ build


def instrument(progress: Progress, current_run: list[int]) -> None:
    """Wrap the functions build() calls so each reports its time when it returns (the stage
    timings build() records itself are the ones the tables use)."""
    import kg.pipeline
    import kg.mapping
    import kg.outputs.rdf

    def wrap(owner: Any, name: str, label: str) -> None:
        original = getattr(owner, name, None)
        if original is None:  # kg renamed it: say so in the report rather than fail the measurement
            progress.emit(event="missing", name=f"{getattr(owner, '__name__', owner)}.{name}")
            return

        def timed(*args: Any, **kwargs: Any) -> Any:
            start = now()
            value = original(*args, **kwargs)
            progress.emit(event="step", run=current_run[0], name=label, secs=now() - start, rss_mb=peak_rss_mb())
            if name == "map_facts":  # the graph's size, for a run that does not finish (no dedup: cheap)
                progress.emit(event="graph", run=current_run[0], statements=len(value.statements),
                              triples_upper=len(value.asserted) + len(value.provenance) + len(value.metadata))
            return value

        timed.__wrapped__ = original  # type: ignore[attr-defined]
        setattr(owner, name, timed)

    wrap(kg.pipeline, "load_inputs", "read: load_inputs")
    wrap(kg.pipeline, "map_facts", "map: map_facts")
    wrap(kg.pipeline, "mapped_conflicts", "map: mapped_conflicts")
    wrap(kg.pipeline, "render", "serialise: render (all files)")
    wrap(kg.pipeline, "wikidata_view", "serialise: wikidata_view")
    wrap(kg.pipeline, "describe", "serialise: void describe")
    for writer in ("turtle", "jsonld", "trig", "nquads"):
        wrap(kg.outputs.rdf, writer, f"serialise: outputs.rdf.{writer}")
    wrap(kg.mapping.MappedGraph, "triples", "serialise: MappedGraph.triples (sort)")
    wrap(kg.mapping.MappedGraph, "statement_graphs", "serialise: MappedGraph.statement_graphs")


def build_worker(root: Path, runs: int, budget: float, progress: Progress, gc_off: bool) -> None:
    from kg.pipeline import build, write_outputs
    from kg.outputs import output_path
    from kg.project import open_project

    project = open_project(root)
    current_run = [0]
    instrument(progress, current_run)

    def run_once(i: int) -> float:
        current_run[0] = i
        if gc_off:
            gc.disable()
        t0 = now()
        result = build(project, run_shacl=False)
        wall = now() - t0
        gc.enable()
        progress.emit(event="run", run=i, wall=wall, timings=result.timings, rss_mb=peak_rss_mb())
        if i == 0:  # every run builds the same graph: its sizes, and the files the floor and kg load read
            nquads = result.files.get(output_path(project, "dataset-nquads").name, b"")
            progress.emit(event="counts", sources=len(result.inputs.sources),
                          entities=len(result.inputs.facts.entities), claims=len(result.inputs.facts.claims),
                          statements=len(result.graph.statements), triples=result.triple_count,
                          quads=nquads.count(b"\n"), conflicts=len(result.conflicts), rss_mb=peak_rss_mb())
            write_outputs(result.files, project.output_dir)
        return wall

    repeat(runs, budget, progress, run_once)


# ------------------------------------------------------------------ validate


def validate_worker(root: Path, runs: int, budget: float, progress: Progress, engine: str) -> None:
    from kg.pipeline import build
    from kg.project import open_project
    from kg.shacl import validate
    from kg.shacl.shapes import load_shapes, vocabulary_layer

    project = open_project(root)
    t0 = now()
    result = build(project, run_shacl=False)
    triples = result.graph.triples()
    vocabulary = vocabulary_layer(result.inputs.ontology.triples)
    shapes = load_shapes(project)
    progress.emit(event="prepared", secs=now() - t0, triples=len(triples))
    started = now()
    durations: list[float] = []

    def run_once(i: int) -> float:
        t0 = now()
        report = validate(triples, vocabulary, project, engine=engine, shapes=shapes)
        secs = now() - t0
        durations.append(secs)
        progress.emit(event="run", run=i, secs=secs, rss_mb=peak_rss_mb(), report={
            "conforms": report.conforms, "violations": len(report.violations), "warnings": len(report.warnings),
            "results": len(report.results)})
        return secs

    repeat(runs, budget, progress, run_once)
    if engine == "fast" and another_run_fits(started, durations[-1], budget):
        time_compiled_checks(triples, vocabulary, shapes, progress)


def time_compiled_checks(triples: list[Any], vocabulary: list[Any], shapes: Any, progress: Progress) -> None:
    """Diagnostic: each query the fast engine compiles, run alone once (its labels come from kg's
    internals: a failure here is reported, never fatal)."""
    from kg.shacl.compiled import compile_checks, load_store

    try:
        store = load_store([*triples, *vocabulary])
        rows: list[dict[str, Any]] = []
        for check in compile_checks(store, shapes):
            t0 = now()
            found = sum(1 for _ in store.query(check.query))
            rows.append({"check": getattr(check, "label", "") or "?", "secs": now() - t0, "rows": found})
    except Exception as exc:  # noqa: BLE001 - a diagnostic only
        progress.emit(event="checks", error=f"{type(exc).__name__}: {exc}")
        return
    rows.sort(key=lambda r: -r["secs"])
    progress.emit(event="checks", total=sum(r["secs"] for r in rows), count=len(rows), top=rows[:5])


# ------------------------------------------------------------------ floor


def floor_worker(root: Path, src: Path, runs: int, budget: float, progress: Progress) -> None:
    from kg.project import open_project

    prefixes = open_project(root).prefixes()

    def run_once(i: int) -> float:
        timings = floor_once(src, prefixes)
        progress.emit(event="run", run=i, **timings)
        return timings["total"]

    repeat(runs, budget, progress, run_once)


# ------------------------------------------------------------------ profile


def profile_worker(root: Path, progress: Progress, top: int = 25) -> None:
    from kg.pipeline import build
    from kg.project import open_project

    project = open_project(root)
    profiler = cProfile.Profile()
    gc.collect()
    t0 = now()
    profiler.enable()
    result = build(project, run_shacl=False)
    profiler.disable()
    wall = now() - t0
    stats = pstats.Stats(profiler)
    rows = []
    for (file, line, func), (_cc, ncalls, own, cumulative, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        short = file
        for marker in ("/kg/", "/site-packages/", "/lib/python3"):
            if marker in file:
                short = file[file.index(marker) + 1:]
                break
        rows.append({"func": f"{short}:{line}({func})", "ncalls": ncalls, "own": own, "cum": cumulative})
    by_own = sorted(rows, key=lambda r: -r["own"])[:top]
    by_cumulative = sorted((r for r in rows if r["func"].startswith("kg/")), key=lambda r: -r["cum"])[:top]
    progress.emit(event="profile", wall=wall, total=stats.total_tt, timings=result.timings,  # type: ignore[attr-defined]
                  own=by_own, cum=by_cumulative)
    project.output_dir.mkdir(exist_ok=True)
    profiler.dump_stats(str(project.output_dir / "build.prof"))


# ------------------------------------------------------------------ exports


def exports_worker(root: Path, runs: int, budget: float, progress: Progress) -> None:
    """Each run takes fresh writers (what one computes on first use is timed in it) and times each
    alone, in the order a build writes them (void.ttl reads the distributions' bytes)."""
    import statistics

    from kg.outputs.quickstatements import export_quickstatements
    from kg.pipeline import build, writers
    from kg.project import open_project

    project = open_project(root)
    result = build(project, run_shacl=False)
    progress.emit(event="counts", triples=result.triple_count, statements=len(result.graph.statements),
                  rss_mb=peak_rss_mb())
    seconds: dict[str, list[float]] = {}
    sizes: dict[str, int] = {}

    def run_once(i: int) -> float:
        total = 0.0
        every = {**writers(result, project), "export quickstatements": lambda: export_quickstatements(
            result, project, create=True).text.encode("utf-8")}
        for name, write in every.items():
            t0 = now()
            data = write()
            took = now() - t0
            total += took
            if data is not None:  # not written this build: the SHACL report of a build without SHACL
                seconds.setdefault(name, []).append(took)
                sizes[name] = len(data)
        return total

    repeat(runs, budget, progress, run_once)
    for name, times in seconds.items():
        progress.emit(event="export", name=name, runs=times, median=statistics.median(times), bytes=sizes[name],
                      rss_mb=peak_rss_mb())


# ------------------------------------------------------------------ draft


def draft_worker(root: Path, keys: list[str], truth_root: Path | None, runs: int, budget: float,
                 progress: Progress, use_store: bool = True) -> None:
    """The first draft in the process pays the lazy imports (dateparser's data among them): it is
    reported apart from the warm runs. `load` is reading facts/ alone; `graph` is reading what a
    draft reads (kg.draft.run.read_graph: the store when it is current and `use_store`), which
    draft_source reads again each time."""
    t0 = now()
    from kg.draft.known import FromStore
    from kg.draft.run import draft_source, read_graph
    from kg.pipeline import load_inputs
    from kg.project import open_project

    progress.emit(event="imports", secs=now() - t0)
    project = open_project(root)
    t0 = now()
    inputs = load_inputs(project)
    progress.emit(event="load", secs=now() - t0, entities=len(inputs.facts.entities),
                  claims=len(inputs.facts.claims), sources=len(inputs.sources), rss_mb=peak_rss_mb())
    t0 = now()
    graph = read_graph(project, use_store=use_store)
    progress.emit(event="graph", secs=now() - t0, from_store=isinstance(graph.known, FromStore))
    truth = None
    if truth_root is not None:
        from draft_score import score

        truth = load_inputs(open_project(truth_root))
    for key in keys:
        t0 = now()
        drafted = draft_source(project, key, use_store=use_store)
        cold = now() - t0
        seconds: list[float] = []

        def run_once(i: int) -> float:
            t0 = now()
            draft_source(project, key, use_store=use_store)
            seconds.append(now() - t0)
            return seconds[-1]

        repeat(runs, budget, progress, run_once)
        scores = score(truth.facts, inputs.facts, drafted, truth.ontology, inputs.sources[key].text) \
            if truth is not None else {}
        progress.emit(event="article", key=key, cold=cold, runs=seconds, rss_mb=peak_rss_mb(),
                      text_chars=len(inputs.sources[key].text), claims=len(drafted.claims),
                      entities=len(drafted.entities), scores=scores)


# ------------------------------------------------------------------ entry


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("kind", choices=KINDS)
    parser.add_argument("--progress", type=Path, required=True, help="JSON-lines file the events go to")
    parser.add_argument("--root", type=Path, required=True, help="the project folder (kg.toml)")
    parser.add_argument("--src", type=Path, help="floor: the N-Quads file to parse; draft: the full seed to score against")
    parser.add_argument("--key", default="", help="draft: the source keys to draft, comma-separated")
    parser.add_argument("--engine", default="fast", help="validate: pyshacl or fast")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--budget", type=float, default=1e9, help="seconds for all runs (see measure.another_run_fits)")
    parser.add_argument("--gc-off", action="store_true", help="build: with Python's garbage collector disabled")
    parser.add_argument("--mem-gb", type=float, default=0, help="address-space limit (0: none)")
    parser.add_argument("--facts", action="store_true", help="draft: read facts/ even when the store is current")
    args = parser.parse_args(argv)
    progress = Progress(args.progress)
    if args.mem_gb:
        limit = int(args.mem_gb * 2**30)
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    try:
        if args.kind == "build":
            build_worker(args.root, args.runs, args.budget, progress, args.gc_off)
        elif args.kind == "validate":
            validate_worker(args.root, args.runs, args.budget, progress, args.engine)
        elif args.kind == "floor":
            floor_worker(args.root, args.src, args.runs, args.budget, progress)
        elif args.kind == "exports":
            exports_worker(args.root, args.runs, args.budget, progress)
        elif args.kind == "draft":
            draft_worker(args.root, [k for k in args.key.split(",") if k], args.src, args.runs, args.budget, progress,
                         use_store=not args.facts)
        else:
            profile_worker(args.root, progress)
        progress.emit(event="done")
    except BaseException as exc:  # noqa: BLE001 - the orchestrator shows it
        progress.emit(event="error", error=f"{type(exc).__name__}: {exc}", trace=traceback.format_exc()[-2000:])
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
