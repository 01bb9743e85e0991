"""A read-only SPARQL 1.1 query service with time, memory, nesting and result size limits.

pyoxigraph cannot interrupt a running query, so each query runs in a worker process that holds
its own copy of the published graph; a query that outlives the time limit, or needs more than the
memory limit, is stopped by killing its worker (a fresh one replaces it) and the client gets 503.
Before each query a worker checks that the published store is still the one it opened, and
reopens it when not. SERVICE is refused after rdflib's SPARQL parser has read the query (pyoxigraph
has no switch to turn federation off, nor a parse-only API), and queries nested deeper than
kg.query.MAX_NESTING levels before any parser sees them. The workers' stores are read-only or
private in-memory copies: nothing a query does reaches output/."""

from __future__ import annotations

import csv
import io
import multiprocessing
import queue
import signal
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from kg.errors import InputError
from kg.project import Project
from kg.query import check_nesting
from kg.serve.conneg import negotiate

RESULTS_TYPES = (
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
    "application/json",
)
GRAPH_TYPES = ("text/turtle", "application/n-triples", "application/ld+json", "application/rdf+xml")
@dataclass(frozen=True)
class Limits:
    timeout: float = 10.0
    max_rows: int = 10_000
    max_bytes: int = 16 * 1024 * 1024
    max_query_chars: int = 32_768
    max_memory: int = 2**30  # bytes of heap per query worker
    workers: int = 2


@dataclass(frozen=True)
class Answer:
    status: int
    content_type: str
    body: bytes


def text_answer(status: int, message: str) -> Answer:
    return Answer(status, "text/plain; charset=utf-8", (message.rstrip("\n") + "\n").encode("utf-8"))


def _size(n: int) -> str:
    return f"{n // 2**30} GiB" if n % 2**30 == 0 else f"{n // 2**20} MiB"


def memory_answer(limits: Limits) -> Answer:
    return text_answer(503, f"the query needed more memory than the {_size(limits.max_memory)} limit and was stopped")


def _limit_memory(max_memory: int) -> None:
    """Cap this worker's heap. RLIMIT_DATA, not RLIMIT_AS: the address space also counts the
    persistent store's file mappings and reserved thread stacks (~0.5 GB before any query), while
    a query's memory is heap (brk and anonymous mmap, which RLIMIT_DATA counts since Linux 4.7).
    A Rust allocation that fails aborts the worker; the service then answers 503 and replaces it."""
    import resource

    _, hard = resource.getrlimit(resource.RLIMIT_DATA)
    if hard != resource.RLIM_INFINITY:
        max_memory = min(max_memory, hard)
    resource.setrlimit(resource.RLIMIT_DATA, (max_memory, hard))


def _worker(conn: Connection, project: Project, limits: Limits) -> None:
    import sys

    from kg.query import calls_service
    from kg.store import open_published, published_generation

    sys.setrecursionlimit(20_000)  # rdflib's parser recurses per level; ask() bounds the levels first
    _limit_memory(limits.max_memory)
    generation = published_generation(project)
    store: Any = open_published(project)
    while True:
        try:
            query, results_type, graph_type, dataset = conn.recv()
        except (EOFError, OSError):
            return
        try:
            current = published_generation(project)
            if current != generation:  # a `kg load` or `kg add` replaced the store: every worker reopens
                store, generation = open_published(project), current
        except InputError as exc:
            _send(conn, text_answer(503, f"the published graph cannot be opened now ({exc}); try again"))
            continue
        try:
            if calls_service(query):
                answer = text_answer(403, "SERVICE (federated query) is not allowed on this endpoint")
            else:
                answer = _answer(store, query, results_type, graph_type, dataset, limits)
        except MemoryError:
            answer = memory_answer(limits)
        except Exception as exc:  # noqa: BLE001 - a worker must answer, never die on a query
            answer = text_answer(500, f"query failed: {type(exc).__name__}: {exc}")
        _send(conn, answer)


def _send(conn: Connection, answer: Answer) -> None:
    try:
        conn.send(answer)
    except (EOFError, OSError):  # the service has gone: the next recv() ends the worker
        pass


class _ResultTooLarge(Exception):
    pass


