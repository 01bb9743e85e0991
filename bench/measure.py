"""Timing: whole commands run as subprocesses, workers (bench/workers.py) that report each step as
it finishes, and the summary of repeated runs (median, min, max, runs done of runs wanted)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from config import BENCH_DIR, REPO_ROOT, Config

WORKERS = BENCH_DIR / "workers.py"
# Settings of the caller's own project that must not leak into the measured commands.
PROJECT_ENV = ("KG_PROJECT", "KG_STORE")

Entry = dict[str, Any]  # a summary of repeated runs, as saved in results.json


def now() -> float:
    return time.perf_counter()


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def summary(values: list[float], wanted: int, status: str = "ok", note: str = "") -> Entry:
    entry: Entry = {"runs": values, "n": len(values), "wanted": wanted, "status": status, "note": note}
    if values:
        entry |= {"median": statistics.median(values), "min": min(values), "max": max(values)}
    return entry


def median(entry: Entry | None) -> float | None:
    return entry.get("median") if entry else None


def another_run_fits(started: float, last_run: float, budget: float) -> bool:
    """Whether one more run as long as the last still ends within the row's budget."""
    return (now() - started) + last_run <= budget


def tail(text: str, lines: int = 6) -> str:
    return " / ".join(line.strip() for line in text.strip().splitlines()[-lines:])


# ------------------------------------------------------------------ commands


def python_for_kg() -> Path:
    venv = REPO_ROOT / ".venv" / "bin" / "python"
    return venv if venv.exists() else Path(sys.executable)


def kg_cli(project: Path) -> list[str]:
    """The kg command working on `project`."""
    kg = python_for_kg().parent / "kg"
    found = str(kg) if kg.exists() else shutil.which("kg")
    if not found:
        raise SystemExit("no kg executable: run `make` first (or pip install -e .)")
    return [found, "--project", str(project)]


def command_env() -> dict[str, str]:
    """The environment of every measured command: this one (with the snapshot's PYTHONPATH)
    without the caller's project settings."""
    return {k: v for k, v in os.environ.items() if k not in PROJECT_ENV}


@dataclass
class Proc:
    rc: int | None
    seconds: float
    stdout: str
    stderr: str
    timed_out: bool
    rss_mb: float = 0.0  # peak resident memory of the command (its largest process), from wait4


def run_proc(cmd: list[str], cwd: Path, env: dict[str, str] | None = None, timeout: float | None = None) -> Proc:
    """Run a command in its own process group; on timeout kill that group (only that). The peak
    RSS is the kernel's for the command and the children it waited for (os.wait4).

    `cwd` matters: `python -c` imports from its working directory first, so in the repository it
    would import the live kg/ instead of the snapshot."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = now()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=err, start_new_session=True)
        timed_out = threading.Event()

        def kill() -> None:
            timed_out.set()
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

        timer = threading.Timer(timeout, kill) if timeout else None
        if timer:
            timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            if timer:
                timer.cancel()
        seconds = now() - start
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(errors="replace"), err.read().decode(errors="replace")
    rc = None if timed_out.is_set() else proc.returncode
    return Proc(rc, seconds, stdout, stderr, timed_out.is_set(), usage.ru_maxrss / 1024)


def time_command(cmd: list[str], runs: int, cfg: Config, before: Callable[[int], None] | None = None,
                 timeout: float | None = None) -> Entry:
    """Wall-clock seconds of whole runs of a command (interpreter start included), and the peak
    RSS of the largest run; `before(i)` (not timed) prepares run i."""
    values: list[float] = []
    peak = 0.0
    started = now()

    def done(status: str = "ok", note: str = "") -> Entry:
        entry = summary(values, runs, status, note)
        return entry | {"rss_mb": peak} if peak else entry

    for i in range(runs):
        if before:
            before(i)
        proc = run_proc(cmd, cfg.work, env=command_env(), timeout=timeout or cfg.timeout)
        if proc.timed_out:
            return done("timeout", f"killed after {proc.seconds:.0f} s")
        if proc.rc != 0:
            return done("failed", f"exit {proc.rc}: {tail(proc.stderr or proc.stdout)}")
        values.append(proc.seconds)
        peak = max(peak, proc.rss_mb)
        if len(values) < runs and not another_run_fits(started, proc.seconds, cfg.budget):
            return done("budget", f"{len(values)} of {runs} runs fit the {cfg.budget:.0f} s budget")
    return done()


# ------------------------------------------------------------------ workers


@dataclass
class WorkerResult:
    events: list[dict[str, Any]]
    status: str  # ok | timeout | failed
    seconds: float
    message: str = ""

    def of(self, kind: str) -> list[dict[str, Any]]:
        return [e for e in self.events if e.get("event") == kind]

    def first(self, kind: str) -> dict[str, Any]:
        found = self.of(kind)
        return found[0] if found else {}

    def budget_note(self, wanted: int) -> str:
        """The worker's message, plus a note when the budget stopped its runs early."""
        if not self.of("budget"):
            return self.message
        done = f"{len(self.of('run'))} of {wanted} runs fit the time budget"
        return f"{self.message}; {done}" if self.message else done


def run_worker(cfg: Config, kind: str, timeout: float | None = None, **options: Any) -> WorkerResult:
    """Run `bench/workers.py kind` with the options (`root=…` → `--root …`; True → a flag) in a
    fresh process, killed at the time limit; its events are what it reported before it ended."""
    progress = cfg.work / f"progress-{kind}-{os.getpid()}-{int(time.time() * 1000)}.jsonl"
    cmd = [str(python_for_kg()), str(WORKERS), kind, "--progress", str(progress), "--mem-gb", str(cfg.mem_gb)]
    for key, value in options.items():
        flag = f"--{key.replace('_', '-')}"
        if value is True:
            cmd.append(flag)
        elif value not in (None, False):
            cmd += [flag, str(value)]
    proc = run_proc(cmd, cfg.work, env=command_env(), timeout=timeout or cfg.timeout)
    events = []
    if progress.exists():
        for line in progress.read_text(encoding="utf-8").splitlines():
            try:
                events.append(json.loads(line))
            except ValueError:
                pass  # the last line of a killed worker may be cut short
        progress.unlink()
    errors = [e for e in events if e.get("event") == "error"]
    if proc.timed_out:
        return WorkerResult(events, "timeout", proc.seconds, f"killed after {proc.seconds:.0f} s (time limit)")
    if errors or proc.rc != 0:
        return WorkerResult(events, "failed", proc.seconds, errors[0]["error"] if errors else tail(proc.stderr))
    return WorkerResult(events, "ok", proc.seconds)
