"""The review loop in the staff area: comments on a story, sending it back, notices."""

from __future__ import annotations

from flask import abort, flash, redirect, url_for
from flask_login import current_user
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


def _refused(error: FieldError | None) -> None:
    if error is not None:
        flash(error.message, "error")


@bp.post("/articles/<int:article_id>/comments")
def articles_comment(article_id: int) -> Response:
    """Add a comment (or a reply) to a story's discussion."""
    article = or_404(staff_articles.article_for_editing(article_id))
    form = CommentForm()
    if form.validate_on_submit():
        try:
            review.add_comment(article, current_user, form.comment.data or "", form.parent())
            flash("Comment added.", "success")
        except review.NotAllowed:
            abort(403)
        except FieldError as error:
            _refused(error)
    return _back_to(article)


@bp.post("/articles/<int:article_id>/send-back")
@requires(Role.EDITOR)
def articles_send_back(article_id: int) -> Response:
    """Return a story in review to its author, with what needs to change."""
    article = or_404(staff_articles.article_for_editing(article_id))
    form = SendBackForm()
    if form.validate_on_submit():
        try:
            review.send_back(article, current_user, form.reason.data or "")
            flash("Sent back to the author, who has been told why.", "success")
        except review.NotAllowed:
            abort(403)
        except FieldError as error:
            _refused(error)
    return _back_to(article)


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
