#!/usr/bin/env python3
"""Benchmark kg build: the seed end to end against the bare pyoxigraph floor, then synthetic
corpora 100x and 1000x the seed, stage by stage. Prints and writes bench/results.md.

    .venv/bin/python bench/run.py                 # everything (make bench)
    .venv/bin/python bench/run.py --quick         # smoke run: 1 run each, 10x, no pyshacl
    .venv/bin/python bench/run.py --only seed     # one part; the others are kept from earlier
    .venv/bin/python bench/run.py --only scale --sizes 100
    .venv/bin/python bench/run.py --only report   # re-render results.md from the saved results

See bench/README.md for what each number means and for every option.

Every measurement that loads kg runs in its own worker process (this file with --worker), with
a time limit: a worker that runs out of time is killed and what it finished is kept (the worker
reports each stage as it completes), the rest is marked as not measured. Repeated runs stop early
when the next run would not fit in the row's time budget; the table shows n done of n wanted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import hashlib
import json
import math
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
if str(ROOT) not in sys.path:
    sys.path.append(str(ROOT))  # kg itself, when not run with the project's virtualenv

DEFAULT_RUNS = {1: 5, 10: 3, 100: 3, 1000: 1}
DEFAULT_SIZES = (10, 100, 1000)  # 10x is not in the brief: a cheap extra point for the growth exponent
PYSHACL_MAX_FACTOR = 100  # pyshacl is not run above this size
SEED_DIRS = ("sources", "facts", "ontology", "shapes", "reference", "queries")
LIBRARIES = ("pyoxigraph", "pyshacl", "rdflib", "PyYAML", "click", "kg")


# =============================================================================================
# small helpers


def now() -> float:
    return time.perf_counter()


def fmt_s(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    if seconds >= 100:
        return f"{seconds:.0f} s"
    if seconds >= 10:
        return f"{seconds:.1f} s"
    if seconds >= 1:
        return f"{seconds:.2f} s"
    return f"{seconds * 1000:.0f} ms" if seconds >= 0.01 else f"{seconds * 1000:.1f} ms"


def fmt_ratio(x: float | None) -> str:
    if x is None or not math.isfinite(x):
        return "—"
    return f"{x:.0f}x" if x >= 100 else f"{x:.1f}x"


def fmt_int(n: int | None) -> str:
    return "—" if n is None else f"{n:,}"


def stats(values: list[float], wanted: int, status: str = "ok", note: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {"runs": values, "n": len(values), "wanted": wanted, "status": status, "note": note}
    if values:
        out |= {"median": statistics.median(values), "min": min(values), "max": max(values)}
    return out


def med(entry: dict[str, Any] | None) -> float | None:
    return None if not entry else entry.get("median")


def python_for_kg() -> Path:
    venv = ROOT / ".venv" / "bin" / "python"
    return venv if venv.exists() else Path(sys.executable)


def kg_command() -> list[str]:
    kg = python_for_kg().parent / "kg"
    if kg.exists():
        return [str(kg)]
    found = shutil.which("kg")
    if found:
        return [found]
    raise SystemExit("no kg executable: run `make` first (or pip install -e .)")


@dataclass
class Proc:
    rc: int | None
    seconds: float
    stdout: str
    stderr: str
    timed_out: bool


def run_proc(cmd: list[str], env: dict[str, str] | None = None, timeout: float | None = None,
             cwd: Path | None = None) -> Proc:
    """Run a command in its own process group; on timeout kill that group (only that)."""
    start = now()
    proc = subprocess.Popen(
        cmd, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True
    )
    try:
        out, err = proc.communicate(timeout=timeout)
        return Proc(proc.returncode, now() - start, out.decode(errors="replace"), err.decode(errors="replace"), False)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        out, err = proc.communicate()
        return Proc(None, now() - start, out.decode(errors="replace"), err.decode(errors="replace"), True)


def tail(text: str, lines: int = 6) -> str:
    return " / ".join(line.strip() for line in text.strip().splitlines()[-lines:])


# =============================================================================================
# configuration


@dataclass
class Config:
    runs: dict[int, int] = field(default_factory=lambda: dict(DEFAULT_RUNS))
    sizes: tuple[int, ...] = DEFAULT_SIZES
    timeout: float = 570.0  # per worker / subprocess: each fits the 10-minute-per-command limit
    budget: float = 300.0  # per table row: no new run starts once it would not fit
    pyshacl: bool = True
    profile: bool = True
    quick: bool = False
    work: Path = HERE / "work"
    out: Path = HERE / "results.md"
    only: str = "all"
    mem_gb: float = 20.0

    def runs_for(self, factor: int) -> int:
        if factor in self.runs:
            return self.runs[factor]
        return self.runs[max(f for f in self.runs if f <= factor)] if any(f <= factor for f in self.runs) else 1


def parse_config(argv: list[str]) -> Config:
    env = os.environ
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true", help="smoke run: 1 run each, sizes 10, no pyshacl, no profile")
    p.add_argument("--runs", default=env.get("KG_BENCH_RUNS"),
                   help="runs for seed,100x,1000x (default 5,3,1; 10x runs as 100x; env KG_BENCH_RUNS)")
    p.add_argument("--sizes", default=env.get("KG_BENCH_SIZES"),
                   help="synthetic factors (default 10,100,1000; env KG_BENCH_SIZES)")
    p.add_argument("--mem-gb", type=float, default=float(env.get("KG_BENCH_MEM_GB", 20)),
                   help="address-space limit per worker in GB (default 20; env KG_BENCH_MEM_GB)")
    p.add_argument("--timeout", type=float, default=float(env.get("KG_BENCH_TIMEOUT", 570)),
                   help="seconds before a worker is killed (default 570; env KG_BENCH_TIMEOUT)")
    p.add_argument("--budget", type=float, default=float(env.get("KG_BENCH_BUDGET", 300)),
                   help="seconds per row for repeated runs (default 300; env KG_BENCH_BUDGET)")
    p.add_argument("--no-pyshacl", action="store_true", help="skip pyshacl everywhere")
    p.add_argument("--no-profile", action="store_true", help="skip the cProfile hotspot run")
    p.add_argument("--only", choices=("all", "seed", "scale", "publish", "report"), default="all")
    p.add_argument("--work", type=Path, default=None,
                   help="scratch folder (default bench/work, --quick: bench/work/quick; env KG_BENCH_WORK)")
    p.add_argument("--out", type=Path, default=None, help="markdown output (default bench/results.md)")
    a = p.parse_args(argv)
    work = a.work or Path(env.get("KG_BENCH_WORK", HERE / "work"))
    cfg = Config(timeout=a.timeout, budget=a.budget, pyshacl=not a.no_pyshacl, profile=not a.no_profile,
                 quick=a.quick, work=work.resolve(), only=a.only)
    if a.quick:
        cfg.runs = {1: 1, 10: 1}
        cfg.sizes = (10,)
        cfg.pyshacl = False
        cfg.profile = False
        cfg.budget = min(cfg.budget, 60)
        if not a.work and "KG_BENCH_WORK" not in env:
            cfg.work = HERE / "work" / "quick"  # never disturbs a full run going on in bench/work
        cfg.out = cfg.work / "results-quick.md"
    cfg.mem_gb = a.mem_gb
    if a.runs:
        values = [int(x) for x in a.runs.split(",")] + [1, 1]
        cfg.runs = {1: values[0], 10: values[1], 100: values[1], 1000: values[2]}
    if a.sizes:
        cfg.sizes = tuple(int(x) for x in a.sizes.split(",") if x.strip())
    if a.out:
        cfg.out = a.out.resolve()
    return cfg


# =============================================================================================
# machine


def machine_info() -> dict[str, Any]:
    from importlib import metadata

    info: dict[str, Any] = {
        "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": os.cpu_count(),
        "usable_cpus": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
    }
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                info["memory_gb"] = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    info["load_start"] = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    versions = {}
    probe = (
        "import json,sys\nfrom importlib import metadata\nout={}\n"
        f"for n in {list(LIBRARIES)!r}:\n"
        "    try: out[n]=metadata.version(n)\n"
        "    except Exception: out[n]=None\n"
        "import yaml; out['libyaml']=bool(getattr(yaml,'__with_libyaml__',False))\n"
        "print(json.dumps(out))"
    )
    proc = run_proc([str(python_for_kg()), "-c", probe], timeout=60)
    try:
        versions = json.loads(proc.stdout)
    except ValueError:
        versions = {n: None for n in LIBRARIES}
    info["versions"] = versions
    info["fast_engine"] = (ROOT / "kg" / "shacl_sparql.py").exists()  # replaced by the snapshot's below
    del metadata
    return info


# =============================================================================================
# workers (run in their own process: python bench/run.py --worker KIND ...)


class Progress:
    """JSON lines to a file, flushed at once: what a killed worker finished is kept."""

    def __init__(self, path: Path) -> None:
        self.handle = path.open("a", encoding="utf-8")

    def emit(self, **event: Any) -> None:
        self.handle.write(json.dumps(event, default=str) + "\n")
        self.handle.flush()


def _rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _instrument(progress: Progress, state: dict[str, Any]) -> None:
    """Wrap the functions build() calls so each reports when it returns (the timings
    build() itself records are still the ones reported when it completes)."""
    import kg.pipeline as kb
    import kg.mapping as km
    import kg.outputs.rdf as ks

    def wrap(owner: Any, name: str, label: str) -> None:
        original = getattr(owner, name, None)
        if original is None:  # kg changed: time what exists, never fail the measurement
            return

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            start = now()
            value = original(*args, **kwargs)
            progress.emit(event="step", run=state["run"], name=label, secs=now() - start, rss_mb=_rss_mb())
            if name == "map_facts":  # sizes, for a run that does not finish (no dedup: cheap)
                progress.emit(event="graph", run=state["run"], statements=len(value.statements),
                              triples_upper=len(value.asserted) + len(value.provenance) + len(value.metadata))
            return value

        wrapper.__wrapped__ = original  # type: ignore[attr-defined]
        setattr(owner, name, wrapper)

    wrap(kb, "load_inputs", "read: load_inputs")
    wrap(kb, "map_facts", "map: map_facts")
    wrap(kb, "find_conflicts", "map: find_conflicts")
    wrap(kb, "render", "serialise: render (all files)")
    wrap(kb, "wikidata_view", "serialise: wikidata_view")
    wrap(kb, "describe", "serialise: void describe")
    for fmt in ("turtle", "jsonld", "trig", "nquads"):
        wrap(ks, fmt, f"serialise: serialize.{fmt}")
    wrap(km.MappedGraph, "triples", "serialise: MappedGraph.triples (sort)")
    wrap(km.MappedGraph, "quads", "serialise: MappedGraph.quads")  # older kg
    wrap(km.MappedGraph, "statement_graphs", "serialise: MappedGraph.statement_graphs")


def _counts(result: Any) -> dict[str, Any]:
    graph = result.graph
    return {
        "sources": len(result.inputs.sources),
        "entities": len(result.inputs.facts.entities),
        "claims": len(result.inputs.facts.claims),
        "statements": len(graph.statements),
        "triples": len({*graph.asserted, *graph.provenance, *graph.metadata}),
        "quads": None,
        "conflicts": len(result.conflicts),
    }


def worker_build(root: Path, runs: int, budget: float, progress: Progress, gc_off: bool) -> None:
    from kg.pipeline import build, write_outputs
    from kg.project import Settings

    settings = Settings(root=root)
    state = {"run": 0}
    _instrument(progress, state)
    started = now()
    result = None
    for i in range(runs):
        state["run"] = i
        result = None
        gc.collect()
        if gc_off:
            gc.disable()
        t0 = now()
        result = build(settings, run_shacl=False)
        wall = now() - t0
        if gc_off:
            gc.enable()
        progress.emit(event="run", run=i, wall=wall, timings=result.timings, rss_mb=_rss_mb())
        if i + 1 < runs and (now() - started) + wall > budget:
            progress.emit(event="budget", done=i + 1)
            break
    assert result is not None
    counts = _counts(result)
    counts["quads"] = result.files.get("vyzov.nq", b"").count(b"\n")
    # every file, as kg build writes them: the floor reads vyzov.nq, kg load vyzov.ttl + ontology.ttl
    write_outputs(result.files, root / "output")
    progress.emit(event="counts", **counts, rss_mb=_rss_mb())


def worker_validate(root: Path, runs: int, budget: float, progress: Progress, engine: str) -> None:
    from kg.pipeline import build
    from kg.project import Settings
    from kg.shacl.shapes import vocabulary_layer

    if engine == "pyshacl":
        from kg.shacl.pyshacl_engine import validate as run
    else:
        from kg.shacl.compiled import validate_fast as run  # type: ignore[import-not-found]
    settings = Settings(root=root)
    t0 = now()
    result = build(settings, run_shacl=False)
    triples = result.graph.triples()
    vocabulary = vocabulary_layer(result.inputs.ontology.triples)
    progress.emit(event="prepared", secs=now() - t0, triples=len(triples))
    started = now()
    for i in range(runs):
        gc.collect()
        t0 = now()
        report = run(triples, vocabulary, settings)
        secs = now() - t0
        summary: dict[str, Any] = {}
        for attr in ("conforms", "violations", "warnings", "results"):
            value = getattr(report, attr, None)
            if value is not None:
                summary[attr] = value if isinstance(value, bool) else len(value)
        progress.emit(event="run", run=i, secs=secs, report=summary, rss_mb=_rss_mb())
        if i + 1 < runs and (now() - started) + secs > budget:
            progress.emit(event="budget", done=i + 1)
            break
    if engine == "fast" and (now() - started) + secs < budget:
        _fast_breakdown(triples, vocabulary, settings, progress)


def _fast_breakdown(triples: list[Any], vocabulary: list[Any], settings: Any, progress: Progress) -> None:
    """Diagnostic: time each compiled query of the fast engine alone (uses its internals; skipped
    quietly when they change)."""
    try:
        from kg.shacl import compiled as fs  # type: ignore[import-not-found]

        store = fs.load_store([*triples, *vocabulary])
        checks = fs.compile_checks(store, settings)
        rows = []
        for check in checks:
            t0 = now()
            n = sum(1 for _ in store.query(check.query))
            rows.append({"check": getattr(check, "label", "?") or "?", "secs": now() - t0, "rows": n})
    except Exception as exc:  # noqa: BLE001 - a diagnostic only
        progress.emit(event="checks", error=f"{type(exc).__name__}: {exc}")
        return
    total = sum(r["secs"] for r in rows) or 1.0
    rows.sort(key=lambda r: -r["secs"])
    progress.emit(event="checks", total=total, count=len(rows), top=rows[:5])


FLOOR_CODE = """
import sys, time, pyoxigraph as ox
src, ttl, nq = sys.argv[1:4]
quads = list(ox.parse(path=src, format=ox.RdfFormat.N_QUADS))
default = [q.triple for q in quads if q.graph_name == ox.DefaultGraph()]
ox.serialize(default, ttl, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)
ox.serialize(quads, nq, format=ox.RdfFormat.N_QUADS)
"""


def floor_once(src: Path, prefixes: dict[str, str]) -> dict[str, float]:
    """Parse N-Quads and serialise the default graph as Turtle and everything as N-Quads,
    in memory (kg's serialise stage also produces bytes)."""
    import pyoxigraph as ox

    t0 = now()
    quads = list(ox.parse(path=str(src), format=ox.RdfFormat.N_QUADS))
    t1 = now()
    default = [q.triple for q in quads if q.graph_name == ox.DefaultGraph()]
    ox.serialize(default, format=ox.RdfFormat.TURTLE, prefixes=prefixes)
    t2 = now()
    ox.serialize(quads, format=ox.RdfFormat.N_QUADS)
    t3 = now()
    return {"total": t3 - t0, "parse": t1 - t0, "turtle": t2 - t1, "nquads": t3 - t2, "quads": len(quads)}


def worker_floor(src: Path, runs: int, budget: float, progress: Progress) -> None:
    from kg.project import Settings

    prefixes = Settings(root=ROOT).prefixes()
    started = now()
    for i in range(runs):
        gc.collect()
        r = floor_once(src, prefixes)
        progress.emit(event="run", run=i, **r)
        if i + 1 < runs and (now() - started) + r["total"] > budget:
            break


def worker_profile(root: Path, progress: Progress, top: int = 25) -> None:
    import cProfile
    import pstats

    from kg.pipeline import build
    from kg.project import Settings

    settings = Settings(root=root)
    profiler = cProfile.Profile()
    gc.collect()
    t0 = now()
    profiler.enable()
    result = build(settings, run_shacl=False)
    profiler.disable()
    wall = now() - t0
    st = pstats.Stats(profiler)
    total = st.total_tt  # type: ignore[attr-defined]
    rows = []
    for (file, line, func), (cc, nc, tt, ct, _callers) in st.stats.items():  # type: ignore[attr-defined]
        short = file
        for marker in ("/kg/", "/site-packages/", "/lib/python3"):
            if marker in file:
                short = file[file.index(marker) + 1:]
                break
        rows.append({"func": f"{short}:{line}({func})", "ncalls": nc, "own": tt, "cum": ct})
    own = sorted(rows, key=lambda r: -r["own"])[:top]
    cum = sorted((r for r in rows if r["func"].startswith("kg/")), key=lambda r: -r["cum"])[:top]
    progress.emit(event="profile", wall=wall, total=total, timings=result.timings, own=own, cum=cum)
    dump = root / "output" / "build.prof"
    dump.parent.mkdir(exist_ok=True)
    profiler.dump_stats(str(dump))


def worker_main(a: argparse.Namespace) -> int:
    progress = Progress(Path(a.progress))
    if a.mem_gb:
        import resource

        limit = int(a.mem_gb * 2**30)
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    root = Path(a.root) if a.root else ROOT
    try:
        if a.worker == "build":
            worker_build(root, a.runs, a.budget, progress, a.gc_off)
        elif a.worker in ("pyshacl", "fast"):
            worker_validate(root, a.runs, a.budget, progress, a.worker)
        elif a.worker == "floor":
            worker_floor(Path(a.src), a.runs, a.budget, progress)
        elif a.worker == "profile":
            worker_profile(root, progress)
        progress.emit(event="done")
    except BaseException as exc:  # the orchestrator shows it
        import traceback

        progress.emit(event="error", error=f"{type(exc).__name__}: {exc}", trace=traceback.format_exc()[-2000:])
        return 1
    return 0


@dataclass
class WorkerResult:
    events: list[dict[str, Any]]
    status: str  # ok | timeout | failed
    seconds: float
    message: str = ""

    def of(self, kind: str) -> list[dict[str, Any]]:
        return [e for e in self.events if e.get("event") == kind]


def run_worker(cfg: Config, kind: str, timeout: float | None = None, **opts: Any) -> WorkerResult:
    progress = cfg.work / f"progress-{kind}-{os.getpid()}-{int(time.time() * 1000)}.jsonl"
    cmd = [str(python_for_kg()), str(Path(__file__).resolve()), "--worker", kind, "--progress", str(progress),
           "--mem-gb", str(cfg.mem_gb)]
    for key, value in opts.items():
        if value is True:
            cmd.append(f"--{key.replace('_', '-')}")
        elif value not in (None, False):
            cmd += [f"--{key.replace('_', '-')}", str(value)]
    proc = run_proc(cmd, timeout=timeout or cfg.timeout)
    events = []
    if progress.exists():
        for line in progress.read_text(encoding="utf-8").splitlines():
            try:
                events.append(json.loads(line))
            except ValueError:
                pass
        progress.unlink()
    errors = [e for e in events if e.get("event") == "error"]
    if proc.timed_out:
        return WorkerResult(events, "timeout", proc.seconds, f"killed after {proc.seconds:.0f} s (time limit)")
    if errors or proc.rc != 0:
        message = errors[0]["error"] if errors else tail(proc.stderr)
        return WorkerResult(events, "failed", proc.seconds, message)
    return WorkerResult(events, "ok", proc.seconds)


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


# =============================================================================================
# snapshot: other people edit kg/, facts/ and shapes/ while the bench runs. Every measurement uses
# the copy taken when the run starts: kg/ is put first on PYTHONPATH (ahead of the editable
# install) for every worker and every kg command; the data is the seed project copy.


def snapshot_code(cfg: Config) -> Path:
    code = cfg.work / "code"
    if code.exists():
        shutil.rmtree(code)
    shutil.copytree(ROOT / "kg", code / "kg", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (str(code), os.environ.get("PYTHONPATH")) if p)
    return code


def _digests(base: Path, patterns: tuple[str, ...]) -> dict[str, str]:
    out = {}
    for pattern in patterns:
        for path in sorted(base.glob(pattern)):
            if path.is_file() and "__pycache__" not in path.parts:
                out[str(path.relative_to(base))] = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    return out


CODE_PATTERNS = ("kg/*.py",)
DATA_PATTERNS = ("facts/**/*.yaml", "shapes/*.ttl", "ontology/*.ttl", "sources/sources.yaml", "reference/*.tsv")


def fingerprint(code: Path, project: Path) -> dict[str, Any]:
    files = _digests(code, CODE_PATTERNS) | _digests(project, DATA_PATTERNS)
    overall = hashlib.sha256(json.dumps(files, sort_keys=True).encode()).hexdigest()[:12]
    return {"id": overall, "files": files}


def changed_since(snapshot: dict[str, Any]) -> list[str]:
    """Files of the live tree that differ from the snapshot the run measured."""
    live = _digests(ROOT, CODE_PATTERNS + DATA_PATTERNS)
    then = snapshot.get("files", {})
    return sorted(
        [f"{name} (changed)" for name in live if name in then and live[name] != then[name]]
        + [f"{name} (added)" for name in live if name not in then]
        + [f"{name} (removed)" for name in then if name not in live]
    )


# =============================================================================================
# part A: the seed end to end against the floor


def copy_project(dest: Path) -> Path:
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    for name in SEED_DIRS:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, dest / name, ignore=shutil.ignore_patterns("__pycache__"))
    return dest


