"""The staff inbox of contact messages: listing, search, status, notes, delete, CSV export."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from urllib.parse import quote

from flask import g
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.sql import Select

from techpulse.clock import site_time, utcnow
from techpulse.extensions import db
from techpulse.models import ContactMessage, MessageStatus, User
from techpulse.services import audit
from techpulse.services.csv_export import BOM, safe_cell

# Filters of the list: "" is the inbox (everything but archived and spam).
FILTERS = {"": "Inbox", "all": "All messages", **{s.value: s.value.title() for s in MessageStatus}}
CSV_COLUMNS = (
    ("reference", "Reference"),
    ("created_at", "Received (UTC)"),
    ("status", "Status"),
    ("name", "Name"),
    ("email", "E-mail"),
    ("company", "Company"),
    ("phone", "Phone"),
    ("topic_label", "Topic"),
    ("budget_label", "Budget"),
    ("message", "Message"),
    ("spam_reason", "Spam reason"),
    ("notification_status", "Notification"),
)


def _filtered(status: str, search: str) -> Select:
    query = select(ContactMessage)
    if status == "":
        hidden = (MessageStatus.ARCHIVED.value, MessageStatus.SPAM.value)
        query = query.where(ContactMessage.status.not_in(hidden))
    elif status != "all":
        query = query.where(ContactMessage.status == status)
    search = search.strip().lower()
    if search:
        columns = (
            ContactMessage.name,
            ContactMessage.email,
            ContactMessage.company,
            ContactMessage.message,
            ContactMessage.reference,
        )
        query = query.where(
            or_(*(func.lower(c).contains(search, autoescape=True) for c in columns))
        )
    return query.order_by(ContactMessage.created_at.desc(), ContactMessage.id.desc())


def list_messages(status: str, search: str, page: int, per_page: int = 25) -> Pagination:
    """One page of messages matching a filter and a search, newest first."""
    return db.paginate(_filtered(status, search), page=page, per_page=per_page, error_out=False)


def unread_count() -> int:
    """How many genuine messages nobody has opened yet (one COUNT, once per request)."""
    if "unread_messages" not in g:
        g.unread_messages = db.session.scalar(
            select(func.count(ContactMessage.id)).where(
                ContactMessage.status == MessageStatus.NEW.value
            )
        )
    return g.unread_messages


def message_by_id(message_id: int) -> ContactMessage | None:
    """The message with this id."""
    return db.session.get(ContactMessage, message_id)


def open_message(message_id: int) -> ContactMessage | None:
    """The message for staff to read; a new one becomes "read" (best effort)."""
    message = db.session.get(ContactMessage, message_id)
    if message is None or message.status != MessageStatus.NEW.value:
        return message
    try:
        db.session.commit()  # end the read, so the update below queues for the write lock
        db.session.execute(
            update(ContactMessage)
            .where(ContactMessage.id == message_id, ContactMessage.status == "new")
            .values(status=MessageStatus.READ.value)
        )
        db.session.commit()
    except SQLAlchemyError:
        db.session.rollback()  # it stays "new"; reading it must still work
    return db.session.get(ContactMessage, message_id, populate_existing=True)


def set_status(message: ContactMessage, status: MessageStatus) -> None:
    """Move a message to another status and log who did it."""
    message.status = status.value
    audit.record("message.status", message.reference, status.value, subject=message)
    db.session.commit()


def add_note(message: ContactMessage, author: User, text: str) -> None:
    """Append an internal note, signed with who wrote it and when."""
    now = site_time(utcnow())
    stamp = f"{now:%Y-%m-%d %H:%M} {now.tzname()}"
    entry = f"— {author.name}, {stamp}\n{text.strip()}"
    message.notes = f"{message.notes}\n\n{entry}" if message.notes else entry
    audit.record("message.note_added", message.reference, text.strip()[:200], subject=message)
    db.session.commit()


def delete_message(message: ContactMessage) -> None:
    """Delete a message for good (admins only; the audit log keeps its reference)."""
    audit.record("message.deleted", message.reference, message.email)
    db.session.delete(message)
    db.session.commit()


def mailto_link(message: ContactMessage) -> str:
    """A mailto: URL replying to the sender with "Re: <topic> [<reference>]" prefilled."""
    return f"mailto:{quote(message.email, safe='@')}?subject={quote(message.reply_subject)}"


def export_csv(status: str, search: str) -> str:
    """Every message of a filtered list as CSV text (UTF-8 with BOM, for spreadsheets)."""
    messages: Iterable[ContactMessage] = db.session.scalars(_filtered(status, search))
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([label for _, label in CSV_COLUMNS])
    for message in messages:
        row = [getattr(message, name) for name, _ in CSV_COLUMNS]
        row[1] = message.created_at.strftime("%Y-%m-%d %H:%M:%S")
        writer.writerow([safe_cell(value) for value in row])
    return BOM + buffer.getvalue()
