"""The report (bench/results.md, or bench/results-quick.md): one section per part, from the results
a run saved (<work>/results.json), so it can be written again without measuring (--only report)."""

from __future__ import annotations

import json
import math
import statistics
from pathlib import Path
from typing import Any

from config import PYSHACL_MAX_FACTOR, REPO_ROOT
from formatting import fmt_int, fmt_mb, fmt_ratio, fmt_s
from machine import LIBRARIES
from measure import Entry, median
from parts.d_hotspots import PROFILE_MAX_FACTOR
from scaleplot import write_svg

Lines = list[str]
RESULT_PARTS = ("seed", "scale", "validation", "hotspots", "publish", "serve", "exports", "draft", "change")  # the keys of results.json


def write_report(results: dict[str, Any], out: Path) -> str:
    markdown = render_markdown(results)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(markdown, encoding="utf-8")
    write_plot(results, out)
    return markdown


def write_plot(results: dict[str, Any], out: Path) -> None:
    """Part I's plot beside the report (its name is in the results: scale.svg, --quick scale-quick.svg)."""
    change = results.get("change") or {}
    if change.get("rows"):
        write_svg(results, out.parent / (change.get("plot") or "scale.svg"))


def splice_part(results: dict[str, Any], part: str, out: Path) -> str:
    """Put one part's section into the existing report at `out` (replacing its old one, or at the
    end), keeping every other section as it is: `--only PART` when the saved results do not hold
    the other parts (a fresh work folder), so the report would otherwise lose them."""
    heading, section = SPLICED[part]
    lines = out.read_text(encoding="utf-8").rstrip("\n").split("\n")
    start = next((i for i, line in enumerate(lines) if line.startswith(heading)), None)
    if start is None:
        lines += ["", *section(results[part])]
    else:
        end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
        lines[start:end] = section(results[part])
    markdown = "\n".join(lines).rstrip() + "\n"
    out.write_text(markdown, encoding="utf-8")
    write_plot(results, out)
    return markdown


def render_markdown(results: dict[str, Any]) -> str:
    lines = machine_section(results)
    if results.get("seed"):
        lines += seed_section(results["seed"])
    scale_rows = by_factor((results.get("scale") or {}).get("rows", []))
    if scale_rows:
        lines += scale_section(scale_rows)
    validation = results.get("validation") or {}
    if validation.get("rows"):
        lines += validation_section(validation["rows"], scale_rows)
    if results.get("hotspots"):
        lines += hotspots_section(results["hotspots"], scale_rows)
    if results.get("publish"):
        lines += publish_section(results["publish"])
    if results.get("serve"):
        lines += serve_section(results["serve"])
    if results.get("exports"):
        lines += exports_section(results["exports"])
    if results.get("draft"):
        lines += draft_section(results["draft"])
    if results.get("change"):
        lines += change_section(results["change"])
    lines += [f"- {note}" for note in results.get("notes", [])]
    return "\n".join(lines).rstrip() + "\n"


# ------------------------------------------------------------------ cells


def by_factor(rows: list[dict[str, Any]]) -> dict[int, dict[str, Any]]:
    return {int(row["factor"]): row for row in rows}


def cell(entry: Entry | None) -> str:
    """median (min–max, n of wanted) or the reason it is missing; ⚠ when not every run was done."""
    if not entry:
        return "—"
    if entry.get("median") is None:
        return f"not measured: {entry.get('note') or entry.get('status')}"
    mark = " ⚠" if entry.get("status") not in ("ok", None) else ""
    if entry["n"] == 1:
        of = "" if entry["wanted"] == 1 else f" of {entry['wanted']}"
        return f"**{fmt_s(entry['median'])}** (1 run{of}){mark}"
    n = f"n={entry['n']}" + ("" if entry["n"] == entry["wanted"] else f" of {entry['wanted']}")
    return f"**{fmt_s(entry['median'])}** ({fmt_s(entry['min'])}–{fmt_s(entry['max'])}, {n}){mark}"


def per_1k(seconds: float | None, triples: int | None) -> str:
    if seconds is None or not triples:
        return "—"
    return f"{seconds / (triples / 1000) * 1000:.1f} ms"


def ratio(a: float | None, b: float | None) -> str:
    return fmt_ratio(a / b) if a and b else "—"


def growth_exponent(t1: float | None, t2: float | None, n1: int | None, n2: int | None) -> float | None:
    """k in t ∝ n^k between two sizes."""
    if not (t1 and t2 and n1 and n2) or n1 == n2:
        return None
    return math.log(t2 / t1) / math.log(n2 / n1)


def exponent(t1: float | None, t2: float | None, n1: int | None, n2: int | None) -> str:
    k = growth_exponent(t1, t2, n1, n2)
    return "—" if k is None else f"{k:.2f}"


def triples_of(row: dict[str, Any]) -> int | None:
    """A size's triples; for a build that did not finish, the mapped count before de-duplication."""
    build = row.get("build", {})
    return build.get("counts", {}).get("triples") or build.get("graph", {}).get("triples_upper")


def size_label(factor: int) -> str:
    return "seed" if factor == 1 else f"{factor}x"


# ------------------------------------------------------------------ machine


def machine_section(results: dict[str, Any]) -> Lines:
    meta = results.get("meta", {})
    versions = meta.get("versions", {})
    libraries = ", ".join(f"{n} {versions.get(n) or 'missing'}" for n in LIBRARIES)
    kg_file = versions.get("kg_imported_from") or "?"
    if kg_file.startswith(str(REPO_ROOT)):
        kg_file = kg_file[len(str(REPO_ROOT)) + 1:]
    quick = (" (**--quick**: the smallest sizes and few runs, to check that the benchmark works; its figures "
             "are not comparable with [results.md](results.md))") if results.get("quick") else ""
    return [
        "# kg build benchmark",
        "",
        f"Produced by `bench/run.py{' --quick' if results.get('quick') else ''}` on {meta.get('date', '?')}{quick}. "
        "How to run it and what each number means: [README.md](README.md).",
        "",
        "## Machine",
        "",
        "| | |",
        "|---|---|",
        f"| CPUs (nproc / usable) | {meta.get('nproc')} / {meta.get('usable_cpus')} |",
        f"| CPU | {meta.get('cpu', '?')} |",
        f"| memory | {meta.get('memory_gb', '?')} GB |",
        f"| Python | {meta.get('implementation', '')} {meta.get('python', '?')} ({meta.get('platform', '')}) |",
        f"| libraries | {libraries}, libyaml {'yes' if versions.get('libyaml') else 'no'} |",
        f"| kg measured | `{kg_file}` "
        + ("(the run's snapshot of kg/) |" if meta.get("kg_from_snapshot") else "(**not the run's snapshot**) |"),
        f"| load average (1 min) at start / end | {meta.get('load_start') or 0:.2f} / {meta.get('load_end') or 0:.2f} "
        "(other work on the machine inflates every figure; ratios hold better) |",
        f"| total bench time | {fmt_s(results.get('elapsed'))} |",
        "| measured snapshot (kg/ code and vocabulary + kg.toml, facts, shapes, ontology, sources, reference) | "
        f"`{(results.get('snapshot') or {}).get('id', '?')}`{snapshot_note(results)} |",
        "",
        "Times are wall-clock medians (min–max over n runs). ⚠ marks a row that did not run all its runs "
        "(time budget or limit), see its note.",
        "",
    ]


