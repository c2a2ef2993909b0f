"""Imports in the staff area: the history of every import (command line or staff area), and
an import of a WordPress or Ghost site from here: upload, dry run, run, progress."""

from __future__ import annotations

from flask import (
    Flask,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from werkzeug.wrappers import Response

from techpulse.admin.blueprint import bp
from techpulse.admin.forms.imports import ImportForm
from techpulse.extensions import csrf
from techpulse.models import ImportJob, Role
from techpulse.policy import requires
from techpulse.services import import_history
from techpulse.services.importing import jobs
from techpulse.web.field_errors import FieldError
from techpulse.web.pagination import ensure_page_exists, requested_page

PER_PAGE = 20
UPLOAD_ENDPOINT = "admin.import_new"


@bp.route("/imports/new", methods=["GET", "POST"])
@requires(Role.ADMIN)
@csrf.exempt  # checked below, once the larger upload limit is set (as every POST: a 400)
def import_new() -> str | Response:
    """Upload an export (and its images) to import; the dry run starts at once."""
    if request.method == "POST":
        csrf.protect()
    form = ImportForm()
    if form.validate_on_submit():
        try:
            job = jobs.create_job(
                form.source.data, request.files.get("export"), request.files.get("media"),
                current_user.id, form.old_url.data or "",
            )  # fmt: skip
        except FieldError as error:
            getattr(form, error.field, form.export).errors.append(error.message)
        else:
            return redirect(url_for("admin.import_job", job_id=job.id), 303)
    limit_mb = current_app.config["IMPORT_MAX_BYTES"] // (1024 * 1024)
    return render_template("admin/imports/new.html", form=form, limit_mb=limit_mb)


@bp.get("/imports/jobs/<int:job_id>")
@requires(Role.ADMIN)
def import_job(job_id: int) -> str:
    """The job's page: progress while it runs (it reloads itself), its report, its result."""
    job = _job(job_id)
    return render_template("admin/imports/job.html", job=job, status=jobs.status(job))


@bp.get("/imports/jobs/<int:job_id>/status")
@requires(Role.ADMIN)
def import_job_status(job_id: int) -> Response:
    """The job's progress as JSON, for the page's small script."""
    return jsonify(jobs.status(_job(job_id)))


@bp.post("/imports/jobs/<int:job_id>/run")
@requires(Role.ADMIN)
def import_job_run(job_id: int) -> Response:
    """After the dry run: import for real, in the background."""
    job = _job(job_id)
    if not jobs.start_real_run(job):
        flash(
            "This import cannot start now: another one is running, or it is running, done or "
            "failed already.",
            "error",
        )
    return redirect(url_for("admin.import_job", job_id=job.id), 303)


def _job(job_id: int) -> ImportJob:
    job = jobs.job_for_view(job_id)
    if job is None:
        abort(404)
    return job


def allow_large_upload() -> None:
    """Before any hook reads the form: an admin's import upload may be IMPORT_MAX_BYTES."""
    if request.endpoint == UPLOAD_ENDPOINT and request.method == "POST":
        if current_user.is_authenticated and current_user.has_role(Role.ADMIN):
            request.max_content_length = int(current_app.config["IMPORT_MAX_BYTES"])


def _first_before_request(state: object) -> None:
    app: Flask = state.app  # type: ignore[attr-defined]
    app.before_request_funcs.setdefault(None, []).insert(0, allow_large_upload)


bp.record_once(_first_before_request)


@bp.get("/imports")
@requires(Role.ADMIN)
def imports() -> str:
    """Import runs, newest first, each with the summary the command printed."""
    runs = ensure_page_exists(import_history.recent_runs(requested_page(), PER_PAGE))
    return render_template("admin/imports/list.html", runs=runs, jobs=jobs.recent_jobs())
