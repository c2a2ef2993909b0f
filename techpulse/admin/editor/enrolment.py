"""Two-factor login switched on while someone writes: their save keeps its text first."""

from __future__ import annotations

from flask import flash, redirect, request, session, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from techpulse.admin.editor.kept_text import EDITOR_PAGES, stash_posted_text
from techpulse.auth.two_factor import RESUME_AFTER_ENROLMENT
from techpulse.services.access import two_factor

KEPT = (
    "Two-factor login is now required on this site, so nothing was saved yet, but your text "
    "is kept: set up two-factor login and you go straight back to it."
)


def keep_text_before_enrolment() -> Response | None:
    """An editor save from someone who must now enrol: keep the text, enrol, then back to it."""
    if request.method != "POST" or request.endpoint not in EDITOR_PAGES:
        return None
    if not current_user.is_authenticated or not two_factor.required():
        return None
    if two_factor.enabled(current_user._get_current_object()):
        return None
    session[RESUME_AFTER_ENROLMENT] = stash_posted_text(current_user._get_current_object())
    flash(KEPT, "info")
    return redirect(url_for("two_factor.account"))
