"""kg serve: the static site, the minted IRIs answered by content negotiation (303 See Other to
the page or data file), and a read-only SPARQL endpoint at /sparql."""

from __future__ import annotations

import posixpath
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from kg.errors import InputError
from kg.outputs import FORMATS, JSONLD, RESOURCE_FORMATS
from kg.project import Project
from kg.serve.conneg import BadAccept, negotiate
from kg.serve.sparql import Answer, Limits, QueryService, text_answer
from kg.site.layout import HTML, MARKER_NAME
from kg.store import loaded_files

# Media types a resource IRI can be negotiated to, in the server's order of preference.
RESOURCE_TYPES = {
    "text/html": HTML,
    **{f.media_type: f.suffix for f in RESOURCE_FORMATS},
    "application/json": JSONLD.suffix,
    "application/xhtml+xml": HTML,
}
CONTENT_TYPES = {
    HTML: "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    **{f.suffix: f.media_type + ("; charset=utf-8" if f.media_type.startswith("text/") else "") for f in FORMATS},
}
MAX_BODY = 65_536
FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"


class BadPath(InputError):
    """A request path that could escape the site folder or is not a plain path."""


def safe_relative(path: str) -> str:
    """The site-relative path of a request path ('' for the root). Refuses what could leave
    the site: '..' or '.' segments (also percent-encoded), backslashes, NUL, encoded slashes."""
    raw = path.split("?", 1)[0]
    if "%2f" in raw.lower() or "%5c" in raw.lower():
        raise BadPath("encoded slashes are not allowed in paths")
    decoded = unquote(raw, errors="strict")
    if "\\" in decoded or "\x00" in decoded or not decoded.startswith("/"):
        raise BadPath("not a plain path")
    segments = decoded.split("/")[1:]
    if any(s in (".", "..") for s in segments):
        raise BadPath("'.' and '..' are not allowed in paths")
    return "/".join(segments)


class Handler(BaseHTTPRequestHandler):
    server_version = "kg-serve"
    protocol_version = "HTTP/1.1"
    timeout = 30
    site: Path
    service: QueryService
    quiet = False
    mount = ""
    prefix = ""

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        if not self.quiet:
            sys.stderr.write(f"{self.address_string()} {format % args}\n")

    def _send(self, answer: Answer, headers: dict[str, str] | None = None) -> None:
        self.send_response(answer.status)
        self.send_header("Content-Type", answer.content_type)
        self.send_header("Content-Length", str(len(answer.body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(answer.body)

    def _error(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        self._send(text_answer(status, message), headers)

    def do_GET(self) -> None:
        try:
            self._get()
        except (BadPath, UnicodeDecodeError) as exc:
            self._error(400, f"bad path: {exc}")
        except BadAccept as exc:
            self._error(400, str(exc))

    do_HEAD = do_GET

    def _not_allowed(self) -> None:
        self._error(405, f"{self.command} is not allowed", {"Allow": "GET, HEAD, POST"})

    do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _not_allowed

    def _get(self) -> None:
        split = urlsplit(self.path)
        relative = self._relative(split.path)
        if relative == "sparql":
            self._sparql_get(split.query)
            return
        if relative == "" or relative.endswith("/"):
            relative += "index.html"
        if posixpath.basename(relative) == MARKER_NAME:
            self._error(404, "not found")
            return
        target = (self.site / relative).resolve()
        if not target.is_relative_to(self.site):
            raise BadPath("outside the site")
        suffix = posixpath.splitext(relative)[1]
        if target.is_file() and suffix in CONTENT_TYPES:
            self._send(Answer(200, CONTENT_TYPES[suffix], target.read_bytes()))
            return
        if not suffix and (self.site / (relative + HTML)).is_file():
            self._negotiate(relative)
            return
        self._error(404, f"not found: /{relative}")

    def _relative(self, path: str) -> str:
        """The site path; the base IRI's own path (/data/ for https://example.org/data/) is
        accepted as a prefix too, so the minted IRIs resolve as they are written."""
        relative = safe_relative(path)
        mount = self.mount.strip("/")
        if mount and (relative == mount or relative.startswith(mount + "/")):
            self.prefix = "/" + mount
            return relative[len(mount) + 1:]
        self.prefix = ""
        return relative

    def _negotiate(self, relative: str) -> None:
        chosen = negotiate(self.headers.get("Accept"), list(RESOURCE_TYPES))
        if chosen is None:
            offered = ", ".join(dict.fromkeys(RESOURCE_TYPES))
            self._error(406, f"/{relative} is available as {offered}", {"Vary": "Accept"})
            return
        location = f"{self.prefix}/{relative}{RESOURCE_TYPES[chosen]}"
        self._send(text_answer(303, f"See {location}"), {"Location": location, "Vary": "Accept"})

    def _sparql_get(self, query_string: str) -> None:
        params = parse_qs(query_string, keep_blank_values=True)
        self._sparql(params)

    def do_POST(self) -> None:
        try:
            relative = self._relative(urlsplit(self.path).path)
        except (BadPath, UnicodeDecodeError) as exc:
            self._error(400, f"bad path: {exc}")
            return
        if relative != "sparql":
            self._error(405, "POST is only accepted at /sparql", {"Allow": "GET, HEAD"})
            return
        length_header = self.headers.get("Content-Length")
        if length_header is None:
            self._error(411, "a POST needs a Content-Length")
            return
        try:
            length = int(length_header)
        except ValueError:
            self._error(400, "Content-Length is not a number")
            return
        if length < 0:
            self._error(400, "Content-Length is negative")
            return
        if length > MAX_BODY:
            self.close_connection = True
            self._error(413, f"the request body is larger than {MAX_BODY:,} bytes")
            return
        body = self.rfile.read(length)
        media = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            self._error(400, "the request body is not UTF-8")
            return
        if media == SPARQL_UPDATE:
            self._error(403, "this endpoint is read-only: SPARQL Update is refused")
        elif media == SPARQL_QUERY:
            self._sparql({"query": [text]} | parse_qs(urlsplit(self.path).query))
        elif media == FORM:
            self._sparql(parse_qs(text, keep_blank_values=True))
        else:
            self._error(415, f"POST a query as {FORM} or {SPARQL_QUERY}")

    def _sparql(self, params: dict[str, list[str]]) -> None:
        if "update" in params:
            self._error(403, "this endpoint is read-only: SPARQL Update is refused")
            return
        if "default-graph-uri" in params or "named-graph-uri" in params:
            self._error(400, "default-graph-uri and named-graph-uri are not supported: the dataset is fixed")
            return
        queries = params.get("query", [])
        if len(queries) != 1:
            self._error(400, "give exactly one query parameter")
            return
        self._send(self.service.ask(queries[0], self.headers.get("Accept")), {"Vary": "Accept"})


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 64


def make_server(project: Project, site: Path | None = None, host: str = "127.0.0.1", port: int = 8000,
                limits: Limits | None = None, quiet: bool = False) -> tuple[Server, QueryService]:
    """A server (not yet serving) and its query service; close both when done. Minted IRIs are
    answered at their own path too: /data/id/… for the base IRI https://example.org/data/."""
    site = (site or project.output_dir / "site").resolve()
    if not (site / "index.html").is_file():
        raise InputError(f"{site} holds no site: run 'kg site' first")
    loaded_files(project)
    mount = urlsplit(project.base_iri).path
    handler: type[Handler] = type("SiteHandler", (Handler,), {"site": site, "quiet": quiet, "mount": mount})
    try:
        server = Server((host, port), handler)
    except OSError as exc:
        raise InputError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc
    handler.service = QueryService(project, limits)
    return server, handler.service