def time_command(cmd: list[str], runs: int, cfg: Config, env: dict[str, str] | None = None,
                 must_succeed: bool = True) -> dict[str, Any]:
    values: list[float] = []
    started = now()
    for _ in range(runs):
        proc = run_proc(cmd, env=env, timeout=cfg.timeout)
        if proc.timed_out:
            return stats(values, runs, "timeout", f"killed after {proc.seconds:.0f} s")
        if must_succeed and proc.rc != 0:
            return stats(values, runs, "failed", f"exit {proc.rc}: {tail(proc.stderr or proc.stdout)}")
        values.append(proc.seconds)
        if len(values) < runs and (now() - started) + proc.seconds > cfg.budget:
            return stats(values, runs, "budget", f"{len(values)} of {runs} runs fit the {cfg.budget:.0f} s budget")
    return stats(values, runs)


def part_seed(cfg: Config) -> dict[str, Any]:
    runs = cfg.runs_for(1)
    project = cfg.work / "seed"
    env = dict(os.environ, KG_ROOT=str(project))
    env.pop("KG_BASE_IRI", None)
    kg = kg_command()
    py = str(python_for_kg())
    out: dict[str, Any] = {"runs_wanted": runs, "root": str(project)}

    log(f"seed: python startup, kg --version ({runs} runs)")
    out["python_startup"] = time_command([py, "-c", "pass"], runs, cfg, env)
    out["kg_version"] = time_command([*kg, "--version"], runs, cfg, env)

    log(f"seed: kg build -q --no-shacl ({runs} runs)")
    out["kg_build_no_shacl"] = time_command([*kg, "build", "-q", "--no-shacl"], runs, cfg, env)
    if cfg.pyshacl:
        log(f"seed: kg build -q ({runs} runs, budget {cfg.budget:.0f} s, time limit {cfg.timeout:.0f} s)")
        out["kg_build"] = time_command([*kg, "build", "-q"], runs, cfg, env)
    else:
        out["kg_build"] = stats([], runs, "skipped", "not run (pyshacl off: --quick or --no-pyshacl)")
    for key in ("kg_build_no_shacl", "kg_build"):
        log(f"  {key}: median {fmt_s(med(out[key]))} ({out[key]['status']} {out[key]['note']})")

    nq = project / "output" / "vyzov.nq"
    if not nq.exists():
        out["floor_inprocess"] = stats([], runs, "failed", "no output/vyzov.nq: kg build failed")
        out["floor_subprocess"] = out["floor_inprocess"]
        return out

    log(f"seed: floor in-process and as a subprocess ({runs} runs)")
    w = run_worker(cfg, "floor", src=nq, runs=runs, budget=cfg.budget)
    runs_ev = w.of("run")
    out["floor_inprocess"] = stats([e["total"] for e in runs_ev], runs, w.status if w.status != "ok" else "ok", w.message)
    out["floor_parts"] = {k: statistics.median(e[k] for e in runs_ev) for k in ("parse", "turtle", "nquads")} if runs_ev else {}
    out["floor_quads"] = runs_ev[0]["quads"] if runs_ev else None
    from kg.project import Settings  # only for the prefixes (kg is importable: same venv or ROOT on the path)

    code = FLOOR_CODE.replace("PREFIXES", repr(Settings(root=ROOT).prefixes()))
    floor_dir = cfg.work / "floor"
    floor_dir.mkdir(parents=True, exist_ok=True)
    out["floor_subprocess"] = time_command(
        [py, "-c", code, str(nq), str(floor_dir / "floor.ttl"), str(floor_dir / "floor.nq")], runs, cfg, env
    )

    log(f"seed: build() in-process stages ({runs} runs)")
    out["inprocess"] = scale_build(cfg, project, runs)
    return out


