"""Fetching an article for `kg source add URL`: the final URL after redirects, the text decoded
as a browser would decode it, and a deadline for the whole download.

The text is frozen by its sha256 once registered, so a wrong decoding would be kept for good.
The encoding is decided as browsers do (the WHATWG Encoding Standard's sniffing): a byte order
mark, else the charset of the Content-Type header, else (HTML) a `<meta charset>` or
`<meta http-equiv=Content-Type>` in the first 1024 bytes, or (XHTML) the XML declaration, else
UTF-8 when the bytes are valid UTF-8, else charset-normalizer's best guess. Labels are read as
browsers read them (iso-8859-1 and us-ascii mean windows-1252, shift_jis means Windows-31J).

The per-read timeout bounds a silent server; a server that sends a byte every few seconds
never trips it, so the whole download (connection, headers, body) also has a deadline: a
watchdog shuts the download's sockets when it passes.
"""

from __future__ import annotations

import codecs
import re
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from kg.errors import InputError

TEXT_TYPES = ("text/plain", "text/html", "application/xhtml+xml")
CONNECT_TIMEOUT, READ_TIMEOUT = 5, 20
DEADLINE = 30.0  # seconds for the whole download, whatever the server's pace
MAX_REDIRECTS = 10
PRESCAN_BYTES = 1024  # how far browsers look for <meta charset>

