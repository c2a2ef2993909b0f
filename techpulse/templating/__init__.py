"""What templates may call: site context, URLs, dates, images, share links, SEO helpers."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """Install every template global and filter."""
    from techpulse.templating import context, seo

    context.register(app)
    seo.register(app)
