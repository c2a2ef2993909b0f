"""Sending e-mail about a stored row, once, with retries: claim it, send, record the outcome.

Contact notifications and the staff outbox both keep their e-mail's state on their own row
(status, attempts, last error, when claimed, when sent); :class:`Tracking` names those columns
and everything else is shared. A claim is an atomic UPDATE, so two processes never send the
same e-mail; a claim left by a process that died is taken over after a while.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Any

from flask import current_app
from sqlalchemy import ColumnElement, or_, select, update

from techpulse.clock import utcnow
from techpulse.extensions import db
from techpulse.models import NotificationStatus
from techpulse.services import mail

RETRYABLE = (NotificationStatus.PENDING.value, NotificationStatus.FAILED.value)


@dataclass(frozen=True)
class Tracking:
    """Where one kind of row keeps the state of its e-mail, and the settings that govern it."""

    model: Any
    status: Any
    attempts: Any
    error: Any
    claimed_at: Any
    sent_at: Any
    stale_minutes_setting: str
    max_attempts_setting: str

    def claimable(self, now: datetime) -> ColumnElement[bool]:
        """Rows waiting to be sent, or claimed by a process that has not finished in time."""
        minutes = int(current_app.config[self.stale_minutes_setting])
        return or_(
            self.status.in_(RETRYABLE),
            (self.status == NotificationStatus.SENDING.value)
            & (self.claimed_at < now - timedelta(minutes=minutes)),
        )

    def claim(self, row_id: int) -> bool:
        """Atomically mark a row "sending"; False when another process has it or it is done."""
        now = utcnow()
        result = db.session.execute(
            update(self.model)
            .where(self.model.id == row_id, self.claimable(now))
            .values({self.status: NotificationStatus.SENDING.value, self.claimed_at: now})
            .execution_options(synchronize_session=False)
        )
        db.session.commit()
        return result.rowcount == 1

    def record(self, row_id: int, status: NotificationStatus, error: str = "") -> None:
        """Store the outcome of one attempt."""
        values: dict[Any, object] = {
            self.status: status.value,
            self.error: error[:500],
            self.attempts: self.attempts + 1,
        }
        if status == NotificationStatus.SENT:
            values[self.sent_at] = utcnow()
        db.session.execute(
            update(self.model)
            .where(self.model.id == row_id)
            .values(values)
            .execution_options(synchronize_session=False)
        )
        db.session.commit()

    def due(self) -> list[int]:
        """Ids of the rows to try again: pending, failed or stale, under the attempt limit."""
        limit = int(current_app.config[self.max_attempts_setting])
        query = select(self.model.id).where(self.claimable(utcnow()), self.attempts < limit)
        return list(db.session.scalars(query.order_by(self.model.id)))


def send_tracked(
    tracking: Tracking, row_id: int, build: Callable[[Any], EmailMessage]
) -> NotificationStatus | None:
    """Claim the row, send the e-mail ``build`` makes of it and record how it went.

    None when nothing was sent: no mail server, or the row is taken or done.
    """
    # Every write below starts its own transaction: on SQLite a transaction that read first
    # cannot wait for the write lock, so reads are committed (ended) before each write.
    db.session.commit()
    if not mail.mail_configured() or not tracking.claim(row_id):
        return None
    row = db.session.get(tracking.model, row_id, populate_existing=True)
    email = build(row)
    db.session.commit()
    try:
        mail.send(email)
    except mail.MailError as error:
        tracking.record(row_id, NotificationStatus.FAILED, str(error))
        return NotificationStatus.FAILED
    tracking.record(row_id, NotificationStatus.SENT)
    return NotificationStatus.SENT


def retry(
    tracking: Tracking, deliver: Callable[[int], NotificationStatus | None]
) -> dict[str, int]:
    """Deliver every row that is due again; counts by outcome (sent, failed, skipped)."""
    counts = {"sent": 0, "failed": 0, "skipped": 0}
    for row_id in tracking.due():
        outcome = deliver(row_id)
        counts[outcome.value if outcome else "skipped"] += 1
    return counts
