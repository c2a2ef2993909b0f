"""Messages sent through the contact form, and the state of their staff notification."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from techpulse.clock import utcnow
from techpulse.extensions import db
from techpulse.models.types import UTCDateTime


class MessageStatus(StrEnum):
    """Where a message is in the staff inbox."""

    NEW = "new"
    READ = "read"
    REPLIED = "replied"
    ARCHIVED = "archived"
    SPAM = "spam"


class NotificationStatus(StrEnum):
    """Whether the e-mail telling staff about a message went out."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    SKIPPED = "skipped"


TOPICS = {
    "project": "New project",
    "partnership": "Partnership",
    "support": "Support",
    "careers": "Careers",
    "other": "Other",
}
BUDGETS = {
    "small": "Under US$5,000",
    "medium": "US$5,000–20,000",
    "large": "US$20,000–50,000",
    "xlarge": "Over US$50,000",
    "unsure": "Not sure yet",
}


class ContactMessage(db.Model):
    """One enquiry from the contact form; kept even when it looks like spam."""

    __tablename__ = "contact_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(16), unique=True)
    # The random token of the form that sent it: a resubmission stores nothing new.
    form_token: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str] = mapped_column(String(254))
    company: Mapped[str] = mapped_column(String(160), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    topic: Mapped[str] = mapped_column(String(20))
    budget: Mapped[str] = mapped_column(String(20), default="")
    message: Mapped[str] = mapped_column(Text)
    consent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status: Mapped[str] = mapped_column(String(12), default=MessageStatus.NEW.value, index=True)
    spam_reason: Mapped[str] = mapped_column(String(300), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    ip: Mapped[str] = mapped_column(String(45), default="")
    user_agent: Mapped[str] = mapped_column(String(300), default="")
    notification_status: Mapped[str] = mapped_column(
        String(12), default=NotificationStatus.PENDING.value, index=True
    )
    notification_attempts: Mapped[int] = mapped_column(default=0)
    notification_error: Mapped[str] = mapped_column(String(500), default="")
    notification_claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def topic_label(self) -> str:
        """The topic as the visitor saw it."""
        return TOPICS.get(self.topic, self.topic)

    @property
    def budget_label(self) -> str:
        """The budget range as the visitor saw it ("" when not given)."""
        return BUDGETS.get(self.budget, self.budget)

    @property
    def reply_subject(self) -> str:
        """Subject line for a reply: "Re: <topic> [<reference>]"."""
        return f"Re: {self.topic_label} [{self.reference}]"

    def __repr__(self) -> str:
        return f"<ContactMessage {self.reference}>"
