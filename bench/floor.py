#!/usr/bin/env python3
"""The floor: the least any tool must spend to turn the graph into files, with pyoxigraph alone.

Parse the N-Quads kg built, serialise the default graph as Turtle and everything as N-Quads.
As a command (`python bench/floor.py SRC.nq OUT.ttl OUT.nq PREFIXES_JSON`) it has the same
interpreter start-up a `kg build` pays; bench/workers.py times `floor_once` in-process.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import pyoxigraph as ox


def floor_once(src: Path, prefixes: dict[str, str], turtle_out: Path | None = None,
               nquads_out: Path | None = None) -> dict[str, float]:
    """Seconds per step; without output paths the serialisations stay in memory (as kg's do)."""
    t0 = time.perf_counter()
    quads = list(ox.parse(path=str(src), format=ox.RdfFormat.N_QUADS))
    t1 = time.perf_counter()
    default = [q.triple for q in quads if q.graph_name == ox.DefaultGraph()]
    ox.serialize(default, None if turtle_out is None else str(turtle_out), format=ox.RdfFormat.TURTLE,
                 prefixes=prefixes)
    t2 = time.perf_counter()
    ox.serialize(quads, None if nquads_out is None else str(nquads_out), format=ox.RdfFormat.N_QUADS)
    t3 = time.perf_counter()
    return {"total": t3 - t0, "parse": t1 - t0, "turtle": t2 - t1, "nquads": t3 - t2, "quads": len(quads)}


if __name__ == "__main__":
    source, turtle, nquads, prefix_json = sys.argv[1:5]
    floor_once(Path(source), json.loads(prefix_json), Path(turtle), Path(nquads))
