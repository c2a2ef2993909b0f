"""The import history in the staff area: every `flask import-wordpress` run and its summary."""

from __future__ import annotations

from flask import render_template

from techpulse.admin.blueprint import bp
from techpulse.models import Role
from techpulse.policy import requires
from techpulse.services import import_history
from techpulse.services.importing import jobs
from techpulse.web.pagination import ensure_page_exists, requested_page

PER_PAGE = 20


@bp.get("/imports")
@requires(Role.ADMIN)
def imports() -> str:
    """Import runs, newest first, each with the summary the command printed."""
    runs = ensure_page_exists(import_history.recent_runs(requested_page(), PER_PAGE))
    return render_template("admin/imports/list.html", runs=runs, jobs=jobs.recent_jobs())
