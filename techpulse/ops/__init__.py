"""Running the site: health checks, request logs, backups, export and import."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """Mount the health endpoints and the request log; a worker gives freed memory back."""
    from techpulse.ops import memory, request_log
    from techpulse.ops.health import bp

    app.register_blueprint(bp)
    request_log.register(app)
    memory.register(app)
