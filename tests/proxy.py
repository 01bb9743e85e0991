"""A fault-injecting HTTP proxy for the tests: forwards to a real store, except where a rule
says to answer with an error status or to reset the connection in the middle of a request."""

from __future__ import annotations

import socket
import struct
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote_plus

import requests

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-encoding", "content-length", "host",
              "proxy-authenticate", "proxy-authorization", "te", "trailers", "upgrade"}

# (method, path with query, decoded form body or None) -> None to forward, an int status, or "reset"
Rule = Callable[[str, str, str | None], "int | str | None"]


class FaultProxy:
    def __init__(self, upstream: str) -> None:
        self.upstream = upstream.rstrip("/")
        self.rule: Rule = lambda method, path, form: None
        self.seen: list[tuple[str, str, int | str]] = []
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                pass

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                is_form = self.headers.get("Content-Type", "").startswith("application/x-www-form-urlencoded")
                head = self.rfile.read(min(length, 65536)) if length else b""
                form = unquote_plus(head.decode("utf-8", "replace")) if is_form else None
                action = proxy.rule(self.command, self.path, form)
                proxy.seen.append((self.command, self.path, action if action is not None else "forward"))
                if action == "reset":
                    self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    self.connection.close()
                    self.close_connection = True
                    return
                body = head + (self.rfile.read(length - len(head)) if length > len(head) else b"")
                if isinstance(action, int):
                    self._reply(action, {"Content-Type": "text/plain"}, b"injected fault\n")
                    return
                headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
                try:
                    response = requests.request(self.command, proxy.upstream + self.path, headers=headers,
                                                data=body, timeout=120, allow_redirects=False)
                except requests.RequestException:
                    self._reply(502, {"Content-Type": "text/plain"}, b"upstream down\n")
                    return
                kept = {k: v for k, v in response.headers.items() if k.lower() not in HOP_BY_HOP}
                self._reply(response.status_code, kept, response.content)

            def _reply(self, status: int, headers: dict[str, str], body: bytes) -> None:
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _handle

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> FaultProxy:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
