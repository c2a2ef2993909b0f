"""Text sent to the editor after the session ended: kept for its writer until they log in.

The save must prove who wrote it (the signed ``writer`` field of the editor form, see
``services.editorial.writer_proof``); the text is then bound to that person, and only they get
it back after logging in. A save without that proof keeps nothing and gets a clear 403.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from techpulse.models import User
from techpulse.services.editorial import editor_drafts, writer_proof

EDITOR_PAGES = frozenset(
    {"admin.articles_new", "admin.articles_edit", "admin.pages_new", "admin.pages_edit"}
)
KEPT = (
    "Your session had ended, so nothing was saved yet, but your text is kept: "
    "log in and it comes back in the editor."
)
NOT_KEPT = (
    "Your session has ended, and nothing in this request shows who wrote the text, so it was "
    "neither saved nor kept. Go back with your browser's Back button (the text is usually "
    "still in the form), copy it, log in again and paste it into the editor."
)


def keep_text_of_expired_save() -> Response | tuple[str, int] | None:
    """Before the staff guard: an editor save after the session ended keeps its text for later."""
    if request.method != "POST" or request.endpoint not in EDITOR_PAGES:
        return None
    if current_user.is_authenticated:
        return None
    return stash_and_log_in()


def stash_and_log_in() -> Response | tuple[str, int]:
    """Keep the posted fields for their proven writer and send them to log in, then back."""
    writer = writer_proof.writer_of(request.form.get(writer_proof.FIELD))
    if writer is None:
        page = render_template(
            "errors/error.html", code=403, title="Session ended", message=NOT_KEPT
        )
        return page, 403
    target = stash_posted_text(writer)
    flash(KEPT, "info")
    return redirect(url_for("auth.login", next=target))


def stash_posted_text(writer: User) -> str:
    """Keep the posted fields of an editor (article or page) for ``writer``; the address
    bringing them back."""
    article_id = (request.view_args or {}).get("article_id")
    fields = editor_drafts.draft_fields(request.form)
    token = editor_drafts.stash(fields, article_id, writer)
    endpoint = request.endpoint or "admin.dashboard"
    return url_for(endpoint, **(request.view_args or {}), recover=token)


def writer_token() -> str:
    """The ``writer`` value of the editor form shown to the current user (template global)."""
    if not current_user.is_authenticated:
        return ""
    return writer_proof.issue(current_user._get_current_object())
