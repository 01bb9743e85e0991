"""A read-only SPARQL 1.1 query service with a time limit and a result size limit.

pyoxigraph cannot interrupt a running query, so each query runs in a worker process that holds
its own copy of the published graph; a query that outlives the time limit is stopped by killing
its worker (a fresh one replaces it) and the client gets 503. The workers' stores are private
in-memory copies: nothing a query does reaches output/."""

from __future__ import annotations

import multiprocessing
import queue
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from kg.project import Project
from kg.serve.conneg import negotiate
from kg.sparql_lexer import tokenize

RESULTS_TYPES = (
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
    "application/json",
)
GRAPH_TYPES = ("text/turtle", "application/n-triples", "application/ld+json", "application/rdf+xml")
# Tokens that end an operand: after one, inside parentheses, Oxigraph reads `<` as less-than.
_OPERAND_ENDS = {"var", "string", "number", "iri", "pname", "langtag"}
_MAX_READINGS_PER_CHAR = 4


@dataclass(frozen=True)
class Limits:
    timeout: float = 10.0
    max_rows: int = 10_000
    max_bytes: int = 16 * 1024 * 1024
    max_query_chars: int = 32_768
    workers: int = 2


@dataclass(frozen=True)
class Answer:
    status: int
    content_type: str
    body: bytes


def text_answer(status: int, message: str) -> Answer:
    return Answer(status, "text/plain; charset=utf-8", (message.rstrip("\n") + "\n").encode("utf-8"))


def uses_service(query: str) -> bool:
    """Whether the query may call SERVICE (federation would make the server fetch other URLs).

    Read with kg.sparql_lexer: SERVICE in a string, an IRI or a comment, as a variable (?service) or as
    the local part of a prefixed name (ex:service) is no call. Oxigraph, which runs the query, reads two
    things more loosely than the grammar's longest-match tokens, and the check reads them its way too:
    it matches a keyword without a word boundary (`trueSERVICE<…>{…}` is `true SERVICE <…> {…}`, and
    `SERVICE:q {…}` calls :q), so a bare name or a prefix containing "service" counts as a call; and
    inside parentheses it takes a `<` after an operand for less-than, not for the start of an IRI
    (`FILTER(1<2)SERVICE:q#>` calls :q), so such an IRI is also read as `<` followed by query text.
    A query with too many such readings to follow is taken as calling SERVICE."""
    readings = [(0, 0, False)]  # where to read from: (offset, parenthesis depth, after an operand?)
    seen: set[tuple[int, int, bool]] = set()
    limit = _MAX_READINGS_PER_CHAR * len(query) + 64
    while readings:
        offset, depth, after_operand = readings.pop()
        for token in tokenize(query, offset):
            if token.kind in ("space", "comment"):
                continue
            state = (token.start, depth, after_operand)
            if state in seen:  # another reading has come this way: the rest reads the same
                break
            seen.add(state)
            if len(seen) > limit:
                return True
            if token.kind in ("keyword", "pname") and "SERVICE" in token.text.partition(":")[0].upper():
                return True
            if token.kind == "iri" and depth and after_operand:
                readings.append((token.start + 1, depth, False))
            if token.kind == "punct" and token.text == "(":
                depth += 1
            elif token.kind == "punct" and token.text == ")":
                depth = max(depth - 1, 0)
            after_operand = token.kind in _OPERAND_ENDS or token.text == ")" or (
                token.kind == "keyword" and token.text.lower() in ("true", "false"))
    return False


def _worker(conn: Connection, project: Project, limits: Limits) -> None:
    from kg.store import open_published

    # the persistent store (read-only, shared by every worker) when it holds the current output/
    store = open_published(project)
    while True:
        try:
            query, results_type, graph_type, dataset = conn.recv()
        except (EOFError, OSError):
            return
        try:
            answer = _answer(store, query, results_type, graph_type, limits, dataset)
        except Exception as exc:  # noqa: BLE001 - a worker must answer, never die on a query
            answer = text_answer(500, f"query failed: {type(exc).__name__}: {exc}")
        try:
            conn.send(answer)
        except (EOFError, OSError):
            return


def _answer(store: Any, query: str, results_type: str | None, graph_type: str | None, limits: Limits,
            dataset: tuple[Sequence[str], Sequence[str]] = ((), ())) -> Answer:
    import pyoxigraph as ox

    from kg.outputs.rdf import serialize
    from kg.query import results_bytes

    default_graphs, named_graphs = dataset
    graphs: dict[str, list[ox.NamedNode]] = {}  # the protocol's default-graph-uri / named-graph-uri
    if default_graphs:
        graphs["default_graph"] = [ox.NamedNode(iri) for iri in default_graphs]
    if named_graphs:
        graphs["named_graphs"] = [ox.NamedNode(iri) for iri in named_graphs]
    try:
        results = store.query(query, **graphs)
    except SyntaxError as exc:
        return text_answer(400, f"SPARQL syntax error (only queries are accepted, no updates): {exc}")
    except (OSError, ValueError) as exc:
        return text_answer(400, f"query failed: {exc}")
    too_many = text_answer(413, f"the result has more than {limits.max_rows:,} rows; narrow the query or add a LIMIT")
    if isinstance(results, ox.QueryTriples):
        if graph_type is None:
            return text_answer(406, f"a graph result is available as {', '.join(GRAPH_TYPES)}")
        triples = []
        for triple in results:
            triples.append(triple)
            if len(triples) > limits.max_rows:
                return too_many
        rdf_format = ox.RdfFormat.from_media_type(graph_type)
        assert rdf_format is not None  # graph_type is one of GRAPH_TYPES
        body = serialize(triples, rdf_format)
        content_type = graph_type
    else:
        if results_type is None:
            return text_answer(406, f"SELECT and ASK results are available as {', '.join(RESULTS_TYPES)}")
        media = "application/sparql-results+json" if results_type == "application/json" else results_type
        fmt = ox.QueryResultsFormat.from_media_type(media)
        assert fmt is not None  # media is one of RESULTS_TYPES
        if isinstance(results, ox.QuerySolutions):
            count = 0
            for _ in results:
                count += 1
                if count > limits.max_rows:
                    return too_many
            results = store.query(query, **graphs)
        body = results_bytes(results, fmt)
        content_type = results_type
    if len(body) > limits.max_bytes:
        return text_answer(413, f"the result is larger than {limits.max_bytes:,} bytes; narrow the query")
    if content_type.startswith("text/") or content_type.endswith(("+json", "+xml", "/json")):
        content_type += "; charset=utf-8"
    return Answer(200, content_type, body)


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
        if len(query) > self.limits.max_query_chars:
            return text_answer(413, f"the query is longer than {self.limits.max_query_chars:,} characters")
        if not query.strip():
            return text_answer(400, "the query is empty")
        if uses_service(query):
            return text_answer(403, "SERVICE (federated query) is not allowed on this endpoint")
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
            message = f"the query ran longer than the {self.limits.timeout:g} s limit and was stopped"
        except (EOFError, OSError):
            message = "the query worker stopped; try again"
        self._retire(worker)
        self.idle.put(self._spawn())
        return text_answer(503, message)

    def close(self) -> None:
        with self.lock:
            workers = list(self.workers)
            self.workers.clear()
        for worker in workers:
            worker.stop()
