"""Static pages (About and others): list, edit with a preview that saves nothing, history.

The page editor has the article editor's protections: autosave (``editor/page_drafts.py``),
text kept across an expired session or token, the conflict check and revisions to restore.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from techpulse.admin.blueprint import bp
from techpulse.admin.editor.recovery import kept_fields
from techpulse.admin.forms import ConfirmDeleteForm
from techpulse.admin.forms.pages import (
    DRAFT,
    PUBLISHED,
    PageFilterForm,
    PageForm,
    page_draft_values,
)
from techpulse.models import Page, Role
from techpulse.policy import can_visit, requires
from techpulse.services import page_history, pages, trash
from techpulse.services.editorial import editor_drafts
from techpulse.services.editorial.article_input import EditConflict
from techpulse.web.field_errors import FieldError, errors_on
from techpulse.web.lookup import or_404


def _page_fields(form: PageForm) -> pages.PageFields:
    base = form.base_revision.data or ""
    return pages.PageFields(
        title=form.title.data,
        slug=(form.slug.data or "").strip(),
        body_md=form.body.data or "",
        seo_description=form.seo_description.data or "",
        in_footer=bool(form.in_footer.data),
        published=form.status.data != DRAFT,
        base_revision=int(base) if base.isdigit() else None,
    )


def _as_draft(page: Page) -> str:
    return "" if page.published else " as a draft"


def _initial_form(page: Page | None) -> PageForm:
    """The page's values (or the slug/title asked for), or kept text when it is asked for."""
    if page is not None:
        latest = page_history.latest_revision_id(page)
        values = {"title": page.title, "slug": page.slug, "seo_description": page.seo_description,
                  "body": page.body_md, "in_footer": page.in_footer,
                  "status": PUBLISHED if page.published else DRAFT,
                  "base_revision": str(latest or "")}  # fmt: skip
    else:
        values = {"slug": request.args.get("slug", ""), "title": request.args.get("title", "")}
    if request.method == "GET" and (kept := kept_fields(page)) is not None:
        values = page_draft_values(kept)
    return PageForm(data=values)


def _render_form(form: PageForm, page: Page | None, **context: object) -> tuple[str, int]:
    """The page editor, with a preview of the body when one was asked for."""
    preview = pages.preview_html(form.body.data or "") if form.preview.data else None
    autosave = None
    if page is not None and not form.is_submitted():
        autosave = editor_drafts.pending_autosave(current_user, page)
    html = render_template(
        "admin/pages/form.html",
        form=form,
        page=page,
        preview=preview,
        autosave=autosave,
        slug_fixed=pages.slug_is_fixed(page),
        **context,
    )
    return html, 422 if form.errors or context.get("conflict") else 200


def _save(form: PageForm, page: Page | None) -> Response | tuple[str, int]:
    """Save through the service: a conflict shows both versions; a refused rule, its field."""
    try:
        with errors_on(form):
            if page is None:
                page = pages.create_page(_page_fields(form), current_user)
                flash(f"Page “{page.title}” created{_as_draft(page)}.", "success")
            else:
                pages.update_page(page, _page_fields(form), current_user)
                editor_drafts.discard_autosave(current_user, page)
                flash(f"Page “{page.title}” saved{_as_draft(page)}.", "success")
            return redirect(url_for("admin.pages"))
    except EditConflict as error:
        assert page is not None  # a new page has nobody to conflict with
        changes = page_history.changes_since(_page_fields(form).base_revision, page)
        form.base_revision.data = str(error.latest_revision_id)
        return _render_form(form, page, conflict={"changes": changes})
    return _render_form(form, page)


@bp.get("/pages", endpoint="pages")
@requires(Role.EDITOR)
def pages_list() -> str:
    """Every static page, searched by title and filtered by status."""
    form = PageFilterForm(formdata=request.args)
    values = form.values()
    found = pages.all_pages(values["q"] or "", values["status"] or "")
    return render_template("admin/pages/list.html", pages=found, form=form)


@bp.route("/pages/<int:page_id>/delete", methods=["GET", "POST"])
@requires(Role.EDITOR)
def pages_delete(page_id: int) -> Response | str:
    """Ask, then move a page to the trash (restorable for TRASH_DAYS days)."""
    page = or_404(pages.page_by_id(page_id))
    if page.trashed_at is not None:
        abort(404)
    form = ConfirmDeleteForm()
    if form.validate_on_submit():
        trash.move_to_trash(page, current_user)
        flash(f"Moved the page “{page.title}” to the trash.", "success")
        return redirect(url_for("admin.pages"))
    return render_template("admin/pages/delete.html", page=page, form=form)


@bp.route("/pages/<int:page_id>/edit", methods=["GET", "POST"])
@requires(Role.EDITOR)
def pages_edit(page_id: int) -> Response | tuple[str, int]:
    """Edit a page's title, slug, description and Markdown body; "Preview" saves nothing."""
    page = or_404(pages.page_by_id(page_id))
    form = _initial_form(page)
    if form.validate_on_submit() and not form.preview.data:
        return _save(form, page)
    return _render_form(form, page)


@bp.route("/pages/new", methods=["GET", "POST"])
@requires(Role.EDITOR)
def pages_new() -> Response | tuple[str, int]:
    """Create a static page (e.g. About, when the site has none yet)."""
    form = _initial_form(None)
    if form.validate_on_submit() and not form.preview.data:
        return _save(form, None)
    return _render_form(form, None)


def page_editor_after_expired_token() -> tuple[str, int] | None:
    """The form's security token expired: show everything typed again, with a fresh token.

    None when the page is gone or not this user's to edit (the plain "form expired" answer).
    """
    page_id = (request.view_args or {}).get("page_id")
    page = pages.page_by_id(page_id) if page_id else None
    if (page_id and page is None) or not can_visit(current_user, request.endpoint or ""):
        return None
    html, _ = _render_form(PageForm(), page, token_expired=True)
    return html, 400


@bp.get("/pages/<int:page_id>/revisions")
@requires(Role.EDITOR)
def pages_revisions(page_id: int) -> str:
    """Every saved version of a page, newest first."""
    page = or_404(pages.page_by_id(page_id))
    history = page_history.page_revisions(page)
    return render_template("admin/pages/revisions.html", page=page, revisions=history)


@bp.get("/pages/<int:page_id>/revisions/<int:revision_id>")
@requires(Role.EDITOR)
def pages_revision(page_id: int, revision_id: int) -> str:
    """One saved version of a page, what changed since, and a restore button."""
    page = or_404(pages.page_by_id(page_id))
    revision = or_404(page_history.revision_of(page, revision_id))
    return render_template(
        "admin/pages/revision.html",
        page=page,
        revision=revision,
        content=page_history.described(revision),
        diff=page_history.diff_lines(revision, page),
    )


@bp.post("/pages/<int:page_id>/revisions/<int:revision_id>/restore")
@requires(Role.EDITOR)
def pages_restore(page_id: int, revision_id: int) -> Response:
    """Set a page back to one of its revisions (refused, with the reason, like a save)."""
    page = or_404(pages.page_by_id(page_id))
    revision = or_404(page_history.revision_of(page, revision_id))
    try:
        pages.restore_page_revision(page, revision, current_user)
    except FieldError as error:
        flash(error.message, "error")
        return redirect(url_for("admin.pages_revision", page_id=page_id, revision_id=revision_id))
    flash(f"Restored revision {revision_id}.", "success")
    return redirect(url_for("admin.pages_edit", page_id=page_id))
