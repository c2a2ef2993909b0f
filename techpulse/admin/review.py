"""The review loop in the staff area: comments on a story, sending it back, notices."""

from __future__ import annotations

from collections.abc import Callable

from flask import abort, flash, redirect, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from techpulse.admin.blueprint import bp
from techpulse.admin.forms.review import CommentForm, SendBackForm
from techpulse.models import Article, Role
from techpulse.policy import requires
from techpulse.services.editorial import review, staff_articles
from techpulse.web.field_errors import FieldError
from techpulse.web.lookup import or_404


def _back_to(article: Article, anchor: str = "discussion") -> Response:
    return redirect(url_for("admin.articles_edit", article_id=article.id, _anchor=anchor))


def _act(article: Article, form: FlaskForm, change: Callable[[], None], done: str) -> Response:
    """Run a review change for a valid form: flash ``done``, or the refusal; back to the story."""
    if form.validate_on_submit():
        try:
            change()
            flash(done, "success")
        except review.NotAllowed:
            abort(403)
        except FieldError as error:
            flash(error.message, "error")
    return _back_to(article)


@bp.post("/articles/<int:article_id>/comments")
def articles_comment(article_id: int) -> Response:
    """Add a comment (or a reply) to a story's discussion."""
    article = or_404(staff_articles.article_for_editing(article_id))
    form = CommentForm()
    text, parent = form.comment.data or "", form.parent()
    return _act(article, form, lambda: review.add_comment(article, current_user, text, parent),
                "Comment added.")  # fmt: skip


@bp.post("/articles/<int:article_id>/send-back")
@requires(Role.EDITOR)
def articles_send_back(article_id: int) -> Response:
    """Return a story in review to its author, with what needs to change."""
    article = or_404(staff_articles.article_for_editing(article_id))
    form = SendBackForm()
    reason = form.reason.data or ""
    return _act(article, form, lambda: review.send_back(article, current_user, reason),
                "Sent back to the author, who has been told why.")  # fmt: skip


@bp.post("/notices/read")
def notices_read() -> Response:
    """Mark every notice of the current user as read (CSRF checked for every POST)."""
    review.mark_notices_read(current_user)
    return redirect(url_for("admin.dashboard"))


@bp.app_template_global()
def review_forms() -> tuple[CommentForm, SendBackForm]:
    """Empty comment and send-back forms for the editor's review panel."""
    return CommentForm(), SendBackForm()


bp.add_app_template_global(review.discussion, "review_discussion")
bp.add_app_template_global(review.latest_sent_back, "review_sent_back")
