"""Server-side staff sessions: every login is a row, so logging out really ends it.

The session cookie carries a random key and the "keep me logged in" cookie a selector and a
secret; only SHA-256 hashes of them are stored. A row ends at logout, after the idle or
absolute limit, or when the user's password, role or activation changes (session_version).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app, has_request_context, request
from sqlalchemy import select

from techpulse.clock import utcnow
from techpulse.extensions import db
from techpulse.models import StaffSession, User
from techpulse.services import audit

# seen_at is written at most this often, so browsing does not write on every request.
TOUCH_EVERY = timedelta(seconds=60)


@dataclass(frozen=True)
class Issued:
    """A started or renewed session and the cookie values to hand to the browser."""

    row: StaffSession
    key: str
    remember_cookie: str | None


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _limits(row: StaffSession) -> tuple[timedelta, timedelta]:
    """(idle, absolute) limits: remembered logins last longer, but never for ever."""
    config = current_app.config
    if row.remembered:
        return timedelta(days=config["REMEMBER_IDLE_DAYS"]), config["REMEMBER_COOKIE_DURATION"]
    return timedelta(minutes=config["SESSION_IDLE_MINUTES"]), timedelta(
        hours=config["SESSION_MAX_HOURS"]
    )


def expires_at(row: StaffSession) -> datetime:
    """When ``row`` ends if nothing else ends it first."""
    idle, longest = _limits(row)
    return min(row.seen_at + idle, row.created_at + longest)


def _usable(row: StaffSession | None) -> bool:
    if row is None or row.ended_at is not None:
        return False
    user = db.session.get(User, row.user_id)
    if user is None or not user.active or user.session_version != row.user_version:
        return False
    if utcnow() >= expires_at(row):
        row.ended_at = utcnow()
        db.session.commit()
        return False
    return True


def _new_remember(row: StaffSession) -> str:
    # The selector stays for the life of the login; the secret changes at every use.
    selector, secret = row.remember_selector or secrets.token_hex(16), secrets.token_urlsafe(32)
    row.remember_selector, row.remember_hash = selector, _hash(secret)
    return f"{selector}.{secret}"


def start(user: User, remember: bool) -> Issued:
    """A new session row for ``user`` (committed)."""
    key = secrets.token_urlsafe(32)
    now = utcnow()
    row = StaffSession(
        user_id=user.id, key_hash=_hash(key), user_version=user.session_version,
        created_at=now, seen_at=now, **_client(),
    )  # fmt: skip
    cookie = _new_remember(row) if remember else None
    db.session.add(row)
    db.session.commit()
    return Issued(row, key, cookie)


def _client() -> dict[str, str]:
    if not has_request_context():
        return {"ip": "", "user_agent": ""}
    agent = request.headers.get("User-Agent", "")
    return {"ip": (request.remote_addr or "")[:45], "user_agent": agent[:200]}


def by_key(key: str | None) -> StaffSession | None:
    """The live session whose cookie key is ``key``."""
    if not key:
        return None
    row = db.session.scalar(select(StaffSession).where(StaffSession.key_hash == _hash(key)))
    return row if _usable(row) else None


def touch(row: StaffSession) -> None:
    """Note activity (for the idle limit), at most once a minute."""
    now = utcnow()
    if now - row.seen_at >= TOUCH_EVERY:
        row.seen_at = now
        db.session.commit()


def renew_from_remember(cookie: str | None) -> Issued | None:
    """Rotate a valid remember cookie: new session key, new remember secret (committed).

    A cookie whose selector is known but whose secret is wrong is a stolen or replayed old
    cookie, so the login it belongs to ends.
    """
    selector, _, secret = (cookie or "").partition(".")
    if not selector or not secret:
        return None
    query = select(StaffSession).where(StaffSession.remember_selector == selector)
    row = db.session.scalar(query)
    if row is None:
        return None
    if not hmac.compare_digest(row.remember_hash or "", _hash(secret)):
        end(row)
        return None
    if not _usable(row):
        return None
    key = secrets.token_urlsafe(32)
    row.key_hash = _hash(key)
    row.seen_at = utcnow()
    new_cookie = _new_remember(row)
    db.session.commit()
    return Issued(row, key, new_cookie)


def end(row: StaffSession) -> None:
    """End one session at logout (committed, and in the audit log)."""
    if row.ended_at is None:
        row.ended_at = utcnow()
        audit.record("logout", row.user.email, actor=row.user, subject=row.user)
    row.remember_selector = row.remember_hash = None
    db.session.commit()
