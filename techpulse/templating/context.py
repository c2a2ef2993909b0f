"""What every template can use: site settings, navigation, URLs, dates, images."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from datetime import datetime
from functools import lru_cache, partial
from pathlib import Path
from typing import Any

from flask import Flask, current_app, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from jinja2 import Environment
from markupsafe import Markup

from techpulse import policy
from techpulse.clock import site_time, utcnow
from techpulse.markup.markdown import is_lead_of
from techpulse.markup.pictures import PICTURE_SIZES, image_size, image_src, picture_html
from techpulse.models import Image
from techpulse.services.articles import (
    article_rows,
    card_stories,
    navigation_categories,
    newest_article_ids,
)
from techpulse.services.site import site_settings
from techpulse.serving import inline_css, inline_icon
from techpulse.serving.fragments import fragment, root_key, shared, shared_each
from techpulse.serving.inline_js import script_after_load
from techpulse.templating.sharing import share_links, share_widget
from techpulse.web.urls import absolute_url, path_for


def localtime(value: datetime | None) -> datetime | None:
    """A UTC datetime in the site's time zone."""
    return None if value is None else site_time(value)


def format_date(value: datetime | None, fmt: str = "%-d %B %Y") -> str:
    """A datetime shown as a date in the site's time zone, e.g. "26 November 2026"."""
    local = localtime(value)
    return "" if local is None else local.strftime(fmt)


def responsive_image(image: Image, sizes: str, **options: Any) -> Markup:
    """The responsive ``<picture>`` of a library image (options of ``picture_html``).

    ``sizes`` names a layout slot of PICTURE_SIZES ("card", "hero", "banner", "row") or is
    a ``sizes`` attribute of its own.
    """
    return Markup(picture_html(image, PICTURE_SIZES.get(sizes, sizes), **options))


def site_header() -> Markup:
    """The header: one per section (the current one is marked), shared by its pages."""
    current = None
    if request.endpoint == "blog.category" and request.view_args:
        slug = request.view_args.get("slug")
        current = slug if any(c.slug == slug for c in navigation_categories()) else None
    return fragment("_partials/header.html", request.endpoint, current)


def site_footer() -> Markup:
    """The footer, shared by every page (its copyright line names the year)."""
    return fragment("_partials/footer.html", localtime(utcnow()).year)


def sidebar(story_id: int | None = None, *, about: bool = True) -> Markup:
    """About the company and, beside story ``story_id``, the newest other stories.

    ``about=False`` (the About page itself) leaves out the company widget, which would
    repeat the page and link to it, and shows the newest stories instead.
    """
    with_recent = story_id is not None or not about
    limit = site_settings().recent_posts if with_recent else 0
    newest = shared(("newest-ids", limit), lambda: newest_article_ids(limit + 1)) if limit else []
    shown = tuple([ident for ident in newest if ident != story_id][:limit])
    recent = partial(article_rows, shown)  # the ids above: no second look at the newest
    return fragment("_partials/sidebar.html", shown, about, recent=recent, about=lambda: about)


def story_cards(ids: Sequence[int], variant: str = "default", heading: str = "h3") -> list[Markup]:
    """The cards (article_card macro) of stories ``ids``, in order.

    Each card is drawn once per generation and shared by every page that shows it: only
    the stories whose card is not drawn yet are loaded, in one query.
    """
    root = root_key()

    def draw(missing: list[tuple[object, ...]]) -> dict[tuple[object, ...], Markup]:
        macros = current_app.jinja_env.get_template("_macros/articles.html").module
        stories = card_stories([key[2] for key in missing])  # type: ignore[misc]
        return {
            ("card", root, story.id, variant, heading): Markup(  # Jinja escaped it
                macros.article_card(story, variant, heading)
            )
            for story in stories
        }

    return shared_each([("card", root, ident, variant, heading) for ident in ids], draw)


def icon(name: str, size: int = 20) -> Markup:
    """The inline SVG icon ``name`` (the ``icon`` macro of _macros/icons.html), drawn once
    per worker: icons never change, and a story page shows nine."""
    return _icon(current_app.jinja_env, name, size)


@lru_cache(maxsize=64)
def _icon(environment: Environment, name: str, size: int) -> Markup:
    return Markup(environment.get_template("_macros/icons.html").module.icon(name, size))


def csrf_form() -> FlaskForm:
    """A form holding only its CSRF token, for buttons that POST (logout, publish, delete)."""
    return FlaskForm()


@lru_cache(maxsize=256)
def _asset_version(path: str, mtime: float) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:10] if os.path.isfile(path) else "0"


def asset_url(filename: str) -> str:
    """URL of a static file with a content hash, so browsers may cache it for a long time.

    Files do not change under a running site, so each is hashed once per worker; in debug
    mode, again whenever it changes.
    """
    path = os.path.join(current_app.static_folder or "", filename)
    mtime = os.path.getmtime(path) if current_app.debug and os.path.exists(path) else 0.0
    return path_for("static", filename=filename, v=_asset_version(path, mtime))


def register(app: Flask) -> None:
    """Install the template context, globals and filters."""
    app.jinja_env.globals.update(
        url_for=path_for,  # url_for, remembered (see techpulse.web.urls.path_for)
        absolute_url=absolute_url,
        asset_url=asset_url,
        csrf_form=csrf_form,
        current_user=current_user,  # looked up when a template reads it, not per render
        icon=icon,
        responsive_image=responsive_image,
        image_src=image_src,
        image_size=image_size,
        share_links=share_links,
        share_widget=share_widget,
        sidebar=sidebar,
        site_footer=site_footer,
        site_header=site_header,
        story_cards=story_cards,
        now_year=lambda: localtime(utcnow()).year,
        inline_stylesheet=inline_css.inline_stylesheet,
        inline_stylesheet_enabled=inline_css.enabled,
        icon_data_url=inline_icon.icon_data_url,
        script_after_load=script_after_load,
    )
    app.jinja_env.globals.update(policy.template_globals())
    app.jinja_env.filters.update(date=format_date)
    app.jinja_env.tests.update(lead_of=is_lead_of)  # `summary is lead_of(body_html)`
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.context_processor
    def site_context() -> dict[str, Any]:
        return {"site": site_settings(), "nav_categories": navigation_categories}

    @app.template_global()
    def page_url(page: int) -> str:
        """The current URL with ``page`` set (page 1 drops the parameter)."""
        # Query keys never override the route's own values or url_for's options (_scheme…).
        query = {
            key: value
            for key, value in request.args.items()
            if not key.startswith("_") and key not in (request.view_args or {}) and key != "page"
        }
        args = {**(request.view_args or {}), **query}
        if page > 1:
            args["page"] = page
        # Without other query keys the URL depends on nothing else: remembered (path_for).
        return (url_for if query else path_for)(request.endpoint, **args)
