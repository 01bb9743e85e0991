"""Part F: `kg serve` under concurrent clients, side by side with `oxigraph serve-read-only` on the
same graph (the seed's N-Quads), both on 127.0.0.1: latency and requests/s per kind of request
(wrk, one kind at a time), and the memory of each server's processes after a fixed number of
mixed requests.

kg answers entity IRIs (303s to the page or the data file), the static files they point to, and
SPARQL; Oxigraph only SPARQL, so only the SELECT and the DESCRIBE of an entity are side by side."""

from __future__ import annotations

import json
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import requests

from config import REPO_ROOT, Config
from machine import load_average
from measure import command_env, kg_cli, log, run_proc, tail
from snapshot import output_file

if str(REPO_ROOT) not in sys.path:
    sys.path.append(str(REPO_ROOT))  # tests.servers: free ports, waiting for a server, stopping it by pid

from tests.servers import free_port, stop, wait_until_up  # noqa: E402

WRK_THREADS = 2
WRK_TIMEOUT_S = 10  # a request slower than this counts as a wrk timeout error, not a latency
SELECT = "SELECT ?s WHERE {?s a <https://schema.org/Person>} LIMIT 10"
ENTITIES = 20  # entity IRIs the requests cycle through
SPARQL_JSON = "application/sparql-results+json"


@dataclass(frozen=True)
class Kind:
    """One kind of request; `paths` are cycled through, each sent with `accept` (and with
    `Connection: close` when `close`: a new connection per request, no keep-alive)."""

    name: str
    label: str
    accept: str
    expect: int
    paths: tuple[str, ...]
    close: bool = False


@dataclass
class Running:
    """A server started for the part: its name, base URL and process."""

    name: str
    url: str
    proc: subprocess.Popen[bytes]
    log: Path
    kinds: list[Kind] = field(default_factory=list)


# ------------------------------------------------------------------ the part


def measure_serve(cfg: Config) -> dict[str, Any]:
    if not shutil.which("wrk"):
        return {"status": "skipped", "note": "not measured: wrk is not installed (apt-get install -y wrk)"}
    project = cfg.corpus(1)
    scratch = cfg.work / "serve"
    if scratch.exists():
        shutil.rmtree(scratch)
    scratch.mkdir(parents=True)
    prepared = prepare(project, scratch, cfg)
    if prepared:
        return {"status": "failed", "note": prepared}
    out: dict[str, Any] = {"status": "ok", "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                           "load_start": load_average(), "clients": cfg.serve_clients, "seconds": cfg.serve_seconds,
                           "runs_wanted": cfg.serve_runs, "requests_for_memory": cfg.serve_requests,
                           "select": SELECT, "wrk": wrk_version(), "oxigraph": oxigraph_version()}
    servers: list[Running] = []
    try:
        servers = [start_kg_serve(project, scratch), start_oxigraph_read_only(scratch)]
        entities = entity_paths(project)
        base_iri = project_base_iri(project)
        kg, oxigraph = servers
        kg.kinds = kg_kinds(kg.url, entities, base_iri)
        oxigraph.kinds = oxigraph_kinds(entities, base_iri)
        out["entities"] = len(entities)
        out["checks"] = {s.name: check_answers(s) for s in servers}

        out["memory"] = {}
        for server in servers:
            log(f"serve: {server.name}: {cfg.serve_requests:,} mixed requests, then its RSS")
            idle = memory_of(server.proc.pid)
            load = run_wrk(server, server.kinds, cfg, scratch, limit=cfg.serve_requests)
            out["memory"][server.name] = {"idle": idle, "after": memory_of(server.proc.pid),
                                          "requests": load.get("requests")}

        runs: dict[str, dict[str, list[dict[str, Any]]]] = {s.name: {} for s in servers}
        for number in range(cfg.serve_runs):
            for kind in kg.kinds:
                for server in servers:
                    same = [k for k in server.kinds if k.name == kind.name]
                    if not same:
                        continue
                    result = run_wrk(server, same, cfg, scratch, seconds=cfg.serve_seconds)
                    runs[server.name].setdefault(kind.name, []).append(result)
                    log(f"serve: run {number + 1}/{cfg.serve_runs} {server.name} {kind.name}: "
                        f"{result.get('rps', 0):,.0f} req/s, p50 {result.get('p50_ms', 0):.1f} ms, "
                        f"p99 {result.get('p99_ms', 0):.1f} ms, non-2xx/3xx {result.get('errors', {}).get('status')}")
        out["runs"] = runs
        out["kinds"] = {s.name: [{"name": k.name, "label": k.label} for k in s.kinds] for s in servers}
        for server in servers:
            out["memory"][server.name]["end"] = memory_of(server.proc.pid)
        out["load_end"] = load_average()
    except (OSError, RuntimeError, requests.RequestException, ValueError) as exc:
        out |= {"status": "failed", "note": f"{type(exc).__name__}: {exc}"}
        log(f"serve: failed: {exc}")
    finally:
        for server in servers:
            stop_server(server)
    return out


