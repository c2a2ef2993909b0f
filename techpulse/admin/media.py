"""The media library: browse and search, upload (several at once), describe, trash images."""

from __future__ import annotations

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from techpulse.admin.blueprint import bp
from techpulse.admin.forms import ConfirmDeleteForm
from techpulse.admin.forms.media import AltTextForm, MediaBulkForm, MediaFilterForm, UploadForm
from techpulse.models import Image
from techpulse.policy import can_manage_image
from techpulse.services import trash
from techpulse.services.media import library
from techpulse.web.errors import back_to_the_form
from techpulse.web.field_errors import FieldError, errors_on
from techpulse.web.lookup import or_404
from techpulse.web.pagination import ensure_page_exists, requested_page


def _render_library(form: UploadForm, status: int = 200) -> tuple[str, int]:
    search = MediaFilterForm(formdata=request.args)
    q = search.values()["q"] or ""
    listing = ensure_page_exists(library.image_library(requested_page(), q=q))
    ids = [image.id for image in listing.items]
    html = render_template(
        "admin/media/library.html",
        listing=listing,
        usage=library.image_usage(ids),
        page_usage=library.image_page_usage(ids),
        form=form,
        search=search,
        bulk=MediaBulkForm(),
    )
    return html, status


def _manageable_image(image_id: int) -> Image:
    """The image, or 404; 403 when the current user may not change it."""
    image = or_404(library.image_by_id(image_id))
    if not can_manage_image(current_user, image):
        abort(403)
    return image


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


@bp.get("/media", endpoint="media")
def media_library() -> tuple[str, int]:
    """Every uploaded image with its size, uploader and where it is used; searchable."""
    return _render_library(UploadForm())


@bp.post("/media/upload")
def media_upload() -> Response | tuple[str, int] | tuple[Response, int]:
    """Upload one or more images (with required alt text) into the library.

    The page's script sends each file on its own and asks for JSON, to show each file's
    progress and error; without it, every file chosen comes in one form.
    """
    form = UploadForm()
    files = form.files() if form.validate_on_submit() else []
    if not files and form.is_submitted() and not form.errors:
        form.image.errors = ["Choose an image to upload."]
    uploaded, refused = _store_all(files, form.alt_text.data or "")
    if _wants_json():
        return _json_outcome(form, uploaded, refused)
    if uploaded and not refused:
        flash("Image uploaded." if len(uploaded) == 1 else f"{_count(len(uploaded))} uploaded.",
              "success")  # fmt: skip
        return redirect(url_for("admin.media"))
    if uploaded:
        flash(f"{_count(len(uploaded))} uploaded; the others were refused.", "success")
    form.image.errors = [*form.image.errors, *(f"{name}: {why}" for name, why in refused)]
    return _render_library(form, 422)


def _store_all(
    files: list[tuple[str, bytes]], alt_text: str
) -> tuple[list[Image], list[tuple[str, str]]]:
    uploaded, refused = [], []
    for name, data in files:
        try:
            uploaded.append(library.upload_image(data, alt_text, name, current_user))
        except FieldError as error:
            refused.append((name or "file", error.message))
    return uploaded, refused


def _json_outcome(
    form: UploadForm, uploaded: list[Image], refused: list[tuple[str, str]]
) -> tuple[Response, int]:
    if uploaded:
        image = uploaded[0]
        return jsonify(ok=True, id=image.id, name=image.original_name), 200
    errors = [why for _, why in refused] or [e for errs in form.errors.values() for e in errs]
    return jsonify(ok=False, error=" ".join(errors) or "The upload was refused."), 422


def _count(number: int) -> str:
    return "1 image" if number == 1 else f"{number} images"


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


@bp.post("/media/bulk")
def media_bulk() -> Response:
    """Move the chosen images to the trash (those in use, or not yours, are skipped)."""
    form = MediaBulkForm()
    moved = skipped = 0
    if form.validate_on_submit():
        for image_id in form.images.data or []:
            image = library.image_by_id(image_id)
            try:
                if image is None:
                    raise trash.NotAllowed
                trash.move_to_trash(image, current_user)
                moved += 1
            except (trash.NotAllowed, library.ImageInUse):
                skipped += 1
    note = f" Skipped {skipped} (in use, or not yours)." if skipped else ""
    flash(f"Moved {_count(moved)} to the trash.{note}", "success" if moved else "error")
    return redirect(url_for("admin.media"))


@bp.get("/upload-too-large")
def media_too_large() -> Response:
    """Where nginx sends a staff upload it refused for its size: back to the form, limit named."""
    return back_to_the_form(prefer_referrer=True)
