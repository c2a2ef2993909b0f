"""The audit log: who published, unpublished, deleted, changed roles or settings, failed logins."""

from __future__ import annotations

from flask import has_request_context, request
from flask_login import current_user
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from techpulse.extensions import db
from techpulse.models import AuditEvent, User


def record(action: str, target: str = "", detail: str = "", actor: User | None = None) -> None:
    """Add an audit event to the current transaction (the caller commits)."""
    if actor is None and has_request_context() and current_user.is_authenticated:
        actor = current_user._get_current_object()  # the real User row
    ip = (request.remote_addr or "") if has_request_context() else "cli"
    db.session.add(
        AuditEvent(action=action, target=target[:200], detail=detail[:500], actor=actor, ip=ip[:45])
    )


def recent_events(page: int = 1, per_page: int = 50, action: str = "") -> Pagination:
    """Audit events, newest first, optionally of one action."""
    query = select(AuditEvent).options(joinedload(AuditEvent.actor))
    if action:
        query = query.where(AuditEvent.action == action)
    query = query.order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def logged_actions() -> list[str]:
    """Every action that appears in the log, for the audit page's filter."""
    query = select(AuditEvent.action).distinct().order_by(AuditEvent.action)
    return list(db.session.scalars(query))
