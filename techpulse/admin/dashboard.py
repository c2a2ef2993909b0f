"""The staff dashboard."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user

from techpulse.admin.blueprint import bp
from techpulse.auth.policy import required_role
from techpulse.services import audit, newsroom


@bp.get("/")
def dashboard() -> str:
    """Counts by status, the review queue, what is scheduled; recent activity for admins."""
    # The activity feed is the audit log (failed logins, role changes…): same role as its page.
    sees_audit = current_user.has_role(required_role("admin.audit"))
    return render_template(
        "admin/dashboard.html",
        counts=newsroom.status_counts(),
        review=newsroom.awaiting_review(),
        upcoming=newsroom.upcoming(),
        activity=audit.recent_events(per_page=10).items if sees_audit else None,
    )
