"""The audit log in the staff area: who did what, when and from where."""

from __future__ import annotations

from flask import render_template, request

from techpulse.admin.blueprint import bp
from techpulse.auth.policy import requires
from techpulse.models import Role
from techpulse.pagination import ensure_page_exists, requested_page
from techpulse.services import audit as audit_log

PER_PAGE = 50


@bp.get("/audit")
@requires(Role.ADMIN)
def audit() -> str:
    """Audit events, newest first, filtered by action and paginated."""
    actions = audit_log.logged_actions()
    action = request.args.get("action", "")
    action = action if action in actions else ""
    events = audit_log.recent_events(requested_page(), PER_PAGE, action)
    ensure_page_exists(events)
    return render_template("admin/audit.html", events=events, actions=actions, action=action)
