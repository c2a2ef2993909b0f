"""Staff accounts."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import Boolean, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from techpulse.clock import utcnow
from techpulse.extensions import db
from techpulse.models.types import UTCDateTime


class Role(StrEnum):
    """Staff roles, each including everything the one before it may do."""

    AUTHOR = "author"
    EDITOR = "editor"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return list(Role).index(self)


class User(UserMixin, db.Model):
    """A member of staff: an author on the public site and, with a password, a login."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    slug: Mapped[str] = mapped_column(String(140), unique=True)
    role: Mapped[str] = mapped_column(String(16), default=Role.AUTHOR.value)
    bio: Mapped[str] = mapped_column(Text, default="")
    password_hash: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Bumped whenever a session must end (password, role or activation change).
    session_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def is_active(self) -> bool:  # Flask-Login: inactive users cannot log in
        return self.active

    def get_id(self) -> str:
        """Session identity; carries the version so a bump logs every session out."""
        return f"{self.id}:{self.session_version}"

    def has_role(self, role: Role) -> bool:
        """Whether this user's role is ``role`` or above."""
        return Role(self.role).rank >= role.rank

    def __repr__(self) -> str:
        return f"<User {self.email}>"
