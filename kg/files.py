"""Reading input files with a size limit checked first, and writing several files and folders
all or nothing, even across a kill (see Change)."""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import tempfile
from collections import Counter
from contextvars import ContextVar
from pathlib import Path
from types import TracebackType
from typing import Any

from kg.errors import InputError, OutputError

# What staged and retired files and folders are called: `.{destination name}{marker}{random}`.
STAGED = ".kg-staged-"
RETIRED = ".kg-retired-"
# The journal of the change being made, set while a writer holds the project lock (kg.lock).
current_journal: ContextVar[Path | None] = ContextVar("current_journal", default=None)
_hook_counts: Counter[str] = Counter()


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


def fault_point(name: str) -> None:
    """A test hook, inert unless $KG_TEST_HOOK names this point: `NAME` kills this process
    (SIGKILL) the first time it passes NAME, `NAME@3` the third time; a suffix `:stop` stops it
    (SIGSTOP) instead, `:enospc` raises "No space left on device" there. The points: locked (the
    lock taken), staging (a file staged), store-fill (a store loaded, before its manifest),
    after-staging, after-journal (committed), between-renames (after each rename), folder-swap
    (an old folder moved aside, the new one not yet in), after-renames, cache-entry (a kg.build_cache
    entry written, not yet renamed), validation-state (kg.delta_validation's state, likewise).
    tests/test_crash.py, tests/test_build_cache.py and tests/test_delta_validation.py use them."""
    hook = os.environ.get("KG_TEST_HOOK")
    if not hook:
        return
    spec, _, action = hook.partition(":")
    point, _, nth = spec.partition("@")
    if point != name:
        return
    _hook_counts[name] += 1
    if _hook_counts[name] != int(nth or 1):
        return
    if action == "enospc":
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    os.kill(os.getpid(), signal.SIGSTOP if action == "stop" else signal.SIGKILL)


def _fsync_folder(folder: Path) -> None:
    handle = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


