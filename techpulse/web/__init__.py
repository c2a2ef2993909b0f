"""What every request and view shares: error pages, old addresses, request hygiene, URLs."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """Install the site-wide handlers: error pages, then old addresses, headers, request ids."""
    from techpulse.web import errors, legacy_urls, request_id, security

    errors.register(app)
    legacy_urls.register(app)  # after errors: a 404 first looks for an old address
    security.register(app)
    request_id.register(app)
