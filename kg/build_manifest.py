"""The build manifest (.kg/build-manifest.json): the SHA-256 of every file the last `kg build`
read and wrote, and what it printed, so a build whose inputs, options and outputs are all as
recorded reads, maps, validates and serialises nothing (kg.api.build_or_reuse).

Hashing every input and output is what a no-change build costs, so a file's content hash is
reused when its size, mtime, ctime and inode are all as recorded and its ctime was at least
RACY_NS older than the moment it was recorded (git's "racy" rule: a write in the same clock tick
as the recording would not change the stamps). ctime cannot be set from user space (touch -d,
cp -p and git checkout all move it), so a same-size edit with a restored mtime is still seen; any
other change of the stamps means the file is hashed again, and only its content decides.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import json
import os
import sys
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.files import write_atomically
from kg.lock import STATE_DIR
from kg.project import Project
from kg.project.config import PROJECT_FILE

if TYPE_CHECKING:
    from kg.build_cache import Workers
    from kg.pipeline import BuildResult

MANIFEST_FILE = "build-manifest.json"
FORMAT = "kg-build-manifest/1"
RACY_NS = 1_000_000_000
LIBRARIES = ("rdflib", "pyoxigraph", "pyshacl", "PyYAML")


@dataclass(frozen=True)
class Stamp:
    """A file's content hash, and the stat fields that let a later check reuse it."""

    sha256: str
    size: int
    mtime_ns: int
    ctime_ns: int
    inode: int
    settled: bool  # its ctime was RACY_NS before it was recorded: the stat fields can vouch for it

    def row(self) -> list[Any]:
        return [self.sha256, self.size, self.mtime_ns, self.ctime_ns, self.inode, self.settled]

    @classmethod
    def from_row(cls, row: Any) -> Stamp:
        sha256, size, mtime_ns, ctime_ns, inode, settled = row
        if not (isinstance(sha256, str) and len(sha256) == 64 and isinstance(settled, bool)
                and all(isinstance(n, int) for n in (size, mtime_ns, ctime_ns, inode))):
            raise ValueError("not a stamp")
        return cls(sha256, size, mtime_ns, ctime_ns, inode, settled)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def stamp(path: Path, known: Stamp | None = None, now_ns: int | None = None) -> Stamp:
    """`path`'s stamp; `known`'s hash is reused when it is settled and the stat fields match."""
    before = path.stat()
    fields = (before.st_size, before.st_mtime_ns, before.st_ctime_ns, before.st_ino)
    if known is not None and known.settled and (known.size, known.mtime_ns, known.ctime_ns, known.inode) == fields:
        return known
    sha256 = file_sha256(path)
    settled = before.st_ctime_ns + RACY_NS < (time.time_ns() if now_ns is None else now_ns)
    if os.stat(path).st_ctime_ns != before.st_ctime_ns:
        settled = False  # written while it was read: the hash may be of neither version
    return Stamp(sha256, *fields, settled=settled)