# =============================================================================================
# part B: synthetic corpora


def summarise_build(w: WorkerResult, runs: int) -> dict[str, Any]:
    """Medians per stage from the completed runs; for a killed run, the steps it finished."""
    entry: dict[str, Any] = {"status": w.status, "message": w.message, "wanted": runs, "seconds": w.seconds}
    done = w.of("run")
    entry["n"] = len(done)
    if w.of("budget"):
        entry["message"] = (entry["message"] + "; " if entry["message"] else "") + \
            f"{len(done)} of {runs} runs fit the time budget"
    stages: dict[str, dict[str, Any]] = {}
    if done:
        names = list(dict.fromkeys(k for e in done for k in e["timings"]))
        for name in names:
            stages[name] = stats([e["timings"][name] for e in done if name in e["timings"]], runs)
        stages["total"] = stats([sum(e["timings"].values()) for e in done], runs)
        entry["rss_mb"] = max(e.get("rss_mb", 0) for e in done)
    steps = w.of("step")
    last_run = done[-1]["run"] if done else max((e["run"] for e in steps), default=None)
    breakdown: dict[str, float] = {}
    for e in steps:
        if e["run"] == last_run:
            breakdown[e["name"]] = breakdown.get(e["name"], 0.0) + e["secs"]
    entry["steps"] = breakdown
    entry["steps_complete"] = bool(done)
    graphs = [e for e in w.of("graph") if e["run"] == last_run]
    if graphs:
        entry["graph"] = graphs[-1]
    if not done and steps:
        # a killed first run: what it finished, by stage
        entry["rss_mb"] = max(e.get("rss_mb", 0) for e in steps)
        partial: dict[str, float] = {}
        for e in steps:
            if e["name"] == "read: load_inputs":
                partial["read"] = e["secs"]
            elif e["name"].startswith("map: "):
                partial["map"] = partial.get("map", 0.0) + e["secs"]
        entry["partial"] = partial
    counts = w.of("counts")
    entry["counts"] = counts[0] if counts else {}
    entry["stages"] = stages
    return entry