def prepare(project: Path, scratch: Path, cfg: Config) -> str:
    """kg build, load and site on the seed copy, and an Oxigraph store of its N-Quads; '' or why not."""
    kg = kg_cli(project)
    steps = [[*kg, "build", "-q", "--no-shacl"], [*kg, "load", "-q"], [*kg, "site"]]
    for cmd in steps:
        proc = run_proc(cmd, cfg.work, env=command_env(), timeout=cfg.timeout)
        if proc.rc != 0:
            return f"not measured: `kg {' '.join(cmd[3:])}` failed: {tail(proc.stderr or proc.stdout)}"
    nquads = output_file(project, "dataset-nquads")
    proc = run_proc([oxigraph_binary(), "load", "--location", str(scratch / "oxigraph-db"), "--file", str(nquads)],
                    cfg.work, timeout=cfg.timeout)
    if proc.rc != 0:
        return f"not measured: `oxigraph load` failed: {tail(proc.stderr or proc.stdout)}"
    return ""


# ------------------------------------------------------------------ the servers


def oxigraph_binary() -> str:
    beside = Path(sys.executable).parent / "oxigraph"
    return str(beside) if beside.exists() else (shutil.which("oxigraph") or "oxigraph")


def oxigraph_version() -> str:
    proc = subprocess.run([oxigraph_binary(), "--version"], capture_output=True, text=True)
    return proc.stdout.strip() or "?"


def wrk_version() -> str:
    proc = subprocess.run(["wrk", "--version"], capture_output=True, text=True)
    return (proc.stdout or proc.stderr).split("Copyright")[0].strip() or "?"


def start_kg_serve(project: Path, scratch: Path) -> Running:
    """`kg serve --port 0 --quiet` on the seed copy, from the run's snapshot of kg; its URL is the one it prints."""
    log_file = scratch / "kg-serve.log"
    proc = subprocess.Popen([*kg_cli(project), "serve", "--host", "127.0.0.1", "--port", "0", "--quiet"],
                            cwd=scratch, env=command_env(), stdout=subprocess.PIPE,
                            stderr=log_file.open("wb"), start_new_session=True)
    assert proc.stdout is not None
    ready, _, _ = select.select([proc.stdout], [], [], 120)
    line = proc.stdout.readline().decode(errors="replace") if ready else ""
    found = re.search(r"http://[^\s/]+/", line)
    if not found:
        stop(proc)
        raise RuntimeError(f"kg serve did not start: {line!r} {log_file.read_text(errors='replace')[-1000:]}")
    url = found.group(0)
    if not wait_until_up(proc, url, log_file):
        raise RuntimeError(f"kg serve exited: {log_file.read_text(errors='replace')[-1000:]}")
    return Running("kg serve", url, proc, log_file)


def start_oxigraph_read_only(scratch: Path) -> Running:
    for _ in range(5):
        port = free_port()
        log_file = scratch / f"oxigraph-{port}.log"
        with log_file.open("wb") as sink:
            proc = subprocess.Popen([oxigraph_binary(), "serve-read-only", "--location", str(scratch / "oxigraph-db"),
                                     "--bind", f"127.0.0.1:{port}"], stdout=sink, stderr=subprocess.STDOUT,
                                    start_new_session=True)
        url = f"http://127.0.0.1:{port}/"
        if wait_until_up(proc, f"{url}query?query=ASK%7B%7D", log_file):
            return Running("oxigraph serve-read-only", url, proc, log_file)
    raise RuntimeError("could not start oxigraph serve-read-only on a free port")


