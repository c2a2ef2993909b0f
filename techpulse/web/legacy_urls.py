"""Old addresses of a previous site: a 404 that was once a page answers with a 301."""

from __future__ import annotations

from flask import Flask, redirect, request
from werkzeug.exceptions import NotFound
from werkzeug.wrappers import Response

from techpulse.services import legacy_urls
from techpulse.web import errors


def register(app: Flask) -> None:
    """Consult the old addresses before showing the 404 page."""
    app.register_error_handler(NotFound, not_found)


def not_found(error: NotFound) -> Response | tuple[str, int, dict[str, str]]:
    """Redirect once (301) to where an old address now lives, else the normal 404 page."""
    if request.method in ("GET", "HEAD"):
        target = legacy_urls.target_for_path(request.path)
        if target and target != request.path:
            return redirect(target, 301)
    return errors.render_error(error)
