"""Between the password and the session: the pending two-factor step of a login."""

from __future__ import annotations

from flask import redirect, session, url_for
from werkzeug.wrappers import Response

from techpulse.auth import sessions
from techpulse.clock import utcnow
from techpulse.extensions import db
from techpulse.models import User
from techpulse.services.access import two_factor

PENDING = "pending_login"
PENDING_SECONDS = 300  # the code must follow the password within five minutes


def after_password(user: User, remember: bool, next_url: str) -> Response:
    """Log in now, or ask for the second factor first when ``user`` has enrolled."""
    if not two_factor.enabled(user):
        sessions.start_session(user, remember)
        return redirect(next_url)
    session.clear()
    session[PENDING] = {
        "user": user.id,
        "version": user.session_version,
        "remember": bool(remember),
        "next": next_url,
        "at": int(utcnow().timestamp()),
    }
    return redirect(url_for("two_factor.login"))


def pending_user() -> User | None:
    """The user who gave the right password and still owes a code, if still in time."""
    pending = session.get(PENDING)
    if (
        not isinstance(pending, dict)
        or utcnow().timestamp() - pending.get("at", 0) > PENDING_SECONDS
    ):
        return None
    user = db.session.get(User, pending.get("user"))
    if user is None or not user.active or user.session_version != pending.get("version"):
        return None
    return user


def finish(user: User) -> Response:
    """The code was right: start the real session and go where the user was heading."""
    pending = session.get(PENDING) or {}
    sessions.start_session(user, bool(pending.get("remember")))
    return redirect(pending.get("next") or url_for("admin.dashboard"))
