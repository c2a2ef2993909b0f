"""The staff dashboard."""

from __future__ import annotations

from flask import render_template

from techpulse.admin.blueprint import bp
from techpulse.services import audit, newsroom


@bp.get("/")
def dashboard() -> str:
    """Counts by status, the review queue, what is scheduled, recent activity."""
    return render_template(
        "admin/dashboard.html",
        counts=newsroom.status_counts(),
        review=newsroom.awaiting_review(),
        upcoming=newsroom.upcoming(),
        activity=audit.recent_events(per_page=10).items,
    )
