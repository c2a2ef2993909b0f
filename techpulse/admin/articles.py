"""The article editor: list, write, preview, publish or schedule, revisions, delete."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from techpulse.admin.blueprint import bp
from techpulse.admin.forms import ConfirmDeleteForm
from techpulse.admin.forms.articles import ArticleFilterForm, ArticleForm, article_values
from techpulse.field_errors import FieldError, show_on_form
from techpulse.lookup import or_404
from techpulse.models import Article, Role
from techpulse.pagination import ensure_page_exists, requested_page
from techpulse.policy import can_delete, can_edit, requires
from techpulse.services import article_editor, revisions, staff_articles
from techpulse.services.article_editor import NotPermitted
from techpulse.services.article_input import Action
from techpulse.services.articles import all_categories

SAVED = {
    Action.SAVE: "Saved.",
    Action.SUBMIT: "Submitted for review; an editor will take it from here.",
    Action.PUBLISH: "Published: it is on the site now.",
    Action.SCHEDULE: "Scheduled: it goes live by itself at the chosen time.",
    Action.UNPUBLISH: "Unpublished: it is a draft again and off the site.",
}


@bp.get("/articles")
def articles() -> str:
    """Articles the user may work on, filtered and searched, last updated first."""
    form = ArticleFilterForm(formdata=request.args)
    form.set_choices(all_categories(), staff_articles.authors())
    listing = staff_articles.staff_articles(current_user, form.to_filters(), requested_page())
    ensure_page_exists(listing)
    return render_template("admin/articles/list.html", form=form, listing=listing)


@bp.route("/articles/new", methods=["GET", "POST"])
def articles_new() -> str | Response:
    """Write a new article."""
    return _editor(None, ArticleForm())


@bp.route("/articles/<int:article_id>/edit", methods=["GET", "POST"])
def article_edit(article_id: int) -> str | Response:
    """Edit, preview, publish, schedule or unpublish an article."""
    article = _editable(article_id)
    return _editor(article, ArticleForm(data=article_values(article)))


def _editor(article: Article | None, form: ArticleForm) -> str | Response:
    form.set_choices(all_categories(), staff_articles.banner_choices(article and article.banner))
    preview = None
    if form.validate_on_submit():
        if form.preview.data:
            preview = staff_articles.preview_article(article, form.to_input(), current_user)
        elif saved := _save(article, form):
            flash(SAVED[form.action()], "success")
            return redirect(url_for("admin.article_edit", article_id=saved.id))
    return render_template(
        "admin/articles/edit.html",
        form=form,
        article=article,
        preview=preview,
    )


def _save(article: Article | None, form: ArticleForm) -> Article | None:
    """Save through the service; a refused rule becomes an error on its form field."""
    try:
        return article_editor.save_article(article, form.to_input(), current_user, form.action())
    except NotPermitted:
        abort(403)
    except FieldError as error:
        show_on_form(form, error, fallback="title")
    return None


@bp.get("/articles/<int:article_id>/revisions")
def articles_revisions(article_id: int) -> str:
    """Every saved version of an article, newest first."""
    article = _editable(article_id)
    return render_template(
        "admin/articles/revisions.html",
        article=article,
        revisions=revisions.article_revisions(article),
    )


@bp.get("/articles/<int:article_id>/revisions/<int:revision_id>")
def articles_revision(article_id: int, revision_id: int) -> str:
    """One saved version, with what changed since, and a restore button for editors."""
    article = _editable(article_id)
    revision = or_404(revisions.revision_of(article, revision_id))
    diff = revisions.diff_lines(revision, article)
    content = revisions.described(revisions.content_of(revision))
    return render_template(
        "admin/articles/revision.html",
        article=article,
        revision=revision,
        content=content,
        diff=diff,
    )


@bp.post("/articles/<int:article_id>/revisions/<int:revision_id>/restore")
@requires(Role.EDITOR)
def articles_restore(article_id: int, revision_id: int) -> Response:
    """Set an article back to one of its revisions."""
    article = _editable(article_id)
    revision = or_404(revisions.revision_of(article, revision_id))
    try:
        article_editor.restore_revision(article, revision, current_user)
    except FieldError as error:
        flash(error.message, "error")
        return redirect(
            url_for("admin.articles_revision", article_id=article_id, revision_id=revision_id)
        )
    flash(f"Restored revision {revision_id}.", "success")
    return redirect(url_for("admin.article_edit", article_id=article_id))


@bp.route("/articles/<int:article_id>/delete", methods=["GET", "POST"])
def articles_delete(article_id: int) -> str | Response:
    """Ask, then delete an article for good."""
    article = or_404(staff_articles.article_for_editing(article_id))
    if not can_delete(current_user, article):
        abort(403)
    form = ConfirmDeleteForm()
    if form.validate_on_submit():
        title = article.title
        article_editor.delete_article(article)
        flash(f"Deleted “{title}”.", "success")
        return redirect(url_for("admin.articles"))
    return render_template("admin/articles/delete.html", article=article, form=form)


def _editable(article_id: int) -> Article:
    """The article, or 404 when missing, 403 when the user may not edit it."""
    article = or_404(staff_articles.article_for_editing(article_id))
    if not can_edit(current_user, article):
        abort(403)
    return article