class Change:
    """Files and folders replaced as one change. Each is staged beside its destination; commit()
    first records every rename in the project's journal (while a writer holds kg.lock, which
    sets current_journal), then makes them. A kill before that record leaves the old state and
    staged files the next writer removes; a kill after it is finished by the next writer
    (replay_journal). Used as a context manager: an error discards what was staged, and an
    OSError (full or read-only disk) becomes an OutputError naming the file."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = root
        self.files: list[tuple[Path, Path]] = []
        self.folders: list[tuple[Path, Path, Path]] = []
        self.journal = current_journal.get()
        self._writing: Path | None = None
        self.committed = False
        self._umask = os.umask(0)
        os.umask(self._umask)

    def __enter__(self) -> Change:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if error is None:
            return
        if self.committed:
            if isinstance(error, OSError):
                after = ("the next kg command that writes the project finishes it" if self.journal is not None
                         else "some files were replaced (no project lock was held, so nothing records the rest)")
                raise OutputError(f"cannot finish the change: {error.strerror or error}; {after}") from error
            return
        self.discard()
        if isinstance(error, OSError):
            where = self._name(self._writing) if self._writing else "the project"
            raise OutputError(f"cannot write {where}: {error.strerror or error}; nothing was changed") from error

    def _name(self, path: Path) -> str:
        return display_path(path, self.root) if self.root else str(path)

    def stage(self, final: Path, data: bytes) -> Path:
        """Write `data` beside `final` (flushed to disk); returns the staged file."""
        self._writing = final
        final.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=f".{final.name}{STAGED}", dir=final.parent)
        self.files.append((Path(name), final))
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(name, 0o666 & ~self._umask)  # mkstemp's 0600 would hide published files from a web server
        fault_point("staging")
        return Path(name)

    def stage_folder(self, final: Path) -> Path:
        """An empty folder beside `final` to fill; on commit it replaces `final` whole."""
        self._writing = final
        final.parent.mkdir(parents=True, exist_ok=True)
        staged = Path(tempfile.mkdtemp(prefix=f".{final.name}{STAGED}", dir=final.parent))
        os.chmod(staged, 0o777 & ~self._umask)
        retired = final.with_name(staged.name.replace(STAGED, RETIRED))
        self.folders.append((staged, final, retired))
        return staged

    def operations(self) -> list[list[str]]:
        return ([["file", str(s), str(f)] for s, f in sorted(self.files, key=lambda pair: pair[1])]
                + [["folder", str(s), str(f), str(r)] for s, f, r in self.folders])

    def commit(self) -> None:
        operations = self.operations()
        if self.journal is not None:
            self._writing = self.journal
        fault_point("after-staging")
        if self.journal is not None:
            write_journal(self.journal, operations)
        self.committed = True
        fault_point("after-journal")
        self._writing = None
        replay(operations)
        fault_point("after-renames")
        if self.journal is not None:
            self.journal.unlink()
        self.files, self.folders = [], []

    def discard(self) -> None:
        for staged, _ in self.files:
            staged.unlink(missing_ok=True)
        for staged, _, _ in self.folders:
            shutil.rmtree(staged, ignore_errors=True)
        self.files, self.folders = [], []


def write_journal(journal: Path, operations: list[list[str]]) -> None:
    """Record the renames of a change, on disk before any is made: from then on it is committed.
    Paths inside the project are recorded relative to it, so a moved project still recovers."""
    root = journal.parent.parent
    relative = [[kind, *(os.path.relpath(p, root) if Path(p).is_relative_to(root) else p for p in paths)]
                for kind, *paths in operations]
    journal.parent.mkdir(parents=True, exist_ok=True)
    staged = journal.with_name(journal.name + ".new")
    try:
        with staged.open("w", encoding="utf-8") as out:
            json.dump({"renames": relative}, out, indent=1)
            out.flush()
            os.fsync(out.fileno())
        os.replace(staged, journal)
    finally:
        staged.unlink(missing_ok=True)
    _fsync_folder(journal.parent)


def replay(operations: list[list[str]]) -> None:
    """Make the renames of a committed change; those already made are skipped (a staged file
    that is gone was renamed), so a change cut off half way is finished by running it again."""
    for operation in operations:
        kind, staged, final = operation[0], Path(operation[1]), Path(operation[2])
        if not os.path.lexists(staged):
            continue
        if kind == "folder":
            retired = Path(operation[3])
            if final.exists():
                shutil.rmtree(retired, ignore_errors=True)
                os.replace(final, retired)
                fault_point("folder-swap")
        os.replace(staged, final)
        fault_point("between-renames")
    for operation in operations:
        if operation[0] == "folder":
            shutil.rmtree(operation[3], ignore_errors=True)


def replay_journal(journal: Path) -> bool:
    """Finish the change a kill interrupted after it was committed; False when there was none."""
    root = journal.parent.parent
    try:
        recorded: Any = json.loads(journal.read_text(encoding="utf-8"))
        operations = [[kind, *(str(root / p) for p in paths)] for kind, *paths in recorded["renames"]]
    except FileNotFoundError:
        return False
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise OutputError(f"{journal}: an unreadable journal of an interrupted change ({exc}); "
                          "remove it once you have checked the project") from exc
    try:
        replay(operations)
        journal.unlink()
    except OSError as exc:
        raise OutputError(f"cannot finish the change a killed kg command began ({journal}): "
                          f"{exc.strerror or exc}; nothing more was changed") from exc
    return True


def remove_leftovers(folder: Path) -> list[Path]:
    """Remove what an interrupted change left in `folder`: staged files and folders never
    committed, and retired folders. Only a writer holding the project lock may call this."""
    removed: list[Path] = []
    try:
        entries = list(folder.iterdir())
    except OSError:
        return removed
    for entry in entries:
        if entry.name.startswith(".") and (STAGED in entry.name or RETIRED in entry.name):
            try:
                if entry.is_dir() and not entry.is_symlink():
                    shutil.rmtree(entry)
                else:
                    entry.unlink(missing_ok=True)
            except OSError:
                continue  # left for a writer that may remove it
            removed.append(entry)
    return removed


def write_atomically(files: dict[Path, bytes], root: Path | None = None) -> None:
    """Replace every file as one Change: all staged first, then renamed; on a failure while
    staging nothing is replaced and the staged files are removed."""
    with Change(root) as change:
        for final, data in sorted(files.items()):
            change.stage(final, data)
        change.commit()
