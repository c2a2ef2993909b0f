"""Public pages: home, article, category, tag and author archives."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_sqlalchemy.pagination import Pagination
from werkzeug.wrappers import Response

from techpulse.services import articles
from techpulse.services.media.site_card import site_card_url
from techpulse.services.wordpress import permalinks
from techpulse.web.lookup import or_404
from techpulse.web.pagination import ensure_page_exists, requested_page

bp = Blueprint("blog", __name__)
bp.add_app_template_global(site_card_url)


def _per_page() -> int:
    return current_app.config["PER_PAGE"]


@bp.get("/")
def home() -> str | Response:
    """The featured story as a hero, then the latest stories as cards."""
    # An old WordPress address (/?p=ID, /?feed=rss2, /?s=words…); no SQL unless it is one.
    # (A plain dict: a MultiDict raises, and catches, an HTTP error for each key it lacks.)
    if request.args and (old := permalinks.target_for_query(request.args.to_dict())) is not None:
        return redirect(old, 301)
    page = requested_page()
    hero, listing = articles.home_listing(page, _per_page())
    ensure_page_exists(listing)
    return render_template("blog/home.html", hero=hero if page == 1 else None, listing=listing)


@bp.get("/articles/<slug:slug>")
def article(slug: str) -> str | Response:
    """One story with its banner, sharing, sidebar, neighbours and related stories."""
    found = articles.article_by_slug(slug, tags=False)  # read with the neighbours
    if found.redirect_to:
        return redirect(url_for("blog.article", slug=found.redirect_to), 301)
    if found.article is None:
        abort(404)
    story = found.article
    around = articles.neighbours(story)  # one statement, with the story's tags
    return render_template(
        "blog/article.html",
        article=story,
        older=around.older,
        newer=around.newer,
        related=around.related,
    )


@bp.get("/category/<slug:slug>")
def category(slug: str) -> str:
    """Stories in one category."""
    found = or_404(articles.category_by_slug(slug))
    listing = articles.published_articles(requested_page(), _per_page(), category=found)
    return _archive(listing, kind="Category", name=found.name, description=found.description)


@bp.get("/tag/<slug:slug>")
def tag(slug: str) -> str:
    """Stories with one tag."""
    found = or_404(articles.tag_by_slug(slug))
    listing = articles.published_articles(requested_page(), _per_page(), tag=found)
    return _archive(listing, kind="Tag", name=found.name)


@bp.get("/author/<slug:slug>")
def author(slug: str) -> str:
    """Stories by one author, with their bio."""
    found = or_404(articles.author_by_slug(slug))
    listing = articles.published_articles(requested_page(), _per_page(), author=found)
    return _archive(listing, kind="Author", name=found.name, description=found.bio)


def _archive(listing: Pagination, **heading: str) -> str:
    ensure_page_exists(listing)
    return render_template("blog/archive.html", listing=listing, **heading)
