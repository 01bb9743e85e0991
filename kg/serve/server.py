"""kg serve: the static site, the minted IRIs answered by content negotiation (303 See Other to
the page or data file), and a read-only SPARQL endpoint at /sparql.

The site is a WSGI application (`SiteApp`, werkzeug's Request/Response), tested in-process with
werkzeug.test.Client and served by waitress, a multi-threaded production WSGI server in pure
Python (the stdlib http.server is documented as not for production). Every answer of the app
carries `Access-Control-Allow-Origin: *` (data, pages, 303s, /sparql and their errors), OPTIONS
is a CORS preflight on any path, static files have a strong ETag and Last-Modified (304 on a
conditional GET) and Cache-Control, and text bodies over 1 KB are gzipped when the client asks."""

from __future__ import annotations

import gzip
import posixpath
import sys
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, unquote, urlsplit

from kg.errors import InputError
from kg.outputs import FORMATS, JSONLD, RESOURCE_FORMATS
from kg.project import Project
from kg.serve.conneg import AcceptTooLarge, BadAccept, negotiate
from kg.serve.description import description_type, service_description
from kg.serve.review import ReviewPages, is_loopback
from kg.serve.sparql import Answer, Limits, QueryService, text_answer
from kg.site.layout import HTML, MARKER_NAME, described_by
from kg.store import loaded_files

if TYPE_CHECKING:
    from waitress.server import BaseWSGIServer, MultiSocketServer
    from werkzeug.wrappers import Request, Response

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
# Media types worth compressing: text, and the RDF and SPARQL results formats (all text).
COMPRESSIBLE = ("text/", "application/ld+json", "application/n-triples", "application/n-quads", "application/trig",
                "application/sparql-results", "application/json", "application/rdf+xml", "image/svg+xml")
GZIP_MIN_BYTES = 1024
MAX_BODY = 65_536
MAX_URI = 65_536
FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"
METHODS = "GET, HEAD, POST, OPTIONS"
CORS = {"Access-Control-Allow-Origin": "*", "Access-Control-Expose-Headers": "ETag, Location, Vary"}
PREFLIGHT = {"Access-Control-Allow-Methods": METHODS, "Access-Control-Allow-Headers": "Accept, Content-Type",
             "Access-Control-Max-Age": "86400"}
STATIC_CACHE = "public, max-age=300"
SPARQL_CACHE = "no-store"
REVIEW = "review"
PRIVATE = "kg.review"  # the environ key that marks a review answer


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


class BadGraph(InputError):
    """A default-graph-uri or named-graph-uri that is not an absolute IRI."""


def graph_iris(params: dict[str, list[str]], name: str) -> list[str]:
    """The protocol's dataset parameter `name` (default-graph-uri, named-graph-uri): absolute IRIs only."""
    import pyoxigraph as ox

    iris = params.get(name, [])
    for iri in iris:
        try:
            ox.NamedNode(iri)
            absolute = bool(urlsplit(iri).scheme)
        except ValueError:
            absolute = False
        if not absolute:
            raise BadGraph(f"{name} is not an absolute IRI: {iri[:200]!r}")
    return iris


@dataclass(frozen=True)
class StaticFile:
    """A file of the site as served: its bytes and the validators of this version."""

    body: bytes
    etag: str
    last_modified: datetime


@lru_cache(maxsize=512)
def _gzipped(path: str, etag: str, body: bytes) -> bytes:
    """A file's gzip encoding, cached per version (the ETag names the version)."""
    return gzip.compress(body, compresslevel=6, mtime=0)


def _compressible(content_type: str) -> bool:
    return content_type.startswith(COMPRESSIBLE)


