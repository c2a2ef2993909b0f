"""The article editor: list, write, preview, publish or schedule, revisions, delete."""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_login import current_user
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from techpulse.admin.blueprint import bp
from techpulse.admin.editor.recovery import kept_fields
from techpulse.admin.forms import ConfirmDeleteForm
from techpulse.admin.forms.articles import (
    ArticleBulkForm,
    ArticleFilterForm,
    ArticleForm,
    article_values,
    draft_values,
)
from techpulse.markup.markdown import story_image_reference
from techpulse.models import Article, Revision, Role, Status
from techpulse.policy import can_delete, can_edit, requires
from techpulse.services import trash
from techpulse.services.articles import all_categories
from techpulse.services.editorial import (
    article_editor,
    bulk,
    editor_drafts,
    revisions,
    staff_articles,
)
from techpulse.services.editorial.article_editor import NotPermitted
from techpulse.services.editorial.article_input import Action, EditConflict
from techpulse.services.media import library
from techpulse.web.errors import render_error
from techpulse.web.field_errors import FieldError, show_on_form
from techpulse.web.lookup import or_404
from techpulse.web.pagination import ensure_page_exists, requested_page

SAVED = {
    Action.SAVE: "Saved.",
    Action.SUBMIT: "Submitted for review; an editor will take it from here.",
    Action.PUBLISH: "Published: it is on the site now.",
    Action.SCHEDULE: "Scheduled: it goes live by itself at the chosen time.",
    Action.UNPUBLISH: "Unpublished: it is a draft again and off the site.",
}


@dataclass(frozen=True)
class Conflict:
    """Another save landed while this editor was open: who, when, and what they changed."""

    revision: Revision | None
    changes: list[tuple[str, str]]


@bp.get("/articles")
def articles() -> str:
    """Articles the user may work on, filtered and searched, last updated first."""
    form = ArticleFilterForm(formdata=request.args)
    form.set_choices(all_categories(), staff_articles.authors())
    listing = staff_articles.staff_articles(current_user, form.to_filters(), requested_page())
    ensure_page_exists(listing)
    actions = ArticleBulkForm()
    actions.category.choices = form.category.choices
    return render_template("admin/articles/list.html", form=form, listing=listing, actions=actions)


@bp.post("/articles/bulk")
def articles_bulk() -> Response:
    """Publish, unpublish, move, tag, trash or restore the chosen stories, each on its own."""
    form = ArticleBulkForm()
    if not form.validate_on_submit():
        flash(" ".join(form.action.errors) or "Choose stories and an action.", "error")
        return redirect(url_for("admin.articles"))
    action = bulk.BulkAction(form.action.data)
    done = bulk.apply(
        current_user, form.ids.data or [], action, form.category.data, form.tag.data or ""
    )
    skipped = f" Not changed: {'; '.join(done.skipped)}." if done.skipped else ""
    flash(f"{done.done} changed.{skipped}", "success" if done.done else "error")
    return redirect(url_for("admin.articles"))


@bp.route("/articles/new", methods=["GET", "POST"])
def articles_new() -> str | Response:
    """Write a new article."""
    return _editor(None, _initial_form(None))


@bp.route("/articles/<int:article_id>/edit", methods=["GET", "POST"])
def articles_edit(article_id: int) -> str | Response:
    """Edit, preview, publish, schedule or unpublish an article."""
    article = _editable(article_id)
    return _editor(article, _initial_form(article))


def _initial_form(article: Article | None) -> ArticleForm:
    """The article's values, or text kept across a login, or its autosave when asked for."""
    latest = revisions.latest_revision(article) if article else None
    if article is not None:
        values = article_values(article, latest.id if latest else None)
    else:
        values = {"author": current_user.id}
    if request.method == "GET" and (kept := _kept_text(article)) is not None:
        values = {**values, **draft_values(kept)}
    return ArticleForm(data=values)


def _kept_text(article: Article | None) -> dict[str, str] | None:
    return kept_fields(article)


def _editor(article: Article | None, form: ArticleForm) -> str | Response:
    form.set_choices(all_categories(), staff_articles.banner_choices(article and article.banner))
    form.set_people(staff_articles.staff_people())
    preview = conflict = None
    if form.validate_on_submit():
        if form.preview.data:
            preview = staff_articles.preview_article(article, form.to_input(), current_user)
        elif form.insert_image.data:
            _insert_story_image(form)
        else:
            try:
                saved = _save(article, form)
            except EditConflict as error:
                conflict = _conflict(article, form, error)
            else:
                if saved is not None:
                    return _saved(article, saved, form.action())
    return _render_editor(article, form, preview=preview, conflict=conflict)


