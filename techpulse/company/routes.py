"""About and other static pages."""

from __future__ import annotations

from flask import Blueprint, make_response, redirect, render_template, url_for
from werkzeug.wrappers import Response

from techpulse.models import Page
from techpulse.policy import signed_in_staff
from techpulse.services.pages import about_is_draft, footer_pages, readable_page
from techpulse.web.lookup import or_404

bp = Blueprint("company", __name__)
bp.add_app_template_global(footer_pages)
bp.add_app_template_global(about_is_draft)


@bp.get("/about")
def about() -> Response:
    """Who CodeDote Technologies are and how to reach them."""
    return _show(or_404(readable_page("about", signed_in_staff())))


@bp.get("/pages/<slug:slug>")
def page(slug: str) -> Response:
    """Any other static page staff wrote (About keeps its own short address)."""
    if slug == "about":
        return redirect(url_for("company.about"), 301)
    return _show(or_404(readable_page(slug, signed_in_staff())))


def _show(found: Page) -> Response:
    response = make_response(render_template("company/page.html", page=found))
    if not found.published:  # a draft, shown to staff: no shared cache may keep it
        response.headers["Cache-Control"] = "private, no-store"
    return response
