"""``/healthz`` (the process answers) and ``/readyz`` (it can serve): JSON, never cached."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from flask import Blueprint, Response, current_app, jsonify
from sqlalchemy import text

from techpulse.extensions import db, limiter
from techpulse.ops.schema import database_revision, expected_revisions

bp = Blueprint("ops", __name__)


@bp.get("/healthz")
@limiter.exempt
def healthz() -> Response:
    """Liveness: the process is up and answering; touches nothing else."""
    return _no_store(jsonify(status="ok"), 200)


@bp.get("/readyz")
@limiter.exempt
def readyz() -> Response:
    """Readiness: the database answers, its schema is current, uploads can be written, and
    Redis (when configured) answers; each check bounded by its dependency's timeout."""
    checks = {
        "database": _database(),
        "migrations": _migrations(),
        "uploads": _uploads(),
    }
    if current_app.config.get("REDIS_URL"):
        checks["redis"] = _redis(current_app.config["REDIS_URL"])
    ready = all(value == "ok" for value in checks.values())
    body = jsonify(status="ready" if ready else "not ready", checks=checks)
    return _no_store(body, 200 if ready else 503)


def _no_store(response: Response, status: int) -> Response:
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


def _database() -> str:
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as error:  # any driver error means "not ready"; never show the URL
        db.session.rollback()
        current_app.logger.warning("readyz: database check failed: %s", type(error).__name__)
        return "unreachable"
    finally:
        db.session.rollback()
    return "ok"


def _redis(url: str) -> str:
    import redis

    timeout = float(current_app.config["REDIS_TIMEOUT"])
    client = redis.Redis.from_url(
        url, socket_timeout=timeout, socket_connect_timeout=timeout, retry=None
    )
    try:
        client.ping()
    except (redis.RedisError, OSError) as error:
        current_app.logger.warning("readyz: redis check failed: %s", type(error).__name__)
        return "unreachable"
    finally:
        client.close()
    return "ok"


def _migrations() -> str:
    try:
        current = database_revision()
    except Exception:
        db.session.rollback()
        return "unknown"
    expected = expected_revisions()
    if current == expected:
        return "ok"
    return f"database at {', '.join(sorted(current)) or 'no revision'}, code expects " + ", ".join(
        sorted(expected)
    )


def _uploads() -> str:
    folder = Path(current_app.config["UPLOAD_FOLDER"])
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=".readyz-", dir=folder)
        os.close(handle)
        os.unlink(name)
    except OSError:
        return "not writable"
    return "ok"
