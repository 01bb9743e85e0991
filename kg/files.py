"""Reading input files with a size limit checked first, and writing several files all or nothing."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from kg.errors import InputError


def read_limited(path: Path, limit: int, what: str, display: str | None = None) -> bytes:
    """The file's bytes; refused with a clear message when it is larger than `limit`
    ("{name}: 52,428,800 bytes is more than the 16,777,216 {what}")."""
    name = display or str(path)
    try:
        size = path.stat().st_size
        if size > limit:
            raise InputError(f"{name}: {size:,} bytes is more than the {limit:,} {what}")
        return path.read_bytes()
    except OSError as exc:
        raise InputError(f"{name}: cannot read: {exc.strerror}") from exc


def display_path(path: Path, root: Path) -> str:
    """How messages name a file: relative to the project folder when it lies inside it."""
    return str(path.relative_to(root)) if path.is_absolute() and path.is_relative_to(root) else str(path)


def write_atomically(files: dict[Path, bytes]) -> None:
    """Stage every file next to its destination, then rename them all; on any failure while
    staging, nothing is replaced and the staged files are removed."""
    staged: list[tuple[Path, Path]] = []
    umask = os.umask(0)
    os.umask(umask)
    try:
        for final, data in sorted(files.items()):
            final.parent.mkdir(parents=True, exist_ok=True)
            handle, name = tempfile.mkstemp(prefix=f".{final.name}.", dir=final.parent)
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.chmod(name, 0o666 & ~umask)  # mkstemp's 0600 would hide published files from a web server
            staged.append((Path(name), final))
        for temporary, final in staged:
            os.replace(temporary, final)
    finally:
        for temporary, _ in staged:
            if temporary.exists():
                temporary.unlink()
