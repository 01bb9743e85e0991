"""The machine and library versions a run measured on (the first table of the report)."""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
from pathlib import Path
from typing import Any

from measure import command_env, python_for_kg, run_proc

LIBRARIES = ("pyoxigraph", "pyshacl", "rdflib", "PyYAML", "click", "kg")

# Run by the interpreter the workers use, with their PYTHONPATH: the versions they see.
_VERSIONS_PROBE = f"""
import json
from importlib import metadata
out = {{}}
for name in {list(LIBRARIES)!r}:
    try:
        out[name] = metadata.version(name)
    except metadata.PackageNotFoundError:
        out[name] = None
import yaml, kg
out["libyaml"] = bool(getattr(yaml, "__with_libyaml__", False))
out["kg_imported_from"] = kg.__file__
print(json.dumps(out))
"""


def load_average() -> float | None:
    return os.getloadavg()[0] if hasattr(os, "getloadavg") else None


def machine_info(work: Path) -> dict[str, Any]:
    info: dict[str, Any] = {
        "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": os.cpu_count(),
        "usable_cpus": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "load_start": load_average(),
    }
    try:
        info["cpu"] = next(line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                           if line.startswith("model name"))
        info["memory_gb"] = next(round(int(line.split()[1]) / 2**20, 1)
                                 for line in Path("/proc/meminfo").read_text().splitlines()
                                 if line.startswith("MemTotal"))
    except (OSError, StopIteration):
        pass
    proc = run_proc([str(python_for_kg()), "-c", _VERSIONS_PROBE], work, env=command_env(), timeout=60)
    try:
        info["versions"] = json.loads(proc.stdout)
    except ValueError:
        info["versions"] = {name: None for name in LIBRARIES}
    return info
