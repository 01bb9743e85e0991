"""Reading input files with a size limit checked before anything is read."""

from __future__ import annotations

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