def _render_editor(article: Article | None, form: ArticleForm, **context: object) -> str:
    autosave = None
    if not form.is_submitted():
        autosave = editor_drafts.pending_autosave(current_user, article)
    return render_template(
        "admin/articles/edit.html",
        form=form,
        article=article,
        autosave=autosave,
        library=staff_articles.banner_choices(None)[:24],
        cleared_draft=session.pop("editor_cleared_draft", None),
        **context,
    )


def _saved(article: Article | None, saved: Article, action: Action) -> Response:
    """After a real save: drop the autosave, tell the browser to drop its copy, redirect."""
    editor_drafts.discard_autosave(current_user, article)
    session["editor_cleared_draft"] = str(article.id) if article else "new"
    flash(SAVED[action], "success")
    return redirect(url_for("admin.articles_edit", article_id=saved.id))


def _save(article: Article | None, form: ArticleForm) -> Article | None:
    """Save through the service; a refused rule becomes an error on its form field."""
    try:
        return article_editor.save_article(article, form.to_input(), current_user, form.action())
    except NotPermitted:
        abort(403)
    except FieldError as error:
        show_on_form(form, error, fallback="title")
    return None


def _conflict(article: Article | None, form: ArticleForm, error: EditConflict) -> Conflict:
    """Someone saved first: show their changes; the next Save (now on top of theirs) wins."""
    assert article is not None  # a new article has nobody to conflict with
    changes = revisions.changes_since(int(form.base_revision.data or 0), article)
    form.base_revision.data = str(error.latest_revision_id)
    latest = revisions.latest_revision(article)
    return Conflict(revision=latest, changes=changes)


def _insert_story_image(form: ArticleForm) -> None:
    """Without JavaScript: upload the chosen file into the library and add it to the story."""
    if not form.story_image.data:
        form.story_image.errors = ["Choose an image file to insert."]
        return
    upload = form.story_image.data
    try:
        image = library.upload_image(
            upload.read(), form.story_image_alt.data or "", upload.filename or "", current_user
        )
    except FieldError as error:
        field = "story_image_alt" if error.field == "alt_text" else "story_image"
        form[field].errors = [error.message]
        return
    caption = (form.story_image_caption.data or "").replace('"', "”")
    reference = story_image_reference(image.id, image.alt_text, caption)
    form.body.data = (form.body.data or "").rstrip() + "\n\n" + reference + "\n"
    form.story_image_alt.data = form.story_image_caption.data = ""
    flash("Image uploaded and added at the end of the story.", "success")


def editor_after_expired_token() -> tuple[str, int] | tuple[str, int, dict[str, str]]:
    """The form's security token expired: show everything typed again, with a fresh token.

    A missing article, or one that is not this user's, is its plain 404 or 403: this runs
    inside an error handler, where an abort() would become a 500.
    """
    article_id = (request.view_args or {}).get("article_id")
    try:
        article = _editable(article_id) if article_id else None
    except HTTPException as refused:
        return render_error(refused)
    form = ArticleForm()
    form.set_choices(all_categories(), staff_articles.banner_choices(article and article.banner))
    form.set_people(staff_articles.staff_people())
    return _render_editor(article, form, token_expired=True), 400


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
    return redirect(url_for("admin.articles_edit", article_id=article_id))


@bp.route("/articles/<int:article_id>/delete", methods=["GET", "POST"])
def articles_delete(article_id: int) -> str | Response:
    """Ask, then move an article to the trash (restorable for TRASH_DAYS days)."""
    article = or_404(staff_articles.article_for_editing(article_id))
    if not can_delete(current_user, article):
        abort(403)
    form = ConfirmDeleteForm()
    if form.validate_on_submit():
        trash.move_to_trash(article, current_user)
        flash(f"Moved “{article.title}” to the trash.", "success")
        return redirect(url_for("admin.articles"))
    return render_template("admin/articles/delete.html", article=article, form=form)


def _editable(article_id: int) -> Article:
    """The article, or 404 when missing, 403 when the user may not edit it."""
    article = or_404(staff_articles.article_for_editing(article_id))
    if article.status == Status.TRASHED:
        abort(404)  # restored from the trash first (admin/trash.py)
    if not can_edit(current_user, article):
        abort(403)
    return article