def stop_server(server: Running) -> None:
    """SIGTERM to the server's pid; then any of its children still alive, each by its own pid."""
    children = descendants(server.proc.pid)
    stop(server.proc)
    for pid in children:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


# ------------------------------------------------------------------ what is requested


def project_base_iri(project: Path) -> str:
    from kg.project import open_project

    return open_project(project).base_iri


def entity_paths(project: Path) -> list[str]:
    """The first ENTITIES entity IRIs' paths under the base IRI (`id/person/…`), from the site's pages."""
    site = output_file(project, "graph").parent / "site"
    pages = sorted(site.glob("id/*/*.html"))
    if not pages:
        raise RuntimeError(f"no entity pages in {site}")
    step = max(1, len(pages) // ENTITIES)
    return [str(p.relative_to(site).with_suffix("")) for p in pages[::step][:ENTITIES]]


def query_path(endpoint: str, query: str) -> str:
    return f"/{endpoint}?query={quote(query, safe='')}"


def describe(base_iri: str, path: str) -> str:
    return f"DESCRIBE <{base_iri}{path}>"


def kg_kinds(url: str, entities: list[str], base_iri: str) -> list[Kind]:
    """kg serve's kinds; the page and the data file are where its 303s point (asked once per entity)."""
    pages: list[str] = []
    data: list[str] = []
    for path in entities:
        for accept, into in (("text/html", pages), ("text/turtle", data)):
            answer = requests.get(url + path, headers={"Accept": accept}, allow_redirects=False, timeout=30)
            if answer.status_code != 303:
                raise RuntimeError(f"kg serve: GET /{path} Accept {accept}: {answer.status_code}, not 303")
            into.append(urlsplit(answer.headers["Location"]).path)
    ids = tuple(f"/{p}" for p in entities)
    return [
        Kind("303-html", "GET /id/… Accept text/html → 303", "text/html", 303, ids),
        Kind("page", "GET the entity page (.html) → 200", "text/html", 200, tuple(pages)),
        Kind("303-turtle", "GET /id/… Accept text/turtle → 303", "text/turtle", 303, ids),
        Kind("turtle", "GET the entity's Turtle file (.ttl) → 200", "text/turtle", 200, tuple(data)),
        *oxigraph_kinds(entities, base_iri, "sparql"),
    ]


def oxigraph_kinds(entities: list[str], base_iri: str, endpoint: str = "query") -> list[Kind]:
    return [
        Kind("select", f"GET /{endpoint}?query=SELECT … LIMIT 10 (JSON)", SPARQL_JSON, 200,
             (query_path(endpoint, SELECT),)),
        Kind("describe", f"GET /{endpoint}?query=DESCRIBE <entity> (Turtle)", "text/turtle", 200,
             tuple(query_path(endpoint, describe(base_iri, p)) for p in entities)),
        Kind("select-close", "the same SELECT with Connection: close (a new connection per request)",
             SPARQL_JSON, 200, (query_path(endpoint, SELECT),), close=True),
    ]


def check_answers(server: Running) -> dict[str, Any]:
    """Each kind's first request once, before any load: its status, and the SELECT's row count."""
    checks: dict[str, Any] = {}
    for kind in server.kinds:
        headers = {"Accept": kind.accept, **({"Connection": "close"} if kind.close else {})}
        answer = requests.get(server.url.rstrip("/") + kind.paths[0], headers=headers, allow_redirects=False,
                              timeout=30)
        if answer.status_code != kind.expect:
            raise RuntimeError(f"{server.name}: {kind.label}: {answer.status_code}, expected {kind.expect}: "
                               f"{answer.text[:300]}")
        checks[kind.name] = {"status": answer.status_code, "bytes": len(answer.content)}
        if kind.name.startswith("select"):
            checks[kind.name]["rows"] = len(answer.json()["results"]["bindings"])
    return checks


# ------------------------------------------------------------------ the load (wrk)

WRK_SCRIPT = """\
local specs = {%(specs)s}
local reqs, i, answered, limit = {}, 0, 0, %(limit)d
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("id", threads)
end

function init(args)
  for k, s in ipairs(specs) do
    local headers = {["Accept"] = s[2]}
    if s[3] then headers["Connection"] = "close" end
    reqs[k] = wrk.format("GET", s[1], headers)
  end
  i = math.random(#reqs) - 1
end

function request()
  i = i %% #reqs + 1
  return reqs[i]
end

if limit > 0 then
  function response(status, headers, body)
    answered = answered + 1
    if answered == limit then
      -- this thread is done: tell the bench (which interrupts wrk once every thread is), and stop sending
      local marker = io.open("%(out)s." .. id .. ".done", "w")
      marker:close()
      wrk.thread:stop()
    end
  end
end

function done(summary, latency, requests)
  local f = io.open("%(out)s", "w")
  local e = summary.errors
  f:write(string.format('{"requests": %%d, "duration_us": %%d, "bytes": %%d, "p50_us": %%d, "p99_us": %%d, ' ..
    '"mean_us": %%.1f, "max_us": %%d, "errors": {"connect": %%d, "read": %%d, "write": %%d, "status": %%d, ' ..
    '"timeout": %%d}}', summary.requests, summary.duration, summary.bytes, latency:percentile(50),
    latency:percentile(99), latency.mean, latency.max, e.connect, e.read, e.write, e.status, e.timeout))
  f:close()
end
"""


def lua_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def wrk_script(kinds: list[Kind], out: Path, limit: int) -> str:
    specs = ", ".join(f"{{{lua_string(path)}, {lua_string(kind.accept)}, {str(kind.close).lower()}}}"
                      for kind in kinds for path in kind.paths)
    return WRK_SCRIPT % {"specs": specs, "limit": limit, "out": str(out)}


def run_wrk(server: Running, kinds: list[Kind], cfg: Config, scratch: Path, seconds: float | None = None,
            limit: int = 0) -> dict[str, Any]:
    """One wrk run against the server: `seconds` long, or (limit) until about `limit` responses."""
    stamp = f"{int(time.time() * 1000)}-{os.getpid()}"
    out, script = scratch / f"wrk-{stamp}.json", scratch / f"wrk-{stamp}.lua"
    threads = max(1, min(WRK_THREADS, cfg.serve_clients))
    script.write_text(wrk_script(kinds, out, (limit + threads - 1) // threads), encoding="utf-8")
    duration = seconds if seconds else max(60.0, cfg.timeout - 30)
    cmd = ["wrk", "-t", str(threads), "-c", str(cfg.serve_clients), "-d", f"{duration:.0f}s",
           "--timeout", f"{WRK_TIMEOUT_S}s", "-s", str(script), server.url]
    proc = subprocess.Popen(cmd, cwd=scratch, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.monotonic() + duration + 60
    while proc.poll() is None and time.monotonic() < deadline:
        if limit and len(list(scratch.glob(out.name + ".*.done"))) >= threads:
            os.kill(proc.pid, signal.SIGINT)  # wrk stops, prints and calls done() on SIGINT
            break
        time.sleep(0.05)
    try:
        stdout, stderr = proc.communicate(timeout=max(5.0, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        os.kill(proc.pid, signal.SIGKILL)
        stdout, stderr = proc.communicate()
    for marker in scratch.glob(out.name + ".*.done"):
        marker.unlink()
    if proc.returncode != 0 or not out.exists():
        raise RuntimeError(f"wrk failed ({proc.returncode}): {tail((stderr or stdout).decode(errors='replace'))}")
    result: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    out.unlink()
    script.unlink()
    wall = result["duration_us"] / 1e6 or 1.0
    result |= {"rps": result["requests"] / wall,
               "ok_rps": (result["requests"] - result["errors"]["status"]) / wall,
               "p50_ms": result["p50_us"] / 1000, "p99_ms": result["p99_us"] / 1000}
    return result


# ------------------------------------------------------------------ memory


def descendants(pid: int) -> list[int]:
    """The pids of every live process below `pid` (from /proc/*/stat)."""
    parents: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        fields = text.rsplit(")", 1)[1].split()
        parents.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def status_kb(pid: int, key: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def memory_of(pid: int) -> dict[str, Any]:
    """VmRSS (and VmHWM, the peak) summed over the process and its children, in MB."""
    pids = [pid, *descendants(pid)]
    return {"processes": len(pids), "rss_mb": sum(status_kb(p, "VmRSS") for p in pids) / 1024,
            "peak_mb": sum(status_kb(p, "VmHWM") for p in pids) / 1024}