def snapshot_note(results: dict[str, Any]) -> str:
    measured = {part: results[part]["snapshot"] for part in RESULT_PARTS
                if (results.get(part) or {}).get("snapshot")}
    notes = []
    if len(set(measured.values())) > 1:
        notes.append("; parts measured different snapshots: " + ", ".join(f"{k} `{v}`" for k, v in measured.items()))
    changed = results.get("changed_during_run") or []
    if changed:
        shown = ", ".join(changed[:12]) + (f" and {len(changed) - 12} more" if len(changed) > 12 else "")
        notes.append(f"; changed in the live tree during the run (not measured here): {shown}")
    return "".join(notes)


# ------------------------------------------------------------------ A


def seed_section(seed: dict[str, Any]) -> Lines:
    floor_command = median(seed.get("floor_subprocess"))
    floor_inprocess = median(seed.get("floor_inprocess"))
    inprocess = seed.get("inprocess", {})
    counts = inprocess.get("counts", {})
    lines = [
        "## A. Seed: `kg build` end to end against the pyoxigraph floor",
        "",
        f"Seed project (a copy of kg.toml, sources/, facts/, ontology/, shapes/, reference/ at run time): "
        f"{fmt_int(counts.get('sources'))} sources, {fmt_int(counts.get('entities'))} entities, "
        f"{fmt_int(counts.get('claims'))} claims, {fmt_int(counts.get('statements'))} statements, "
        f"**{fmt_int(counts.get('triples'))} triples** ({fmt_int(counts.get('quads'))} quads in the N-Quads file).",
        "",
        "Subprocesses (whole command, interpreter start included):",
        "",
        "| command | time | vs floor (subprocess) |",
        "|---|---|---|",
        f"| `python -c pass` (interpreter start) | {cell(seed.get('python_startup'))} | |",
        f"| `kg --version` (start + import click, kg) | {cell(seed.get('kg_version'))} | |",
        "| **floor**: `python bench/floor.py` (import pyoxigraph; parse the .nq; write .ttl + .nq) | "
        f"{cell(seed.get('floor_subprocess'))} | 1x |",
        f"| `kg build -q --no-shacl` | {cell(seed.get('kg_build_no_shacl'))} | "
        f"{ratio(median(seed.get('kg_build_no_shacl')), floor_command)} |",
        "| `kg build -q` (with SHACL as published: `--validator auto`, the compiled engine) | "
        f"{cell(seed.get('kg_build'))} | {ratio(median(seed.get('kg_build')), floor_command)} |",
        "",
        "In-process (only the work itself; no interpreter start, no imports):",
        "",
        "| measurement | time | vs floor (in-process) |",
        "|---|---|---|",
        "| **floor**: parse the .nq + serialise Turtle + N-Quads (pyoxigraph) | "
        f"{cell(seed.get('floor_inprocess'))} | 1x |",
    ]
    steps = seed.get("floor_parts") or {}
    if steps:
        lines.append(f"| … of which parse / Turtle / N-Quads | {fmt_s(steps.get('parse'))} / "
                     f"{fmt_s(steps.get('turtle'))} / {fmt_s(steps.get('nquads'))} | |")
    for name, entry in inprocess.get("stages", {}).items():
        label = "**build() total without SHACL**" if name == "total" else f"build() stage `{name}`"
        lines.append(f"| {label} | {cell(entry)} | {ratio(median(entry), floor_inprocess)} |")
    lines.append("")
    for key in ("kg_build", "kg_build_no_shacl", "floor_subprocess", "floor_inprocess"):
        entry = seed.get(key) or {}
        if entry.get("note"):
            lines.append(f"- `{key}`: {entry['status']}: {entry['note']}")
    if inprocess.get("message"):
        lines.append(f"- in-process build: {inprocess['status']}: {inprocess['message']}")
    return lines + [""]


# ------------------------------------------------------------------ B


def stage_names(rows: dict[int, dict[str, Any]]) -> list[str]:
    names = list(dict.fromkeys(n for row in rows.values() for n in row["build"].get("stages", {}) if n != "total"))
    return names + [n for n in ("read", "map", "serialise") if n not in names]


def scale_section(rows: dict[int, dict[str, Any]]) -> Lines:
    sizes = sorted(rows)
    stages = stage_names(rows)
    lines = [
        "## B. Synthetic corpora: build() stages in-process, SHACL off",
        "",
        "`bench/synth.py` repeats the seed (1x = the seed itself). `build(project, run_shacl=False)` "
        "in a fresh worker process per size; its own stage timings.",
        "",
        "| size | sources | entities | claims | statements | triples | generate | " + " | ".join(stages)
        + " | build total | per 1k triples | floor on this output | build / floor | peak RSS |",
        "|---|" + "---:|" * (6 + len(stages) + 5),
    ]
    for factor in sizes:
        lines.append(scale_row(factor, rows[factor], stages))
    lines.append("")
    lines += unfinished_notes(rows)
    lines.append("")
    lines += growth_table(rows, stages)
    lines += steps_table(rows)
    return lines


