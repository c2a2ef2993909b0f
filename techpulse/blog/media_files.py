"""Serving stored image files: random, never-reused names, so they are cached forever."""

from __future__ import annotations

from flask import Blueprint
from werkzeug.wrappers import Response

from techpulse.markup.pictures import MEDIA_PATH
from techpulse.services.media.storage import media_storage

bp = Blueprint("media", __name__)


@bp.get(f"{MEDIA_PATH}<path:filename>")
def file(filename: str) -> Response:
    """One stored image file, with long-lived immutable caching."""
    return media_storage().serve(filename)
