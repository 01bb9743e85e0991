"""What one bench run measures: sizes, repeats, limits and folders, for the full and the quick mode."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent

# Runs per size; a size between two listed ones runs as the smaller one.
FULL_RUNS = {1: 5, 10: 3, 100: 3, 1000: 1}
FULL_SIZES = (10, 100, 1000)  # 10x is a cheap extra point for the growth exponent
QUICK_RUNS = {1: 3, 10: 1}
QUICK_SIZES = (10,)
PYSHACL_MAX_FACTOR = 100  # pyshacl is never run above this size (the brief)
PARTS = ("seed", "scale", "publish", "serve", "exports", "draft", "change")  # --only: scale is parts B-D, which share the synthetic corpora
# Part F (kg serve beside oxigraph serve-read-only): runs, seconds of load per run and kind, requests
# before the memory is read; the quick mode's. The clients are the same in both (the issue: 50).
FULL_SERVE = (3, 10.0, 10_000)
QUICK_SERVE = (1, 3.0, 1_000)
SERVE_CLIENTS = 50
# Part I (change costs what changed): its own sizes, the seed included (--change-sizes).
FULL_CHANGE_SIZES = (1, 10, 100, 1000)
QUICK_CHANGE_SIZES = (1, 2)


@dataclass(frozen=True)
class Config:
    runs: dict[int, int] = field(default_factory=lambda: dict(FULL_RUNS))
    sizes: tuple[int, ...] = FULL_SIZES
    timeout: float = 570.0  # per worker or command: each fits the machine's 10-minute-per-command limit
    budget: float = 300.0  # per table row: no further run starts once it would take the row past this
    mem_gb: float = 20.0  # address-space limit of each worker (a 1000x build needs ~15 GB)
    pyshacl: bool = True
    profile: bool = True
    quick: bool = False
    work: Path = BENCH_DIR / "work"
    out: Path = BENCH_DIR / "results.md"
    only: str = "all"
    serve_runs: int = FULL_SERVE[0]
    serve_seconds: float = FULL_SERVE[1]
    serve_requests: int = FULL_SERVE[2]
    serve_clients: int = SERVE_CLIENTS
    change_sizes: tuple[int, ...] = FULL_CHANGE_SIZES

    def runs_for(self, factor: int) -> int:
        listed = [f for f in self.runs if f <= factor]
        return self.runs[max(listed)] if listed else 1

    def does(self, part: str) -> bool:
        """Whether this run measures `part` (one of PARTS)."""
        return self.only in ("all", part)

    @property
    def largest(self) -> int:
        return max(self.sizes, default=1)

    @property
    def saved_results(self) -> Path:
        return self.work / "results.json"

    def corpus(self, factor: int) -> Path:
        """The project folder of a size: the seed copy at 1x, a synthetic corpus above."""
        return self.work / "seed" if factor == 1 else self.work / f"x{factor}"
