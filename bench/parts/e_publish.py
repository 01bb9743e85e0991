"""Part E: `kg publish` into an Oxigraph server against a bare HTTP PUT of the same files, for the
seed and the largest size; bench/publish.py does it in its own process (it starts the servers)."""

from __future__ import annotations

import shutil
from typing import Any

from config import BENCH_DIR, Config
from formatting import fmt_s
from measure import command_env, log, python_for_kg, run_proc, tail

PUBLISH_TIMEOUT = 3 * 3600.0  # a 1000x publish takes most of an hour (bench/publish-results.md)


def measure_publish(cfg: Config, scale_part: dict[str, Any] | None) -> dict[str, Any]:
    """`scale_part` is part B's result when it measured this run's snapshot: its largest corpus,
    if built, is published as it is; any other is generated again from this run's seed."""
    scale = cfg.largest
    runs = f"{cfg.runs_for(1)},{cfg.runs_for(scale)}"
    table = cfg.work / "publish.md"
    table.unlink(missing_ok=True)
    built = [r for r in (scale_part or {}).get("rows", []) if r["factor"] == scale and r["build"]["status"] == "ok"]
    if not built and scale > 1 and cfg.corpus(scale).exists():
        shutil.rmtree(cfg.corpus(scale))  # from an earlier snapshot, or a build that did not finish
    log(f"publish: seed and {scale}x into an Oxigraph server, kg publish against a bare PUT (runs {runs})")
    cmd = [str(python_for_kg()), str(BENCH_DIR / "publish.py"), "--seed", str(cfg.corpus(1)),
           "--synthetic", str(cfg.corpus(scale)), "--scale", str(scale), "--runs", runs, "--out", str(table)]
    proc = run_proc(cmd, cfg.work, env=command_env(), timeout=max(cfg.timeout, PUBLISH_TIMEOUT))
    status = "ok" if proc.rc == 0 and table.exists() else ("timeout" if proc.timed_out else "failed")
    log(f"publish: {status} in {fmt_s(proc.seconds)}")
    return {"status": status, "scale": scale, "runs": runs, "seconds": proc.seconds,
            "table": table.read_text(encoding="utf-8") if table.exists() else "",
            "note": "" if status == "ok" else tail(proc.stderr or proc.stdout)}