def scale_row(factor: int, row: dict[str, Any], stages: list[str]) -> str:
    build = row["build"]
    counts = build.get("counts", {})
    timings = build.get("stages", {})
    partial = build.get("partial", {})
    cells = []
    for name in stages:
        if name in timings:
            cells.append(cell(timings[name]))
        elif name in partial:
            cells.append(f"{fmt_s(partial[name])} (1 partial run)")
        else:
            cells.append("**not finished**" if build["status"] != "ok" else "—")
    total = median(timings.get("total"))
    triples = triples_of(row)
    shown_triples = fmt_int(counts.get("triples")) if counts.get("triples") else "—"
    if not counts.get("triples") and triples:
        shown_triples = f"≈ {fmt_int(triples)}"
    floor = median(row.get("floor"))
    total_cell = cell(timings.get("total")) if total else f"**not finished**: {build.get('message') or build['status']}"
    return (
        f"| {factor}x | {fmt_int(counts.get('sources'))} | {fmt_int(counts.get('entities'))} | "
        f"{fmt_int(counts.get('claims'))} | "
        f"{fmt_int(counts.get('statements') or build.get('graph', {}).get('statements'))} | "
        f"{shown_triples} | {fmt_s(row.get('generate_s'))} | " + " | ".join(cells)
        + f" | {total_cell} | {per_1k(total, triples)} | {fmt_s(floor)} | {ratio(total, floor)} | "
        f"{fmt_mb(build.get('rss_mb', 0))} |"
    )


def unfinished_notes(rows: dict[int, dict[str, Any]]) -> Lines:
    """A note per size that did not finish, with its total extrapolated from the last two that did."""
    lines = []
    totals = {f: median(r["build"].get("stages", {}).get("total")) for f, r in rows.items()}
    finished = [f for f in sorted(rows) if totals[f]]
    for factor in sorted(rows):
        build = rows[factor]["build"]
        if build.get("status") != "ok" or build.get("message"):
            lines.append(f"- {factor}x build: {build['status']}: {build.get('message')}")
        if build.get("missing"):
            lines.append(f"- {factor}x: not found in kg, so not timed in the breakdown: {', '.join(build['missing'])}")
        if build.get("status") == "ok" or totals[factor] or not finished:
            continue
        last = finished[-1]
        k = 1.0
        if len(finished) >= 2:
            before = finished[-2]
            k = max(k, growth_exponent(totals[before], totals[last], triples_of(rows[before]),
                                       triples_of(rows[last])) or k)
        estimate = (totals[last] or 0) * (factor / last) ** k
        lines.append(f"- {factor}x build total, **estimated** (not measured): {fmt_s(estimate)} = {last}x's "
                     f"{fmt_s(totals[last])} x {factor // last}^{k:.2f} "
                     "(k from the last two finished sizes, at least 1).")
    return lines


def growth_table(rows: dict[int, dict[str, Any]], stages: list[str]) -> Lines:
    sizes = sorted(rows)
    lines = [
        "### How time grows",
        "",
        "Time per 1,000 triples, and the growth exponent k in t ∝ n^k between consecutive sizes "
        "(1.0 = linear, 2.0 = quadratic).",
        "",
        *growth_header("stage", sizes),
    ]
    series = {f"build `{name}`": [median(rows[f]["build"].get("stages", {}).get(name)) for f in sizes]
              for name in [*stages, "total"]}
    series["floor (pyoxigraph)"] = [median(rows[f].get("floor")) for f in sizes]
    for label, values in series.items():
        if any(values):
            lines.append(growth_row(label, sizes, values, [False] * len(sizes), rows))
    return lines + [""]


def growth_header(first_column: str, sizes: list[int]) -> Lines:
    return [f"| {first_column} | " + " | ".join(f"{f}x per 1k" for f in sizes) + " | "
            + " | ".join(f"k {a}x→{b}x" for a, b in zip(sizes, sizes[1:])) + " |",
            "|---|" + "---:|" * (2 * len(sizes) - 1)]


def growth_row(label: str, sizes: list[int], values: list[float | None], lower_bounds: list[bool],
               rows: dict[int, dict[str, Any]]) -> str:
    """Per 1k triples at each size, then k between neighbours; a lower bound (a killed run) gives
    "> t" and "≥ k"."""
    triples = [triples_of(rows.get(f, {})) for f in sizes]
    per = [("> " if lower and t else "") + per_1k(t, n) for t, n, lower in zip(values, triples, lower_bounds)]
    ks = []
    for i in range(len(sizes) - 1):
        k = "—" if lower_bounds[i] else exponent(values[i], values[i + 1], triples[i], triples[i + 1])
        ks.append(f"≥ {k}" if lower_bounds[i + 1] and k != "—" else k)
    return f"| {label} | " + " | ".join(per) + " | " + " | ".join(ks) + " |"


def steps_table(rows: dict[int, dict[str, Any]]) -> Lines:
    sizes = sorted(rows)
    names = list(dict.fromkeys(n for f in sizes for n in rows[f]["build"].get("steps", {})))
    lines = [
        "### Where the time goes inside build() (instrumented calls, last run)",
        "",
        "Each function build() calls, timed by a wrapper in the worker (a call inside another is "
        "counted in both; a function called twice is summed).",
        "",
        "| call | " + " | ".join(f"{f}x" for f in sizes) + " |",
        "|---|" + "---:|" * len(sizes),
    ]
    for name in names:
        cells = []
        for factor in sizes:
            build = rows[factor]["build"]
            value = build.get("steps", {}).get(name)
            if value is None:
                cells.append("not reached" if build["status"] != "ok" else "—")
            else:
                cells.append(fmt_s(value) + ("" if build.get("steps_complete", True) else " (partial run)"))
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return lines + [""]


# ------------------------------------------------------------------ C