def scale_build(cfg: Config, root: Path, runs: int, gc_off: bool = False) -> dict[str, Any]:
    w = run_worker(cfg, "build", root=root, runs=runs, budget=cfg.budget, gc_off=gc_off)
    return summarise_build(w, runs)


def scale_validate(cfg: Config, root: Path, runs: int, engine: str, limit: float | None = None) -> dict[str, Any]:
    w = run_worker(cfg, engine, timeout=limit, root=root, runs=runs, budget=cfg.budget)
    done = w.of("run")
    message = w.message
    if w.of("budget"):
        message = (message + "; " if message else "") + f"{len(done)} of {runs} runs fit the time budget"
    if w.status == "timeout" and not done:
        prepared = w.of("prepared")
        spent = w.seconds - (prepared[0]["secs"] if prepared else 0)
        message = f"not finished: killed after {spent:.0f} s of validation (time limit {limit or cfg.timeout:.0f} s)"
        entry = stats([], runs, "timeout", message)
        entry["lower_bound"] = spent
    else:
        entry = stats([e["secs"] for e in done], runs, w.status, message)
    entry["report"] = done[-1]["report"] if done else {}
    checks = w.of("checks")
    if checks and checks[0].get("top"):
        entry["checks"] = checks[0]
    entry["triples"] = (w.of("prepared") or [{}])[0].get("triples")
    return entry


def _linear_estimate(out: dict[int, Any], engine: str, factor: int) -> tuple[float, str, int] | None:
    """The largest smaller size's time (or lower bound) scaled linearly: a lower bound here."""
    for smaller in sorted((f for f in out if isinstance(f, int) and f < factor), reverse=True):
        e = out[smaller].get(engine) or {}
        known = med(e) or e.get("lower_bound")
        if known:
            what = f"{'>' if not med(e) else ''}{fmt_s(known)} at {smaller}x"
            return known * factor / smaller, what, smaller
    return None


ONE_FACT = """claims:
  - subject: film/vyzov{sfx}
    property: schema:producer
    value: org/roscosmos{sfx}
    refs:
      - {{source: 004_ba6c03b084f54831{sfx}, quote: "The film is directed by Russian filmmaker"}}
"""


