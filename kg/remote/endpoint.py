"""An HTTP client for a remote triple store: the SPARQL 1.1 Protocol (query, update) and the
Graph Store HTTP Protocol, with credentials, retries and clear errors."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import IO, Protocol
from urllib.parse import urlsplit, urlunsplit

import requests
from requests.auth import AuthBase, HTTPBasicAuth, HTTPDigestAuth

from kg.errors import EndpointError, InputError

USER_ENV = "KG_ENDPOINT_USER"
PASSWORD_ENV = "KG_ENDPOINT_PASSWORD"
AUTH_MODES = ("auto", "basic", "digest", "none")
RESULTS_JSON = "application/sparql-results+json"

class Readable(Protocol):
    """A request body requests reads in chunks (a file, or a reader that counts what it sends)."""

    def read(self, size: int = -1) -> bytes: ...


Body = bytes | dict[str, str] | IO[bytes] | Readable | Iterable[bytes] | None


@dataclass(frozen=True)
class Endpoints:
    """The three URLs of one store, and what kind of store they look like."""

    store: str
    query: str
    update: str
    layout: str

    @property
    def accepts_datasets(self) -> bool:
        """Whether the Graph Store endpoint takes N-Quads (Virtuoso's takes Turtle only)."""
        return self.layout != "virtuoso"


# (suffix of the Graph Store URL, layout, query/update path relative to the server root)
_LAYOUTS = (
    ("/store", "oxigraph", ("/query", "/update")),
    ("/sparql-graph-crud-auth", "virtuoso", ("/sparql-auth", "/sparql-auth")),
    ("/sparql-graph-crud", "virtuoso", ("/sparql", "/sparql")),
)


def endpoints(store: str, query: str | None = None, update: str | None = None) -> Endpoints:
    """The endpoints for a Graph Store URL: known layouts (Oxigraph `/store`, Virtuoso
    `/sparql-graph-crud[-auth]`) get their query and update URLs; any other URL serves all three
    (as a Fuseki dataset URL does) unless `query`/`update` are given."""
    for url in (store, query, update):
        if url is not None:
            check_url(url)
    parts = urlsplit(store)
    layout, defaults = "generic", (store, store)
    for suffix, name, (query_path, update_path) in _LAYOUTS:
        if parts.path.rstrip("/").endswith(suffix):
            root = parts.path.rstrip("/")[: -len(suffix)]
            layout = name
            defaults = (urlunsplit(parts._replace(path=root + query_path, query="")),
                        urlunsplit(parts._replace(path=root + update_path, query="")))
            break
    return Endpoints(store, query or defaults[0], update or defaults[1], layout)


def check_url(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(f"not an http(s) URL: {url!r}")
    if parts.username or parts.password:
        raise InputError(f"credentials do not belong in the URL: set {USER_ENV} and {PASSWORD_ENV} "
                         "or use a netrc file")


def credentials(url: str) -> tuple[str, str] | None:
    """The user and password for `url`: from the environment, else from ~/.netrc (or $NETRC)."""
    user = os.environ.get(USER_ENV)
    if user:
        return user, os.environ.get(PASSWORD_ENV, "")
    found = requests.utils.get_netrc_auth(url)
    return (found[0], found[1]) if found else None


class _NoAuth(AuthBase):
    """No Authorization header; stops requests from sending netrc credentials as basic auth
    before the store has said which scheme it wants (Virtuoso answers such a request with a
    401 that carries no challenge)."""

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        return request


def _auth_for(scheme: str, creds: tuple[str, str]) -> AuthBase:
    return HTTPDigestAuth(*creds) if scheme == "digest" else HTTPBasicAuth(*creds)


def _short(text: str, limit: int = 300) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + "…"


class Client:
    """Requests to one store with one session: auth picked once, retries with backoff on
    connection failures, timeouts and 5xx (never on 4xx)."""

    def __init__(self, urls: Endpoints, auth: str = "auto", verify: bool = True, timeout: float = 600.0,
                 retries: int = 3, backoff: float = 0.5) -> None:
        if auth not in AUTH_MODES:
            raise InputError(f"unknown auth mode {auth!r} (use one of {', '.join(AUTH_MODES)})")
        self.urls = urls
        self.verify = verify
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.session = requests.Session()
        self.creds = None if auth == "none" else credentials(urls.store)
        self.auth_mode = auth
        self.auth: AuthBase | None = None
        if self.creds and auth in ("basic", "digest"):
            self.auth = _auth_for(auth, self.creds)

    def close(self) -> None:
        self.session.close()

    def send(self, step: str, method: str, url: str, *, params: dict[str, str] | None = None,
             headers: dict[str, str] | None = None, body: Callable[[], Body] | None = None,
             retry: bool = True) -> requests.Response:
        """One request; `body` is called afresh for every attempt. Raises EndpointError naming
        the step, the URL and the status or the network failure."""
        attempts = 1 + (self.retries if retry else 0)
        attempt = 0
        while True:
            attempt += 1
            try:
                response = self.session.request(method, url, params=params, headers=headers,
                                                data=body() if body else None, auth=self.auth or _NoAuth(),
                                                timeout=(min(self.timeout, 30.0), self.timeout),
                                                verify=self.verify)
            except requests.exceptions.SSLError as exc:
                raise EndpointError(f"{step}: TLS verification failed for {url}: {exc}") from exc
            except requests.exceptions.RequestException as exc:
                if attempt < attempts:
                    time.sleep(self.backoff * 2 ** (attempt - 1))
                    continue
                tried = f" (after {attempt} attempts)" if attempt > 1 else ""
                raise EndpointError(f"{step}: {url} did not answer{tried}: {_reason(exc)}") from exc
            if response.status_code == 401 and self._learn_auth(response):
                attempt -= 1
                continue
            if response.status_code >= 500 and attempt < attempts:
                time.sleep(self.backoff * 2 ** (attempt - 1))
                continue
            if response.status_code >= 400:
                raise EndpointError(_http_error(step, url, response, self.creds is not None))
            return response

    def _learn_auth(self, response: requests.Response) -> bool:
        """In auto mode, the first 401 tells which scheme the store wants; True to resend."""
        if self.auth_mode != "auto" or self.auth is not None or not self.creds:
            return False
        challenge = response.headers.get("WWW-Authenticate", "").lower()
        self.auth = _auth_for("digest" if challenge.startswith("digest") else "basic", self.creds)
        return True

    def select(self, step: str, text: str, default_graph: str | None = None) -> requests.Response:
        """A SPARQL query by POST (form-encoded), asking for JSON results or N-Triples."""
        form = {"query": text}
        if default_graph:
            form["default-graph-uri"] = default_graph
        accept = f"{RESULTS_JSON}, application/n-triples;q=0.9, text/turtle;q=0.8"
        return self.send(step, "POST", self.urls.query, headers={"Accept": accept}, body=lambda: form)

    def count(self, step: str, pattern: str) -> int:
        """The single integer a `SELECT (COUNT(*) AS ?n) WHERE { pattern }` returns."""
        response = self.select(step, f"SELECT (COUNT(*) AS ?n) WHERE {{ {pattern} }}")
        try:
            return int(response.json()["results"]["bindings"][0]["n"]["value"])
        except (ValueError, KeyError, IndexError, TypeError) as exc:
            raise EndpointError(f"{step}: {self.urls.query} did not return a count: "
                                f"{_short(response.text)}") from exc

    def update(self, step: str, text: str, retry: bool = False) -> None:
        """A SPARQL Update by POST (form-encoded `update=`). Not retried unless asked: an
        update whose answer was lost may have run."""
        self.send(step, "POST", self.urls.update, headers={"Accept": f"{RESULTS_JSON}, */*;q=0.1"},
                  body=lambda: {"update": text}, retry=retry)


def _reason(exc: Exception) -> str:
    text = str(exc)
    for marker in ("Connection refused", "Connection reset by peer", "Read timed out", "timed out",
                   "RemoteDisconnected", "Connection aborted", "Broken pipe"):
        if marker in text:
            return marker.lower() if marker != "RemoteDisconnected" else "the server closed the connection"
    return _short(text, 200)


def _http_error(step: str, url: str, response: requests.Response, had_credentials: bool) -> str:
    message = f"{step}: HTTP {response.status_code} {response.reason} from {url}"
    if response.status_code in (401, 403):
        hint = ("check the credentials" if had_credentials
                else f"set {USER_ENV} and {PASSWORD_ENV} or add the host to ~/.netrc")
        return f"{message} ({hint})"
    detail = _short(response.text)
    return f"{message}: {detail}" if detail else message


__all__ = ["AUTH_MODES", "Client", "Endpoints", "PASSWORD_ENV", "USER_ENV", "check_url", "credentials", "endpoints"]