def validation_section(validation_rows: list[dict[str, Any]], scale_rows: dict[int, dict[str, Any]]) -> Lines:
    rows = by_factor(validation_rows)
    sizes = sorted(rows)
    lines = [
        "## C. Validation, measured separately",
        "",
        "`kg.shacl.validate(triples, vocabulary, project, engine=…)` with kg's and the project's shapes, on the "
        f"sorted triples of build() plus the ontology's vocabulary layer (preparing them is not timed). pyshacl "
        f"(the reference engine; `kg build --validator pyshacl`) is never run above {PYSHACL_MAX_FACTOR}x; "
        "the fast engine (`kg.shacl.compiled`: the same shapes as SPARQL on pyoxigraph) at every size. Neither is "
        "started where a smaller size's time scaled linearly (a lower bound) exceeds the time limit; a run gets at "
        "most 5x that linear estimate, so \"> t (killed)\" means it grew faster than ~n^1.7.",
        "",
        "| size | triples | pyshacl | pyshacl per 1k triples | pyshacl result | fast engine | fast per 1k triples "
        "| fast result |",
        "|---|---:|---|---:|---|---|---:|---|",
    ]
    for factor in sizes:
        row = rows[factor]
        pyshacl, fast = row.get("pyshacl"), row.get("fast")
        triples = row.get("triples")
        lines.append(
            f"| {factor}x | {fmt_int(triples)} | {validation_cell(pyshacl, 'not run (--no-pyshacl)')} | "
            f"{per_1k(median(pyshacl), triples)} | {report_cell(pyshacl)} | {validation_cell(fast, '—')} | "
            f"{per_1k(median(fast), triples)} | {report_cell(fast)} |"
        )
    lines.append("")
    if len(sizes) > 1:
        lines += ["How validation grows (per 1k triples; k as in part B):", "", *growth_header("engine", sizes)]
        killed = False
        for engine, label in (("pyshacl", "pyshacl validate"), ("fast", "fast engine validate")):
            entries = [rows[f].get(engine) or {} for f in sizes]
            if any(entries):
                values = [median(e) or e.get("lower_bound") for e in entries]
                lower = [not median(e) and bool(e.get("lower_bound")) for e in entries]
                killed = killed or any(lower)
                lines.append(growth_row(label, sizes, values, lower, scale_rows))
        lines.append("")
        if killed:
            lines += ["(> = lower bound: that run was killed at its time limit; ≥ k: growth at least this fast.)", ""]
    lines += slowest_checks_table(rows)
    lines += one_fact_table(rows)
    return lines


def validation_cell(entry: Entry | None, missing: str) -> str:
    if not entry:
        return missing
    if entry.get("lower_bound"):
        linear = f"; linear growth would give {fmt_s(entry['linear_estimate'])}" if entry.get("linear_estimate") else ""
        return f"> {fmt_s(entry['lower_bound'])} (killed at its time limit{linear})"
    return cell(entry)


def report_cell(entry: Entry | None) -> str:
    return json.dumps(entry["report"]) if entry and entry.get("report") else "—"


def slowest_checks_table(rows: dict[int, dict[str, Any]]) -> Lines:
    found = [(f, rows[f]["fast"]["checks"]) for f in sorted(rows) if (rows[f].get("fast") or {}).get("checks")]
    if not found:
        return []
    lines = [
        "Fast engine, its slowest compiled queries (each run alone once after the timed runs; "
        "share of all its queries' time):",
        "",
        "| size | all queries | slowest | share | next | share |",
        "|---|---:|---|---:|---|---:|",
    ]
    for factor, checks in found:
        total = checks["total"] or 1.0
        top = checks["top"] + [{"check": "—", "secs": 0}] * 2
        first, second = (f"`{c['check'].rsplit('/', 1)[-1]}` {fmt_s(c['secs'])} | {100 * c['secs'] / total:.0f}%"
                         for c in top[:2])
        lines.append(f"| {factor}x | {fmt_s(checks['total'])} ({checks['count']}) | {first} | {second} |")
    return lines + [""]