def check_one_fact(cfg: Config, root: Path, factor: int, runs: int) -> dict[str, Any]:
    """`kg load` once, then `kg validate` of one new fact (a claim no copy holds) against the
    store, beside `python -c 'import kg'` and `kg --help`: what start-up costs and what the
    check itself adds on top of it."""
    from synth import suffix

    env = dict(os.environ, KG_ROOT=str(root))
    env.pop("KG_STORE", None)
    env.pop("KG_BASE_IRI", None)
    kg, py = kg_command(), str(python_for_kg())
    fact = cfg.work / f"one-fact-{factor}x.yaml"
    fact.write_text(ONE_FACT.format(sfx="" if factor == 1 else suffix(factor // 2)), encoding="utf-8")
    out: dict[str, Any] = {"factor": factor}
    out["load"] = time_command([*kg, "load", "-q"], 1, cfg, env)
    out["import_kg"] = time_command([py, "-c", "import kg"], runs, cfg, env)
    out["help"] = time_command([*kg, "--help"], runs, cfg, env)
    out["validate"] = time_command([*kg, "validate", str(fact)], runs, cfg, env)
    return out


def part_scale(cfg: Config, results: dict[str, Any]) -> dict[str, Any]:
    from synth import make_corpus

    out: dict[str, Any] = {}
    seed_project = cfg.work / "seed"
    fast = (cfg.work / "code" / "kg" / "shacl_sparql.py").exists()
    sizes = [1, *cfg.sizes]
    for factor in sizes:
        runs = cfg.runs_for(factor)
        entry: dict[str, Any] = {"factor": factor, "runs_wanted": runs}
        if factor == 1:
            root = seed_project
            seed_inproc = results.get("seed", {}).get("inprocess")
            if seed_inproc and seed_inproc.get("n") and results.get("seed", {}).get("root") == str(seed_project):
                entry["build"] = seed_inproc
            else:
                log(f"1x: build() stages ({runs} runs)")
                entry["build"] = scale_build(cfg, root, runs)
        else:
            root = cfg.work / f"x{factor}"
            log(f"{factor}x: generating the corpus")
            t0 = now()
            make_corpus(seed_project, root, factor)
            entry["generate_s"] = now() - t0
            entry["corpus_mb"] = round(sum(p.stat().st_size for p in root.rglob("*") if p.is_file()) / 2**20, 1)
            log(f"{factor}x: generated in {fmt_s(entry['generate_s'])} ({entry['corpus_mb']} MB); "
                f"build() stages ({runs} runs, time limit {cfg.timeout:.0f} s)")
            entry["build"] = scale_build(cfg, root, runs)
        b = entry["build"]
        log(f"{factor}x: build {b['status']} {b.get('message', '')}: "
            + ", ".join(f"{k} {fmt_s(med(v))}" for k, v in b["stages"].items())
            + f"; {fmt_int(b['counts'].get('triples'))} triples")

        # the floor on this size's own output
        nq = root / "output" / "vyzov.nq"
        if factor != 1 and b["status"] == "ok" and nq.exists():
            w = run_worker(cfg, "floor", src=nq, runs=runs, budget=cfg.budget)
            done = w.of("run")
            entry["floor"] = stats([e["total"] for e in done], runs, w.status, w.message)
        elif factor == 1 and "seed" in results:
            entry["floor"] = results["seed"].get("floor_inprocess")

        if b["status"] == "ok" and (root / "output" / "vyzov.ttl").exists():
            check_runs = max(runs, 5)
            log(f"{factor}x: kg load, then kg validate of one new fact ({check_runs} runs)")
            entry["check"] = check_one_fact(cfg, root, factor, check_runs)
            c = entry["check"]
            log(f"{factor}x: load {fmt_s(med(c['load']))}, validate {fmt_s(med(c['validate']))} "
                f"({c['validate']['status']} {c['validate'].get('note', '')}), import kg {fmt_s(med(c['import_kg']))}")

        # validation: each engine once per size, unless it cannot fit (then say why)
        for engine, wanted in (("pyshacl", cfg.pyshacl), ("fast", fast)):
            if not wanted:
                continue
            label = "pyshacl" if engine == "pyshacl" else "fast engine"
            skip = None
            if engine == "pyshacl" and factor > PYSHACL_MAX_FACTOR:
                skip = f"not run above {PYSHACL_MAX_FACTOR}x (brief)"
            elif b["status"] != "ok":
                skip = "not run: build() itself does not finish within the time limit at this size"
            estimate = _linear_estimate(out, engine, factor)
            if not skip and estimate and estimate[0] > cfg.timeout:
                skip = (f"not run: {estimate[1]} x {factor // estimate[2]} = {fmt_s(estimate[0])} "
                        f"even if it grew only linearly, over the {cfg.timeout:.0f} s limit")
            if skip:
                entry[engine] = stats([], runs, "skipped", skip)
            else:
                # Give it 5x what linear growth predicts (plus the build it needs first): a kill then
                # still proves the growth is at least ~n^1.7 per 10x step, without waiting the full limit.
                prep = (med(b["stages"].get("total")) or 0) * 2 + 30
                limit = min(cfg.timeout, prep + max(60.0, 5 * estimate[0])) if estimate else cfg.timeout
                log(f"{factor}x: {label} validate ({runs} run(s), budget {cfg.budget:.0f} s, "
                    f"time limit {limit:.0f} s)")
                entry[engine] = scale_validate(cfg, root, runs, engine, limit)
                if estimate:
                    entry[engine]["linear_estimate"] = estimate[0]
            log(f"{factor}x: {label} {entry[engine]['status']} {fmt_s(med(entry[engine]))} {entry[engine].get('note', '')}")
        out[factor] = entry

    if cfg.profile:
        target = max((f for f in sizes if f <= 100 and out[f]["build"]["status"] == "ok"), default=None)
        if target:
            log(f"profile: cProfile of one build() at {target}x")
            root = seed_project if target == 1 else cfg.work / f"x{target}"
            w = run_worker(cfg, "profile", root=root)
            prof = w.of("profile")
            out["profile"] = {"factor": target, "status": w.status, "message": w.message, **(prof[0] if prof else {})}
            log(f"  profiled: {w.status}")
            log(f"{target}x: build() with the garbage collector off (diagnostic, 1 run)")
            out["gc_off"] = {"factor": target, "build": scale_build(cfg, root, 1, gc_off=True)}
    return out


# =============================================================================================
# part E: publishing to an Oxigraph server (bench/publish.py, its own process)


def part_publish(cfg: Config) -> dict[str, Any]:
    """kg publish against a bare HTTP PUT of the same files, seed and the largest size, each on
    a fresh Oxigraph server; bench/publish.py runs in its own process (it starts servers)."""
    scale = max(cfg.sizes)
    runs = f"{cfg.runs_for(1)},1"
    table = cfg.work / "publish.md"
    table.unlink(missing_ok=True)
    log(f"publish: seed and {scale}x into Oxigraph server, kg publish vs bare PUT (runs {runs})")
    cmd = [str(python_for_kg()), str(HERE / "publish.py"), "--scale", str(scale), "--runs", runs,
           "--work", str(cfg.work / "publish"), "--out", str(table)]
    proc = run_proc(cmd, timeout=max(cfg.timeout, 3 * 3600))
    status = "ok" if proc.rc == 0 and table.exists() else ("timeout" if proc.timed_out else "failed")
    log(f"publish: {status} in {fmt_s(proc.seconds)}")
    return {"status": status, "scale": scale, "seconds": proc.seconds,
            "table": table.read_text(encoding="utf-8") if table.exists() else "",
            "note": "" if status == "ok" else tail(proc.stderr or proc.stdout)}


# =============================================================================================
# report


def _per_1k(seconds: float | None, triples: int | None) -> str:
    if seconds is None or not triples:
        return "—"
    return f"{seconds / (triples / 1000) * 1000:.1f} ms"


def _cell(entry: dict[str, Any] | None) -> str:
    """median (min–max, n/wanted) or the reason it is missing."""
    if not entry:
        return "—"
    if entry.get("median") is None:
        return f"not measured: {entry.get('note') or entry.get('status')}"
    mark = " ⚠" if entry.get("status") not in ("ok", None) else ""
    if entry["n"] == 1:
        return f"**{fmt_s(entry['median'])}** (1 run{'' if entry['wanted'] == 1 else ' of ' + str(entry['wanted'])}){mark}"
    n = f"n={entry['n']}" + ("" if entry["n"] == entry["wanted"] else f" of {entry['wanted']}")
    return f"**{fmt_s(entry['median'])}** ({fmt_s(entry['min'])}–{fmt_s(entry['max'])}, {n}){mark}"


def _snapshot_note(results: dict[str, Any]) -> str:
    parts = {k: (results.get(k) or {}).get("snapshot") for k in ("seed", "scale") if results.get(k)}
    notes = []
    if len(set(parts.values())) > 1:
        notes.append("; parts measured different snapshots: " + ", ".join(f"{k} `{v}`" for k, v in parts.items()))
    changed = results.get("changed_during_run") or []
    if changed:
        shown = ", ".join(changed[:12]) + (f" and {len(changed) - 12} more" if len(changed) > 12 else "")
        notes.append(f"; changed in the live tree during the run (not measured here): {shown}")
    return "".join(notes)


def _ratio(a: float | None, b: float | None) -> str:
    return fmt_ratio(a / b) if a and b else "—"


def _exponent(t1: float | None, t2: float | None, n1: int | None, n2: int | None) -> str:
    if not (t1 and t2 and n1 and n2) or n1 == n2:
        return "—"
    return f"{math.log(t2 / t1) / math.log(n2 / n1):.2f}"


def render_markdown(results: dict[str, Any]) -> str:
    meta = results.get("meta", {})
    v = meta.get("versions", {})
    lines = [
        "# kg build benchmark",
        "",
        f"Produced by `bench/run.py` on {meta.get('date', '?')}"
        + (" (**--quick** smoke run: not comparable)" if results.get("quick") else "")
        + ". How to run it and what each number means: [README.md](README.md).",
        "",
        "## Machine",
        "",
        "| | |",
        "|---|---|",
        f"| CPUs (nproc / usable) | {meta.get('nproc')} / {meta.get('usable_cpus')} |",
        f"| CPU | {meta.get('cpu', '?')} |",
        f"| memory | {meta.get('memory_gb', '?')} GB |",
        f"| Python | {meta.get('implementation', '')} {meta.get('python', '?')} ({meta.get('platform', '')}) |",
        "| libraries | " + ", ".join(f"{n} {v.get(n) or 'missing'}" for n in LIBRARIES) + f", libyaml {'yes' if v.get('libyaml') else 'no'} |",
        f"| load average (1 min) at start / end | {meta.get('load_start', 0):.2f} / {meta.get('load_end', 0) or 0:.2f} "
        "(other work on the machine inflates every figure; ratios hold better) |",
        f"| fast SHACL engine (kg/shacl_sparql.py) | {'present' if meta.get('fast_engine') else 'absent at run time: not measured'} |",
        f"| total bench time | {fmt_s(results.get('elapsed'))} |",
        f"| measured snapshot (kg/*.py + facts, shapes, ontology, sources, reference) | `{(results.get('snapshot') or {}).get('id', '?')}`"
        + _snapshot_note(results) + " |",
        "",
        "Times are wall-clock medians (min–max over n runs). ⚠ marks a row that did not run all its runs "
        "(time budget or limit), see its note.",
        "",
    ]

    seed = results.get("seed")
    if seed:
        floor_sub = med(seed.get("floor_subprocess"))
        floor_in = med(seed.get("floor_inprocess"))
        inproc = seed.get("inprocess", {})
        counts = inproc.get("counts", {})
        lines += [
            "## A. Seed: `kg build` end to end against the pyoxigraph floor",
            "",
            f"Seed project (a copy of sources/, facts/, ontology/, shapes/, reference/ at run time): "
            f"{fmt_int(counts.get('sources'))} sources, {fmt_int(counts.get('entities'))} entities, "
            f"{fmt_int(counts.get('claims'))} claims, {fmt_int(counts.get('statements'))} statements, "
            f"**{fmt_int(counts.get('triples'))} triples** ({fmt_int(counts.get('quads'))} quads in vyzov.nq).",
            "",
            "Subprocesses (whole command, interpreter start included):",
            "",
            "| command | time | vs floor (subprocess) |",
            "|---|---|---|",
            f"| `python -c pass` (interpreter start) | {_cell(seed.get('python_startup'))} | |",
            f"| `kg --version` (start + import click, kg) | {_cell(seed.get('kg_version'))} | |",
            f"| **floor**: `python -c \"import pyoxigraph; parse vyzov.nq; write .ttl + .nq\"` | {_cell(seed.get('floor_subprocess'))} | 1x |",
            f"| `kg build -q --no-shacl` | {_cell(seed.get('kg_build_no_shacl'))} | {_ratio(med(seed.get('kg_build_no_shacl')), floor_sub)} |",
            f"| `kg build -q` (with pyshacl, as published) | {_cell(seed.get('kg_build'))} | {_ratio(med(seed.get('kg_build')), floor_sub)} |",
            "",
            "In-process (only the work itself; no interpreter start, no imports):",
            "",
            "| measurement | time | vs floor (in-process) |",
            "|---|---|---|",
            f"| **floor**: parse vyzov.nq + serialise Turtle + N-Quads (pyoxigraph) | {_cell(seed.get('floor_inprocess'))} | 1x |",
        ]
        parts = seed.get("floor_parts") or {}
        if parts:
            lines.append(f"| … of which parse / Turtle / N-Quads | {fmt_s(parts.get('parse'))} / {fmt_s(parts.get('turtle'))} / {fmt_s(parts.get('nquads'))} | |")
        for name, entry in inproc.get("stages", {}).items():
            label = "**build() total without SHACL**" if name == "total" else f"build() stage `{name}`"
            ratio = fmt_ratio(med(entry) / floor_in) if floor_in and med(entry) else "—"
            lines.append(f"| {label} | {_cell(entry)} | {ratio} |")
        lines.append("")
        for key in ("kg_build", "kg_build_no_shacl", "floor_subprocess", "floor_inprocess"):
            entry = seed.get(key) or {}
            if entry.get("note"):
                lines.append(f"- `{key}`: {entry['status']}: {entry['note']}")
        lines.append("")

    scale = results.get("scale")
    if scale:
        sizes = sorted(int(k) for k in scale if str(k).isdigit())
        rows = {f: scale[str(f)] if str(f) in scale else scale[f] for f in sizes}
        stage_names: list[str] = []
        for f in sizes:
            for name in rows[f]["build"].get("stages", {}):
                if name != "total" and name not in stage_names:
                    stage_names.append(name)
        for name in ("read", "map", "serialise"):
            if name not in stage_names:
                stage_names.append(name)
        lines += [
            "## B. Synthetic corpora: build() stages in-process, SHACL off",
            "",
            "`bench/synth.py` repeats the seed (1x = the seed itself). `build(settings, run_shacl=False)` "
            "in a fresh worker process per size; its own stage timings.",
            "",
            "| size | sources | entities | claims | statements | triples | generate | "
            + " | ".join(stage_names) + " | build total | per 1k triples | floor on this output | build / floor | peak RSS |",
            "|---|" + "---:|" * (6 + len(stage_names) + 5),
        ]
        for f in sizes:
            e = rows[f]
            b = e["build"]
            c = b.get("counts", {})
            st = b.get("stages", {})
            partial = b.get("partial", {})
            cells = []
            for name in stage_names:
                if name in st:
                    cells.append(_cell(st[name]))
                elif name in partial:
                    cells.append(f"{fmt_s(partial[name])} (1 partial run)")
                else:
                    cells.append("**not finished**" if b["status"] != "ok" else "—")
            total = med(st.get("total"))
            triples = c.get("triples") or b.get("graph", {}).get("triples_upper")
            floor = med(e.get("floor"))
            lines.append(
                f"| {f}x | {fmt_int(c.get('sources'))} | {fmt_int(c.get('entities'))} | {fmt_int(c.get('claims'))} | "
                f"{fmt_int(c.get('statements') or b.get('graph', {}).get('statements'))} | "
                f"{fmt_int(c.get('triples')) if c.get('triples') else '≈ ' + fmt_int(triples) if triples else '—'} | {fmt_s(e.get('generate_s')) if f != 1 else '—'} | "
                + " | ".join(cells)
                + f" | {_cell(st.get('total')) if total else '**not finished**: ' + (b.get('message') or b['status'])} | "
                f"{_per_1k(total, triples)} | {fmt_s(floor)} | {fmt_ratio(total / floor) if total and floor else '—'} | "
                + (f"{b.get('rss_mb', 0) / 1024:.1f} GB" if b.get('rss_mb', 0) >= 1024 else f"{b.get('rss_mb', 0):.0f} MB") + " |"
            )
        lines.append("")
        finished = [f for f in sizes if med(rows[f]["build"].get("stages", {}).get("total"))]
        for f in sizes:
            b = rows[f]["build"]
            if b.get("status") != "ok" or b.get("message"):
                lines.append(f"- {f}x build: {b['status']}: {b.get('message')}")
            if b.get("status") != "ok" and not med(b.get("stages", {}).get("total")) and finished:
                last = finished[-1]
                t_last = med(rows[last]["build"]["stages"]["total"])
                k = 1.0
                if len(finished) >= 2:
                    a_, b_ = finished[-2], finished[-1]
                    ta = med(rows[a_]["build"]["stages"]["total"])
                    na, nb = (rows[x]["build"]["counts"].get("triples") for x in (a_, b_))
                    if ta and na and nb and nb != na:
                        k = max(1.0, math.log(t_last / ta) / math.log(nb / na))
                estimate = t_last * (f / last) ** k
                lines.append(
                    f"- {f}x build total, **estimated** (not measured): {fmt_s(estimate)} = {last}x's "
                    f"{fmt_s(t_last)} x {f // last}^{k:.2f} (k from the last two finished sizes, at least 1)."
                )
        lines.append("")

        # growth
        lines += [
            "### How time grows",
            "",
            "Time per 1,000 triples, and the growth exponent k in t ∝ n^k between consecutive sizes "
            "(1.0 = linear, 2.0 = quadratic).",
            "",
            "| stage | " + " | ".join(f"{f}x per 1k" for f in sizes) + " | "
            + " | ".join(f"k {a}x→{b}x" for a, b in zip(sizes, sizes[1:])) + " |",
            "|---|" + "---:|" * (len(sizes) + len(sizes) - 1),
        ]

        def trip(f: int) -> int | None:
            b = rows[f]["build"]
            return b.get("counts", {}).get("triples") or b.get("graph", {}).get("triples_upper")

        def series(get: Any) -> list[float | None]:
            return [get(rows[f]) for f in sizes]

        growth_rows: list[tuple[str, list[float | None]]] = []
        for name in [*stage_names, "total"]:
            growth_rows.append((f"build `{name}`", series(lambda e, n=name: med(e["build"].get("stages", {}).get(n)))))
        growth_rows.append(("floor (pyoxigraph)", series(lambda e: med(e.get("floor")))))
        bounds: dict[str, list[bool]] = {}
        for engine, label in (("pyshacl", "pyshacl validate"), ("fast", "fast engine validate")):
            if any(rows[f].get(engine) for f in sizes):
                growth_rows.append((label, series(lambda e, g=engine: med(e.get(g)) or (e.get(g) or {}).get("lower_bound"))))
                bounds[label] = [not med(rows[f].get(engine)) and bool((rows[f].get(engine) or {}).get("lower_bound")) for f in sizes]
        for label, values in growth_rows:
            if not any(values):
                continue
            lower = bounds.get(label, [False] * len(sizes))
            per = [("> " if lb and t else "") + _per_1k(t, trip(f)) for t, f, lb in zip(values, sizes, lower)]
            ks = []
            for i in range(len(sizes) - 1):
                k = "—" if lower[i] else _exponent(values[i], values[i + 1], trip(sizes[i]), trip(sizes[i + 1]))
                ks.append(("≥ " + k) if lower[i + 1] and k != "—" else k)
            lines.append(f"| {label} | " + " | ".join(per) + " | " + " | ".join(ks) + " |")
        lines.append("(> = lower bound: that run was killed at its time limit; ≥ k: growth at least this fast.)")
        lines.append("")

        # serialise breakdown
        lines += [
            "### Where the time goes inside build() (instrumented calls, last run)",
            "",
            "Each function build() calls, timed by a wrapper in the worker (a call inside another is "
            "counted in both; a function called twice is summed).",
            "",
        ]
        step_names: list[str] = []
        for f in sizes:
            for name in rows[f]["build"].get("steps", {}):
                if name not in step_names:
                    step_names.append(name)
        lines += ["| call | " + " | ".join(f"{f}x" for f in sizes) + " |", "|---|" + "---:|" * len(sizes)]
        for name in step_names:
            cells = []
            for f in sizes:
                b = rows[f]["build"]
                value = b.get("steps", {}).get(name)
                if value is None:
                    cells.append("not reached" if b["status"] != "ok" else "—")
                else:
                    cells.append(fmt_s(value) + ("" if b.get("steps_complete", True) else " (partial run)"))
            lines.append(f"| {name} | " + " | ".join(cells) + " |")
        lines.append("")

        # validation
        lines += [
            "## C. Validation, measured separately",
            "",
            f"pyshacl = `kg.validation.validate` (what `kg build` runs): never above {PYSHACL_MAX_FACTOR}x. "
            "Fast engine = `kg.shacl_sparql.validate_fast`, when that module exists at run time. Neither is "
            "started where a smaller size's time scaled linearly (a lower bound) exceeds the time limit; a run "
            "gets at most 5x that linear estimate, so \"> t (killed)\" means it grew faster than ~n^1.7. "
            "Input: the sorted triples of build() plus the ontology's vocabulary layer (preparing it is not timed).",
            "",
            "| size | triples | pyshacl | pyshacl per 1k triples | pyshacl result | fast engine | fast per 1k triples | fast result |",
            "|---|---:|---|---:|---|---|---:|---|",
        ]
        def vcell(entry: dict[str, Any] | None, missing: str) -> str:
            if not entry:
                return missing
            if entry.get("lower_bound"):
                linear = f"; linear growth would give {fmt_s(entry['linear_estimate'])}" if entry.get("linear_estimate") else ""
                return f"> {fmt_s(entry['lower_bound'])} (killed at its time limit{linear})"
            return _cell(entry)

        for f in sizes:
            e = rows[f]
            ps, fa = e.get("pyshacl"), e.get("fast")
            t = trip(f)
            ps_cell = vcell(ps, "not run (--no-pyshacl)")
            fa_cell = vcell(fa, "absent at run time" if not meta.get("fast_engine") else "—")
            lines.append(
                f"| {f}x | {fmt_int(t)} | {ps_cell} | {_per_1k(med(ps), t)} | {json.dumps((ps or {}).get('report') or '') if ps and ps.get('report') else '—'} | "
                f"{fa_cell} | {_per_1k(med(fa), t)} | {json.dumps(fa.get('report')) if fa and fa.get('report') else '—'} |"
            )
        lines.append("")

        check_rows = [(f, rows[f]["fast"]["checks"]) for f in sizes if (rows[f].get("fast") or {}).get("checks")]
        if check_rows:
            lines += [
                "Fast engine, its slowest compiled queries (each run alone once after the timed runs; "
                "share of all its queries' time):",
                "",
                "| size | all queries | slowest | share | next | share |",
                "|---|---:|---|---:|---|---:|",
            ]
            for f, c in check_rows:
                top = c["top"] + [{"check": "—", "secs": 0}] * 2
                lines.append(
                    f"| {f}x | {fmt_s(c['total'])} ({c['count']}) | `{top[0]['check'].rsplit('/', 1)[-1]}` {fmt_s(top[0]['secs'])} | "
                    f"{100 * top[0]['secs'] / c['total']:.0f}% | `{top[1]['check'].rsplit('/', 1)[-1]}` {fmt_s(top[1]['secs'])} | "
                    f"{100 * top[1]['secs'] / c['total']:.0f}% |"
                )
            lines.append("")

        prof = scale.get("profile")
        if prof and prof.get("own"):
            total = prof.get("total") or 1
            lines += [
                f"## D. Hotspots: cProfile of one build() at {prof['factor']}x (SHACL off)",
                "",
                f"Profiled run {fmt_s(prof.get('wall'))} (profiling slows Python code ~1.5–2x); percentages "
                f"of the profiled total {fmt_s(total)}. Own time = in the function itself; the garbage "
                "collector's time lands on whichever function allocates when it runs.",
                "",
                "| own time | % | calls | function |",
                "|---:|---:|---:|---|",
            ]
            for r in prof["own"][:20]:
                lines.append(f"| {fmt_s(r['own'])} | {100 * r['own'] / total:.1f}% | {fmt_int(r['ncalls'])} | `{r['func']}` |")
            lines += ["", "Cumulative time of kg functions:", "", "| cumulative | % | calls | function |", "|---:|---:|---:|---|"]
            for r in prof["cum"][:20]:
                lines.append(f"| {fmt_s(r['cum'])} | {100 * r['cum'] / total:.1f}% | {fmt_int(r['ncalls'])} | `{r['func']}` |")
            lines.append("")
            gco = scale.get("gc_off")
            if gco and gco["build"].get("stages"):
                ref = rows.get(gco["factor"], {}).get("build", {}).get("stages", {})
                lines += [
                    f"Diagnostic: the same build() at {gco['factor']}x with Python's garbage collector disabled "
                    "(not a kg setting; shows the collector's share — pyoxigraph terms are GC-tracked objects):",
                    "",
                    "| stage | GC on (table B) | GC off |",
                    "|---|---:|---:|",
                ]
                for name, entry in gco["build"]["stages"].items():
                    lines.append(f"| {name} | {fmt_s(med(ref.get(name)))} | {fmt_s(med(entry))} |")
                lines.append("")
    if scale:
        checks = {int(k): v["check"] for k, v in scale.items() if str(k).isdigit() and v.get("check")}
        if checks:
            lines += [
                "## D. Checking one new fact: `kg validate` against the loaded store",
                "",
                "`kg load` once (bulk load of output/vyzov.ttl + ontology into output/store), then "
                "`kg validate` of one new claim (a producer of the film, quoted; no copy holds it), "
                "whole commands. *Beyond start-up* is validate minus `python -c 'import kg'`; the "
                "target is under 1 s at 1000x.",
                "",
                "| size | triples | `kg load` | `python -c 'import kg'` | `kg --help` | `kg validate` one fact "
                "| beyond start-up | validate / import |",
                "|---|---:|---:|---:|---:|---:|---:|---:|",
            ]
            for factor, c in sorted(checks.items()):
                triples = (scale.get(factor) or scale.get(str(factor)) or {}).get("build", {}).get("counts", {}).get("triples")
                validate_s, import_s = med(c.get("validate")), med(c.get("import_kg"))
                beyond = fmt_s(validate_s - import_s) if validate_s and import_s else "—"
                lines.append(
                    f"| {'seed' if factor == 1 else f'{factor}x'} | {fmt_int(triples)} | {_cell(c.get('load'))} "
                    f"| {_cell(c.get('import_kg'))} | {_cell(c.get('help'))} | {_cell(c.get('validate'))} "
                    f"| {beyond} | {_ratio(validate_s, import_s)} |"
                )
            lines.append("")
    pub = results.get("publish")
    if pub:
        lines += [
            f"## E. `kg publish` into an Oxigraph server, seed and {pub.get('scale')}x",
            "",
            "bench/publish.py: each run on a fresh `oxigraph serve` (new database, free loopback port). "
            "kg publish = count the files, upload into a staging graph, count it, COPY onto the target, "
            "drop the staging graph; the floor = a bare `requests.put` of the same files into the target. "
            "Its own notes: bench/publish-results.md.",
            "",
        ]
        lines += [pub["table"].rstrip(), ""] if pub.get("table") else [f"not measured: {pub.get('status')}: {pub.get('note')}", ""]
    for note in results.get("notes", []):
        lines.append(f"- {note}")
    return "\n".join(lines).rstrip() + "\n"


# =============================================================================================
# main


def take_lock(work: Path) -> Path:
    """One run per work folder: a second one would overwrite the snapshot the first is measuring."""
    lock = work / ".lock"
    for _ in range(2):
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            try:
                pid = int(lock.read_text().strip() or 0)
            except (OSError, ValueError):
                pid = 0
            alive = False
            if pid:
                try:
                    os.kill(pid, 0)
                    alive = True
                except ProcessLookupError:
                    pass
                except PermissionError:
                    alive = True
            if alive:
                raise SystemExit(f"another bench run (pid {pid}) is using {work}; wait, or give --work DIR")
            lock.unlink(missing_ok=True)  # left by a run that died
            continue
        os.write(fd, str(os.getpid()).encode())
        os.close(fd)
        return lock
    raise SystemExit(f"cannot take {lock}")


def load_saved(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def main(argv: list[str]) -> int:
    if "--worker" in argv:
        wp = argparse.ArgumentParser()
        wp.add_argument("--worker", required=True)
        wp.add_argument("--progress", required=True)
        wp.add_argument("--root")
        wp.add_argument("--src")
        wp.add_argument("--runs", type=int, default=1)
        wp.add_argument("--budget", type=float, default=1e9)
        wp.add_argument("--gc-off", action="store_true")
        wp.add_argument("--mem-gb", type=float, default=0)
        return worker_main(wp.parse_args(argv))

    cfg = parse_config(argv)
    cfg.work.mkdir(parents=True, exist_ok=True)
    lock = take_lock(cfg.work)
    try:
        return run_all(cfg)
    finally:
        lock.unlink(missing_ok=True)


def run_all(cfg: Config) -> int:
    saved_path = cfg.work / ("results-quick.json" if cfg.quick else "results.json")
    results = load_saved(saved_path) if cfg.only != "all" else {}
    started = now()
    if cfg.only != "report":
        code = snapshot_code(cfg)
        copy_project(cfg.work / "seed")
        results["meta"] = machine_info()
        results["meta"]["fast_engine"] = (code / "kg" / "shacl_sparql.py").exists()
        snap = fingerprint(code, cfg.work / "seed")
        results["quick"] = cfg.quick
        log(f"kg bench: {results['meta']['nproc']} CPUs, Python {results['meta']['python']}, "
            f"runs {cfg.runs}, sizes {list(cfg.sizes)}, limit {cfg.timeout:.0f} s/worker, budget {cfg.budget:.0f} s/row")
    if cfg.only in ("all", "seed"):
        results["seed"] = part_seed(cfg)
        results["seed"]["snapshot"] = snap["id"]
        saved_path.write_text(json.dumps(results, indent=1, default=str), encoding="utf-8")
    if cfg.only in ("all", "scale"):
        scale = part_scale(cfg, results)
        results["scale"] = {str(k): v for k, v in scale.items()}
        results["scale"]["snapshot"] = snap["id"]
    if cfg.only in ("all", "publish"):
        results["publish"] = part_publish(cfg)
    if cfg.only != "report":
        results["snapshot"] = snap
        results["changed_during_run"] = changed_since(snap)
        results["meta"]["load_end"] = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
        results["elapsed"] = (results.get("elapsed", 0) if cfg.only != "all" else 0) + (now() - started)
        saved_path.write_text(json.dumps(results, indent=1, default=str), encoding="utf-8")
    markdown = render_markdown(results)
    cfg.out.parent.mkdir(parents=True, exist_ok=True)
    cfg.out.write_text(markdown, encoding="utf-8")
    print()
    print(markdown)
    log(f"wrote {cfg.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
