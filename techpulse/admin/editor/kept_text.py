"""Text sent to the editor after the session ended: kept until its writer logs in again."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from techpulse.services.editorial import editor_drafts

EDITOR_PAGES = frozenset(
    {"admin.articles_new", "admin.articles_edit", "admin.pages_new", "admin.pages_edit"}
)
KEPT = (
    "Your session had ended, so nothing was saved yet, but your text is kept: "
    "log in and it comes back in the editor."
)


def keep_text_of_expired_save() -> Response | None:
    """Before the staff guard: an editor save after the session ended keeps its text for later."""
    if request.method != "POST" or request.endpoint not in EDITOR_PAGES:
        return None
    if current_user.is_authenticated:
        return None
    return stash_and_log_in()


def stash_and_log_in() -> Response:
    """Keep the posted editor fields under a token and send the writer to log in, then back."""
    target = stash_posted_text()
    flash(KEPT, "info")
    return redirect(url_for("auth.login", next=target))


def stash_posted_text() -> str:
    """Keep the posted fields of an editor (article or page); the address bringing them back."""
    article_id = (request.view_args or {}).get("article_id")
    try:
        token = editor_drafts.stash(editor_drafts.draft_fields(request.form), article_id)
    except editor_drafts.TooManyStashes:
        abort(503)
    endpoint = request.endpoint or "admin.dashboard"
    return url_for(endpoint, **(request.view_args or {}), recover=token)
