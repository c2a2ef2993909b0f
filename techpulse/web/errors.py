"""Every error page, from one handler, in the site's own layout."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import (
    Conflict,
    HTTPException,
    InternalServerError,
    RequestEntityTooLarge,
    SecurityError,
    TooManyRequests,
)
from werkzeug.wrappers import Response

from techpulse.extensions import db
from techpulse.services.media.limits import MAX_UPLOAD_BYTES
from techpulse.web import request_id

ErrorPage = tuple[str, int, dict[str, str]]
# The database is down, does not answer in time, or its pool is exhausted: 503, not 500.
DEPENDENCY_ERRORS: tuple[type[Exception], ...] = (OperationalError, InterfaceError, PoolTimeout)
MESSAGES = {
    400: ("Bad request", "The request could not be understood. Please go back and try again."),
    403: ("Not allowed", "You do not have permission to open this page."),
    404: ("Page not found", "We could not find that page. It may have moved or never existed."),
    405: ("Method not allowed", "This address does not accept that kind of request."),
    409: (
        "Saved by someone else",
        "Someone saved the same thing at the same moment, so your change was not stored. "
        "Please go back, reload the page and try again.",
    ),
    413: ("Too large", "What you sent is larger than we accept."),
    429: ("Too many requests", "You have tried that too often. Please wait a while and retry."),
    500: ("Something went wrong", "Our server hit an error. It has been logged; please retry."),
}


def register(app: Flask) -> None:
    """Render HTTP errors and unexpected exceptions with templates/errors/error.html."""
    app.register_error_handler(HTTPException, render_error)
    app.register_error_handler(RequestEntityTooLarge, upload_too_large)
    app.add_template_global(upload_limit_bytes)
    app.register_error_handler(SecurityError, refuse_host)
    app.register_error_handler(IntegrityError, render_conflict)
    for unavailable in DEPENDENCY_ERRORS:
        app.register_error_handler(unavailable, render_unavailable)
    app.register_error_handler(Exception, render_unexpected)


def render_error(error: HTTPException) -> tuple[str, int, dict[str, str]]:
    """Render an HTTP error page with the same status code."""
    code = error.code or 500
    title, message = MESSAGES.get(code, (error.name, error.description or ""))
    headers = dict(error.get_headers()) if code in (405, 429) else {}
    headers.pop("Content-Type", None)
    reference = request_id.current() if code >= 500 else None
    html = render_template(
        "errors/error.html", code=code, title=title, message=message, reference=reference
    )
    return html, code, headers


def too_many_requests(limit: str) -> tuple[str, int, dict[str, str]]:
    """The 429 page for a throttle counted by the application, with a Retry-After hint."""
    from limits import parse

    html, code, headers = render_error(TooManyRequests())
    headers["Retry-After"] = str(parse(limit).get_expiry())
    return html, code, headers


def refuse_host(error: SecurityError) -> tuple[str, int, dict[str, str]]:
    """400 in plain text for an untrusted Host: the layout would need that host for its URLs."""
    text = "Bad request: this site does not answer to that host name.\n"
    return text, 400, {"Content-Type": "text/plain; charset=utf-8"}


def render_conflict(error: IntegrityError) -> tuple[str, int, dict[str, str]]:
    """A uniqueness race the form checks could not see (two saves at once): 409, not 500."""
    db.session.rollback()
    current_app.logger.warning("Integrity conflict: %s", error.orig)
    return render_error(Conflict())


def render_unavailable(error: Exception) -> ErrorPage:
    """A dependency is down: a small 503 page with Retry-After, made without the database."""
    try:
        db.session.rollback()
    except Exception:  # the connection is gone; the session starts afresh next request
        db.session.remove()
    current_app.logger.warning(
        "Database unavailable (request %s): %s", request_id.current(), type(error).__name__
    )
    return unavailable_page()


def unavailable_page() -> ErrorPage:
    """The standalone 503 page (no layout context: that needs the database)."""
    template = current_app.jinja_env.get_template("errors/unavailable.html")
    html = template.render(reference=request_id.current())
    retry = str(max(1, round(float(current_app.config["DEPENDENCY_RETRY_SECONDS"]))))
    return html, 503, {"Retry-After": retry, "Cache-Control": "no-store"}


def render_unexpected(error: Exception) -> tuple[str, int, dict[str, str]]:
    """Roll back the failed transaction and show the 500 page (the exception is logged)."""
    if isinstance(error, HTTPException):
        return render_error(error)
    db.session.rollback()
    current_app.logger.exception(
        "Unhandled exception (request %s)", request_id.current(), exc_info=error
    )
    return render_error(InternalServerError())


def upload_limit_bytes() -> int:
    """The largest image file staff may upload (what the upload forms and their script say)."""
    return min(MAX_UPLOAD_BYTES, int(current_app.config.get("MAX_CONTENT_LENGTH") or 0) or 1 << 62)


def upload_too_large(error: RequestEntityTooLarge) -> Response | ErrorPage:
    """A request over MAX_CONTENT_LENGTH. Staff stay in the staff area: the form they sent
    comes back with the limit named (a JSON error for the upload script); visitors get 413.

    The body was never read, so nothing of it can be shown again; the editor keeps its text
    in the browser, and the upload script names a file too large before sending it.
    """
    if not request.path.startswith("/admin") or not current_user.is_authenticated:
        return render_error(error)
    return back_to_the_form(prefer_referrer=False)


def back_to_the_form(prefer_referrer: bool) -> Response:
    """Flash the upload limit and go back to the form (JSON for the upload script)."""
    megabytes = upload_limit_bytes() // (1024 * 1024)
    message = (
        f"That upload was too large, so nothing was saved: each image must be {megabytes} MB "
        "or smaller. Choose a smaller file (or make the picture smaller) and try again."
    )
    if request.endpoint == "admin.import_new":  # a site import has its own, larger limit
        megabytes = int(current_app.config["IMPORT_MAX_BYTES"]) // (1024 * 1024)
        message = (
            f"That upload was too large, so nothing was saved: an import may be {megabytes} MB "
            "in all. Import the export without its images here, and the images with the "
            "command (see “Moving from WordPress”)."
        )
    if request.accept_mimetypes.best == "application/json":
        return jsonify(ok=False, error=message), 413  # type: ignore[return-value]
    flash(message, "error")
    return redirect(_form_page(prefer_referrer), 303)


def _form_page(prefer_referrer: bool) -> str:
    """Where the form that was sent lives: this address, the page it came from, or home."""
    rule = request.url_rule
    if not prefer_referrer and rule is not None and "GET" in (rule.methods or ()):
        return request.full_path.rstrip("?")
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc == request.host and referrer.path.startswith("/admin"):
        return referrer.path + (f"?{referrer.query}" if referrer.query else "")
    return url_for("admin.dashboard")
