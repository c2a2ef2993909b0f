"""One log line per request: JSON in production, readable text in development."""

from __future__ import annotations

import json
import logging
import sys
import time
from collections.abc import Mapping
from typing import Any

from flask import Flask, Response, current_app, g, request

from techpulse.serving.warming import WARMING
from techpulse.web import request_id

LOGGER_NAME = "techpulse.requests"
logger = logging.getLogger(LOGGER_NAME)


def register(app: Flask) -> None:
    """Time each request and log it once its response is ready."""
    _ensure_handler()
    app.before_request(_start_clock)
    app.after_request(_log_response)


def _ensure_handler() -> None:
    # Our own handler: under gunicorn or granian the root logger prints nothing by default.
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False


def log_format(config: Mapping[str, Any], server_software: str = "") -> str:
    """``json`` or ``text``: LOG_FORMAT when set; else text in development (debug, testing,
    Werkzeug's server as `flask run` starts it) and JSON under a production server."""
    chosen = str(config.get("LOG_FORMAT") or "").lower()
    if chosen in ("json", "text"):
        return chosen
    development = server_software.startswith("Werkzeug/")
    return "text" if development or config.get("DEBUG") or config.get("TESTING") else "json"


def _start_clock() -> None:
    g.request_started = time.perf_counter()


def _log_response(response: Response) -> Response:
    if request.environ.get(WARMING):  # the worker's own re-render after a write
        return response
    fields = request_fields(response)
    server = request.environ.get("SERVER_SOFTWARE", "")
    if log_format(current_app.config, server) == "json":
        logger.info(json.dumps(fields, separators=(",", ":")), extra={"request": fields})
    else:
        logger.info(_as_text(fields), extra={"request": fields})
    return response


def request_fields(response: Response) -> dict[str, Any]:
    """What one request's log line says (never query strings, cookies or form data)."""
    started = g.get("request_started")
    duration = (time.perf_counter() - started) * 1000 if started is not None else 0.0
    # Only a user the request already loaded: logging must not cost a query.
    user = g.get("_login_user")
    staff = user is not None and getattr(user, "is_authenticated", False)
    return {
        "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "request_id": request_id.current(),
        "method": request.method,
        "path": request.path,
        "route": request.url_rule.rule if request.url_rule else None,
        "endpoint": request.endpoint,
        "status": response.status_code,
        "duration_ms": round(duration, 1),
        "user_id": user.id if staff else None,
    }


def _as_text(fields: dict[str, Any]) -> str:
    user = f" user={fields['user_id']}" if fields["user_id"] is not None else ""
    return (
        f"{fields['method']} {fields['path']} {fields['status']} {fields['duration_ms']}ms"
        f" endpoint={fields['endpoint']}{user} id={fields['request_id']}"
    )
