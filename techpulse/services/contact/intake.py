"""Receiving contact messages: store first, then hand over to the staff notification."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from flask import current_app, g
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from techpulse.extensions import db
from techpulse.models import ContactMessage, MessageStatus, NotificationStatus
from techpulse.services import mail
from techpulse.services.contact import spam
from techpulse.services.contact.notifications import deliver_notification
from techpulse.services.site import default_settings, site_settings

REFERENCE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


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
    g.about_is_draft = False


def receive_message(submission: Submission) -> ContactMessage:
    """Store the message, then try to notify staff; the notification can never fail this."""
    message = store_message(submission)
    reference, message_id = message.reference, message.id
    try:
        deliver_notification(message_id)
    except Exception:  # the message is safe; the retry command sends later
        db.session.rollback()
        current_app.logger.exception("Contact notification for %s not sent", reference)
    return db.session.get(ContactMessage, message_id) or message
