"""Receiving contact messages: store first, then notify staff by e-mail (and retry later)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app, g
from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from techpulse.clock import utcnow
from techpulse.extensions import db
from techpulse.models import ContactMessage, MessageStatus, NotificationStatus
from techpulse.services import mail, spam
from techpulse.services.site import default_settings, site_settings

REFERENCE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
RETRYABLE = (NotificationStatus.PENDING.value, NotificationStatus.FAILED.value)


class NotStored(Exception):
    """The database could not take the message; the visitor must try again."""


@dataclass
class Submission:
    """What the visitor sent, already validated by the form."""

    name: str
    email: str
    company: str
    phone: str
    topic: str
    budget: str
    message: str
    form_token: str
    honeypot: str = ""
    stamp: str = ""
    ip: str = ""
    user_agent: str = ""


def new_form_token() -> str:
    """A random token identifying one filled-in form (for idempotent submission)."""
    return secrets.token_urlsafe(24)


def new_reference() -> str:
    """A short public reference such as "CD-7F3K9Q"."""
    return "CD-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(6))


def message_by_reference(reference: str) -> ContactMessage | None:
    """The message with this public reference."""
    return db.session.scalar(select(ContactMessage).where(ContactMessage.reference == reference))


def _by_token(token: str) -> ContactMessage | None:
    return db.session.scalar(select(ContactMessage).where(ContactMessage.form_token == token))


def _build(submission: Submission) -> ContactMessage:
    reasons = spam.spam_reasons(submission.honeypot, submission.stamp, submission.message)
    message = ContactMessage(
        reference=new_reference(),
        form_token=submission.form_token,
        name=submission.name,
        email=submission.email,
        company=submission.company,
        phone=submission.phone,
        topic=submission.topic,
        budget=submission.budget,
        message=submission.message,
        ip=submission.ip[:45],
        user_agent=submission.user_agent[:300],
    )
    if reasons:
        message.status = MessageStatus.SPAM.value
        message.spam_reason = "; ".join(reasons)[:300]
        message.notification_status = NotificationStatus.SKIPPED.value
        message.notification_error = "Marked as spam: staff were not e-mailed."
    elif not (mail.mail_configured() and site_settings().contact_email):
        message.notification_status = NotificationStatus.SKIPPED.value
        message.notification_error = "E-mail is not configured: nothing was sent."
    return message


def store_message(submission: Submission) -> ContactMessage:
    """Commit the message (once per form token); raise :class:`NotStored` if the DB fails."""
    for _attempt in range(3):
        try:
            existing = _by_token(submission.form_token)
            if existing is not None:
                return existing
            message = _build(submission)
            db.session.add(message)
            db.session.commit()
            return message
        except IntegrityError:
            # Same token committed by a concurrent request, or a reference collision.
            db.session.rollback()
        except SQLAlchemyError as error:
            db.session.rollback()
            current_app.logger.error("Contact message not stored: %s", error)
            raise NotStored from error
    raise NotStored("could not store the message")


def use_offline_defaults() -> None:
    """After a failed store, let the page render without the database (settings, menu)."""
    # Rows loaded before the rollback are expired, and reading them again would need the
    # database that just failed; the built-in defaults are good enough for this one page.
    g.site_settings = default_settings()
    g.navigation_categories = []
    g.footer_pages = []


def receive_message(submission: Submission) -> ContactMessage:
    """Store the message, then try to notify staff; the notification can never fail this."""
    message = store_message(submission)
    reference, message_id = message.reference, message.id
    try:
        deliver_notification(message_id)
    except Exception:  # noqa: BLE001 - the message is safe; the retry command sends later
        db.session.rollback()
        current_app.logger.exception("Contact notification for %s not sent", reference)
    return db.session.get(ContactMessage, message_id) or message


def _claim(message_id: int) -> bool:
    """Atomically mark a message "sending"; False when another process has it or it is done."""
    now = utcnow()
    stale = now - timedelta(minutes=int(current_app.config["CONTACT_CLAIM_STALE_MINUTES"]))
    claimable = or_(
        ContactMessage.notification_status.in_(RETRYABLE),
        (ContactMessage.notification_status == NotificationStatus.SENDING.value)
        & (ContactMessage.notification_claimed_at < stale),
    )
    result = db.session.execute(
        update(ContactMessage)
        .where(ContactMessage.id == message_id, claimable)
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
    stale = utcnow() - timedelta(minutes=int(current_app.config["CONTACT_CLAIM_STALE_MINUTES"]))
    candidates = db.session.scalars(
        select(ContactMessage.id)
        .where(
            or_(
                ContactMessage.notification_status.in_(RETRYABLE),
                (ContactMessage.notification_status == NotificationStatus.SENDING.value)
                & (ContactMessage.notification_claimed_at < stale),
            ),
            ContactMessage.notification_attempts < int(current_app.config["CONTACT_MAX_ATTEMPTS"]),
        )
        .order_by(ContactMessage.id)
    ).all()
    counts = {"sent": 0, "failed": 0, "skipped": 0}
    for message_id in candidates:
        outcome = deliver_notification(message_id)
        counts[outcome.value if outcome else "skipped"] += 1
    return counts
