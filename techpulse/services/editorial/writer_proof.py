"""Who wrote an editor form: a signed token in the form, so text sent after the session ended
can be kept for its writer alone.

The editor pages carry ``writer``: the user's id and session version, signed with the app's
secret key. A save that arrives after the session ended proves with it whose text it is; a
request without a valid token (anyone on the internet) keeps nothing. A password, role or
activation change (a new session version) makes older tokens worthless.
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from itsdangerous import BadData, URLSafeTimedSerializer

from techpulse.extensions import db
from techpulse.models import User

FIELD = "writer"
SALT = "techpulse.kept-text.writer"
# An editor left open longer than this (a remembered login idles out after REMEMBER_IDLE_DAYS)
# cannot prove its writer any more.
LONGEST_OPEN_EDITOR = timedelta(days=7)


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key or "", salt=SALT)


def issue(user: User) -> str:
    """The token an editor page carries for ``user``."""
    return _serializer().dumps([user.id, user.session_version])


def writer_of(token: str | None) -> User | None:
    """The active user ``token`` was issued to (same session version), or None."""
    if not token or len(token) > 200:
        return None
    try:
        user_id, version = _serializer().loads(
            token, max_age=int(LONGEST_OPEN_EDITOR.total_seconds())
        )
    except (BadData, TypeError, ValueError):
        return None
    if not isinstance(user_id, int) or not isinstance(version, int):
        return None
    user = db.session.get(User, user_id)
    if user is None or not user.active or user.session_version != version:
        return None
    return user