@functools.cache
def code_fingerprint() -> str:
    """kg's own files and the versions of the libraries that write the output."""
    digest = hashlib.sha256(sys.version.encode())
    package = Path(__file__).parent
    for path in sorted(p for p in package.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    for library in LIBRARIES:
        try:
            version = importlib.metadata.version(library)
        except importlib.metadata.PackageNotFoundError:
            version = "-"
        digest.update(f"{library}={version}\0".encode())
    return digest.hexdigest()


def input_files(project: Project) -> list[Path]:
    """Every file a build may read: kg.toml and all files under the input folders."""
    files = [project.root / PROJECT_FILE]
    for folder in project.input_dirs:
        if folder.is_dir():
            files += sorted(p for p in folder.rglob("*") if p.is_file())
    return files


def build_options(shacl: bool, validator: str, environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The options and environment that change what a build writes: the engine a `validator`
    choice names (`auto` and `fast` build the same), not the word."""
    from kg.shacl import choose_engine

    env = os.environ if environ is None else environ
    return {"shacl": shacl, "validator": choose_engine(validator), "SOURCE_DATE_EPOCH": env.get("SOURCE_DATE_EPOCH")}


@dataclass
class Manifest:
    inputs: dict[str, Stamp]
    outputs: dict[str, Stamp]
    options: dict[str, Any]
    summary: str  # BuildResult.counts(): the summary line without its time
    notes: list[str] = field(default_factory=list)
    verbose_notes: list[str] = field(default_factory=list)
    code: str = ""

    def to_json(self) -> bytes:
        data = {"format": FORMAT, "code": self.code, "options": self.options, "summary": self.summary,
                "notes": self.notes, "verbose_notes": self.verbose_notes,
                "inputs": {k: v.row() for k, v in sorted(self.inputs.items())},
                "outputs": {k: v.row() for k, v in sorted(self.outputs.items())}}
        return json.dumps(data, indent=1, sort_keys=True).encode() + b"\n"

    @classmethod
    def from_json(cls, text: bytes) -> Manifest:
        """Raises ValueError on anything but a manifest this format wrote."""
        data = json.loads(text)
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ValueError("not a kg build manifest of this format")
        strings = [data["summary"], data["code"], *data["notes"], *data["verbose_notes"]]
        if not all(isinstance(s, str) for s in strings) or not isinstance(data["options"], dict):
            raise ValueError("malformed kg build manifest")
        return cls(inputs={str(k): Stamp.from_row(v) for k, v in data["inputs"].items()},
                   outputs={str(k): Stamp.from_row(v) for k, v in data["outputs"].items()},
                   options=data["options"], summary=data["summary"], notes=list(data["notes"]),
                   verbose_notes=list(data["verbose_notes"]), code=data["code"])


def manifest_path(project: Project) -> Path:
    return project.root / STATE_DIR / MANIFEST_FILE


def read_manifest(project: Project) -> Manifest | None:
    """The recorded manifest; None when there is none, or it is truncated, foreign or garbage."""
    try:
        return Manifest.from_json(manifest_path(project).read_bytes())
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def stamps(paths: Iterable[Path], root: Path, known: Mapping[str, Stamp]) -> dict[str, Stamp]:
    now = time.time_ns()
    result = {}
    for path in paths:
        name = path.relative_to(root).as_posix()
        result[name] = stamp(path, known.get(name), now)
    return result


def input_stamps(project: Project, known: Manifest | None = None) -> dict[str, Stamp]:
    return stamps(input_files(project), project.root, known.inputs if known else {})


def unchanged(project: Project, manifest: Manifest, inputs: dict[str, Stamp],
              options: dict[str, Any]) -> dict[str, Stamp] | None:
    """The outputs' current stamps when the inputs' hashes, the options, kg's code and every
    recorded output's bytes are as `manifest` recorded them; None when anything differs."""
    if manifest.options != options or manifest.code != code_fingerprint():
        return None
    if {k: v.sha256 for k, v in inputs.items()} != {k: v.sha256 for k, v in manifest.inputs.items()}:
        return None
    try:
        outputs = output_stamps(project, manifest.outputs, manifest.outputs)
    except OSError:
        return None
    if any(outputs[name].sha256 != recorded.sha256 for name, recorded in manifest.outputs.items()):
        return None
    return outputs


def changed_inputs(project: Project, paths: Iterable[Path]) -> list[Path]:
    """Of these input files, those whose bytes the build now in output/ did not read: all of them
    unless the manifest records that build (its N-Quads and ontology as output/ holds them)."""
    from kg.outputs import output_path
    from kg.store import LOADED

    paths = list(paths)
    manifest = read_manifest(project)
    if manifest is None:
        return paths
    try:
        for key in LOADED:
            path = output_path(project, key)
            recorded = manifest.outputs.get(path.relative_to(project.output_dir).as_posix())
            if recorded is None or stamp(path, recorded).sha256 != recorded.sha256:
                return paths
    except (OSError, ValueError):
        return paths
    changed = []
    for path in paths:
        try:
            recorded = manifest.inputs.get(path.relative_to(project.root).as_posix())
            if recorded is None or stamp(path, recorded).sha256 != recorded.sha256:
                changed.append(path)
        except (OSError, ValueError):
            changed.append(path)
    return changed


def output_stamps(project: Project, names: Iterable[str], known: Mapping[str, Stamp] | None = None) -> dict[str, Stamp]:
    return stamps((project.output_dir / n for n in names), project.output_dir, known or {})


def record(project: Project, manifest: Manifest) -> None:
    manifest.code = code_fingerprint()
    write_atomically({manifest_path(project): manifest.to_json()}, project.root)


def forget(project: Project) -> None:
    """Remove the manifest (before output/ is replaced: a crash in between leaves no claim)."""
    manifest_path(project).unlink(missing_ok=True)


@dataclass
class Reused:
    """A build that found nothing changed: the last build's summary and notes, and no work."""

    manifest: Manifest
    timings: dict[str, float]

    def summary(self) -> str:
        return f"{self.manifest.summary}, {sum(self.timings.values()):.2f}s, unchanged (nothing rebuilt)"

    def notes(self, verbose: bool = False) -> list[str]:
        return self.manifest.verbose_notes if verbose else self.manifest.notes


def build_or_reuse(project: Project, *, shacl: bool, validator: str, write: Callable[[BuildResult], None],
                   on_stage: Callable[[str], None] | None = None, workers: Workers | None = None,
                   full_validation: bool = False) -> BuildResult | Reused:
    """Build and `write` output/ (kg.api's write step: the files, then the store and site that
    follow them), recording the manifest; or, when the manifest says the inputs, options, code and
    outputs are as the last build left them, do nothing (unless `full_validation`: then build, and
    validate the whole graph). Then keep the validation's state for the next build's delta
    (kg.delta_validation). Hold the project lock."""
    from kg.pipeline import build

    started = time.perf_counter()
    known = read_manifest(project)
    options = build_options(shacl, validator)
    inputs = input_stamps(project, known)
    outputs = unchanged(project, known, inputs, options) if known is not None else None
    if known is not None and outputs is not None and not full_validation:
        if inputs != known.inputs or outputs != known.outputs:  # a file was hashed again: remember it
            record(project, Manifest(inputs, outputs, options, known.summary, known.notes, known.verbose_notes))
        return Reused(known, {"check": time.perf_counter() - started})
    result = build(project, run_shacl=shacl, validator=validator, on_stage=on_stage, workers=workers,
                   full_validation=full_validation)
    if on_stage:
        on_stage("write")
    forget(project)
    write(result)
    record_written(project, result, options, inputs)
    return result


def record_written(project: Project, result: BuildResult, options: dict[str, Any],
                   inputs: dict[str, Stamp] | None = None) -> None:
    """After `result` was written to output/: keep its validation's state for the next build's delta
    (kg.delta_validation), then record the manifest (`inputs`: the stamps taken before the build
    read them; by default, as they are now)."""
    from kg.delta_validation import save_state
    from kg.outputs import output

    written = output_stamps(project, result.files)
    if result.validation is not None:
        save_state(project, result.validation, result.graph_ntriples(), written.get(output("dataset-nquads").name(project)))
    record(project, Manifest(input_stamps(project) if inputs is None else inputs, written, options, result.counts(),
                             result.notes(), result.notes(verbose=True)))
