"""About and other static pages."""

from __future__ import annotations

from flask import Blueprint, abort, render_template

from techpulse.services.site import page_by_slug

bp = Blueprint("company", __name__)


@bp.get("/about")
def about() -> str:
    """Who CodeDote Technologies are and how to reach them."""
    page = page_by_slug("about") or abort(404)
    return render_template("company/page.html", page=page)
