"""One writer at a time: every command that writes a project (add, source add, build, load,
site) holds its lock, an fcntl.flock on .kg/lock, for the whole command. The lock dies with its
holder, so a killed command never blocks the next. The holder writes its pid, command and start
time in the file, for the message a second writer prints while it waits (or exits with, under
--no-wait). Whoever takes the lock first finishes or removes what a killed writer left
(kg.files.Change): readers never take it, they only ever see renamed, complete files."""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from kg.errors import OutputError, ProjectLocked
from kg.files import current_journal, fault_point, remove_leftovers, replay_journal
from kg.project import Project

STATE_DIR = ".kg"
LOCK_FILE = "lock"
JOURNAL_FILE = "journal.json"


def journal_path(project: Project) -> Path:
    return project.root.resolve() / STATE_DIR / JOURNAL_FILE


def _holder(handle: int) -> str:
    """Who holds the lock, as its holder wrote it ("kg add (pid 812, since 14:02:11)")."""
    try:
        holder = json.loads(os.pread(handle, 4096, 0))
        since = time.strftime("%H:%M:%S", time.localtime(float(holder["started"])))
        return f"{holder['command']} (pid {int(holder['pid'])}, since {since})"
    except (OSError, ValueError, TypeError, KeyError):  # written as we read it: the holder just began
        return "another kg command"


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@contextmanager
def writing(project: Project, command: str, *, wait: bool = True,
            on_wait: Callable[[str], None] = _say) -> Iterator[None]:
    """Hold the project's lock (again, if this process holds it already) while the body writes;
    on taking it, finish or remove what an interrupted writer left. A second writer waits,
    told once through `on_wait`; with `wait=False` it raises ProjectLocked instead."""
    journal = journal_path(project)
    if current_journal.get() == journal:  # this thread holds it already (kg add reloads the store)
        yield
        return
    folder = journal.parent
    try:
        folder.mkdir(exist_ok=True)
        handle = os.open(folder / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o666)
    except OSError as exc:
        raise OutputError(f"cannot write {STATE_DIR}/{LOCK_FILE}, the project's lock: {exc.strerror or exc}; "
                          "nothing was changed") from exc
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _holder(handle)
            if not wait:
                raise ProjectLocked(f"the project is locked by {holder}; try again when it ends, "
                                    "or drop --no-wait") from None
            on_wait(f"waiting for {holder} to finish…")
            fcntl.flock(handle, fcntl.LOCK_EX)
        record = {"pid": os.getpid(), "command": command, "started": round(time.time(), 3),
                  "started_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
        try:
            os.ftruncate(handle, 0)
            os.pwrite(handle, (json.dumps(record) + "\n").encode("utf-8"), 0)
        except OSError:
            pass  # who holds the lock is for messages only; a full disk is reported by the write itself
        token = current_journal.set(journal)
        try:
            recover(project)
            fault_point("locked")
            yield
        finally:
            current_journal.reset(token)
    finally:
        os.close(handle)  # releases the lock


def recover(project: Project) -> None:
    """Finish a committed change a kill cut short, then remove every staged or retired file
    and folder left by one that was not committed. Called with the lock held."""
    replay_journal(journal_path(project))
    folders = {project.facts_dir, project.sources_dir, project.output_dir, project.store_dir.parent,
               project.store_dir, project.root / "drafts"}
    for folder in folders:
        remove_leftovers(folder)
        _remove_legacy_leftovers(folder, (project.store_dir.name, "site"))
    _finish_store_update(project)


def _finish_store_update(project: Project) -> None:
    """A committed `kg add` killed before its store followed: apply the difference it left
    (kg.store_delta.finish_pending). If that fails the store keeps the build its manifest names."""
    from kg.store_delta import PENDING

    if not (project.store_dir / PENDING).exists():
        return
    from kg.store_delta import finish_pending

    try:
        finish_pending(project, project.store_dir)
    except (OSError, RuntimeError, ValueError, KeyError, TypeError):
        (project.store_dir / PENDING).unlink(missing_ok=True)


# What kg 0.2 and earlier left when killed: `.NAME.XXXXXXXX` beside a file NAME (mkstemp), and
# `.store.loading-PID`, `.store.retired-PID`, `.site.old-PID`, `.site.XXXXXXXX` beside those folders.
_LEGACY_FILE = re.compile(r"\.(?P<name>.+)\.[a-z0-9_]{8}")
_LEGACY_FOLDER = re.compile(r"\.(?P<name>[^/]+)\.(?:loading-\d+|retired-\d+|old-\d+|[a-z0-9_]{8})")


def _remove_legacy_leftovers(folder: Path, folder_names: tuple[str, ...]) -> None:
    try:
        entries = list(folder.iterdir())
    except OSError:
        return
    for entry in entries:
        if entry.is_symlink():
            continue
        if entry.is_dir():
            match = _LEGACY_FOLDER.fullmatch(entry.name)
            if match and match["name"] in folder_names:
                shutil.rmtree(entry, ignore_errors=True)
        else:
            match = _LEGACY_FILE.fullmatch(entry.name)
            if match and (folder / match["name"]).is_file():
                entry.unlink(missing_ok=True)
