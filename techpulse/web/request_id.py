"""A short id for each request: shown on the 500 page, written in the logs, sent as a header."""

from __future__ import annotations

import re
import secrets

from flask import Flask, Response, current_app, g, has_request_context, request

HEADER = "X-Request-ID"
# An id passed in by a trusted proxy is kept only if it is short and plain.
_ACCEPTED = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def current() -> str | None:
    """This request's id (made on first use); None outside a request."""
    if not has_request_context():
        return None
    if "request_id" not in g:
        g.request_id = _from_proxy() or secrets.token_hex(8)
    return g.request_id


def _from_proxy() -> str | None:
    if not current_app.config.get("PROXY_FIX_X_FOR"):
        return None  # without a trusted proxy, anyone could choose their id
    incoming = request.headers.get(HEADER, "")
    return incoming if _ACCEPTED.match(incoming) else None


def register(app: Flask) -> None:
    """Send each response's request id back in the ``X-Request-ID`` header."""

    @app.after_request
    def add_request_id(response: Response) -> Response:
        response.headers[HEADER] = current() or ""
        return response
