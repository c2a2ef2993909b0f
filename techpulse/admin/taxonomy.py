"""Categories and tags: list with counts, create, rename, re-slug, reorder, delete."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from techpulse.admin.blueprint import bp
from techpulse.admin.forms import ConfirmDeleteForm
from techpulse.admin.forms.taxonomy import CategoryForm, DeleteCategoryForm, TagForm
from techpulse.models import Role
from techpulse.policy import requires
from techpulse.services import taxonomy
from techpulse.web.field_errors import errors_on
from techpulse.web.lookup import deleted_meanwhile, or_404
from techpulse.web.pagination import ensure_page_exists, requested_page


def _category_fields(form: CategoryForm) -> taxonomy.CategoryFields:
    return taxonomy.CategoryFields(
        name=form.name.data,
        slug=form.slug.data.strip(),
        description=form.description.data or "",
        position=form.position.data,
    )


@bp.get("/categories")
@requires(Role.EDITOR)
def categories() -> str:
    """Every category in navigation order, with its article count."""
    return render_template("admin/taxonomy/categories.html", rows=taxonomy.categories_with_counts())


@bp.route("/categories/new", methods=["GET", "POST"])
@requires(Role.EDITOR)
def categories_new() -> Response | tuple[str, int]:
    """Create a category."""
    form = CategoryForm()
    if form.validate_on_submit():
        with errors_on(form):
            category = taxonomy.save_category(None, _category_fields(form))
            flash(f"Category “{category.name}” created.", "success")
            return redirect(url_for("admin.categories"))
    status = 422 if form.errors else 200
    return render_template("admin/taxonomy/category_form.html", form=form, category=None), status


@bp.route("/categories/<int:category_id>/edit", methods=["GET", "POST"])
@requires(Role.EDITOR)
@deleted_meanwhile("category", "admin.categories")
def categories_edit(category_id: int) -> Response | tuple[str, int]:
    """Rename, re-slug, reorder or describe a category."""
    category = or_404(taxonomy.category_by_id(category_id))
    form = CategoryForm(obj=category)
    if form.validate_on_submit():
        with errors_on(form):
            taxonomy.save_category(category, _category_fields(form))
            flash(f"Category “{category.name}” saved.", "success")
            return redirect(url_for("admin.categories"))
    status = 422 if form.errors else 200
    html = render_template("admin/taxonomy/category_form.html", form=form, category=category)
    return html, status


@bp.route("/categories/<int:category_id>/delete", methods=["GET", "POST"])
@requires(Role.EDITOR)
@deleted_meanwhile("category", "admin.categories")
def categories_delete(category_id: int) -> Response | tuple[str, int]:
    """Confirm, then delete a category, optionally moving its articles elsewhere first."""
    category = or_404(taxonomy.category_by_id(category_id))
    others = taxonomy.other_categories(category)
    form = DeleteCategoryForm()
    form.move_to.choices = [SelectChoice(0, "— Do not move them —")] + [
        SelectChoice(other.id, other.name) for other in others
    ]
    if form.validate_on_submit():
        target = next((c for c in others if c.id == form.move_to.data), None)
        name = category.name
        with errors_on(form):
            moved = taxonomy.delete_category(category, target)
            note = f" {moved} article(s) moved to “{target.name}”." if moved and target else ""
            flash(f"Category “{name}” deleted.{note}", "success")
            return redirect(url_for("admin.categories"))
    count = taxonomy.category_article_count(category)
    status = 422 if request.method == "POST" else 200
    html = render_template(
        "admin/taxonomy/category_delete.html", category=category, count=count, form=form
    )
    return html, status


@bp.get("/tags")
@requires(Role.EDITOR)
def tags() -> str:
    """Every tag by name, with how many articles carry it."""
    listing, counts = taxonomy.tags_with_counts(requested_page())
    ensure_page_exists(listing)
    return render_template("admin/taxonomy/tags.html", listing=listing, counts=counts)


@bp.route("/tags/<int:tag_id>/edit", methods=["GET", "POST"])
@requires(Role.EDITOR)
@deleted_meanwhile("tag", "admin.tags")
def tags_edit(tag_id: int) -> Response | tuple[str, int]:
    """Rename or re-slug a tag."""
    tag = or_404(taxonomy.tag_by_id(tag_id))
    form = TagForm(obj=tag)
    if form.validate_on_submit():
        with errors_on(form):
            taxonomy.save_tag(tag, form.name.data, form.slug.data.strip())
            flash(f"Tag “{tag.name}” saved.", "success")
            return redirect(url_for("admin.tags"))
    status = 422 if form.errors else 200
    return render_template("admin/taxonomy/tag_form.html", form=form, tag=tag), status


@bp.route("/tags/<int:tag_id>/delete", methods=["GET", "POST"])
@requires(Role.EDITOR)
@deleted_meanwhile("tag", "admin.tags")
def tags_delete(tag_id: int) -> Response | str:
    """Confirm, then delete a tag (it is removed from every article carrying it)."""
    tag = or_404(taxonomy.tag_by_id(tag_id))
    form = ConfirmDeleteForm()
    if form.validate_on_submit():
        name = tag.name
        used = taxonomy.delete_tag(tag)
        flash(f"Tag “{name}” deleted and removed from {used} article(s).", "success")
        return redirect(url_for("admin.tags"))
    count = taxonomy.tag_article_count(tag)
    return render_template("admin/taxonomy/tag_delete.html", tag=tag, count=count, form=form)
