"""Part I: change costs what changed — whole kg commands at 1x to 1000x side by side: a clean build
against the floor, a build with nothing changed, a one-claim edit, `kg add` of one new fact with a
loaded store against `kg load`, `kg validate` with and without the store, `kg site` full and after one
change, each with its peak RSS. It measures the CLI as it is (no option of a faster kg is assumed)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from config import BENCH_DIR, Config
from formatting import fmt_mb, fmt_s
from measure import Entry, command_env, kg_cli, log, median, python_for_kg, run_proc, summary, tail, time_command
from parts.c_validation import ONE_FACT
from snapshot import SEED_DIRS, SEED_FILES, output_file, project_prefixes
from synth import fresh_copy, make_corpus, suffix

# The build a curator runs: SHACL on, with the compiled engine at every size (--validator auto would
# switch engines at 50,000 triples, which bends the growth curve between 1x and 10x).
BUILD = ("build", "-q", "--validator", "fast")
CLEAN_BUILD = ("build", "-q", "--no-shacl")  # the one compared with the floor (parts A and B do the same)
SITE_SLOWDOWN = 5.0  # a kg site run is killed at 5x its linear estimate from the size below


def change_root(cfg: Config, factor: int) -> Path:
    """Part I's own copy of each size: its edits never touch the corpora the other parts measure."""
    return cfg.work / f"change-x{factor}"


def measure_change(cfg: Config) -> dict[str, Any]:
    log(f"change: kg --version, the start-up every command pays ({cfg.runs_for(1)} runs)")
    startup = time_command([*kg_cli(cfg.corpus(1)), "--version"], cfg.runs_for(1), cfg)
    rows: list[dict[str, Any]] = []
    for factor in cfg.change_sizes:
        rows.append(measure_size(cfg, factor, rows))
    return {"rows": rows, "sizes": list(cfg.change_sizes), "startup": startup, "plot": plot_name(cfg)}


def plot_name(cfg: Config) -> str:
    """The report's plot, written beside it (bench/scaleplot.py): the quick mode's apart."""
    return "scale-quick.svg" if cfg.quick else "scale.svg"


def prepare_corpus(cfg: Config, factor: int) -> Path:
    root = change_root(cfg, factor)
    if factor == 1:
        fresh_copy(cfg.corpus(1), root, SEED_DIRS, SEED_FILES)
    else:
        make_corpus(cfg.corpus(1), root, factor)
    return root


