"""Template helpers for search engines and feed readers: canonical URLs, JSON-LD, feed links."""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import format_datetime

from flask import Flask
from markupsafe import Markup

from techpulse.services import structured_data
from techpulse.web.urls import canonical_page_url, path_for


def json_ld(*things: structured_data.Thing) -> Markup:
    """A ``<script type="application/ld+json">`` element holding ``things``."""
    data = structured_data.serialize(*things)
    return Markup(f'<script type="application/ld+json">{data}</script>')  # escaped


def rfc822(value: datetime) -> str:
    """A datetime as RFC 822 wants it in RSS, e.g. ``Mon, 30 Nov 2026 02:40:00 GMT``."""
    return format_datetime(value.astimezone(UTC), usegmt=True)


def feed_links(scope: str | None = None, slug: str = "") -> list[tuple[str, str]]:
    """(MIME type, URL) of the Atom and RSS feeds of the site, or of one archive."""
    values = {"scope": scope, "slug": slug} if scope else {}
    return [
        ("application/atom+xml", path_for("feeds.atom", **values)),
        ("application/rss+xml", path_for("feeds.rss", **values)),
    ]


def register(app: Flask) -> None:
    """Install the helpers as template globals and filters."""
    app.jinja_env.globals.update(
        canonical_page_url=canonical_page_url,
        json_ld=json_ld,
        feed_links=feed_links,
        schema=structured_data,
    )
    app.jinja_env.filters["rfc822"] = rfc822
