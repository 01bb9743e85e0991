"""Test helpers: a throwaway project root holding the real sources, ontology and shapes."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.conftest import ROOT


def scratch_project(tmp_path: Path, facts_yaml: str | None = None) -> Path:
    """A copy of the project's inputs under tmp_path; facts/ holds only `facts_yaml` if given."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "kg.toml", tmp_path / "kg.toml")
    for folder in ("sources", "ontology", "shapes", "reference", "queries"):
        if (ROOT / folder).exists():
            shutil.copytree(ROOT / folder, tmp_path / folder)
    if facts_yaml is None:
        shutil.copytree(ROOT / "facts", tmp_path / "facts")
    else:
        (tmp_path / "facts").mkdir()
        (tmp_path / "facts" / "claims.yaml").write_text(facts_yaml, encoding="utf-8")
    return tmp_path


def require_tool(found: bool, what: str) -> None:
    """Skip a test when a system tool is missing, except under CI=true, where it fails."""
    import os

    import pytest

    if not found:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{what} is missing (CI=true: .ci/run installs it)")
        pytest.skip(f"{what} is missing")


@contextmanager
def running_server(site: Path, *options: str) -> Iterator[str]:
    """Start `kg serve --port 0 --quiet` as a process, wait until it answers, yield its URL,
    and stop it by its pid."""
    import select
    import subprocess
    import sys
    import time

    import requests

    command = [sys.executable, "-c", "from kg.cli import main; main()", "serve", "--port", "0", "--quiet",
               "--site", str(site), *options]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        ready, _, _ = select.select([process.stdout], [], [], 60)
        line = process.stdout.readline() if ready else ""  # type: ignore[union-attr]
        if not line.startswith("serving "):
            process.kill()
            raise RuntimeError(f"kg serve did not start: {line!r} {process.stderr.read()!r}")  # type: ignore[union-attr]
        url = line.split()[1]
        deadline = time.monotonic() + 30
        while True:
            try:
                requests.get(url, timeout=5)
                break
            except requests.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


SEED = ROOT / "tests" / "fixtures" / "seed"


def copy_seed(target: Path) -> Path:
    """A copy of the frozen seed project (tests/fixtures/seed) at `target`, to build or change:
    unlike the repository's live project, its facts/ never change under the tests."""
    shutil.copytree(SEED, target)
    return target