def measure_size(cfg: Config, factor: int, smaller: list[dict[str, Any]]) -> dict[str, Any]:
    runs = cfg.runs_for(factor)
    log(f"change {factor}x: generating the corpus")
    root = prepare_corpus(cfg, factor)
    kg = kg_cli(root)
    row: dict[str, Any] = {"factor": factor, "runs_wanted": runs}

    def timed(key: str, what: str, args: list[str], before: Callable[[int], None] | None = None,
              timeout: float | None = None) -> Entry:
        log(f"change {factor}x: {what} ({runs} runs)")
        entry = row[key] = time_command(args, runs, cfg, before=before, timeout=timeout)
        log(f"  {key}: {entry['status']} {fmt_s(median(entry))}, peak {fmt_mb(entry.get('rss_mb', 0))} {entry['note']}")
        return entry

    # a row the time budget cut short still has its median: only a size where nothing finished stops
    if median(timed("clean_build", "clean kg build --no-shacl", [*kg, *CLEAN_BUILD],
                    before=lambda _: remove_derived(root))) is None:
        return row
    nquads = output_file(root, "dataset-nquads")
    row["quads"] = count_lines(nquads)
    scratch = cfg.work / "change-floor"
    scratch.mkdir(parents=True, exist_ok=True)
    timed("floor", "the floor on this output", [str(python_for_kg()), str(BENCH_DIR / "floor.py"), str(nquads),
          str(scratch / "floor.ttl"), str(scratch / "floor.nq"), json.dumps(project_prefixes(root))])
    if median(timed("clean_build_shacl", "clean kg build", [*kg, *BUILD],
                    before=lambda _: remove_derived(root))) is None:
        return row
    timed("no_change_build", "kg build, nothing changed", [*kg, *BUILD])

    edit = OneClaimEdit(root)
    timed("edit_build", f"kg build after a one-claim edit ({edit.describe()})", [*kg, *BUILD], before=edit.toggle)
    edit.restore()
    if not untimed(cfg, row, [*kg, *BUILD]):
        return row

    timed("load", "kg load", [*kg, "load", "-q"])
    fact = cfg.work / f"change-fact-{factor}x.yaml"
    fact.write_text(ONE_FACT.format(sfx="" if factor == 1 else suffix(factor // 2)), encoding="utf-8")
    timed("validate_store", "kg validate of one fact, store loaded", [*kg, "validate", str(fact)])
    store = root / "output" / "store"
    aside = root / "output" / "store-aside"
    if store.is_dir():
        store.rename(aside)
    try:
        timed("validate_no_store", "kg validate of one fact, no store", [*kg, "validate", str(fact)])
    finally:
        if aside.is_dir():
            aside.rename(store)

    facts_before = facts_files(root)

    def undo_add(i: int) -> None:
        """Before every run but the first: the added file removed, the output built and loaded again."""
        if i == 0:
            return
        for added in facts_files(root) - facts_before:
            added.unlink()
        untimed(cfg, row, [*kg, *BUILD])
        untimed(cfg, row, [*kg, "load", "-q"])

    timed("add", "kg add of one new fact, store loaded", [*kg, "add", str(fact)], before=undo_add)

    site = root / "output" / "site"
    estimate = site_estimate(smaller, factor)
    if estimate and estimate > cfg.timeout:
        row["site"] = summary([], runs, "skipped", f"not run: {fmt_s(estimate)} even if it grew only linearly, "
                                                    f"over the {cfg.timeout:.0f} s limit")
        return row
    limit = min(cfg.timeout, max(60.0, SITE_SLOWDOWN * estimate)) if estimate else cfg.timeout
    if median(timed("site", "kg site", [*kg, "site"], timeout=limit)) is None:
        if row["site"]["status"] == "timeout":
            row["site"]["lower_bound"] = limit
        return row
    row["pages"] = sum(1 for _ in site.rglob("*.html"))

    # the build after an edit brings output/site up to date itself (kg.site.update_site): timed
    # as a whole, beside edit_build (the same build without a site) — a full `kg site` after it
    # would time a full render again, not the update
    timed("site_after_change", "kg build after a one-claim edit, output/site following it", [*kg, *BUILD],
          before=edit.toggle, timeout=limit)
    edit.restore()
    return row


def untimed(cfg: Config, row: dict[str, Any], args: list[str]) -> bool:
    """A command that prepares the next measurement; a failure is noted in the row."""
    proc = run_proc(args, cfg.work, env=command_env(), timeout=cfg.timeout)
    if proc.rc != 0:
        row.setdefault("notes", []).append(f"`kg {' '.join(args[3:])}` (preparation) failed: "
                                           f"{tail(proc.stderr or proc.stdout)}")
        log(f"  preparation failed: {row['notes'][-1]}")
    return proc.rc == 0


def remove_derived(root: Path) -> None:
    """Everything in the project that a build made (output/, any cache): only the inputs stay."""
    keep = set(SEED_DIRS) | set(SEED_FILES)
    for path in root.iterdir():
        if path.name in keep:
            continue
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()


def facts_files(root: Path) -> set[Path]:
    return set((root / "facts").rglob("*.yaml"))


def count_lines(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))


class OneClaimEdit:
    """One claim changed and changed back: the second reference of the first claim (under `claims:`)
    that has two or more is removed (run 0, 2, …) and put back (run 1, 3, …); every quote stays in
    its source. References are found by their lines, flow (`- {source: …}`) or block style
    (`- source: …` and the deeper-indented lines after it), so the rest of the file keeps its bytes."""

    def __init__(self, root: Path) -> None:
        self.root = root
        for path in sorted((root / "facts").rglob("*.yaml")):
            lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
            span = second_reference(lines)
            if span:
                self.path, self.original = path, "".join(lines)
                self.edited = "".join(lines[:span[0]] + lines[span[1]:])
                return
        raise ValueError(f"no claim with two references in {root / 'facts'}")

    def describe(self) -> str:
        return f"one reference of a claim in {self.path.relative_to(self.root)} removed and put back in turn"

    def toggle(self, i: int) -> None:
        self.path.write_text(self.edited if i % 2 == 0 else self.original, encoding="utf-8")

    def restore(self) -> None:
        self.path.write_text(self.original, encoding="utf-8")


def indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def is_ref(line: str) -> bool:
    return line.lstrip().startswith(("- {source:", "- source:"))


def item_end(lines: list[str], start: int) -> int:
    """The line after the list item starting at `start` (blank and comment lines end it too)."""
    end = start + 1
    while end < len(lines) and lines[end].strip() and indent(lines[end]) > indent(lines[start]) \
            and not lines[end].lstrip().startswith("- "):
        end += 1
    return end


def second_reference(lines: list[str]) -> tuple[int, int] | None:
    """The lines of the second reference of the first claim with two, under the top-level `claims:`."""
    section = ""
    for i, line in enumerate(lines):
        if line[:1].isalpha():
            section = line.split(":", 1)[0]
        if section == "claims" and is_ref(line):
            after = item_end(lines, i)
            if after < len(lines) and is_ref(lines[after]) and indent(lines[after]) == indent(line):
                return after, item_end(lines, after)
    return None


def site_estimate(smaller: list[dict[str, Any]], factor: int) -> float | None:
    """The largest smaller size's kg site time scaled linearly: a lower bound for this size."""
    for row in sorted(smaller, key=lambda r: -r["factor"]):
        seconds = median(row.get("site")) or (row.get("site") or {}).get("lower_bound")
        if seconds and row["factor"] < factor:
            return float(seconds) * factor / row["factor"]
    return None
