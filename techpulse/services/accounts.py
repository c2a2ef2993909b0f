"""Staff accounts: loading the session's user."""

from __future__ import annotations

from techpulse.extensions import db
from techpulse.models import User


def user_for_session(identity: str) -> User | None:
    """The active user whose session identity ("id:version") is still current."""
    user_id, _, version = identity.partition(":")
    if not (user_id.isdigit() and version.isdigit()):
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.session_version != int(version):
        return None
    return user
