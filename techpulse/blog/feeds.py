"""Atom and RSS feeds of the site and of each category, tag and author."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from werkzeug.wrappers import Response

from techpulse.blog.responses import conditional
from techpulse.services.feeds import build_feed
from techpulse.serving.fragments import shared_each
from techpulse.web.lookup import or_404
from techpulse.web.urls import absolute_url

bp = Blueprint("feeds", __name__)

SCOPED = "/<any(category, tag, author):scope>/<slug:slug>"
FORMATS = {
    "atom": ("feeds/atom.xml", "application/atom+xml"),
    "rss": ("feeds/rss.xml", "application/rss+xml"),
}


@bp.get("/feed.xml", defaults={"scope": None, "slug": ""})
@bp.get(f"{SCOPED}/feed.xml")
def atom(scope: str | None, slug: str) -> Response:
    """The 20 latest stories as an Atom feed."""
    return _feed("atom", scope, slug)


@bp.get("/rss.xml", defaults={"scope": None, "slug": ""})
@bp.get(f"{SCOPED}/rss.xml")
def rss(scope: str | None, slug: str) -> Response:
    """The 20 latest stories as an RSS 2.0 feed."""
    return _feed("rss", scope, slug)


def _feed(kind: str, scope: str | None, slug: str) -> Response:
    feed = or_404(build_feed(scope, slug, share=shared_each))
    template, mimetype = FORMATS[kind]
    body = render_template(template, feed=feed, self_url=absolute_url(request.path))
    return conditional(body, mimetype, feed.updated)
