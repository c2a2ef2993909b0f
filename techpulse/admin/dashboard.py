"""The staff dashboard."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user

from techpulse.admin.blueprint import bp
from techpulse.policy import can_visit
from techpulse.services import audit, trash
from techpulse.services.editorial import going_live, review, staff_articles


@bp.get("/")
def dashboard() -> str:
    """Counts by status, notices, the review queue, what is scheduled; activity for admins."""
    # Work that would otherwise need cron, done when staff look: stories that went live are
    # recorded once, and the trash drops what it has kept long enough.
    going_live.record_go_lives()
    trash.purge_expired()
    # The activity feed is the audit log (failed logins, role changes…): same role as its page.
    sees_audit = can_visit(current_user, "admin.audit")
    return render_template(
        "admin/dashboard.html",
        counts=staff_articles.status_counts(),
        notices=review.unread_notices(current_user),
        review=staff_articles.awaiting_review(),
        upcoming=staff_articles.upcoming(),
        activity=audit.recent_events(per_page=10).items if sees_audit else None,
    )