class SiteApp:
    """The WSGI application of kg serve: call it with (environ, start_response)."""

    def __init__(self, site: Path, service: QueryService, mount: str = "", dataset_iri: str = "",
                 quiet: bool = False, review: ReviewPages | None = None) -> None:
        self.site = site
        self.review = review
        self.service = service
        self.mount = mount.strip("/")
        self.dataset_iri = dataset_iri
        self.quiet = quiet

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        from werkzeug.wrappers import Request

        request = Request(environ)
        try:
            response = self.dispatch(request)
        except (BadPath, UnicodeDecodeError) as exc:
            response = self.error(400, f"bad path: {exc}")
        except AcceptTooLarge as exc:
            response = self.error(431, str(exc))
        except (BadAccept, BadGraph) as exc:
            response = self.error(400, str(exc))
        except OSError as exc:  # the file system refused a name (too long, …): nothing is there to serve
            response = self.error(404, f"not found: {exc.strerror or type(exc).__name__}")
        except Exception:  # noqa: BLE001 - a request must get an answer and the log the traceback
            sys.stderr.write(traceback.format_exc())
            response = self.error(500, "internal error; the server log has the details")
        if not request.environ.get(PRIVATE):  # a review answer is for this server's own pages only
            response.headers.update(CORS)
        response.headers["X-Content-Type-Options"] = "nosniff"
        self._compress(request, response)
        if not self.quiet:
            sys.stderr.write(f"{request.remote_addr} {request.method} {request.full_path.rstrip('?')} "
                             f"{response.status_code}\n")
        return response(environ, start_response)

    # ------------------------------------------------------------------ answers

    def answer(self, answer: Answer, headers: dict[str, str] | None = None) -> Response:
        from werkzeug.wrappers import Response

        response = Response(answer.body, status=answer.status, content_type=answer.content_type)
        response.headers.update(headers or {})
        return response

    def error(self, status: int, message: str, headers: dict[str, str] | None = None) -> Response:
        return self.answer(text_answer(status, message), headers)

    def _compress(self, request: Request, response: Response) -> None:
        """gzip a text body over GZIP_MIN_BYTES when the client accepts it; the ETag names the encoding."""
        content_type = response.headers.get("Content-Type", "")
        if response.status_code != 200 or not _compressible(content_type):
            return
        body = response.get_data()
        if len(body) < GZIP_MIN_BYTES:
            return
        response.vary.add("Accept-Encoding")
        if not request.accept_encodings["gzip"]:
            return
        etag = response.headers.get("ETag", "")
        response.set_data(_gzipped(request.path, etag, body) if etag else gzip.compress(body, 6, mtime=0))
        response.headers["Content-Encoding"] = "gzip"
        if etag:
            response.headers["ETag"] = etag[:-1] + '-gzip"'

    # ------------------------------------------------------------------ routing

    def dispatch(self, request: Request) -> Response:
        raw = request.environ.get("REQUEST_URI") or request.environ.get("RAW_URI") or request.full_path
        if len(raw) > MAX_URI:
            return self.error(414, f"the request target is longer than {MAX_URI:,} characters")
        prefix, relative = self._relative(raw)  # not urlsplit: '//[' would raise, '//x/y' lose 'x' as a host
        if relative == REVIEW or relative.startswith(REVIEW + "/"):
            if self.review is None:
                return self.error(404, "not found: the review pages are served only on loopback (--host 127.0.0.1)")
            request.environ[PRIVATE] = True
            return self.review.handle(request, relative)
        if request.method == "OPTIONS":
            return self._preflight()
        if relative == "sparql":
            if request.method in ("GET", "HEAD"):
                return self._sparql_get(request)
            if request.method == "POST":
                return self._sparql_post(request)
            return self.error(405, f"{request.method} is not allowed", {"Allow": METHODS})
        if request.method == "POST":
            return self.error(405, "POST is only accepted at /sparql", {"Allow": "GET, HEAD, OPTIONS"})
        if request.method not in ("GET", "HEAD"):
            return self.error(405, f"{request.method} is not allowed", {"Allow": METHODS})
        return self._get(request, prefix, relative)

    def _preflight(self) -> Response:
        """A CORS preflight (or a plain OPTIONS): what any path allows a cross-origin script."""
        from werkzeug.wrappers import Response

        return Response(status=204, headers={"Allow": METHODS, **PREFLIGHT})

    def _relative(self, path: str) -> tuple[str, str]:
        """The mount prefix used and the site path; the base IRI's own path (/data/ for
        https://example.org/data/) is accepted as a prefix too, so the minted IRIs resolve as written."""
        relative = safe_relative(path)
        if self.mount and (relative == self.mount or relative.startswith(self.mount + "/")):
            return "/" + self.mount, relative[len(self.mount) + 1:]
        return "", relative

    def _get(self, request: Request, prefix: str, relative: str) -> Response:
        if relative == "" or relative.endswith("/"):
            relative += "index.html"
        if posixpath.basename(relative) == MARKER_NAME:
            return self.error(404, "not found")
        target = (self.site / relative).resolve()
        if not target.is_relative_to(self.site):
            raise BadPath("outside the site")
        suffix = posixpath.splitext(relative)[1]
        if suffix in CONTENT_TYPES and target.is_file():
            return self._static(request, target, CONTENT_TYPES[suffix])
        if not suffix and (self.site / (relative + HTML)).is_file():
            return self._negotiate(request, prefix, relative)
        stem = described_by(relative)
        if stem is not None and (self.site / (stem + HTML)).is_file():
            return self._negotiate(request, prefix, stem)
        return self.error(404, f"not found: /{relative}")

    def _static(self, request: Request, target: Path, content_type: str) -> Response:
        from werkzeug.http import http_date, is_resource_modified

        file = _read(target)
        headers = {"ETag": file.etag, "Last-Modified": http_date(file.last_modified), "Cache-Control": STATIC_CACHE}
        encoded_etag = file.etag[:-1] + '-gzip"'
        if not (is_resource_modified(request.environ, etag=file.etag.strip('"'), last_modified=file.last_modified)
                and is_resource_modified(request.environ, etag=encoded_etag.strip('"'),
                                         last_modified=file.last_modified)):
            gzipped = request.accept_encodings["gzip"] and _compressible(content_type) and \
                len(file.body) >= GZIP_MIN_BYTES
            headers["ETag"] = encoded_etag if gzipped else file.etag
            response = self.answer(Answer(304, content_type, b""), headers)
            response.headers.pop("Content-Type")
            return response
        return self.answer(Answer(200, content_type, file.body), headers)

    def _negotiate(self, request: Request, prefix: str, relative: str) -> Response:
        chosen = negotiate(request.headers.get("Accept"), list(RESOURCE_TYPES))
        if chosen is None:
            offered = ", ".join(dict.fromkeys(RESOURCE_TYPES))
            return self.error(406, f"/{relative} is available as {offered}", {"Vary": "Accept"})
        location = f"{prefix}/{relative}{RESOURCE_TYPES[chosen]}"
        return self.error(303, f"See {location}", {"Location": location, "Vary": "Accept",
                                                   "Cache-Control": STATIC_CACHE})

    # ------------------------------------------------------------------ SPARQL protocol

    def _sparql_get(self, request: Request) -> Response:
        params = parse_qs(request.environ.get("QUERY_STRING", ""), keep_blank_values=True)
        if not params:
            return self._description(request)
        return self._sparql(request, params)

    def _description(self, request: Request) -> Response:
        media_type = description_type(request.headers.get("Accept"))
        if media_type is None:
            return self.error(406, "the service description is available as Turtle, JSON-LD, N-Triples, RDF/XML",
                              {"Vary": "Accept"})
        endpoint = request.host_url.rstrip("/") + request.path
        body = service_description(endpoint, self.dataset_iri, media_type)
        charset = "; charset=utf-8" if media_type.startswith("text/") else ""
        return self.answer(Answer(200, media_type + charset, body), {"Vary": "Accept", "Cache-Control": STATIC_CACHE})

    def _sparql_post(self, request: Request) -> Response:
        length_header = request.environ.get("CONTENT_LENGTH")
        if not length_header and "chunked" not in request.environ.get("HTTP_TRANSFER_ENCODING", "").lower():
            return self.error(411, "a POST needs a Content-Length")
        try:
            length = int(length_header) if length_header else MAX_BODY
        except ValueError:
            return self.error(400, "Content-Length is not a number")
        if length < 0:
            return self.error(400, "Content-Length is negative")
        if length > MAX_BODY:
            return self.error(413, f"the request body is larger than {MAX_BODY:,} bytes", {"Connection": "close"})
        body = request.stream.read(MAX_BODY + 1)
        if len(body) > MAX_BODY:
            return self.error(413, f"the request body is larger than {MAX_BODY:,} bytes", {"Connection": "close"})
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            return self.error(400, "the request body is not UTF-8")
        url_params = parse_qs(request.environ.get("QUERY_STRING", ""), keep_blank_values=True)
        media = (request.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if media == SPARQL_UPDATE:
            return self.error(403, "this endpoint is read-only: SPARQL Update is refused")
        if media == SPARQL_QUERY:
            if "query" in url_params:
                return self.error(400, "a query in both the URL and the body: the SPARQL protocol allows one")
            return self._sparql(request, {**url_params, "query": [text]})
        if media == FORM:
            form = parse_qs(text, keep_blank_values=True)
            if "query" in url_params and "query" in form:
                return self.error(400, "a query in both the URL and the body: the SPARQL protocol allows one")
            return self._sparql(request, {key: url_params.get(key, []) + form.get(key, [])
                                          for key in url_params.keys() | form.keys()})
        return self.error(415, f"POST a query as {FORM} or {SPARQL_QUERY}")

    def _sparql(self, request: Request, params: dict[str, list[str]]) -> Response:
        if "update" in params:
            return self.error(403, "this endpoint is read-only: SPARQL Update is refused")
        queries = params.get("query", [])
        if len(queries) != 1:
            return self.error(400, "give exactly one query parameter")
        default_graphs = graph_iris(params, "default-graph-uri")
        named_graphs = graph_iris(params, "named-graph-uri")
        answer = self.service.ask(queries[0], request.headers.get("Accept"), default_graphs=default_graphs,
                                  named_graphs=named_graphs)
        return self.answer(answer, {"Vary": "Accept", "Cache-Control": SPARQL_CACHE})


def _read(target: Path) -> StaticFile:
    """The file's bytes with a strong ETag from its size and modification time (a file the site
    rewrites gets a new one)."""
    stat = target.stat()
    body = target.read_bytes()
    modified = datetime.fromtimestamp(int(stat.st_mtime), tz=UTC)  # HTTP dates have whole seconds
    return StaticFile(body, f'"{stat.st_size:x}-{stat.st_mtime_ns:x}"', modified)


def make_app(project: Project, site: Path | None = None, limits: Limits | None = None,
             quiet: bool = False, review: bool = False) -> SiteApp:
    """The WSGI application serving `site` (default output/site) and the project's store, and with
    `review` the draft review pages (kg.serve.review; for a loopback server only); close its
    `service` when done."""
    site = (site or project.output_dir / "site").resolve()
    if not (site / "index.html").is_file():
        raise InputError(f"{site} holds no site: run 'kg site' first")
    loaded_files(project)
    mount = urlsplit(project.base_iri).path
    return SiteApp(site, QueryService(project, limits), mount, project.base_iri + "dataset", quiet,
                   ReviewPages(project) if review else None)


def make_server(project: Project, site: Path | None = None, host: str = "127.0.0.1", port: int = 8000,
                limits: Limits | None = None, quiet: bool = False,
                threads: int = 8) -> tuple[BaseWSGIServer | MultiSocketServer, QueryService]:
    """A waitress server (not yet serving: call .run()) and its query service; close both when
    done. Minted IRIs are answered at their own path too: /data/id/… for the base IRI
    https://example.org/data/. The review pages (/review/) are served only on a loopback host."""
    from waitress.server import create_server

    app = make_app(project, site, limits, quiet, review=is_loopback(host))
    try:
        server = create_server(app, host=host, port=port, threads=threads, ident="kg-serve",
                                        max_request_body_size=MAX_BODY, max_request_header_size=MAX_URI * 4,
                                        clear_untrusted_proxy_headers=True, channel_timeout=30,
                                        connection_limit=1000)
    except OSError as exc:
        app.service.close()
        raise InputError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc
    return server, app.service


def bound_address(server: BaseWSGIServer | MultiSocketServer) -> tuple[str, int]:
    """The host and port a server from make_server listens on (the port chosen when 0 was asked)."""
    return str(getattr(server, "effective_host")), int(getattr(server, "effective_port"))
