"""The audit log in the staff area: who did what, when and from where."""

from __future__ import annotations

from flask import render_template, request

from techpulse.admin.blueprint import bp
from techpulse.admin.forms.audit import AuditFilterForm
from techpulse.models import Role
from techpulse.policy import requires
from techpulse.services import audit as audit_log
from techpulse.web.pagination import ensure_page_exists, requested_page

PER_PAGE = 50


@bp.get("/audit")
@requires(Role.ADMIN)
def audit() -> str:
    """Audit events, newest first, filtered by action and paginated."""
    form = AuditFilterForm(formdata=request.args)
    form.set_choices(audit_log.logged_actions())
    action = form.values()["action"]
    events = ensure_page_exists(audit_log.recent_events(requested_page(), PER_PAGE, action))
    return render_template("admin/audit/list.html", events=events, form=form, action=action)
