"""Bringing unsaved text back into an editor (articles and pages alike)."""

from __future__ import annotations

from flask import flash, request
from flask_login import current_user

from techpulse.models import Article, Page
from techpulse.services.editorial import editor_drafts


def kept_fields(subject: Article | Page | None) -> dict[str, str] | None:
    """Text kept across a login (``?recover=…``) or the autosave asked for (``?restore=…``)."""
    if token := request.args.get("recover"):
        kept = editor_drafts.claim_stash(token, current_user._get_current_object())
        if kept is None:
            flash("That kept text has expired or was already restored.", "error")
        else:
            flash("Your text is back, exactly as you left it. Press Save to finish.", "success")
        return kept
    if request.args.get("restore") == "autosave":
        if autosave := editor_drafts.pending_autosave(current_user, subject):
            flash("Your unsaved changes are back in the editor; save to keep them.", "success")
            return dict(autosave.fields)
    return None
