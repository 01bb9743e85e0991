"""An HTTP client for a remote triple store: the SPARQL 1.1 Protocol (query, update) and the
Graph Store HTTP Protocol, with credentials, retries and clear errors."""

from __future__ import annotations

import ipaddress
import os
import time
import warnings
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


def is_loopback(host: str) -> bool:
    """127.0.0.0/8, ::1, localhost and *.localhost (RFC 6761): traffic that never leaves the machine.
    Other names are not resolved: a name that happens to point at 127.0.0.1 counts as remote."""
    name = host.strip("[]").lower().rstrip(".")
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


class InsecureAuthWarning(UserWarning):
    """Credentials go over plain HTTP (the library's warning; the CLI prints it on stderr)."""


def _python_warning(message: str) -> None:
    warnings.warn(message, InsecureAuthWarning, stacklevel=4)


def _auth_for(scheme: str, creds: tuple[str, str]) -> AuthBase:
    return HTTPDigestAuth(*creds) if scheme == "digest" else HTTPBasicAuth(*creds)


def _short(text: str, limit: int = 300) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + "…"


class Client:
    """Requests to one store with one session: auth picked once, retries with backoff on
    connection failures, timeouts and 5xx (never on 4xx).

    Credentials over plain HTTP: to a host that is not loopback, basic authentication (and auto,
    which may answer a basic challenge) is refused unless `allow_insecure_auth`, since it sends
    the password in clear text; digest, and anything to a loopback host, is sent with a warning
    (`warn`, default: a Python InsecureAuthWarning) when the scheme is first used."""

    def __init__(self, urls: Endpoints, auth: str = "auto", verify: bool = True, timeout: float = 600.0,
                 retries: int = 3, backoff: float = 0.5, allow_insecure_auth: bool = False,
                 warn: Callable[[str], None] | None = None) -> None:
        if auth not in AUTH_MODES:
            raise InputError(f"unknown auth mode {auth!r} (use one of {', '.join(AUTH_MODES)})")
        self.urls = urls
        self.verify = verify
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.allow_insecure_auth = allow_insecure_auth
        self.warn = warn or _python_warning
        self.creds = None if auth == "none" else credentials(urls.store)
        self.auth_mode = auth
        self.auth: AuthBase | None = None
        if self.creds:
            self._refuse_clear_text(auth)
        self.session = requests.Session()
        if self.creds and auth in ("basic", "digest"):
            self._use(auth)

    def _plain_http_hosts(self) -> list[str]:
        urls = {self.urls.store, self.urls.query, self.urls.update}
        return sorted({urlsplit(url).hostname or "" for url in urls if urlsplit(url).scheme == "http"})

    def _refuse_clear_text(self, auth: str) -> None:
        """Before anything is sent: no password in clear text to a host that is not loopback."""
        remote = [host for host in self._plain_http_hosts() if not is_loopback(host)]
        if not remote or auth == "digest" or self.allow_insecure_auth:
            return
        how = ("basic authentication sends it in clear text" if auth == "basic"
               else "--auth auto would answer a basic challenge with it in clear text")
        raise InputError(f"refusing to send the password over plain HTTP to {', '.join(remote)}: {how}; use https, "
                         "--auth digest, or --allow-insecure-auth on a network you trust")

    def _use(self, scheme: str) -> None:
        """Authenticate with `scheme` from now on, warning once if it goes over plain HTTP."""
        assert self.creds is not None
        self.auth = _auth_for(scheme, self.creds)
        hosts = self._plain_http_hosts()
        if not hosts:
            return
        where = ", ".join(hosts)
        if scheme == "digest":
            self.warn(f"digest authentication over plain HTTP to {where}: the password is not sent, but the "
                      "requests and answers can be read and altered on the way; use https")
        elif all(is_loopback(host) for host in hosts):
            self.warn(f"basic authentication over plain HTTP to {where} sends the password in clear text "
                      "(tolerated on loopback only; use https)")
        else:
            self.warn(f"basic authentication over plain HTTP to {where} sends the password in clear text "
                      "(--allow-insecure-auth)")

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
        self._use("digest" if challenge.startswith("digest") else "basic")
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

    def update(self, step: str, text: str, retry: bool = False, direct: bool = False) -> None:
        """A SPARQL Update by POST: form-encoded `update=`, or with `direct` the UTF-8 text as
        application/sparql-update (no encoding overhead: a large update stays under a store's
        size limit). Not retried unless asked: an update whose answer was lost may have run."""
        headers = {"Accept": f"{RESULTS_JSON}, */*;q=0.1"}
        if direct:
            data = text.encode("utf-8")
            headers["Content-Type"] = "application/sparql-update; charset=utf-8"
            self.send(step, "POST", self.urls.update, headers=headers, body=lambda: data, retry=retry)
        else:
            self.send(step, "POST", self.urls.update, headers=headers, body=lambda: {"update": text}, retry=retry)


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


__all__ = ["AUTH_MODES", "Client", "Endpoints", "InsecureAuthWarning", "PASSWORD_ENV", "USER_ENV", "check_url",
           "credentials", "endpoints", "is_loopback"]
