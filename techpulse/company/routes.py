"""About and other static pages."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from werkzeug.wrappers import Response

from techpulse.lookup import or_404
from techpulse.services.pages import footer_pages, page_by_slug

bp = Blueprint("company", __name__)
bp.add_app_template_global(footer_pages)


@bp.get("/about")
def about() -> str:
    """Who CodeDote Technologies are and how to reach them."""
    page = or_404(page_by_slug("about"))
    return render_template("company/page.html", page=page)


@bp.get("/pages/<slug:slug>")
def page(slug: str) -> str | Response:
    """Any other static page staff wrote (About keeps its own short address)."""
    if slug == "about":
        return redirect(url_for("company.about"), 301)
    found = or_404(page_by_slug(slug))
    return render_template("company/page.html", page=found)
