"""Draft previews by link: a story as it will look, for whoever holds the signed address.

Its own blueprint, which the page cache never keeps, answered ``private, no-store`` and
``noindex``: the draft must not reach a shared cache or a search engine.
"""

from __future__ import annotations

from flask import Blueprint, abort, make_response, render_template
from werkzeug.wrappers import Response

from techpulse.services import preview_links
from techpulse.services.editorial.staff_articles import preview_of_saved

bp = Blueprint("preview", __name__)


@bp.get("/preview/<token>")
def draft(token: str) -> Response:
    """The saved story behind a preview link, with a "Preview" banner."""
    article = preview_links.article_for_token(token)
    if article is None:
        abort(404)
    html = render_template("blog/preview.html", story=preview_of_saved(article))
    response = make_response(html)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response
