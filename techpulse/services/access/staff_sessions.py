"""Server-side staff sessions: every login is a row, so logging out really ends it.

The session cookie carries a random key and the "keep me logged in" cookie a selector and a
secret; only SHA-256 hashes of them are stored. A row ends at logout, after the idle or
absolute limit, or when the user's password, role or activation changes (session_version).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app, has_request_context, request
from sqlalchemy import select, update
from sqlalchemy.exc import OperationalError

from techpulse.clock import utcnow
from techpulse.extensions import db
from techpulse.models import StaffSession, User
from techpulse.services import audit

# seen_at is written at most this often, so browsing does not write on every request.
TOUCH_EVERY = timedelta(seconds=60)
# Rotating a remember cookie that another request rotates at the same moment: tries, and
# how long after a rotation the old cookie counts as another tab's, not as a replay.
ROTATION_ATTEMPTS = 4
ROTATION_GRACE = timedelta(seconds=5)


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
        try:
            db.session.commit()
        except OperationalError as error:
            # Two tabs of one session touching it at once (SQLite): one write is enough.
            db.session.rollback()
            if "locked" not in str(error.orig).lower():
                raise


class RotatedMeanwhile(Exception):
    """The remember cookie was rotated a moment ago by another request (another tab)."""


def renew_from_remember(cookie: str | None) -> Issued | None:
    """Rotate a valid remember cookie: new session key, new remember secret (committed).

    A cookie whose selector is known but whose secret is wrong is a stolen or replayed old
    cookie, so the login it belongs to ends. Within ROTATION_GRACE of a rotation it may be
    the same browser's other tab, sent at the same moment: that request is not logged in
    (RotatedMeanwhile), and the login does not end; the browser has the new cookie by then.
    """
    selector, _, secret = (cookie or "").partition(".")
    if not selector or not secret:
        return None
    for attempt in range(ROTATION_ATTEMPTS):
        try:
            return _rotate(selector, secret)
        except OperationalError as error:
            # SQLite: another request's rotation committed after this one began reading.
            db.session.rollback()
            if attempt + 1 == ROTATION_ATTEMPTS or "locked" not in str(error.orig).lower():
                raise
            time.sleep(0.02 * (attempt + 1))
    return None


def _rotate(selector: str, secret: str) -> Issued | None:
    row = db.session.scalar(select(StaffSession).where(StaffSession.remember_selector == selector))
    if row is None:
        return None
    if hmac.compare_digest(row.remember_hash or "", _hash(secret)):
        if not _usable(row):
            return None
        key, new_secret = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        changed = db.session.execute(
            update(StaffSession)
            .where(StaffSession.id == row.id, StaffSession.remember_hash == _hash(secret))
            .values(key_hash=_hash(key), remember_hash=_hash(new_secret), seen_at=utcnow())
        )
        db.session.commit()
        if changed.rowcount != 1:
            raise RotatedMeanwhile()
        return Issued(row, key, f"{selector}.{new_secret}")
    if row.ended_at is None and utcnow() - row.seen_at < ROTATION_GRACE:
        raise RotatedMeanwhile()
    end(row)
    return None


def end(row: StaffSession) -> None:
    """End one session at logout (committed, and in the audit log)."""
    if row.ended_at is None:
        row.ended_at = utcnow()
        audit.record("logout", row.user.email, actor=row.user, subject=row.user)
    row.remember_selector = row.remember_hash = None
    db.session.commit()
