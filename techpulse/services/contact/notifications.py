"""Telling staff about a new contact message by e-mail: claim, send, record, retry."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import ColumnElement, or_, select, update

from techpulse.clock import utcnow
from techpulse.extensions import db
from techpulse.models import ContactMessage, NotificationStatus
from techpulse.services import mail
from techpulse.services.site import site_settings

RETRYABLE = (NotificationStatus.PENDING.value, NotificationStatus.FAILED.value)


def _claimable(now: datetime) -> ColumnElement[bool]:
    """Messages waiting to be sent, or claimed by a process that has not finished in time."""
    stale = now - timedelta(minutes=int(current_app.config["CONTACT_CLAIM_STALE_MINUTES"]))
    return or_(
        ContactMessage.notification_status.in_(RETRYABLE),
        (ContactMessage.notification_status == NotificationStatus.SENDING.value)
        & (ContactMessage.notification_claimed_at < stale),
    )


def _claim(message_id: int) -> bool:
    """Atomically mark a message "sending"; False when another process has it or it is done."""
    now = utcnow()
    result = db.session.execute(
        update(ContactMessage)
        .where(ContactMessage.id == message_id, _claimable(now))
        .values(notification_status=NotificationStatus.SENDING.value, notification_claimed_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount == 1


def _record(message_id: int, status: NotificationStatus, error: str = "") -> None:
    values: dict[str, object] = {
        "notification_status": status.value,
        "notification_error": error[:500],
        "notification_attempts": ContactMessage.notification_attempts + 1,
    }
    if status == NotificationStatus.SENT:
        values["notified_at"] = utcnow()
    db.session.execute(
        update(ContactMessage)
        .where(ContactMessage.id == message_id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def deliver_notification(message_id: int) -> NotificationStatus | None:
    """Claim a message and e-mail staff about it; None when there was nothing to send."""
    recipient = site_settings().contact_email
    # Every write below starts its own transaction: on SQLite a transaction that read first
    # cannot wait for the write lock, so reads are committed (ended) before each write.
    db.session.commit()
    if not mail.mail_configured() or not recipient or not _claim(message_id):
        return None
    message = db.session.get(ContactMessage, message_id, populate_existing=True)
    email = notification_email(message, recipient)
    db.session.commit()
    try:
        mail.send(email)
    except mail.MailError as error:
        _record(message_id, NotificationStatus.FAILED, str(error))
        return NotificationStatus.FAILED
    _record(message_id, NotificationStatus.SENT)
    if current_app.config.get("CONTACT_AUTOREPLY"):
        _send_autoreply(message, recipient)
    return NotificationStatus.SENT


def notification_email(message: ContactMessage, recipient: str) -> mail.EmailMessage:
    """The e-mail telling staff about a new message."""
    subject = f"[{message.reference}] {message.topic_label}: {message.name}"
    lines = [
        f"New message from the contact form ({message.reference}).",
        "",
        f"Name:    {message.name}",
        f"E-mail:  {message.email}",
        f"Company: {message.company or '—'}",
        f"Phone:   {message.phone or '—'}",
        f"Topic:   {message.topic_label}",
        f"Budget:  {message.budget_label or '—'}",
        "",
        message.message,
    ]
    sender = mail.sender_address(fallback=recipient)
    return mail.build_message(
        recipient, subject, "\n".join(lines), sender, reply_to=message.email,
        from_name=f"{site_settings().site_name} contact form",
    )  # fmt: skip


def _send_autoreply(message: ContactMessage, recipient: str) -> None:
    settings = site_settings()
    body = (
        f"Dear {message.name},\n\nthank you for contacting {settings.company_name}. "
        f"We received your message (reference {message.reference}) and will reply soon.\n"
    )
    sender = mail.sender_address(fallback=recipient)
    email = mail.build_message(
        message.email, f"We received your message [{message.reference}]", body, sender,
        reply_to=recipient, from_name=settings.company_name,
    )  # fmt: skip
    try:
        mail.send(email)
    except mail.MailError as error:  # a courtesy only: never retried
        current_app.logger.warning("Auto-reply for %s not sent: %s", message.reference, error)


def retry_notifications() -> dict[str, int]:
    """Send every pending or failed notification (and stale claims); counts by outcome."""
    candidates = db.session.scalars(
        select(ContactMessage.id)
        .where(
            _claimable(utcnow()),
            ContactMessage.notification_attempts < int(current_app.config["CONTACT_MAX_ATTEMPTS"]),
        )
        .order_by(ContactMessage.id)
    ).all()
    counts = {"sent": 0, "failed": 0, "skipped": 0}
    for message_id in candidates:
        outcome = deliver_notification(message_id)
        counts[outcome.value if outcome else "skipped"] += 1
    return counts
