"""A scriptable HTTP server on 127.0.0.1 for the watch tests: feeds and pages that change, answer
304, fail, hang, redirect or send malformed XML, and a webhook receiver that logs what it got.
Nothing here reaches any other address."""

from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable, Optional
from xml.sax.saxutils import escape


def rss(items: list[tuple[str, str]], title: str = "Loopback News") -> bytes:
    """An RSS 2.0 feed of (title, body) items."""
    entries = "".join(f"<item><title>{escape(t)}</title><link>http://127.0.0.1/{i}</link>"
                      f"<description>{escape(body)}</description></item>" for i, (t, body) in enumerate(items))
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>{escape(title)}</title>'
            f"{entries}</channel></rss>").encode("utf-8")


@dataclass
class Route:
    """What a path answers: a body (with an ETag from its hash, and 304 to a matching If-None-Match),
    a status, a redirect, or a delay before answering."""

    body: bytes = b""
    content_type: str = "application/rss+xml"
    status: int = 200
    location: Optional[str] = None
    delay_s: float = 0.0
    validators: bool = True


@dataclass
class Request:
    method: str
    path: str
    headers: dict
    body: bytes


@dataclass
class LoopbackServer:
    routes: dict = field(default_factory=dict)
    requests: list = field(default_factory=list)
    hook: Optional[Callable[[Request], int]] = None  # answers POSTs: the status to send

    def __post_init__(self) -> None:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:
                request = Request("GET", self.path, dict(self.headers), b"")
                server.requests.append(request)
                route = server.routes.get(self.path)
                if route is None:
                    self.send_error(404)
                    return
                if route.delay_s:
                    time.sleep(route.delay_s)
                if route.location:
                    self.send_response(route.status)
                    self.send_header("Location", route.location)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                etag = '"' + hashlib.sha256(route.body).hexdigest()[:16] + '"'
                if route.validators and route.status == 200 and request.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.end_headers()
                    return
                self.send_response(route.status)
                self.send_header("Content-Type", route.content_type)
                self.send_header("Content-Length", str(len(route.body)))
                if route.validators:
                    self.send_header("ETag", etag)
                    self.send_header("Last-Modified", formatdate(usegmt=True))
                self.end_headers()
                self.wfile.write(route.body)

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                request = Request("POST", self.path, dict(self.headers), body)
                server.requests.append(request)
                status = server.hook(request) if server.hook else 200
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def gets(self, path: str) -> list[Request]:
        return [r for r in self.requests if r.method == "GET" and r.path == path]

    def posts(self, path: str) -> list[Request]:
        return [r for r in self.requests if r.method == "POST" and r.path == path]

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