def one_fact_table(rows: dict[int, dict[str, Any]]) -> Lines:
    checks = {f: rows[f]["check"] for f in sorted(rows) if rows[f].get("check")}
    if not checks:
        return []
    lines = [
        "### Checking one new fact: `kg validate` against the loaded store",
        "",
        "`kg load` once (bulk load of the built Turtle + ontology into output/store), then `kg validate` of one new "
        "claim (a producer of the film, quoted; no copy holds it), whole commands. *Beyond start-up* is validate "
        "minus `python -c 'import kg'`; the target is under 1 s at 1000x.",
        "",
        "| size | triples | `kg load` | `python -c 'import kg'` | `kg --help` | `kg validate` one fact "
        "| beyond start-up | validate / import |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for factor, check in checks.items():
        validate_s, import_s = median(check.get("validate")), median(check.get("import_kg"))
        beyond = fmt_s(validate_s - import_s) if validate_s and import_s else "—"
        lines.append(
            f"| {size_label(factor)} | {fmt_int(rows[factor].get('triples'))} | {cell(check.get('load'))} "
            f"| {cell(check.get('import_kg'))} | {cell(check.get('help'))} | {cell(check.get('validate'))} "
            f"| {beyond} | {ratio(validate_s, import_s)} |"
        )
    for factor, check in checks.items():
        for key in ("load", "validate"):
            if (check.get(key) or {}).get("note"):
                lines.append(f"- {size_label(factor)} `kg {key}`: {check[key]['status']}: {check[key]['note']}")
    return lines + [""]


# ------------------------------------------------------------------ D


def hotspots_section(hotspots: dict[str, Any], scale_rows: dict[int, dict[str, Any]]) -> Lines:
    profile = hotspots.get("profile") or {}
    if not profile.get("own"):
        reason = hotspots.get("note") or f"{profile.get('status')}: {profile.get('message')}"
        return [f"## D. Hotspots: cProfile of one build() (up to {PROFILE_MAX_FACTOR}x)", "", reason, ""]
    total = profile.get("total") or 1
    lines = [
        f"## D. Hotspots: cProfile of one build() at {profile['factor']}x (SHACL off)",
        "",
        f"Profiled run {fmt_s(profile.get('wall'))} (profiling slows Python code ~1.5–2x); percentages "
        f"of the profiled total {fmt_s(total)}. Own time = in the function itself; the garbage "
        "collector's time lands on whichever function allocates when it runs.",
        "",
        "| own time | % | calls | function |",
        "|---:|---:|---:|---|",
    ]
    lines += [f"| {fmt_s(r['own'])} | {100 * r['own'] / total:.1f}% | {fmt_int(r['ncalls'])} | `{r['func']}` |"
              for r in profile["own"][:20]]
    lines += ["", "Cumulative time of kg functions:", "",
              "| cumulative | % | calls | function |", "|---:|---:|---:|---|"]
    lines += [f"| {fmt_s(r['cum'])} | {100 * r['cum'] / total:.1f}% | {fmt_int(r['ncalls'])} | `{r['func']}` |"
              for r in profile["cum"][:20]]
    lines.append("")
    gc_off = hotspots.get("gc_off") or {}
    if gc_off.get("build", {}).get("stages"):
        gc_on = scale_rows.get(gc_off["factor"], {}).get("build", {}).get("stages", {})
        lines += [
            f"Diagnostic: the same build() at {gc_off['factor']}x with Python's garbage collector disabled "
            "(not a kg setting; shows the collector's share — pyoxigraph terms are GC-tracked objects):",
            "",
            "| stage | GC on (table B) | GC off |",
            "|---|---:|---:|",
        ]
        lines += [f"| {name} | {fmt_s(median(gc_on.get(name)))} | {fmt_s(median(entry))} |"
                  for name, entry in gc_off["build"]["stages"].items()]
        lines.append("")
    return lines


# ------------------------------------------------------------------ E


def publish_section(publish: dict[str, Any]) -> Lines:
    lines = [
        f"## E. `kg publish` into an Oxigraph server, seed and {publish.get('scale')}x",
        "",
        "bench/publish.py: each run on a fresh `oxigraph serve` (new database, free loopback port). "
        "kg publish --full = one SPARQL Update (DROP + INSERT DATA + record) when it fits the update limit; "
        "the staging path = upload into a staging graph, count it, COPY onto the target, drop the staging graph; "
        "the delta = one claim's statement added back to a store that holds the rest; "
        "the floor = a bare `requests.put` of the same files into the target. "
        "Runs (seed, synthetic): " + str(publish.get("runs", "?")) + ". Its own notes: bench/publish-results.md.",
        "",
    ]
    if publish.get("table"):
        return lines + [publish["table"].rstrip(), ""]
    return lines + [f"not measured: {publish.get('status')}: {publish.get('note')}", ""]


# ------------------------------------------------------------------ F

KG_SERVE, OXIGRAPH = "kg serve", "oxigraph serve-read-only"


def load_median(runs: list[dict[str, Any]], key: str) -> float | None:
    values = [run[key] for run in runs if run.get(key) is not None]
    return statistics.median(values) if values else None


def fmt_ms(ms: float | None) -> str:
    return "—" if ms is None else fmt_s(ms / 1000)


def fmt_rate(rate: float | None) -> str:
    return "—" if rate is None else f"{rate:,.0f}"


def fine_ratio(a: float | None, b: float | None) -> str:
    """As ratio(), with two decimals below 1 (a server 16 times slower is 0.06x, not 0.1x)."""
    return f"{a / b:.2f}x" if a and b and a / b < 1 else ratio(a, b)


def serve_section(serve: dict[str, Any]) -> Lines:
    title = "## F. `kg serve` under concurrent clients, beside `oxigraph serve-read-only`"
    if serve.get("status") != "ok":
        return [title, "", serve.get("note") or f"not measured: {serve.get('status')}", ""]
    runs, kinds = serve.get("runs", {}), serve.get("kinds", {})
    lines = [
        title,
        "",
        f"Measured on {serve.get('date', '?')}, snapshot `{serve.get('snapshot', '?')}`, load average (1 min) at "
        f"start / end {serve.get('load_start') or 0:.2f} / {serve.get('load_end') or 0:.2f}.",
        "",
        f"The seed (built, loaded, `kg site` written, in the run's copy), both servers on 127.0.0.1 at the same time: "
        f"`kg serve` (the run's snapshot of kg) and `oxigraph serve-read-only` ({serve.get('oxigraph')}) on an "
        "`oxigraph load` of the same N-Quads. Load: "
        f"{serve.get('wrk')}, {serve.get('clients')} connections (keep-alive), one kind of request at a time, "
        f"each {serve.get('seconds'):g} s, kg then Oxigraph; the requests cycle through {serve.get('entities')} "
        f"entities. Medians over {serve.get('runs_wanted')} run(s) of each run's p50, p99 and requests/s "
        "(a non-2xx/3xx answer, e.g. 503 when every query worker is busy, counts as a request and its latency "
        "is included; *ok/s* leaves them out). The SELECT is `" + str(serve.get("select")) + "`.",
        "",
        "| request | server | p50 | p99 | requests/s | ok/s | non-2xx/3xx (all runs) | errors (connect/read/timeout) |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for server in (KG_SERVE, OXIGRAPH):
        for kind in kinds.get(server, []):
            done = runs.get(server, {}).get(kind["name"], [])
            errors = [sum(r["errors"][e] for r in done) for e in ("connect", "read", "timeout")]
            lines.append(
                f"| {kind['label']} | {server} | {fmt_ms(load_median(done, 'p50_ms'))} | "
                f"{fmt_ms(load_median(done, 'p99_ms'))} | **{fmt_rate(load_median(done, 'rps'))}** | "
                f"{fmt_rate(load_median(done, 'ok_rps'))} | {fmt_int(sum(r['errors']['status'] for r in done))} | "
                + "/".join(map(str, errors)) + " |")
    if any(kind["name"].endswith("-close") for listed in kinds.values() for kind in listed):
        lines += ["", "With `Connection: close` wrk counts each close by the server as a read error (about one per "
                  "request): those answers were complete (none was a non-2xx/3xx)."]
    lines += ["", "Side by side (kg / Oxigraph: above 1 for latency, below 1 for requests/s means kg is slower):", "",
              "| request | p50 kg / Oxigraph | p99 kg / Oxigraph | requests/s kg / Oxigraph |", "|---|---:|---:|---:|"]
    for kind in kinds.get(OXIGRAPH, []):
        kg_runs = runs.get(KG_SERVE, {}).get(kind["name"], [])
        ox_runs = runs.get(OXIGRAPH, {}).get(kind["name"], [])
        cells = [fine_ratio(load_median(kg_runs, key), load_median(ox_runs, key))
                 for key in ("p50_ms", "p99_ms", "rps")]
        name = kind["name"].upper().replace("-CLOSE", ", Connection: close")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines += ["", f"Memory: VmRSS summed over the server's process and its children (kg's query workers), "
              f"from /proc/PID/status; *after* = after {fmt_int(serve.get('requests_for_memory'))} mixed requests "
              "of every kind the server answers (started fresh), *end* = after all the runs above; "
              "peak = VmHWM summed.",
              "", "| server | processes | RSS at start | RSS after the requests | RSS at the end | peak |",
              "|---|---:|---:|---:|---:|---:|"]
    for server, memory in serve.get("memory", {}).items():
        idle, after, end = (memory.get(k) or {} for k in ("idle", "after", "end"))
        lines.append(f"| {server} | {end.get('processes', after.get('processes'))} | {fmt_mb(idle.get('rss_mb', 0))} | "
                     f"{fmt_mb(after.get('rss_mb', 0))} ({fmt_int(memory.get('requests'))} requests) | "
                     f"{fmt_mb(end.get('rss_mb', 0))} | {fmt_mb(end.get('peak_mb', 0))} |")
    return lines + [""]


# ------------------------------------------------------------------ G

TURTLE_WRITER = "graph"  # the writer every other one is compared with: the graph as Turtle


def exports_section(exports: dict[str, Any]) -> Lines:
    """One row per writer: its median at each size, its ratio to the Turtle writer of the same
    graph in the same run, and its growth exponent between the two sizes."""
    rows = [r for r in exports.get("rows", []) if r.get("writers")]
    lines = ["## G. Each published file and export, alone, beside the Turtle writer", "",
             "bench/workers.py `exports`: one build() without SHACL, then each writer of kg.pipeline.writers() "
             "timed alone on that graph (the median of the runs). Ratio: its median over the Turtle writer's "
             "(`graph`) in the same run; k: t ∝ triples^k between the sizes.", ""]
    if not rows:
        notes = "; ".join(f"{size_label(r['factor'])}: {r.get('status')} {r.get('message', '')}"
                          for r in exports.get("rows", []))
        return lines + [f"not measured: {notes or 'no rows'}", ""]
    header = "| writer | " + " | ".join(
        f"{size_label(r['factor'])} ({fmt_int(r.get('triples'))} triples) | ratio" for r in rows)
    lines += [header + (" | k |" if len(rows) > 1 else " |"),
              "|---|" + "---:|---:|" * len(rows) + ("---:|" if len(rows) > 1 else "")]
    names = list(dict.fromkeys(name for r in rows for name in r["writers"]))
    for name in names:
        cells = []
        medians = []
        for r in rows:
            writer, turtle = r["writers"].get(name), r["writers"].get(TURTLE_WRITER)
            m = writer.get("median") if writer else None
            medians.append(m)
            cells += [fmt_s(m), ratio(m, turtle.get("median") if turtle else None)]
        line = f"| {name} | " + " | ".join(cells) + " |"
        if len(rows) > 1:
            line += f" {exponent(medians[0], medians[-1], rows[0].get('triples'), rows[-1].get('triples'))} |"
        lines.append(line)
    unfinished = [r for r in exports.get("rows", []) if r.get("status") != "ok"]
    lines += [""] + [f"- {size_label(r['factor'])}: {r.get('status')} {r.get('message', '')}" for r in unfinished]
    return lines + [""]


# ------------------------------------------------------------------ H

DRAFT_TARGETS = "claim recall ≥ 60% at precision ≥ 70%, entity-mention recall ≥ 95%, under 1 s per article"


def fmt_pct(x: float | None) -> str:
    return "—" if x is None else f"{x * 100:.0f}%"


def warm(article: dict[str, Any]) -> float | None:
    """The median of the warm runs; the cold one when there were none."""
    runs = article.get("runs") or []
    return statistics.median(runs) if runs else article.get("cold")


def draft_section(draft: dict[str, Any]) -> Lines:
    """One row per seed article left out, a total row, where the rules fail, then the throughput."""
    lines = ["## H. `kg draft`: leave-one-out on the seed, and against the large graph", "",
             "Each article drafted (kg.draft.run.draft_source, in a worker) against a copy of the seed without its "
             "references (bench/leave_one_out.py: every ref citing it removed, then names, entities and claims left "
             "with none) and compared with the curated claims citing it (bench/draft_score.py): *recall* = curated "
             "claims whose subject, property and normalised value the draft proposes, *precision* = proposed claims "
             "matching a curated one, *mentions* = curated entities the article names (a name citing it occurs in its "
             "text) whose mention the draft finds (a new candidate counts when its slug is the curated id; the "
             "entities it cites under a label the curator wrote, quotations, events and roles, are left out of "
             "this count and listed after the table). *Aligned* recall and precision forgive what a curator words "
             "freely: a new entity candidate stands for the curated entity whose quoted spans in the article overlap "
             "its own the most, and a free-text claim (description, text, alternate name, abstract) matches a curated "
             "one of the same subject and property when their values share half their words (token Jaccard >= 0.5) "
             "or their quotes overlap by half the shorter one; the strict columns are unchanged. *Time*: one draft, warm (the "
             "median of the runs; *cold* is the process's first, with the lazy imports), reading the graph "
             f"included. Targets (reported, not asserted): {DRAFT_TARGETS}.", "",
             "| article | curated claims | proposed | matched | recall | precision | aligned recall | aligned precision "
             "| entities cited | mentions found | mention recall | left out → new candidates (matching) | slug "
             "mismatches | time (cold) |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    rows = draft.get("rows", [])
    totals = dict.fromkeys(("curated", "proposed", "matched", "entities_cited", "entities_found", "aligned_matched",
                            "aligned_proposed_matched"), 0)
    for row in rows:
        s = row.get("scores") or {}
        if not s:
            lines.append(f"| {row['key']} | not measured: {row.get('status')} {row.get('message', '')} |"
                         + " |" * 13)
            continue
        for k in totals:
            totals[k] += s.get(k, 0)
        lines.append(
            f"| {row['key']} | {s['curated']} | {s['proposed']} | {s['matched']} | {fmt_pct(s['recall'])} | "
            f"{fmt_pct(s['precision'])} | {fmt_pct(s.get('aligned_recall'))} | {fmt_pct(s.get('aligned_precision'))} | "
            f"{s['entities_cited']} | {s['entities_found']} | "
            f"{fmt_pct(s['mention_recall'])} | {s['entities_left_out']} → {s['new_candidates']} "
            f"({s['new_candidates_matching']}) | {len(s['slug_mismatches'])} | "
            f"{fmt_s(warm(row))} ({fmt_s(row.get('cold'))}) |")
    scored = [r for r in rows if r.get("scores")]
    if scored:
        times = [t for t in (warm(r) for r in scored) if t is not None]

        def share(a: str, b: str) -> str:
            return fmt_pct(totals[a] / totals[b]) if totals[b] else "—"

        lines.append(f"| **all** | {totals['curated']} | {totals['proposed']} | {totals['matched']} | "
                     f"**{share('matched', 'curated')}** | **{share('matched', 'proposed')}** | "
                     f"**{share('aligned_matched', 'curated')}** | **{share('aligned_proposed_matched', 'proposed')}** | "
                     f"{totals['entities_cited']} | {totals['entities_found']} | "
                     f"**{share('entities_found', 'entities_cited')}** | | | "
                     f"median {fmt_s(statistics.median(times) if times else None)} |")
        lines += ["", *draft_failures(scored)]
    lines += ["", *draft_throughput(draft.get("throughput") or {})]
    return lines + [""]


def draft_failures(rows: list[dict[str, Any]]) -> Lines:
    missed: dict[str, int] = {}
    wrong: dict[str, int] = {}
    for row in rows:
        for prop, n in row["scores"]["missed_by_property"].items():
            missed[prop] = missed.get(prop, 0) + n
        for rule, n in row["scores"]["wrong_by_rule"].items():
            wrong[rule] = wrong.get(rule, 0) + n
    unmentioned = sum(r["scores"]["missed_subject_not_mentioned"] for r in rows)
    aligned_missed: dict[str, int] = {}
    for row in rows:
        for prop, n in row["scores"].get("aligned_missed_by_property", {}).items():
            aligned_missed[prop] = aligned_missed.get(prop, 0) + n
    aligned_top = sorted(aligned_missed.items(), key=lambda kv: (-kv[1], kv[0]))
    labelled = sum(r["scores"].get("entities_labelled", 0) for r in rows)
    top = sorted(missed.items(), key=lambda kv: (-kv[1], kv[0]))
    lines = ["Where the rules fail: curated claims missed, by property (all articles; "
             f"{unmentioned} of them have a subject the draft never mentions):", "",
             ", ".join(f"`{p}` {n}" for p, n in top[:12]) + (f", {len(top) - 12} more properties" if len(top) > 12 else ""),
             "", "Missed even by the aligned score: " + (", ".join(f"`{p}` {n}" for p, n in aligned_top[:12]) or "none")
             + (f", {len(aligned_top) - 12} more properties" if len(aligned_top) > 12 else "") + ".",
             "", "Proposed claims matching no curated one, by rule: "
             + (", ".join(f"`{r}` {n}" for r, n in sorted(wrong.items(), key=lambda kv: (-kv[1], kv[0]))) or "none") + "."]
    mismatches = [f"{m['curated']} (draft: {m['draft']})" for r in rows for m in r["scores"]["slug_mismatches"]]
    lost = [e for r in rows for e in r["scores"]["entities_missed"]]
    lines += ["", "Slug mismatches (a new candidate naming a curated entity under another id): "
              + (", ".join(mismatches) or "none") + ".",
              "", f"Entities cited under a curator's label, not a name the article writes (not counted): {labelled}.",
              "", f"Entities named but not found ({len(lost)}): " + (", ".join(lost[:20]) or "none")
              + (" …" if len(lost) > 20 else "") + "."]
    return lines


def draft_throughput(throughput: dict[str, Any]) -> Lines:
    factor = throughput.get("factor")
    title = f"Against the {size_label(factor) if factor else '?'} graph: each seed article's first copy drafted"
    articles = throughput.get("articles") or []
    if not articles:
        return [f"{title}: not measured: {throughput.get('status')} {throughput.get('message', '')}"]
    load = throughput.get("load") or {}
    graph = throughput.get("graph") or {}
    facts = throughput.get("facts") or {}
    by_facts = {a["key"]: a for a in facts.get("articles") or []}
    source = "its store" if graph.get("from_store") else f"facts/ (the store was not current: {throughput.get('store')})"
    lines = [f"{title} against {fmt_int(load.get('entities'))} entities, {fmt_int(load.get('claims'))} claims, "
             f"{fmt_int(load.get('sources'))} sources, the graph built and loaded first (`kg build --no-shacl`, "
             f"`kg load`). *From the store*: what kg draft reads when the store holds the current build, here {source} "
             f"(reading it alone: {fmt_s(graph.get('secs'))}); *from facts/*: what it reads otherwise (reading facts/ "
             f"alone: {fmt_s(load.get('secs'))}). Every draft reads its graph again:", "",
             "| article | characters | claims proposed | from the store (cold) | from facts/ (cold) |",
             "|---|---:|---:|---:|---:|"]
    for a in articles:
        f = by_facts.get(a["key"])
        lines.append(f"| {a['key']} | {fmt_int(a['text_chars'])} | {a['claims']} | "
                     f"{fmt_s(warm(a))} ({fmt_s(a.get('cold'))}) | "
                     + (f"{fmt_s(warm(f))} ({fmt_s(f.get('cold'))}) |" if f else "— |"))
    for label, part in (("from the store", throughput), ("from facts/", facts)):
        if part.get("status") != "ok":
            lines += ["", f"- {label}: {part.get('status')} {part.get('message', '')}"]
    return lines


# ------------------------------------------------------------------ I

CHANGE_ROWS = (  # (results key, what was run): the table's rows, in the order they are measured
    ("clean_build", "clean `kg build -q --no-shacl` (output/ and every cache removed first)"),
    ("floor", "floor: `python bench/floor.py` on that build's N-Quads (parse, write .ttl + .nq)"),
    ("clean_build_shacl", "clean `kg build -q --validator fast`"),
    ("no_change_build", "`kg build -q --validator fast`, nothing changed"),
    ("edit_build", "`kg build -q --validator fast` after a one-claim edit"),
    ("load", "`kg load -q` (the whole store)"),
    ("validate_store", "`kg validate` of one new fact, store loaded"),
    ("validate_no_store", "`kg validate` of one new fact, no store"),
    ("add", "`kg add` of one new fact (a small facts file), store loaded"),
    ("site", "`kg site`, full"),
    ("site_after_change", "`kg build` after a one-claim edit, output/site following it (its update)"),
)
CHANGE_RATIOS = (  # (label, numerator, denominator)
    ("clean build / floor (target ≤ 3)", "clean_build", "floor"),
    ("no-change build / clean build", "no_change_build", "clean_build_shacl"),
    ("one-claim edit / clean build", "edit_build", "clean_build_shacl"),
    ("store update: `kg add` / `kg load`", "add", "load"),
    ("`kg validate`: store / no store", "validate_store", "validate_no_store"),
    ("build with its site update after one change / full `kg site`", "site_after_change", "site"),
    ("build with its site update / the same build without a site", "site_after_change", "edit_build"),
)


def short_cell(entry: Entry | None) -> str:
    """median with the peak RSS; ⚠ when not every run was done; the status when nothing was."""
    if not entry:
        return "—"
    if entry.get("median") is None:
        bound = f" (> {fmt_s(entry['lower_bound'])})" if entry.get("lower_bound") else ""
        return f"{entry.get('status')}{bound}"
    mark = " ⚠" if entry.get("status") not in ("ok", None) else ""
    memory = f" · {fmt_mb(entry['rss_mb'])}" if entry.get("rss_mb") else ""
    return f"**{fmt_s(entry['median'])}**{memory}{mark}"


def change_exponent(rows: list[dict[str, Any]], key: str, size_key: str = "quads",
                    since: int | None = None) -> float | None:
    """k in t ∝ n^k from the first size (or `since`) to the last one that has a median."""
    measured = [r for r in rows if median(r.get(key)) and r.get(size_key) and (since is None or r["factor"] >= since)]
    if len(measured) < 2:
        return None
    first, last = measured[0], measured[-1]
    return growth_exponent(median(first[key]), median(last[key]), first[size_key], last[size_key])


def fmt_k(k: float | None) -> str:
    return "—" if k is None else f"{k:.2f}"


def change_section(change: dict[str, Any]) -> Lines:
    rows = sorted(change.get("rows", []), key=lambda r: r["factor"])
    plot = change.get("plot") or "scale.svg"
    startup = median(change.get("startup"))
    labels = [size_label(r["factor"]) for r in rows]
    lines = [
        "## I. Change costs what changed: whole commands, seed to 1000x",
        "",
        "Each size is its own copy of the corpus (`<work>/change-x<N>/`, bench/synth.py), measured in this order; "
        "every command is the CLI as it stands, a whole process (start-up included, `kg --version`: "
        f"{fmt_s(startup)}). Cell: median · peak RSS of the process (wait4). The one-claim edit removes one "
        "reference of a claim and puts it back in turn; `kg add` adds one new claim (part C's fact) and, between "
        "runs, the file is removed and the output built and loaded again (not timed). Publishing is not re-run "
        "here: section E and [publish-results.md](publish-results.md) have it (target: a full publish ≥ 0.5 of "
        f"a bare PUT). The curves: [{plot}]({plot}).",
        "",
        f"![time and peak memory against corpus size, log–log]({plot})",
        "",
        "| command | " + " | ".join(labels) + " | k |",
        "|---|" + "---:|" * (len(rows) + 1),
        "| quads (the N-Quads file) | " + " | ".join(fmt_int(r.get("quads")) for r in rows) + " | |",
    ]
    for key, label in CHANGE_ROWS:
        lines.append(f"| {label} | " + " | ".join(short_cell(r.get(key)) for r in rows)
                     + f" | {fmt_k(change_exponent(rows, key))} |")
    lines.append("| site pages (HTML files) | " + " | ".join(fmt_int(r.get("pages")) for r in rows) + " | |")
    lines.append("| `kg site` per page | " + " | ".join(
        fmt_s(median(r.get("site")) / r["pages"]) if median(r.get("site")) and r.get("pages") else "—" for r in rows)
        + f" | {fmt_k(change_exponent(rows, 'site', 'pages'))} (pages) |")
    lines += ["", "k: t ∝ quads^k from the smallest to the largest size measured (1 = linear; ≈ 0 = flat). Ratios:", "",
              "| ratio | " + " | ".join(labels) + " |", "|---|" + "---:|" * len(rows)]
    for label, top, bottom in CHANGE_RATIOS:
        lines.append(f"| {label} | " + " | ".join(fine_ratio(median(r.get(top)), median(r.get(bottom))) for r in rows)
                     + " |")
    lines += ["", *change_targets(rows, startup), ""]
    for row in rows:
        notes = [f"{key}: {row[key]['status']}: {row[key]['note']}" for key, _ in CHANGE_ROWS
                 if (row.get(key) or {}).get("note")] + row.get("notes", [])
        lines += [f"- {size_label(row['factor'])}: {note}" for note in notes]
    return lines + [""]


def change_targets(rows: list[dict[str, Any]], startup: float | None) -> Lines:
    """Each of issue 14's targets at the largest size measured (they are set for 1000x)."""
    if not rows:
        return ["Targets: not measured (no size finished)."]
    last = rows[-1]
    at = size_label(last["factor"]) + ("" if last["factor"] >= 1000 else " (the targets are for 1000x)")

    def verdict(value: float | None, ok: bool | None, shown: str) -> str:
        if value is None or ok is None:
            return "— | not measured"
        return f"{shown} | {'met' if ok else '**not met**'}"

    add, no_change = median(last.get("add")), median(last.get("no_change_build"))
    beyond = add - startup if add is not None and startup is not None else None
    flat = change_exponent(rows, "add", since=10)
    clean, floor = median(last.get("clean_build")), median(last.get("floor"))
    floor_ratio = clean / floor if clean and floor else None
    peaks = [e["rss_mb"] for key, _ in CHANGE_ROWS if key != "floor" and (e := last.get(key) or {}).get("rss_mb")]
    site_k = change_exponent(rows, "site", "pages")
    site_rows = [r for r in rows if median(r.get("site")) and r.get("pages")]
    per_page = median(site_rows[-1]["site"]) / site_rows[-1]["pages"] if site_rows else None
    return [
        f"Targets (issue 14), at {at}:", "",
        "| target | measured | verdict |", "|---|---:|---|",
        "| one-fact `kg add` < 3 s beyond start-up | "
        + verdict(beyond, beyond is not None and beyond < 3, fmt_s(beyond)) + " |",
        "| `kg add` flat from 10x (k ≤ 0.1 from 10x up) | "
        + verdict(flat, flat is not None and flat <= 0.1, fmt_k(flat)) + " |",
        "| no-change build < 1 s | " + verdict(no_change, no_change is not None and no_change < 1, fmt_s(no_change))
        + " |",
        "| clean build within 3x of the floor | "
        + verdict(floor_ratio, floor_ratio is not None and floor_ratio <= 3, fmt_ratio(floor_ratio)) + " |",
        "| peak memory < 2 GB (the largest of the kg commands above) | "
        + verdict(max(peaks) if peaks else None, bool(peaks) and max(peaks) < 2048, fmt_mb(max(peaks) if peaks else 0))
        + " |",
        "| `kg site` linear (k ≤ 1.1 in pages) | " + verdict(site_k, site_k is not None and site_k <= 1.1, fmt_k(site_k))
        + " |",
        "| `kg site` < 10 ms per page (largest size it ran at) | "
        + verdict(per_page, per_page is not None and per_page < 0.01, fmt_s(per_page)) + " |",
        "| full publish ≥ 0.5 of a bare PUT | not re-run here: section E / "
        "[publish-results.md](publish-results.md) | — |",
    ]


SPLICED = {"serve": ("## F. ", serve_section), "exports": ("## G. ", exports_section),
           "draft": ("## H. ", draft_section),
           "change": ("## I. ", change_section)}
