"""Server-side staff sessions, login throttling counters and two-factor secrets."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from techpulse.clock import utcnow
from techpulse.extensions import db
from techpulse.models.accounts import User
from techpulse.models.types import UTCDateTime


class StaffSession(db.Model):
    """One login on one device; the cookies hold random keys whose hashes are stored here."""

    __tablename__ = "staff_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # SHA-256 of the key in the session cookie; replaced whenever the remember cookie is used.
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # "Keep me logged in": a selector to find the row and the hash of the secret beside it.
    remember_selector: Mapped[str | None] = mapped_column(String(32), unique=True)
    remember_hash: Mapped[str | None] = mapped_column(String(64))
    # The user's session_version at login: a password, role or activation change ends it.
    user_version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ip: Mapped[str] = mapped_column(String(45), default="")
    user_agent: Mapped[str] = mapped_column(String(200), default="")

    user: Mapped[User] = relationship()

    @property
    def remembered(self) -> bool:
        """Whether this login was made with "keep me logged in"."""
        return self.remember_selector is not None


class ThrottleHit(db.Model):
    """One counted attempt (a failed login, a reset request) under a throttling key."""

    __tablename__ = "throttle_hits"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(300), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class TwoFactor(db.Model):
    """A user's TOTP secret; ``confirmed_at`` is empty while enrolment awaits its first code."""

    __tablename__ = "two_factor"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    secret: Mapped[str] = mapped_column(String(64))
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The last 30-second time step accepted: that code and older ones are refused (no replay).
    last_step: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RecoveryCode(db.Model):
    """A one-time recovery code, stored as its SHA-256 hash."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    used: Mapped[bool] = mapped_column(Boolean, default=False)
