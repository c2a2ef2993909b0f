"""The media library: browse, upload, describe and delete images."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from techpulse.admin.blueprint import bp
from techpulse.admin.forms import ConfirmDeleteForm
from techpulse.admin.forms.media import AltTextForm, UploadForm
from techpulse.models import Image
from techpulse.policy import can_manage_image
from techpulse.services import trash
from techpulse.services.media import library
from techpulse.web.field_errors import errors_on
from techpulse.web.lookup import or_404
from techpulse.web.pagination import ensure_page_exists, requested_page


def _render_library(form: UploadForm, status: int = 200) -> tuple[str, int]:
    listing = ensure_page_exists(library.image_library(requested_page()))
    ids = [image.id for image in listing.items]
    html = render_template(
        "admin/media/library.html",
        listing=listing,
        usage=library.image_usage(ids),
        page_usage=library.image_page_usage(ids),
        form=form,
    )
    return html, status


def _manageable_image(image_id: int) -> Image:
    """The image, or 404; 403 when the current user may not change it."""
    image = or_404(library.image_by_id(image_id))
    if not can_manage_image(current_user, image):
        abort(403)
    return image


@bp.get("/media", endpoint="media")
def media_library() -> tuple[str, int]:
    """Every uploaded image with its size, uploader and where it is used."""
    return _render_library(UploadForm())


@bp.post("/media/upload")
def media_upload() -> Response | tuple[str, int]:
    """Upload an image (with required alt text) into the library."""
    form = UploadForm()
    if form.validate_on_submit():
        upload = form.image.data
        name = upload.filename or ""
        with errors_on(form, fallback="image"):
            library.upload_image(upload.read(), form.alt_text.data, name, current_user)
            flash("Image uploaded.", "success")
            return redirect(url_for("admin.media"))
    return _render_library(form, 422)


@bp.route("/media/<int:image_id>/edit", methods=["GET", "POST"])
def media_edit(image_id: int) -> Response | tuple[str, int]:
    """Change an image's alt text."""
    image = _manageable_image(image_id)
    form = AltTextForm(obj=image)
    if form.validate_on_submit():
        with errors_on(form, fallback="alt_text"):
            library.update_alt_text(image, form.alt_text.data)
            flash("Alt text saved.", "success")
            return redirect(url_for("admin.media"))
    usage = library.image_usage([image.id])[image.id]
    html = render_template("admin/media/edit.html", image=image, form=form, usage=usage)
    return html, 422 if form.errors else 200


@bp.route("/media/<int:image_id>/delete", methods=["GET", "POST"])
def media_delete(image_id: int) -> Response | str:
    """Confirm (GET), then move to the trash (POST) an image no story or page uses."""
    image = _manageable_image(image_id)
    form = ConfirmDeleteForm()
    if not form.validate_on_submit():
        usage = library.image_usage([image.id])[image.id]
        pages = library.image_page_usage([image.id])[image.id]
        return render_template(
            "admin/media/delete.html", image=image, usage=usage, pages=pages, form=form
        )
    try:
        trash.move_to_trash(image, current_user)
    except library.ImageInUse as exc:
        flash(str(exc), "error")
    else:
        flash("Image moved to the trash.", "success")
    return redirect(url_for("admin.media"))
