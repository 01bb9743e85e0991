"""One run measures one version of kg and of the seed project, although others edit both meanwhile.

At its start a run copies kg/ to <work>/code/kg and puts it first on PYTHONPATH (ahead of the
editable install) for every worker and every kg command, and on this process's sys.path; it copies
the seed project (kg.toml and its folders) to <work>/seed. The fingerprint of both goes into the
report, with the live files that changed while the run was going."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
from pathlib import Path
from typing import Any

from config import REPO_ROOT
from synth import fresh_copy

SEED_DIRS = ("sources", "facts", "ontology", "shapes", "reference", "queries")
SEED_FILES = ("kg.toml",)
CODE_PATTERNS = ("kg/**/*.py", "kg/vocab/**/*.ttl")
DATA_PATTERNS = ("kg.toml", "facts/**/*.yaml", "shapes/*.ttl", "ontology/*.ttl", "sources/sources.yaml",
                 "reference/*.tsv")


def snapshot_code(work: Path) -> Path:
    """Copy kg/ into the work folder; every later import of kg, here and in children, reads the copy."""
    code = work / "code"
    if code.exists():
        shutil.rmtree(code)
    shutil.copytree(REPO_ROOT / "kg", code / "kg", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (str(code), os.environ.get("PYTHONPATH")) if p)
    if "kg" in sys.modules:
        raise RuntimeError("kg was imported before the snapshot was taken: it would not be the one measured")
    sys.path.insert(0, str(code))
    return code


def copy_seed(dest: Path) -> Path:
    """The repository's project (kg.toml and its input folders) copied to `dest`."""
    fresh_copy(REPO_ROOT, dest, SEED_DIRS, SEED_FILES)
    return dest


def output_file(project_root: Path, key: str) -> Path:
    """Where the project's published file `key` (kg.outputs: graph, dataset-nquads, …) is built."""
    from kg.outputs import output_path
    from kg.project import open_project

    return output_path(open_project(project_root), key)


def project_prefixes(project_root: Path) -> dict[str, str]:
    from kg.project import open_project

    return open_project(project_root).prefixes()


def _digests(base: Path, patterns: tuple[str, ...]) -> dict[str, str]:
    out = {}
    for pattern in patterns:
        for path in sorted(base.glob(pattern)):
            if path.is_file() and "__pycache__" not in path.parts:
                out[str(path.relative_to(base))] = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    return out


def fingerprint(code: Path, project: Path) -> dict[str, Any]:
    files = _digests(code, CODE_PATTERNS) | _digests(project, DATA_PATTERNS)
    overall = hashlib.sha256(json.dumps(files, sort_keys=True).encode()).hexdigest()[:12]
    return {"id": overall, "files": files}


def changed_since(snapshot: dict[str, Any]) -> list[str]:
    """Files of the live tree that differ from the snapshot the run measured."""
    live = _digests(REPO_ROOT, CODE_PATTERNS + DATA_PATTERNS)
    then = snapshot.get("files", {})
    return sorted(
        [f"{name} (changed)" for name in live if name in then and live[name] != then[name]]
        + [f"{name} (added)" for name in live if name not in then]
        + [f"{name} (removed)" for name in then if name not in live]
    )


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
            if pid and _alive(pid):
                raise SystemExit(f"another bench run (pid {pid}) is using {work}; wait, or give --work DIR")
            lock.unlink(missing_ok=True)  # left by a run that died
            continue
        os.write(fd, str(os.getpid()).encode())
        os.close(fd)
        return lock
    raise SystemExit(f"cannot take {lock}")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
