"""The page editor's autosave and the editors' shared helpers for the visual mode.

JSON endpoints for ``static/js/editor.js`` and the visual editor bundle; both editors work
without them.
"""

from __future__ import annotations

import json

from flask import flash, jsonify, redirect, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from techpulse.admin.blueprint import bp
from techpulse.markup.pictures import image_src
from techpulse.models import Page, Role
from techpulse.policy import requires
from techpulse.services import pages
from techpulse.services.editorial import editor_drafts
from techpulse.services.editorial.story_images import story_images
from techpulse.services.search import query
from techpulse.web.lookup import or_404

STORY_CHOICES = 8


def _page_from_form() -> Page:
    raw = request.form.get("page_id", "")
    return or_404(pages.page_by_id(int(raw) if raw.isdigit() else 0))


@bp.post("/pages/autosave")
@requires(Role.EDITOR)
def pages_autosave() -> Response:
    """Keep the page editor's text as the writer's autosave; the live page is unchanged."""
    page = _page_from_form()
    fields = editor_drafts.draft_fields(request.form)
    saved_at = editor_drafts.autosave(current_user, page, fields)
    return jsonify(saved_at=saved_at.isoformat())


@bp.post("/pages/autosave/discard")
@requires(Role.EDITOR)
def pages_autosave_discard() -> Response:
    """Forget the writer's autosave of a page and go back to its saved text."""
    page = _page_from_form()
    editor_drafts.discard_autosave(current_user, page)
    flash("Unsaved changes discarded.", "success")
    return redirect(url_for("admin.pages_edit", page_id=page.id))


@bp.get("/editor/stories")
def editor_stories() -> Response:
    """Published stories matching the words typed, for the "Link to a story" dialog."""
    hits = query.search(request.args.get("q", ""), 1, STORY_CHOICES).items
    stories = [{"id": hit.article.id, "title": hit.article.title} for hit in hits]
    return jsonify(stories=stories)


@bp.app_template_global()
def story_image_sources(body: str | None) -> str:
    """JSON {image id: thumbnail path} of the library images a body shows (visual mode)."""
    images = story_images(body or "")
    return json.dumps({str(i): image_src(image, max_width=480) for i, image in images.items()})
