"""Serving uploaded images: random, never-reused names, so they are cached forever."""

from __future__ import annotations

from flask import Blueprint, send_from_directory
from werkzeug.wrappers import Response

from techpulse.services.media import upload_folder

bp = Blueprint("media", __name__)

ONE_YEAR = 365 * 24 * 3600


@bp.get("/media/<path:filename>")
def file(filename: str) -> Response:
    """One stored image file, with long-lived immutable caching."""
    response = send_from_directory(upload_folder(), filename, max_age=ONE_YEAR)
    response.cache_control.immutable = True
    response.cache_control.public = True
    return response
