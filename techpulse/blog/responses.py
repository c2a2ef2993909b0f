"""Responses for machine readers (feeds, sitemaps) that answer conditional GETs with 304."""

from __future__ import annotations

from datetime import datetime

from flask import Response, request


def conditional(body: str, mimetype: str, last_modified: datetime | None = None) -> Response:
    """``body`` with an ETag (its hash) and Last-Modified; 304 when the client's copy is current."""
    response = Response(body, mimetype=mimetype)
    if last_modified is not None:
        response.last_modified = last_modified
    response.add_etag()
    return response.make_conditional(request)