class _BoundedBuffer(io.BytesIO):
    """A sink for pyoxigraph's serialisers that refuses to hold more than `limit` bytes."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit
        self.exceeded = False

    def write(self, data: Any) -> int:
        if self.tell() + len(data) > self.limit:
            self.exceeded = True
            raise OSError("the result is too large")  # pyoxigraph passes an OSError back out of serialize
        return super().write(data)


def _at_most(items: Iterable[Any], max_rows: int) -> Iterator[Any]:
    for count, item in enumerate(items, 1):
        if count > max_rows:
            raise _ResultTooLarge
        yield item


def _answer(store: Any, query: str, results_type: str | None, graph_type: str | None,
            dataset: tuple[Sequence[str], Sequence[str]], limits: Limits) -> Answer:
    import pyoxigraph as ox

    default_graphs, named_graphs = dataset

    try:
        results = store.query(query, default_graph=[ox.NamedNode(g) for g in default_graphs] or None,
                              named_graphs=[ox.NamedNode(g) for g in named_graphs] or None)
    except SyntaxError as exc:
        return text_answer(400, f"SPARQL syntax error (only queries are accepted, no updates): {exc}")
    except (OSError, ValueError) as exc:
        return text_answer(400, f"query failed: {exc}")
    too_many = text_answer(413, f"the result has more than {limits.max_rows:,} rows; narrow the query or add a LIMIT")
    buffer = _BoundedBuffer(limits.max_bytes)
    try:
        if isinstance(results, ox.QueryTriples):
            if graph_type is None:
                return text_answer(406, f"a graph result is available as {', '.join(GRAPH_TYPES)}")
            rdf_format = ox.RdfFormat.from_media_type(graph_type)
            assert rdf_format is not None  # graph_type is one of GRAPH_TYPES
            ox.serialize(_at_most(results, limits.max_rows), output=buffer, format=rdf_format)
            content_type = graph_type
        else:
            if results_type is None:
                return text_answer(406, f"SELECT and ASK results are available as {', '.join(RESULTS_TYPES)}")
            media = "application/sparql-results+json" if results_type == "application/json" else results_type
            fmt = ox.QueryResultsFormat.from_media_type(media)
            assert fmt is not None  # media is one of RESULTS_TYPES
            solutions = isinstance(results, ox.QuerySolutions)
            results.serialize(output=buffer, format=fmt)
            if solutions and _solution_rows(buffer.getvalue(), fmt) > limits.max_rows:
                return too_many
            content_type = results_type
    except _ResultTooLarge:
        return too_many
    except OSError:
        if not buffer.exceeded:
            raise
        return text_answer(413, f"the result is larger than {limits.max_bytes:,} bytes; narrow the query")
    if content_type.startswith("text/") or content_type.endswith(("+json", "+xml", "/json")):
        content_type += "; charset=utf-8"
    return Answer(200, content_type, buffer.getvalue())


def _solution_rows(body: bytes, fmt: Any) -> int:
    """The rows of serialised SELECT results. pyoxigraph writes solutions in Rust, out of reach of
    a row counter, so the query runs once and its bounded output is read back (CSV, which
    pyoxigraph cannot parse, by the csv module: a quoted value may hold a line break)."""
    import pyoxigraph as ox

    if fmt == ox.QueryResultsFormat.CSV:
        return max(sum(1 for _ in csv.reader(io.StringIO(body.decode("utf-8"), newline=""))) - 1, 0)
    parsed = ox.parse_query_results(body, format=fmt)
    return sum(1 for _ in parsed) if isinstance(parsed, ox.QuerySolutions) else 1


class _Worker:
    def __init__(self, context: Any, project: Project, limits: Limits) -> None:
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_worker, args=(child, project, limits), daemon=True)
        self.process.start()
        child.close()

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.conn.close()


class QueryService:
    """A small pool of query workers. `ask` blocks for at most about twice the time limit: once
    waiting for a free worker, once for the answer."""

    def __init__(self, project: Project, limits: Limits | None = None) -> None:
        self.project = project
        self.limits = limits or Limits()
        self.context = multiprocessing.get_context("spawn")
        self.idle: queue.Queue[_Worker] = queue.Queue()
        self.lock = threading.Lock()
        self.workers: list[_Worker] = []
        for _ in range(self.limits.workers):
            self.idle.put(self._spawn())

    def _spawn(self) -> _Worker:
        worker = _Worker(self.context, self.project, self.limits)
        with self.lock:
            self.workers.append(worker)
        return worker

    def _retire(self, worker: _Worker) -> None:
        worker.stop()
        with self.lock:
            if worker in self.workers:
                self.workers.remove(worker)

    def ask(self, query: str, accept: str | None, *, default_graphs: Sequence[str] = (),
            named_graphs: Sequence[str] = ()) -> Answer:
        """Answer one query. The dataset (SPARQL 1.1 Protocol's default-graph-uri and
        named-graph-uri), when given, replaces the query's own FROM / FROM NAMED."""
        if len(query) > self.limits.max_query_chars:
            return text_answer(413, f"the query is longer than {self.limits.max_query_chars:,} characters")
        if not query.strip():
            return text_answer(400, "the query is empty")
        try:
            check_nesting(query)
        except InputError as exc:
            return text_answer(400, str(exc))
        results_type = negotiate(accept, RESULTS_TYPES)
        graph_type = negotiate(accept, GRAPH_TYPES)
        if results_type is None and graph_type is None:
            offered = ", ".join(RESULTS_TYPES + GRAPH_TYPES)
            return text_answer(406, f"no result format the Accept header allows; offered: {offered}")
        try:
            worker = self.idle.get(timeout=self.limits.timeout)
        except queue.Empty:
            return text_answer(503, "all query workers are busy; try again shortly")
        try:
            worker.conn.send((query, results_type, graph_type, (tuple(default_graphs), tuple(named_graphs))))
            if worker.conn.poll(self.limits.timeout):
                answer: Answer = worker.conn.recv()
                self.idle.put(worker)
                return answer
            answer = text_answer(503, f"the query ran longer than the {self.limits.timeout:g} s limit and was stopped")
        except (EOFError, OSError):
            worker.process.join(5)
            if worker.process.exitcode == -signal.SIGABRT:  # a failed allocation in Rust aborts
                answer = memory_answer(self.limits)
            else:
                answer = text_answer(503, f"the query worker stopped (exit code {worker.process.exitcode}); try again")
        self._retire(worker)
        self.idle.put(self._spawn())
        return answer

    def close(self) -> None:
        with self.lock:
            workers = list(self.workers)
            self.workers.clear()
        for worker in workers:
            worker.stop()