# Where the Encoding Standard reads a label differently from Python's codec of that name.
_WHATWG_LABELS = {
    **dict.fromkeys(("iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "ascii", "us-ascii", "cp819",
                     "iso_8859-1", "ibm819", "windows-1252", "x-cp1252"), "cp1252"),
    **dict.fromkeys(("shift_jis", "shift-jis", "sjis", "x-sjis", "ms_kanji", "csshiftjis", "windows-31j",
                     "ms932"), "cp932"),
    **dict.fromkeys(("gb2312", "gb_2312", "gb_2312-80", "x-gbk", "csgb2312", "chinese"), "gbk"),
    **dict.fromkeys(("iso-8859-9", "iso8859-9", "latin5", "l5"), "cp1254"),
    **dict.fromkeys(("iso-8859-11", "tis-620", "windows-874"), "cp874"),
    **dict.fromkeys(("euc-kr", "ks_c_5601-1987", "windows-949", "cseuckr"), "cp949"),
    "utf8": "utf-8", "unicode-1-1-utf-8": "utf-8",
}
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_META_CHARSET = re.compile(rb"""<meta\b[^>]*?\bcharset\s*=\s*["']?\s*([A-Za-z0-9_:.+-]+)""", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""^<\?xml\s[^>]*?encoding\s*=\s*["']([A-Za-z0-9_.:+-]+)["']""")


@dataclass(frozen=True)
class Page:
    """What a URL served: the final URL (after redirects), its media type, its text and the
    encoding the text was decoded from (and why that one)."""

    url: str
    media_type: str
    text: str
    encoding: str
    encoding_source: str


def codec_for(label: str) -> str | None:
    """The Python codec for a charset label as browsers read it, or None for an unknown label."""
    name = label.strip().strip("\"'").lower()
    name = _WHATWG_LABELS.get(name, name)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _header_charset(content_type: str) -> str | None:
    from email.message import Message

    message = Message()
    message["content-type"] = content_type
    charset = message.get_param("charset")
    return charset if isinstance(charset, str) else None


def sniff_encoding(body: bytes, media_type: str, content_type: str) -> tuple[str, str]:
    """(codec, where it came from) for a body: BOM, HTTP charset, meta/XML declaration, UTF-8
    validity, detector — the order browsers follow."""
    for bom, bom_codec in _BOMS:
        if body.startswith(bom):
            return bom_codec, "byte order mark"
    declared = _header_charset(content_type)
    if declared and codec_for(declared):
        return str(codec_for(declared)), f"Content-Type charset={declared}"
    head = body[:PRESCAN_BYTES]
    found = None
    if media_type == "text/html":
        found = _META_CHARSET.search(head)
    elif media_type == "application/xhtml+xml":
        found = _XML_ENCODING.match(head)
    if found:
        label = found.group(1).decode("ascii")
        codec = codec_for(label)
        if codec:
            # a page cannot declare UTF-16 in itself (it would not be ASCII-readable): browsers use UTF-8
            return ("utf-8" if codec.startswith("utf-16") else codec), f"the page's declaration {label}"
    try:
        body.decode("utf-8")
        return "utf-8", "valid UTF-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    matches = from_bytes(body)
    best = matches.best()
    if best is None:
        raise InputError("the page declares no encoding and none could be detected")
    # Single-byte encodings often tie (cp1250, cp1252 and cp1257 read French equally well): then
    # windows-1252, the web's default legacy encoding, as browsers in most locales fall back to.
    tied = [m for m in matches if (m.chaos, m.coherence) == (best.chaos, best.coherence)]
    if any("cp1252" in m.could_be_from_charset for m in tied):
        return "cp1252", "charset-normalizer (a tie, resolved to windows-1252)"
    return str(codec_for(best.encoding) or best.encoding), "charset-normalizer"


# ------------------------------------------------------------------ the deadline


class _Watchdog:
    """Shuts every socket of one download when its deadline passes: a blocked read then
    returns at once, however slowly the server trickles."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.expired = False
        self.connections: list[HTTPConnection] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def watch(self, connection: HTTPConnection) -> None:
        with self._lock:
            self.connections.append(connection)
            expired = self.expired
        if expired:
            self._shut(connection)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            connections = list(self.connections)
        for connection in connections:
            self._shut(connection)

    @staticmethod
    def _shut(connection: HTTPConnection) -> None:
        sock = connection.sock
        if sock is not None:
            with suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    @contextmanager
    def running(self) -> Iterator[_Watchdog]:
        token = _WATCHDOG.set(self)
        self._timer.start()
        try:
            yield self
        finally:
            self._timer.cancel()
            _WATCHDOG.reset(token)


_WATCHDOG: ContextVar[_Watchdog | None] = ContextVar("kg_download_watchdog", default=None)


class _WatchedHTTPConnection(HTTPConnection):
    def connect(self) -> None:
        watchdog = _WATCHDOG.get()
        if watchdog is not None:
            watchdog.watch(self)
        super().connect()


class _WatchedHTTPSConnection(HTTPSConnection):
    def connect(self) -> None:
        watchdog = _WATCHDOG.get()
        if watchdog is not None:
            watchdog.watch(self)
        super().connect()


class _WatchedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _WatchedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


class _WatchedAdapter(HTTPAdapter):
    """requests' adapter whose direct connections report to the current watchdog."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _WatchedHTTPPool, "https": _WatchedHTTPSPool}


def _session() -> requests.Session:
    session = requests.Session()
    session.max_redirects = MAX_REDIRECTS
    adapter = _WatchedAdapter()
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def fetch_page(url: str, max_bytes: int, deadline: float | None = None) -> Page:
    """GET `url` (redirects followed, at most MAX_REDIRECTS) within `deadline` seconds (default
    DEADLINE), at most `max_bytes` of an article's media type, decoded as a browser would."""
    if not url.startswith(("http://", "https://")):
        raise InputError(f"{url}: only http(s) URLs can be fetched")
    watchdog = _Watchdog(DEADLINE if deadline is None else deadline)
    too_slow = InputError(f"{url}: not downloaded within {watchdog.seconds:g} seconds; refused "
                          "(the server sends too slowly; save the page and add the file instead)")
    try:
        with watchdog.running(), _session() as session, session.get(
                url, timeout=(CONNECT_TIMEOUT, READ_TIMEOUT), stream=True,
                headers={"User-Agent": "kg (knowledge-graph publisher)"}) as response:
            if response.status_code != 200:
                raise InputError(f"{url}: HTTP {response.status_code} {response.reason}")
            content_type = response.headers.get("Content-Type", "")
            media_type = content_type.split(";")[0].strip().lower()
            if media_type not in TEXT_TYPES:
                raise InputError(f"{url}: content type {media_type or 'unknown'!r} is not an article "
                                 f"({', '.join(TEXT_TYPES)})")
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_content(64 * 1024):
                chunks.append(chunk)
                size += len(chunk)
                if size > max_bytes:
                    raise InputError(f"{url}: more than {max_bytes:,} bytes; refused")
            final_url = response.url
    except (requests.RequestException, InputError) as exc:
        if watchdog.expired:  # what a shut socket left (a broken body, headers cut short) is not the error
            raise too_slow from None
        if isinstance(exc, InputError):
            raise
        raise InputError(f"{url}: cannot fetch: {exc.__class__.__name__}") from exc
    if watchdog.expired:
        raise too_slow
    body = b"".join(chunks)
    try:
        encoding, source = sniff_encoding(body, media_type, content_type)
    except InputError as exc:
        raise InputError(f"{url}: {exc}") from None
    try:
        text = body.decode(encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        raise InputError(f"{url}: cannot decode the page as {encoding} ({source})") from exc
    return Page(final_url, media_type, text, encoding, source)
