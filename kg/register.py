"""kg source add: register a new article (a local text file) in sources/."""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass
from pathlib import Path

from kg.build import write_atomically
from kg.errors import InputError
from kg.sources import KEY_PATTERN, REGISTRY_FILE, load_sources, sha256_hex

MAX_BYTES = 5 * 1024 * 1024
LANG = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$")


@dataclass(frozen=True)
class Registered:
    key: str
    file: str
    sha256: str
    retrieved: str


def _today() -> str:
    """The retrieval date: SOURCE_DATE_EPOCH when set (reproducible runs), else today (UTC)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc) if epoch and epoch.isdigit() else dt.datetime.now(dt.timezone.utc)
    return moment.date().isoformat()


def _yaml_string(value: str | None) -> str:
    if value is None:
        return "null"
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def register_file(
    path: Path,
    sources_dir: Path,
    key: str | None = None,
    title: str | None = None,
    date: str | None = None,
    language: str = "en",
) -> Registered:
    """Copy the text into sources/ byte for byte and append its entry to sources.yaml."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from exc
    if size > MAX_BYTES:
        raise InputError(f"{path}: {size:,} bytes is more than the {MAX_BYTES:,} a source text may hold")
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text (byte {exc.start})") from exc
    if "\x00" in text or not text.strip():
        raise InputError(f"{path}: not a text article (empty or holds NUL characters)")
    key = key or re.sub(r"[^A-Za-z0-9_.-]+", "-", path.stem).strip("-.")
    if not KEY_PATTERN.match(key):
        raise InputError(f"source key {key!r} may hold only letters, digits, '_', '.', '-'")
    if not LANG.match(language):
        raise InputError(f"language {language!r} is not a BCP 47 tag")
    if date is not None:
        try:
            dt.date.fromisoformat(date)
        except ValueError as exc:
            raise InputError(f"date {date!r} is not YYYY-MM-DD") from exc
    existing = load_sources(sources_dir)
    digest = sha256_hex(raw)
    for source in existing.values():
        if source.sha256 == digest:
            raise InputError(f"{path} is already registered as source {source.key} (same sha256)")
    if key in existing:
        raise InputError(f"source key {key!r} is taken: give another with --key")
    file_name = f"{key}.txt"
    if (sources_dir / file_name).exists():
        raise InputError(f"{sources_dir / file_name} exists already")
    retrieved = _today()
    entry = (
        f"  - key: {key}\n"
        f"    file: {file_name}\n"
        f"    title: {_yaml_string(title)}\n"
        f"    date: {_yaml_string(date)}\n"
        f"    language: {language}\n"
        f"    sha256: {digest}\n"
        f"    retrieved: \"{retrieved}\"\n"
    )
    registry = sources_dir / REGISTRY_FILE
    current = registry.read_text(encoding="utf-8")
    write_atomically({
        sources_dir / file_name: raw,
        registry: (current.rstrip("\n") + "\n" + entry).encode("utf-8"),
    })
    return Registered(key, file_name, digest, retrieved)
