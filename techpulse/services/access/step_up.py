"""Proving it is really you before removing a two-factor login.

A session alone (a stolen cookie, an unlocked laptop) must not be enough to take away a
second factor: the acting person types their password, plus a current code when the second
factor is their own. Every refusal is audited and counts toward the login throttle.
"""

from __future__ import annotations

from flask import current_app

from techpulse.extensions import db
from techpulse.models import User
from techpulse.services import audit
from techpulse.services.access import accounts, throttle, two_factor

WRONG_PASSWORD = "That is not your password; nothing was changed."
WRONG_CODE = "That code is not right, or was already used; nothing was changed."
TOO_MANY = "Too many wrong attempts; nothing was changed. Try again later."


def confirm_removal(actor: User, target: User, password: str, code: str) -> str | None:
    """None when ``actor`` may remove ``target``'s two-factor login, else why not (audited)."""
    key = f"step-up:{actor.id}"
    if throttle.exceeded(key, current_app.config["LOGIN_LIMIT_PER_ACCOUNT"]):
        return _refused(actor, target, "throttled", TOO_MANY, key=None)
    if not accounts.verify_password(actor, password or ""):
        return _refused(actor, target, "wrong password", WRONG_PASSWORD, key)
    if actor.id == target.id and not two_factor.verify(actor, code or ""):
        return _refused(actor, target, "wrong code", WRONG_CODE, key)
    return None


def _refused(actor: User, target: User, why: str, message: str, key: str | None) -> str:
    if key is not None:
        throttle.hit(key)
    audit.record("two_factor.removal_refused", target.email, why, actor=actor)
    db.session.commit()
    return message
