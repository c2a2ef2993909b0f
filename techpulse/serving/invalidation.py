"""Every committed write to what the public sees bumps the page-cache generation.

Hooked on the database session itself, not on individual services, so no write path — the
editor, the importer, the seeder, a CLI command, a future service — can bypass it.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import current_app, has_app_context
from sqlalchemy import TextClause, inspect
from sqlalchemy.orm import ORMExecuteState, Session

from techpulse.database import listen_once
from techpulse.extensions import db

log = logging.getLogger(__name__)

DIRTY = "techpulse.page_cache_dirty"
EXTENSION = "techpulse.page_cache"

# Tables no public page shows. Anything else (including tables added later) invalidates:
# a needless bump costs one render; a missed one would show stale pages.
# Logins, throttling and two-factor rows change on every staff request or failed login: if
# they invalidated, anyone could empty the cache by failing to log in.
PRIVATE_TABLES = frozenset(
    {
        "revisions",
        "audit_events",
        "contact_messages",
        "page_cache_generation",
        "staff_sessions",
        "throttle_hits",
        "two_factor",
        "recovery_codes",
        "import_runs",
        "editor_drafts",  # autosaves: work in progress, never shown to the public
        # The desk's own records (services/editorial/review.py, outbox, preview links).
        "article_comments",
        "staff_notices",
        "outgoing_mails",
        "preview_links",
    }
)
# Columns of users that only concern logging in: changing them alters no public page.
PRIVATE_USER_COLUMNS = frozenset({"last_login_at", "session_version", "password_hash"})


def _touches_public(instance: Any, *, changed_only: bool) -> bool:
    table = getattr(instance, "__tablename__", None)
    if table in PRIVATE_TABLES:
        return False
    if changed_only and table == "users":
        state = inspect(instance)
        changed = {attr.key for attr in state.attrs if attr.history.has_changes()}
        return bool(changed - PRIVATE_USER_COLUMNS)
    return True


def _after_flush(session: Session, _context: Any) -> None:
    if session.info.get(DIRTY):
        return
    if any(_touches_public(obj, changed_only=False) for obj in (*session.new, *session.deleted)):
        session.info[DIRTY] = True
    elif any(_touches_public(obj, changed_only=True) for obj in session.dirty):
        session.info[DIRTY] = True


def _on_orm_execute(state: ORMExecuteState) -> None:
    # Bulk INSERT/UPDATE/DELETE statements skip the flush; catch them here, and any raw SQL
    # that is not a plain SELECT (we cannot tell which table it touches).
    if isinstance(state.statement, TextClause):
        if not str(state.statement).lstrip().upper().startswith(("SELECT", "PRAGMA")):
            state.session.info[DIRTY] = True
        return
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    mapper = state.bind_mapper
    table = getattr(getattr(mapper, "local_table", None), "name", None)
    if table not in PRIVATE_TABLES:
        state.session.info[DIRTY] = True


def _after_commit(session: Session) -> None:
    if not session.info.pop(DIRTY, False) or not has_app_context():
        return
    cache = current_app.extensions.get(EXTENSION)
    if cache is not None:
        cache.invalidate()


def _after_rollback(session: Session) -> None:
    session.info.pop(DIRTY, None)


def install() -> None:
    """Listen on the application's database session (once per process)."""
    listen_once(
        db.session,
        (
            ("after_flush", _after_flush),
            ("do_orm_execute", _on_orm_execute),
            ("after_commit", _after_commit),
            ("after_rollback", _after_rollback),
        ),
    )
