"""E-mail to staff about the desk's work (a story submitted, sent back, approved), kept until sent.

A message is queued in the same transaction as the change it is about, sent right after that
commits, and retried by ``flask mail retry`` when the mail server was away (the same claim,
send and record steps as contact notifications: ``services/deliveries.py``).
"""

from __future__ import annotations

from techpulse.extensions import db
from techpulse.models import NotificationStatus, OutgoingMail
from techpulse.services import mail
from techpulse.services.deliveries import Tracking, retry, send_tracked
from techpulse.services.site import site_settings

OUTBOX = Tracking(
    model=OutgoingMail,
    status=OutgoingMail.status,
    attempts=OutgoingMail.attempts,
    error=OutgoingMail.error,
    claimed_at=OutgoingMail.claimed_at,
    sent_at=OutgoingMail.sent_at,
    stale_minutes_setting="MAIL_CLAIM_STALE_MINUTES",
    max_attempts_setting="MAIL_MAX_ATTEMPTS",
)


def queue(recipient: str, subject: str, body: str, link: str = "") -> OutgoingMail:
    """Add an e-mail to send once the caller commits (skipped when no mail server is set)."""
    status = NotificationStatus.PENDING if mail.mail_configured() else NotificationStatus.SKIPPED
    row = OutgoingMail(
        recipient=recipient[:254],
        subject=" ".join(subject.split())[:300],
        body=body,
        link=link[:500],
        status=status.value,
    )
    db.session.add(row)
    return row


def email_of(row: OutgoingMail) -> mail.EmailMessage:
    """The e-mail a queued row stands for."""
    settings = site_settings()
    sender = mail.sender_address(fallback=settings.contact_email or "newsroom@localhost")
    return mail.build_message(
        row.recipient, row.subject, row.body, sender, from_name=settings.site_name, link=row.link
    )


def deliver(mail_id: int) -> NotificationStatus | None:
    """Send one queued e-mail now; None when there was nothing to send."""
    return send_tracked(OUTBOX, mail_id, email_of)


def deliver_all(mail_ids: list[int]) -> None:
    """After the commit that queued them: send each; a failure waits for ``flask mail retry``."""
    for mail_id in mail_ids:
        deliver(mail_id)


def retry_mail() -> dict[str, int]:
    """Send every queued e-mail that is pending, failed or stuck; counts by outcome."""
    return retry(OUTBOX, deliver)
