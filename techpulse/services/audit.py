"""The audit log: every state change, who made it, when and from where; read in plain words.

``record`` adds an event to the caller's transaction; ``subject`` names the row it is about
(a story, a page, an image, a message, an account), so the log can link to it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from flask import has_request_context, request
from flask_login import current_user
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select, or_, select
from sqlalchemy.orm import joinedload

from techpulse.extensions import db
from techpulse.models import AuditEvent, User
from techpulse.services.audit_words import describe

__all__ = ["AuditEvent", "AuditFilters", "describe", "record", "recent_events", "who"]
from techpulse.services.csv_export import BOM, csv_line

SUBJECT_KINDS = {
    "Article": "article",
    "Page": "page",
    "Image": "image",
    "ContactMessage": "message",
    "User": "user",
}


def record(
    action: str,
    target: str = "",
    detail: str = "",
    actor: User | None = None,
    subject: object | None = None,
) -> None:
    """Add an audit event to the current transaction (the caller commits)."""
    if actor is None and has_request_context() and current_user.is_authenticated:
        actor = current_user._get_current_object()  # the real User row
    ip = (request.remote_addr or "") if has_request_context() else "cli"
    kind = SUBJECT_KINDS.get(type(subject).__name__, "") if subject is not None else ""
    db.session.add(
        AuditEvent(
            action=action,
            target=target[:200],
            detail=detail[:500],
            actor=actor,
            ip=ip[:45],
            subject_kind=kind,
            subject_id=getattr(subject, "id", None) if kind else None,
        )
    )


@dataclass(frozen=True)
class AuditFilters:
    """The audit page's filters; empty values filter nothing (``until`` is exclusive)."""

    action: str = ""
    actor_id: int | None = None
    q: str = ""
    since: datetime | None = None
    until: datetime | None = None


def _filtered(filters: AuditFilters) -> Select[tuple[AuditEvent]]:
    query = select(AuditEvent).options(joinedload(AuditEvent.actor))
    if filters.action:
        # "article" is every article.* action; "article.published" exactly that one.
        if "." in filters.action:
            query = query.where(AuditEvent.action == filters.action)
        else:
            query = query.where(AuditEvent.action.startswith(filters.action + ".", autoescape=True))
    if filters.actor_id:
        query = query.where(AuditEvent.actor_id == filters.actor_id)
    if words := filters.q.strip():
        query = query.where(
            or_(
                AuditEvent.target.icontains(words, autoescape=True),
                AuditEvent.detail.icontains(words, autoescape=True),
            )
        )
    if filters.since:
        query = query.where(AuditEvent.created_at >= filters.since)
    if filters.until:
        query = query.where(AuditEvent.created_at < filters.until)
    return query.order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())


def recent_events(
    page: int = 1, per_page: int = 50, filters: AuditFilters | None = None
) -> Pagination:
    """Audit events, newest first, filtered."""
    query = _filtered(filters or AuditFilters())
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def logged_actions() -> list[str]:
    """Every action that appears in the log, for the audit page's filter."""
    query = select(AuditEvent.action).distinct().order_by(AuditEvent.action)
    return list(db.session.scalars(query))


def actors() -> list[User]:
    """Everyone who appears in the log, by name, for the audit page's filter."""
    query = select(User).where(User.id.in_(select(AuditEvent.actor_id))).order_by(User.name)
    return list(db.session.scalars(query))


def who(event: AuditEvent) -> str:
    """Who did it: a name, the command line, or a visitor (a failed login, a reset request)."""
    if event.actor is not None:
        return event.actor.name
    return {"cli": "Command line", "schedule": "The site"}.get(event.ip, "A visitor")


def export_rows(filters: AuditFilters) -> Iterator[str]:
    """The filtered log as CSV lines (UTF-8 with BOM, safe from spreadsheet formulas)."""
    header = ["Time (UTC)", "Who", "What happened", "Action", "Target", "Detail", "IP"]
    yield BOM + csv_line(header)
    for event in db.session.scalars(_filtered(filters)).unique():
        when = event.created_at.strftime("%Y-%m-%d %H:%M:%S")
        row = [when, who(event), describe(event), event.action, event.target, event.detail]
        yield csv_line([*row, event.ip])
