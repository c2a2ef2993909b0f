"""The public search page: ``/search?q=words``."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request

from techpulse.services.search.query import MAX_QUERY_LENGTH, search
from techpulse.web.pagination import ensure_page_exists, requested_page

bp = Blueprint("search", __name__)


@bp.get("/search")
def results() -> str:
    """Live stories matching the visitor's words, title matches first, with snippets."""
    query = " ".join(request.args.get("q", "").split())[:MAX_QUERY_LENGTH]
    found = search(query, requested_page(), current_app.config["PER_PAGE"])
    ensure_page_exists(found)
    return render_template("blog/search.html", query=query, results=found)
