"""The desk's own records: review comments, notices to staff, e-mail to send, preview links.

None of these is shown to the public (a preview link shows a draft only to who holds it).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from techpulse.clock import utcnow
from techpulse.extensions import db
from techpulse.models.accounts import User
from techpulse.models.contact import NotificationStatus
from techpulse.models.types import UTCDateTime


class CommentKind(StrEnum):
    """What a review comment records: a remark, or a decision with its reason."""

    COMMENT = "comment"
    SENT_BACK = "sent_back"
    APPROVED = "approved"


class ArticleComment(db.Model):
    """A remark on a story in review, kept with the story; replies name their parent."""

    __tablename__ = "article_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("article_comments.id", ondelete="CASCADE")
    )
    kind: Mapped[str] = mapped_column(String(16), default=CommentKind.COMMENT.value)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<ArticleComment {self.id} on {self.article_id}>"


class StaffNotice(db.Model):
    """An in-app notice for one member of staff, shown on their dashboard until read."""

    __tablename__ = "staff_notices"
    __table_args__ = (Index("ix_staff_notices_unread", "user_id", "read_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    article_id: Mapped[int | None] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<StaffNotice {self.id} for {self.user_id}>"


class OutgoingMail(db.Model):
    """An e-mail to staff, kept until it is sent (retried like contact notifications)."""

    __tablename__ = "outgoing_mails"

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    link: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status: Mapped[str] = mapped_column(
        String(12), default=NotificationStatus.PENDING.value, index=True
    )
    attempts: Mapped[int] = mapped_column(default=0)
    error: Mapped[str] = mapped_column(String(500), default="")
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<OutgoingMail {self.id} to {self.recipient}>"


class PreviewLink(db.Model):
    """A shareable link to a story's saved draft: signed, expiring, revocable."""

    __tablename__ = "preview_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    created_by: Mapped[User | None] = relationship()

    def is_open(self, now: datetime) -> bool:
        """Whether the link still shows the draft at ``now``."""
        return self.revoked_at is None and now < self.expires_at

    def __repr__(self) -> str:
        return f"<PreviewLink {self.id} of {self.article_id}>"
