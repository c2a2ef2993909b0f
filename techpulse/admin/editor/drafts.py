"""The editor's helpers: autosave, live preview, inline image upload, and text kept across logins.

The JSON endpoints serve ``static/js/editor.js``; the editor works without them.
"""

from __future__ import annotations

from flask import abort, flash, jsonify, redirect, request, url_for
from flask_login import current_user
from flask_wtf.csrf import CSRFError, generate_csrf
from werkzeug.wrappers import Response

from techpulse.admin.articles import editor_after_expired_token
from techpulse.admin.blueprint import bp
from techpulse.admin.editor.kept_text import EDITOR_PAGES, stash_and_log_in
from techpulse.admin.pages import page_editor_after_expired_token
from techpulse.markup.markdown import html_to_text, story_image_reference
from techpulse.markup.pictures import image_src
from techpulse.models import Article
from techpulse.policy import can_edit
from techpulse.services.editorial import editor_drafts, staff_articles
from techpulse.services.editorial.story_images import render_story
from techpulse.services.media import library
from techpulse.web.errors import render_error
from techpulse.web.field_errors import FieldError
from techpulse.web.lookup import or_404

JSON_ENDPOINTS = frozenset(
    {"admin.articles_session", "admin.articles_autosave", "admin.articles_live_preview",
     "admin.articles_image_upload", "admin.pages_autosave", "admin.editor_stories"}
)  # fmt: skip


def _article_from_form() -> Article | None:
    """The article named by the form's ``article_id`` (404 missing, 403 not editable)."""
    raw = request.form.get("article_id", "")
    if not raw:
        return None
    article = or_404(staff_articles.article_for_editing(int(raw) if raw.isdigit() else 0))
    if not can_edit(current_user, article):
        abort(403)
    return article


@bp.get("/editor/session")
def articles_session() -> Response:
    """Still logged in? Answers with a fresh CSRF token for the open editor."""
    return jsonify(csrf_token=generate_csrf(), user=current_user.name)


@bp.post("/articles/autosave")
def articles_autosave() -> Response:
    """Keep the editor's text as the writer's autosave; no revision, the live page unchanged."""
    article = _article_from_form()
    saved_at = editor_drafts.autosave(
        current_user, article, editor_drafts.draft_fields(request.form)
    )
    return jsonify(saved_at=saved_at.isoformat())


@bp.post("/articles/autosave/discard")
def articles_autosave_discard() -> Response:
    """Forget the writer's autosave of an article and go back to its saved text."""
    article = _article_from_form()
    editor_drafts.discard_autosave(current_user, article)
    flash("Unsaved changes discarded.", "success")
    if article is None:
        return redirect(url_for("admin.articles_new"))
    return redirect(url_for("admin.articles_edit", article_id=article.id))


@bp.post("/articles/live-preview")
def articles_live_preview() -> Response:
    """The story's sanitized HTML, rendered by the server exactly as a save would."""
    rendered = render_story(request.form.get("body", "")[:200_000])
    words = len(html_to_text(rendered.html).split())
    return jsonify(html=rendered.html, words=words, reading_minutes=rendered.reading_minutes)


@bp.post("/articles/images")
def articles_image_upload() -> Response | tuple[Response, int]:
    """Upload an image (dropped or picked in the editor) into the library; answers its reference."""
    upload = request.files.get("image")
    if upload is None:
        return jsonify(error="Choose an image file."), 400
    try:
        image = library.upload_image(
            upload.read(), request.form.get("alt_text", ""), upload.filename or "", current_user
        )
    except FieldError as error:
        return jsonify(error=error.message, field=error.field), 400
    caption = request.form.get("caption", "")
    reference = story_image_reference(image.id, image.alt_text, caption)
    src = image_src(image, max_width=480)
    return jsonify(id=image.id, alt=image.alt_text, reference=reference, src=src)


@bp.errorhandler(CSRFError)
def expired_token(error: CSRFError) -> object:
    """A stale CSRF token: editor text is kept (re-shown, or stashed across a login)."""
    if request.endpoint in JSON_ENDPOINTS:
        return jsonify(error="csrf", csrf_token=generate_csrf()), 400
    if request.endpoint not in EDITOR_PAGES:
        return render_error(error)
    if not current_user.is_authenticated:
        return stash_and_log_in()
    if request.endpoint in ("admin.pages_new", "admin.pages_edit"):
        return page_editor_after_expired_token() or render_error(error)
    return editor_after_expired_token()
