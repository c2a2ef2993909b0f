"""Draft preview links in the staff area: make one for a story, revoke one."""

from __future__ import annotations

from flask import abort, flash, redirect, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from techpulse.admin.blueprint import bp
from techpulse.models import Article, PreviewLink
from techpulse.services import preview_links
from techpulse.services.editorial import staff_articles
from techpulse.web.lookup import or_404
from techpulse.web.urls import external_url


def _story(article_id: int) -> Article:
    return or_404(staff_articles.article_for_editing(article_id))


def _back(article: Article) -> Response:
    return redirect(url_for("admin.articles_edit", article_id=article.id, _anchor="preview-links"))


@bp.post("/articles/<int:article_id>/preview-links")
def articles_preview_create(article_id: int) -> Response:
    """Make a new preview link of the story's saved text."""
    article = _story(article_id)
    try:
        preview_links.create_link(article, current_user)
    except preview_links.NotAllowed:
        abort(403)
    flash("Preview link made: copy it from the list below.", "success")
    return _back(article)


@bp.post("/articles/<int:article_id>/preview-links/<int:link_id>/revoke")
def articles_preview_revoke(article_id: int, link_id: int) -> Response:
    """Stop a preview link from working, at once."""
    article = _story(article_id)
    try:
        preview_links.revoke(article, link_id, current_user)
    except preview_links.NotAllowed:
        abort(403)
    flash("Preview link revoked: it no longer opens the story.", "success")
    return _back(article)


@bp.app_template_global()
def preview_url(link: PreviewLink) -> str:
    """The full address of a preview link."""
    return external_url("preview.draft", token=preview_links.token_for(link))


bp.add_app_template_global(preview_links.open_links, "open_preview_links")
