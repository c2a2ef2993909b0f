"""Static pages (About and others): list, edit with a preview that saves nothing."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from techpulse.admin.blueprint import bp
from techpulse.admin.forms import ConfirmDeleteForm
from techpulse.admin.forms.pages import DRAFT, PUBLISHED, PageFilterForm, PageForm
from techpulse.models import Page, Role
from techpulse.policy import requires
from techpulse.services import pages, trash
from techpulse.web.field_errors import errors_on
from techpulse.web.lookup import or_404


def _page_fields(form: PageForm) -> pages.PageFields:
    return pages.PageFields(
        title=form.title.data,
        slug=(form.slug.data or "").strip(),
        body_md=form.body.data or "",
        seo_description=form.seo_description.data or "",
        in_footer=bool(form.in_footer.data),
        published=form.status.data != DRAFT,
    )


def _as_draft(page: Page) -> str:
    return "" if page.published else " as a draft"


def _render_form(form: PageForm, page: Page | None) -> tuple[str, int]:
    """The page editor, with a preview of the body when one was asked for."""
    preview = pages.preview_html(form.body.data or "") if form.preview.data else None
    html = render_template(
        "admin/pages/form.html",
        form=form,
        page=page,
        preview=preview,
        slug_fixed=pages.slug_is_fixed(page),
    )
    return html, 422 if form.errors else 200


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
    form = PageForm(obj=page, body=page.body_md, status=PUBLISHED if page.published else DRAFT)
    if form.validate_on_submit() and not form.preview.data:
        with errors_on(form):
            pages.update_page(page, _page_fields(form))
            flash(f"Page “{page.title}” saved{_as_draft(page)}.", "success")
            return redirect(url_for("admin.pages"))
    return _render_form(form, page)


@bp.route("/pages/new", methods=["GET", "POST"])
@requires(Role.EDITOR)
def pages_new() -> Response | tuple[str, int]:
    """Create a static page (e.g. About, when the site has none yet)."""
    form = PageForm(slug=request.args.get("slug", ""), title=request.args.get("title", ""))
    if form.validate_on_submit() and not form.preview.data:
        with errors_on(form):
            page = pages.create_page(_page_fields(form))
            flash(f"Page “{page.title}” created{_as_draft(page)}.", "success")
            return redirect(url_for("admin.pages"))
    return _render_form(form, None)
