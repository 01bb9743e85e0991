"""Real triple stores for the tests: each started on a free loopback port in a temporary folder,
waited for until it answers, and stopped by its process id."""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def missing(what: str) -> None:
    """A server that is not installed fails the test under CI=true and skips it elsewhere."""
    message = f"{what} is not installed (.ci/run installs it)"
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(message)
    pytest.skip(message)


def stop(proc: subprocess.Popen[bytes]) -> None:
    """Terminate the process by its id, then kill it if it does not exit."""
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


def wait_until_up(proc: subprocess.Popen[bytes], url: str, log: Path, timeout: float = 60.0,
                  auth: requests.auth.AuthBase | None = None) -> bool:
    """Poll `url` until it answers below 500; False when the process died (port taken?)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        try:
            if requests.get(url, timeout=2, auth=auth).status_code < 500:
                return True
        except requests.RequestException:
            pass
        time.sleep(0.2)
    stop(proc)
    raise RuntimeError(f"{url} did not answer within {timeout:.0f}s; log: {log.read_text(errors='replace')[-2000:]}")


@dataclass
class Server:
    """A running store: its Graph Store URL, credentials and process."""

    name: str
    store_url: str
    query_url: str
    proc: subprocess.Popen[bytes]
    folder: Path
    user: str | None = None
    password: str | None = None
    relaunch: Callable[[], Server] | None = None

    @property
    def env(self) -> dict[str, str]:
        return {"KG_ENDPOINT_USER": self.user, "KG_ENDPOINT_PASSWORD": self.password or ""} if self.user else {}

    @property
    def auth(self) -> requests.auth.AuthBase | None:
        return requests.auth.HTTPDigestAuth(self.user, self.password or "") if self.user else None

    def kill(self) -> None:
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)

    def stop(self) -> None:
        stop(self.proc)

    def restart(self) -> Server:
        """Start the store again on the same database (new ports); this object follows it."""
        assert self.relaunch is not None
        self.stop()
        again = self.relaunch()
        self.store_url, self.query_url, self.proc = again.store_url, again.query_url, again.proc
        return self

    def count(self, graph: str) -> int:
        """Triples in `graph`, asked of the store directly (not through kg)."""
        return int(self.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")[0]["n"])

    def graphs(self) -> set[str]:
        return {row["g"] for row in self.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")}

    def select(self, query: str) -> list[dict[str, str]]:
        response = requests.post(self.query_url, data={"query": query}, auth=self.auth, timeout=60,
                                 headers={"Accept": "application/sparql-results+json"})
        response.raise_for_status()
        return [{k: v["value"] for k, v in b.items()} for b in response.json()["results"]["bindings"]]


def _oxigraph_binary() -> str | None:
    beside = Path(sys.executable).parent / "oxigraph"
    return str(beside) if beside.exists() else shutil.which("oxigraph")


def start_oxigraph(folder: Path) -> Server:
    binary = _oxigraph_binary()
    if binary is None:
        missing("the Oxigraph server (PyPI package oxigraph)")
    for _ in range(5):
        port = free_port()
        log = folder / f"oxigraph-{port}.log"
        with log.open("wb") as out:
            proc = subprocess.Popen([str(binary), "serve", "--location", str(folder / "db"), "--bind",
                                     f"127.0.0.1:{port}"], stdout=out, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        if wait_until_up(proc, f"{base}/query?query=ASK%7B%7D", log):
            return Server("oxigraph", f"{base}/store", f"{base}/query", proc, folder,
                          relaunch=lambda: start_oxigraph(folder))
    raise RuntimeError("could not start the Oxigraph server on a free port")


VIRTUOSO_INI = """\
[Database]
DatabaseFile = virtuoso.db
ErrorLogFile = virtuoso.log
LockFile = virtuoso.lck
TransactionFile = virtuoso.trx
xa_persistent_file = virtuoso.pxa
[TempDatabase]
DatabaseFile = virtuoso-temp.db
TransactionFile = virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
DirsAllowed = .
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
CheckpointInterval = 0
ThreadsPerQuery = 1
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = .
ServerThreads = 4
MaxClientConnections = 4
[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 120
"""


def start_virtuoso(folder: Path) -> Server:
    """Virtuoso with a throwaway database bound to 127.0.0.1 only. The dba password is set to a
    random one by a first run (+pwddba) that creates the database and exits without listening,
    so the default password is never reachable."""
    binary = shutil.which("virtuoso-t")
    if binary is None:
        missing("Virtuoso (Debian package virtuoso-opensource)")
    password = "kg" + secrets.token_hex(5)  # +pwddba silently fails on long passwords (24 chars did)
    db = folder / "virtuoso"
    db.mkdir()
    (db / "virtuoso.ini").write_text(VIRTUOSO_INI.format(sql_port=free_port(), http_port=free_port()))
    subprocess.run([str(binary), "+foreground", "+configfile", "virtuoso.ini", "+pwdold", "dba",
                    "+pwddba", password, "+pwddav", password], cwd=db, check=True, timeout=120,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return _launch_virtuoso(str(binary), db, password)


def _launch_virtuoso(binary: str, db: Path, password: str) -> Server:
    for _ in range(5):
        http_port = free_port()
        (db / "virtuoso.ini").write_text(VIRTUOSO_INI.format(sql_port=free_port(), http_port=http_port))
        log = db / f"server-{http_port}.log"
        with log.open("wb") as out:
            proc = subprocess.Popen([binary, "+foreground", "+configfile", "virtuoso.ini"], cwd=db,
                                    stdout=out, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{http_port}"
        if wait_until_up(proc, f"{base}/sparql?query=ASK%7B%7D", log, timeout=120):
            return Server("virtuoso", f"{base}/sparql-graph-crud-auth", f"{base}/sparql-auth", proc, db,
                          "dba", password, relaunch=lambda: _launch_virtuoso(binary, db, password))
    raise RuntimeError("could not start Virtuoso on free ports")


STARTERS = {"oxigraph": start_oxigraph, "virtuoso": start_virtuoso}


def virtuoso_sql(server: Server, script: str) -> str:
    """Run SQL (and `SPARQL …` lines) in a Virtuoso that start_virtuoso started, through its isql
    client (Debian's isql-vt) on the SQL port of the server's ini; its output, failing on an error."""
    client = shutil.which("isql-vt") or shutil.which("isql")
    if client is None:
        missing("Virtuoso's isql client (Debian package virtuoso-opensource)")
    ini = (server.folder / "virtuoso.ini").read_text()
    sql_port = ini.split("[Parameters]", 1)[1].split("ServerPort = ", 1)[1].split("\n", 1)[0]
    run = subprocess.run([str(client), sql_port, server.user or "dba", server.password or "", f"exec={script}"],
                         cwd=server.folder, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0 and "*** Error" not in run.stdout + run.stderr, run.stdout + run.stderr
    return run.stdout
