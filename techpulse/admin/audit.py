"""The audit log in the staff area: who did what, when and from where, in plain words."""

from __future__ import annotations

from flask import Response, render_template, request, url_for

from techpulse.admin.blueprint import bp
from techpulse.admin.forms.audit import AuditFilterForm
from techpulse.models import Role
from techpulse.policy import requires
from techpulse.services import audit as audit_log
from techpulse.web.pagination import ensure_page_exists, requested_page

PER_PAGE = 50


def _filter_form() -> AuditFilterForm:
    form = AuditFilterForm(formdata=request.args)
    form.set_choices(audit_log.logged_actions(), audit_log.actors())
    return form


@bp.get("/audit")
@requires(Role.ADMIN)
def audit() -> str:
    """Audit events, newest first, filtered and paginated."""
    form = _filter_form()
    filters = form.to_filters()
    events = ensure_page_exists(audit_log.recent_events(requested_page(), PER_PAGE, filters))
    return render_template("admin/audit/list.html", events=events, form=form, filters=filters)


@bp.get("/audit/export.csv")
@requires(Role.ADMIN)
def audit_export() -> Response:
    """The filtered audit log as a CSV file."""
    rows = audit_log.export_rows(_filter_form().to_filters())
    response = Response("".join(rows), mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="audit-log.csv"'
    return response


SUBJECT_PAGES = {
    "article": ("admin.articles_edit", "article_id"),
    "page": ("admin.pages_edit", "page_id"),
    "image": ("admin.media_edit", "image_id"),
    "message": ("admin.messages_view", "message_id"),
    "user": ("admin.users_edit", "user_id"),
}


@bp.app_template_global()
def audit_subject_url(event: audit_log.AuditEvent) -> str:
    """The staff page of what an event is about ("" when it names nothing to open)."""
    found = SUBJECT_PAGES.get(event.subject_kind)
    if found is None or event.subject_id is None:
        return ""
    endpoint, argument = found
    return url_for(endpoint, **{argument: event.subject_id})


bp.add_app_template_global(audit_log.who, "audit_who")
bp.add_app_template_global(audit_log.describe, "audit_describe")
