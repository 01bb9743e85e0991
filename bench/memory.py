#!/usr/bin/env python3
"""Where a build's memory goes: resident memory at each stage of one build() (SHACL by the
compiled engine), how much of it Python's allocator holds (tracemalloc, a second build in the same
process) and what is left once the result is dropped.

    .venv/bin/python bench/memory.py bench/work/change-x100 [--write bench/memory-results.md]

Run it from outside the repository (or with PYTHONPATH set) to measure a particular kg.
"""

from __future__ import annotations

import argparse
import ctypes
import gc
import resource
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

PAGE = 4096


def rss_mb() -> float:
    return int(Path("/proc/self/statm").read_text().split()[1]) * PAGE / 2**20


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def profile(root: Path) -> dict[str, Any]:
    from kg.pipeline import build
    from kg.project import open_project

    project = open_project(root)
    marks: list[tuple[str, float, float, float]] = []
    t0 = time.perf_counter()

    def mark(stage: str) -> None:
        marks.append((stage, rss_mb(), peak_mb(), time.perf_counter() - t0))

    mark("start")
    result = build(project, run_shacl=True, validator="fast", on_stage=mark)
    mark("end")
    triples = result.triple_count
    files_mb = sum(len(data) for data in result.files.values()) / 2**20
    del result
    gc.collect()
    after_drop = rss_mb()
    ctypes.CDLL("libc.so.6").malloc_trim(0)
    after_trim = rss_mb()

    tracemalloc.start()
    result = build(project, run_shacl=True, validator="fast")
    traced_mb = tracemalloc.get_traced_memory()[0] / 2**20
    rss_with_result = rss_mb()
    tracemalloc.stop()
    del result
    return {"root": str(root), "triples": triples, "marks": marks, "files_mb": files_mb,
            "after_drop": after_drop, "after_trim": after_trim, "traced_mb": traced_mb,
            "rss_with_result": rss_with_result}


def report(found: dict[str, Any]) -> str:
    lines = [f"## Memory of one build() at {found['root']} ({found['triples']:,} triples)", "",
             "| stage starts | resident | peak so far | at |", "|---|---:|---:|---:|"]
    for stage, rss, peak, at in found["marks"]:
        lines.append(f"| {stage} | {rss:,.0f} MB | {peak:,.0f} MB | {at:.2f} s |")
    per_triple = found["marks"][-1][2] * 2**20 / max(found["triples"], 1)
    lines += ["", f"- peak per triple: {per_triple:,.0f} bytes",
              f"- the output files' bytes, held until written: {found['files_mb']:,.0f} MB",
              f"- a second build with its result alive: {found['rss_with_result']:,.0f} MB resident, of which "
              f"Python's allocator holds {found['traced_mb']:,.0f} MB (tracemalloc); the rest is native "
              "(pyoxigraph terms each own their IRI's bytes, the validation store, allocator arenas)",
              f"- after the result is dropped: {found['after_drop']:,.0f} MB resident, "
              f"{found['after_trim']:,.0f} MB after malloc_trim (freed but kept by the allocator)", ""]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path)
    parser.add_argument("--write", type=Path, help="append the table to this Markdown file")
    args = parser.parse_args(argv)
    text = report(profile(args.root))
    print(text)
    if args.write:
        with args.write.open("a", encoding="utf-8") as out:
            out.write(f"\n<!-- {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} -->\n{text}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
