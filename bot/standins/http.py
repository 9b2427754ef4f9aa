"""A tiny JSON HTTP server on loopback, shared by the stand-ins."""

from __future__ import annotations

import json
import re
import sys
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


class Reply:
    """An HTTP answer: status, JSON body (or raw bytes), headers."""

    def __init__(
        self,
        status: int,
        body: Any = None,
        headers: dict[str, str] | None = None,
        raw: bytes | None = None,
    ) -> None:
        self.status = status
        self.body = body
        self.headers = headers or {}
        self.raw = raw


Route = tuple[str, re.Pattern[str], Callable[..., Reply]]


class Request:
    """What a route handler gets: method, path, query, JSON body, headers."""

    def __init__(
        self,
        method: str,
        path: str,
        query: dict[str, list[str]],
        body: Any,
        headers: dict[str, str],
    ) -> None:
        self.method = method
        self.path = path
        self.query = query
        self.body = body
        self.headers = headers

    def arg(self, name: str, default: str | None = None) -> str | None:
        """One query parameter."""
        values = self.query.get(name)
        return values[0] if values else default


class JsonServer:
    """Routes `(method, regex)` to handlers; runs in a daemon thread on 127.0.0.1.

    `before(request)` may answer first (fault injection); `after(request, reply)` may
    replace a reply after the handler ran (a fault that strikes after the work is done).
    """

    def __init__(self) -> None:
        self.routes: list[Route] = []
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    def route(
        self, method: str, pattern: str
    ) -> Callable[[Callable[..., Reply]], Callable[..., Reply]]:
        """Register a handler for `method` and a full-match path regex."""

        def decorate(func: Callable[..., Reply]) -> Callable[..., Reply]:
            self.routes.append((method, re.compile(pattern), func))
            return func

        return decorate

    def before(self, request: Request) -> Reply | None:  # overridden
        """A reply that replaces the handler's (None: run the handler)."""
        return None

    def after(self, request: Request, reply: Reply) -> Reply:  # overridden
        """Change a reply after the handler ran."""
        return reply

    def dispatch(self, request: Request) -> Reply:
        """Answer one request."""
        early = self.before(request)
        if early is not None:
            return early
        for method, pattern, func in self.routes:
            if method != request.method:
                continue
            m = pattern.fullmatch(request.path)
            if m:
                return self.after(request, func(request, *m.groups()))
        return Reply(
            404, {"message": "Not Found", "documentation_url": "https://docs.github.com/rest"}
        )

    def start(self) -> str:
        """Start serving on a free port; returns the base URL."""
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def _handle(self) -> None:
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                try:
                    body = json.loads(raw) if raw else None
                except json.JSONDecodeError:
                    body = None
                request = Request(
                    self.command,
                    parts.path,
                    parse_qs(parts.query),
                    body,
                    {k: v for k, v in self.headers.items()},
                )
                reply = outer.dispatch(request)
                data = (
                    reply.raw
                    if reply.raw is not None
                    else (b"" if reply.body is None else json.dumps(reply.body).encode("utf-8"))
                )
                try:
                    self.send_response(reply.status)
                    if reply.raw is None:
                        self.send_header("Content-Type", "application/json; charset=utf-8")
                    for key, value in reply.headers.items():
                        self.send_header(key, value)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test)

            do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _handle

        class Server(ThreadingHTTPServer):
            def handle_error(self, request: Any, client_address: Any) -> None:
                if not isinstance(sys.exc_info()[1], ConnectionError):
                    super().handle_error(request, client_address)
                # a client that hung up or was killed: nothing to answer

        self._server = Server(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), daemon=True
        )
        self._thread.start()
        port = self._server.server_address[1]
        return f"http://127.0.0.1:{port}"

    def stop(self) -> None:
        """Stop serving."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
