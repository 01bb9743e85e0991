#!/usr/bin/env python3
"""Part I's growth curves as one SVG: time and peak memory of each command against corpus size,
both axes logarithmic. Plain text out, no plotting library; the same results give the same bytes.

    .venv/bin/python bench/scaleplot.py bench/work/results.json bench/scale.svg
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

# (results key, label) of every curve; the same colours in both panels.
SERIES = (
    ("clean_build", "clean kg build --no-shacl"),
    ("floor", "floor (pyoxigraph parse + write)"),
    ("clean_build_shacl", "clean kg build"),
    ("no_change_build", "kg build, nothing changed"),
    ("edit_build", "kg build, one claim edited"),
    ("add", "kg add, one new fact"),
    ("load", "kg load"),
    ("validate_store", "kg validate, store loaded"),
    ("validate_no_store", "kg validate, no store"),
    ("site", "kg site"),
    ("site_after_change", "kg build + site update after one change"),
)
COLOURS = ("#1f77b4", "#7f7f7f", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
           "#bcbd22", "#17becf", "#393b79")
PANEL_W, PANEL_H, MARGIN_L, MARGIN_T, MARGIN_B, GAP, LEGEND_W = 360, 260, 60, 40, 45, 70, 230
Point = tuple[float, float]


def series(rows: list[dict[str, Any]], metric: str) -> dict[str, list[Point]]:
    """key -> [(factor, value)] for every measured row; metric 'median' (s) or 'rss_mb' (MB)."""
    out: dict[str, list[Point]] = {}
    for key, _ in SERIES:
        points = [(float(row["factor"]), float(row[key][metric])) for row in rows
                  if (row.get(key) or {}).get(metric)]
        if points:
            out[key] = points
    return out


def decades(values: list[float]) -> tuple[int, int]:
    low, high = min(values), max(values)
    first, last = math.floor(math.log10(low)), math.ceil(math.log10(high))
    return first, max(last, first + 1)


def fmt_tick(exp: int, unit: str) -> str:
    value = 10.0 ** exp
    if unit == "s":
        return f"{value * 1000:g} ms" if value < 1 else f"{value:g} s"
    if unit == "MB":
        return f"{value / 1024:g} GB" if value >= 1024 else f"{value:g} MB"
    return f"{value:g}×"


def panel(x0: float, title: str, unit: str, data: dict[str, list[Point]], x_range: tuple[int, int]) -> list[str]:
    if not data:
        return [f'<text x="{x0 + PANEL_W / 2:.1f}" y="{MARGIN_T + PANEL_H / 2:.1f}" text-anchor="middle">'
                f'{escape(title)}: no data</text>']
    y_range = decades([y for points in data.values() for _, y in points])

    def px(x: float) -> float:
        return x0 + (math.log10(x) - x_range[0]) / (x_range[1] - x_range[0]) * PANEL_W

    def py(y: float) -> float:
        return MARGIN_T + PANEL_H - (math.log10(y) - y_range[0]) / (y_range[1] - y_range[0]) * PANEL_H

    parts = [f'<g class="panel" data-unit="{unit}">',
             f'<text x="{x0 + PANEL_W / 2:.1f}" y="{MARGIN_T - 14}" text-anchor="middle" font-weight="bold">'
             f'{escape(title)}</text>',
             f'<rect x="{x0}" y="{MARGIN_T}" width="{PANEL_W}" height="{PANEL_H}" fill="none" stroke="#000"/>']
    for exp in range(x_range[0], x_range[1] + 1):
        x = px(10.0 ** exp)
        parts.append(f'<line x1="{x:.1f}" y1="{MARGIN_T}" x2="{x:.1f}" y2="{MARGIN_T + PANEL_H}" stroke="#ddd"/>')
        parts.append(f'<text x="{x:.1f}" y="{MARGIN_T + PANEL_H + 16}" text-anchor="middle">{fmt_tick(exp, "x")}</text>')
    for exp in range(y_range[0], y_range[1] + 1):
        y = py(10.0 ** exp)
        parts.append(f'<line x1="{x0}" y1="{y:.1f}" x2="{x0 + PANEL_W}" y2="{y:.1f}" stroke="#ddd"/>')
        parts.append(f'<text x="{x0 - 6}" y="{y + 4:.1f}" text-anchor="end">{escape(fmt_tick(exp, unit))}</text>')
    parts.append(f'<text x="{x0 + PANEL_W / 2:.1f}" y="{MARGIN_T + PANEL_H + 36}" text-anchor="middle">'
                 "corpus size (× the seed)</text>")
    for index, (key, label) in enumerate(SERIES):
        if key not in data:
            continue
        colour = COLOURS[index % len(COLOURS)]
        coords = " ".join(f"{px(x):.1f},{py(y):.1f}" for x, y in data[key])
        parts.append(f'<g class="series" data-key="{key}"><title>{escape(label)}</title>'
                     f'<polyline points="{coords}" fill="none" stroke="{colour}" stroke-width="1.5"/>'
                     + "".join(f'<circle cx="{px(x):.1f}" cy="{py(y):.1f}" r="2.5" fill="{colour}"/>'
                               for x, y in data[key]) + "</g>")
    return parts + ["</g>"]


def render_svg(change: dict[str, Any], caption: str = "") -> str:
    """Two panels (time, peak RSS) with one curve per command part I measured."""
    rows = change.get("rows", [])
    times, memory = series(rows, "median"), series(rows, "rss_mb")
    factors = [float(row["factor"]) for row in rows] or [1.0, 10.0]
    x_range = decades(factors)
    width = MARGIN_L + 2 * PANEL_W + GAP + LEGEND_W
    height = MARGIN_T + PANEL_H + MARGIN_B + 20
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="11">',
             f"<title>kg: time and peak memory against corpus size (log–log){escape(caption)}</title>",
             f'<rect width="{width}" height="{height}" fill="#fff"/>']
    parts += panel(MARGIN_L, "time (median)", "s", times, x_range)
    parts += panel(MARGIN_L + PANEL_W + GAP, "peak RSS", "MB", memory, x_range)
    legend_x = MARGIN_L + 2 * PANEL_W + GAP + 16
    shown = [(i, key, label) for i, (key, label) in enumerate(SERIES) if key in times or key in memory]
    for row_index, (i, key, label) in enumerate(shown):
        y = MARGIN_T + 8 + row_index * 16
        parts.append(f'<line x1="{legend_x}" y1="{y}" x2="{legend_x + 18}" y2="{y}" stroke="{COLOURS[i]}" '
                     f'stroke-width="2"/><text x="{legend_x + 24}" y="{y + 4}">{escape(label)}</text>')
    if caption:
        parts.append(f'<text x="{MARGIN_L}" y="{height - 6}" fill="#555">{escape(caption.strip(" —"))}</text>')
    return "\n".join(parts + ["</svg>"]) + "\n"


def write_svg(results: dict[str, Any], out: Path) -> Path:
    change = results.get("change") or {}
    measured = change.get("date") or (results.get("meta") or {}).get("date", "?")  # older results: the run's date
    caption = f" — bench/run.py{' --quick' if results.get('quick') else ''}, {measured}"
    out.write_text(render_svg(change, caption), encoding="utf-8")
    return out


if __name__ == "__main__":
    source, target = sys.argv[1:3]
    write_svg(json.loads(Path(source).read_text(encoding="utf-8")), Path(target))
