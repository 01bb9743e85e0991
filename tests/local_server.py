"""A small HTTP server for the tests of `kg source add URL` and of credentials, run as its own
process on 127.0.0.1 (port 0: it prints `serving PORT` once it listens); stdlib only.

    python tests/local_server.py [--redirect-to URL]

Paths: /page/NAME (the articles of PAGES, each with its headers and encoded bytes), /redirect
(302 to --redirect-to + /page/utf8-meta.html), /trickle (a text body of 40 bytes, one every
0.25 s), /trickle-headers (the status line, then a header one byte every 0.25 s), /sparql-basic
(SPARQL results for a client that sends Basic credentials, 401 with a Basic challenge otherwise;
the result names the user it was sent by).
"""

from __future__ import annotations

import argparse
import base64
import json
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ARTICLE = """<!doctype html>
<html><head>{meta}<title>{title}</title></head><body>
<nav>Home | News | Sport</nav>
<article><h1>{title}</h1>
<p>{first}</p>
<p>{second}</p></article>
<footer>Copyright Example News</footer></body></html>
"""
FRENCH = ("Le café crème coûte deux euros à Zürich, a déclaré l’équipe du film tourné en orbite.",
          "Le réalisateur a passé douze jours à bord de la station spatiale internationale : « un défi », dit-il.")
JAPANESE = ("映画「挑戦」の撮影クルーが国際宇宙ステーションに到着した。監督のクリム・シペンコ氏は語った。",
            "女優のユリア・ペレシルド氏は、宇宙での撮影は大きな挑戦だったと述べた。十二日間の滞在だった。")


def html(meta: str, title: str, paragraphs: tuple[str, str]) -> str:
    return ARTICLE.format(meta=meta, title=title, first=paragraphs[0], second=paragraphs[1])


# name: (Content-Type, body)
PAGES: dict[str, tuple[str, bytes]] = {
    "utf8-meta.html": ("text/html", html('<meta charset="utf-8">', "Café crème", FRENCH).encode("utf-8")),
    "utf8-bare.html": ("text/html", html("", "Café crème", FRENCH).encode("utf-8")),
    "cp1252-meta.html": ("text/html", html("<meta charset=windows-1252>", "Café crème", FRENCH).encode("cp1252")),
    "latin1-label.html": ("text/html", html('<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">',
                                            "Café crème", FRENCH).encode("cp1252")),
    "sjis-header.html": ("text/html; charset=Shift_JIS", html("", "挑戦", JAPANESE).encode("shift_jis")),
    "sjis-meta.html": ("text/html", html('<meta charset="shift_jis">', "挑戦", JAPANESE).encode("shift_jis")),
    "header-wins.html": ("text/html; charset=utf-8", html("<meta charset=windows-1252>", "Café crème",
                                                          FRENCH).encode("utf-8")),
    "utf16-bom.txt": ("text/plain", ("\n".join(FRENCH) + "\n").encode("utf-16")),
    "cp1252.txt": ("text/plain", ("\n".join(FRENCH) + "\n").encode("cp1252")),
    "utf8.txt": ("text/plain", ("\n".join(FRENCH) + "\n").encode("utf-8")),
}
TRICKLE_BYTES, TRICKLE_EVERY = 40, 0.25
USER, PASSWORD = "dba", "secret"


class Handler(BaseHTTPRequestHandler):
    redirect_to = ""
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the stdlib's name
        pass

    def send(self, status: int, content_type: str, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
        path = self.path.split("?")[0]
        if path.startswith("/page/") and path[6:] in PAGES:
            self.send(200, *PAGES[path[6:]])
        elif path == "/redirect" and self.redirect_to:
            self.send(302, "text/plain", b"moved\n", {"Location": self.redirect_to + "/page/utf8-meta.html"})
        elif path == "/trickle":
            self.send_response(200)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(TRICKLE_BYTES))
            self.end_headers()
            for _ in range(TRICKLE_BYTES):
                self.wfile.write(b"a")
                self.wfile.flush()
                time.sleep(TRICKLE_EVERY)
        elif path == "/trickle-headers":
            self.wfile.write(b"HTTP/1.1 200 OK\r\n")
            for byte in b"X-Slow: " + b"a" * TRICKLE_BYTES:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(TRICKLE_EVERY)
            self.wfile.write(b"\r\nContent-Type: text/plain\r\nContent-Length: 3\r\n\r\nok\n")
        else:
            self.send(404, "text/plain", b"not found\n")

    def do_POST(self) -> None:  # noqa: N802 - the stdlib's name
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        expected = "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
        if self.path.split("?")[0] != "/sparql-basic":
            self.send(404, "text/plain", b"not found\n")
        elif self.headers.get("Authorization") != expected:
            self.send(401, "text/plain", b"who are you?\n", {"WWW-Authenticate": 'Basic realm="kg tests"'})
        else:
            binding = {"user": {"type": "literal", "value": USER}}
            results = {"head": {"vars": ["user"]}, "results": {"bindings": [binding]}}
            self.send(200, "application/sparql-results+json", json.dumps(results).encode())


@contextmanager
def running(*args: str) -> Iterator[str]:
    """Start this server as a process (its arguments `args`), yield its base URL, stop it by pid."""
    import os
    import select
    import signal
    import subprocess

    process = subprocess.Popen([sys.executable, __file__, *args], stdout=subprocess.PIPE, text=True)
    try:
        ready, _, _ = select.select([process.stdout], [], [], 30)
        line = process.stdout.readline() if ready and process.stdout else ""
        if not line.startswith("serving "):
            raise RuntimeError(f"tests/local_server.py did not start: {line!r}")
        yield f"http://127.0.0.1:{int(line.split()[1])}"
    finally:
        os.kill(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.kill(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--redirect-to", default="")
    Handler.redirect_to = parser.parse_args().redirect_to
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    print(f"serving {server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    finally:
        server.server_close()
        sys.stdout.flush()


if __name__ == "__main__":
    main()
