"""The floors for `benchmarks/ack_capacity.py`: what a web server and Flask cost per
request before the webhook does anything (read the body, answer 204)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask, request

flask_app = Flask(__name__)


@flask_app.post("/webhook")
def webhook() -> tuple[str, int]:
    """Read the body and answer 204: Flask's own cost per request."""
    request.get_data()
    return "", 204


@flask_app.get("/healthz")
def healthz() -> tuple[str, int]:
    """The readiness check the benchmark waits for."""
    return "ok", 200


def raw_app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    """A bare WSGI app (no framework): the web server's own cost per request."""
    length = int(environ.get("CONTENT_LENGTH") or 0)
    environ["wsgi.input"].read(length)
    if environ.get("REQUEST_METHOD") == "GET":
        start_response("200 OK", [("Content-Length", "2")])
        return [b"ok"]
    start_response("204 No Content", [])
    return [b""]
