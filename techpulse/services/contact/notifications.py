"""Telling staff about a new contact message by e-mail: claim, send, record, retry."""

from __future__ import annotations

from flask import current_app

from techpulse.extensions import db
from techpulse.models import ContactMessage, NotificationStatus
from techpulse.services import mail
from techpulse.services.deliveries import Tracking, retry, send_tracked
from techpulse.services.site import site_settings
from techpulse.web.urls import link_anywhere

CONTACT = Tracking(
    model=ContactMessage,
    status=ContactMessage.notification_status,
    attempts=ContactMessage.notification_attempts,
    error=ContactMessage.notification_error,
    claimed_at=ContactMessage.notification_claimed_at,
    sent_at=ContactMessage.notified_at,
    stale_minutes_setting="CONTACT_CLAIM_STALE_MINUTES",
    max_attempts_setting="CONTACT_MAX_ATTEMPTS",
)


def deliver_notification(message_id: int) -> NotificationStatus | None:
    """Claim a message and e-mail staff about it; None when there was nothing to send."""
    recipient = site_settings().contact_email
    if not recipient:
        return None
    outcome = send_tracked(CONTACT, message_id, lambda row: notification_email(row, recipient))
    if outcome == NotificationStatus.SENT and current_app.config.get("CONTACT_AUTOREPLY"):
        _send_autoreply(db.session.get(ContactMessage, message_id), recipient)
    return outcome


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
    link = link_anywhere("admin.messages_view", message_id=message.id)
    return mail.build_message(
        recipient, subject, "\n".join(lines), sender, reply_to=message.email,
        from_name=f"{site_settings().site_name} contact form", link=link,
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
    return retry(CONTACT, deliver_notification)
