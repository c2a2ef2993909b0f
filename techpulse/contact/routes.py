"""The contact form: post, store, thank (Post/Redirect/Get)."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_wtf.csrf import CSRFError
from werkzeug.wrappers import Response

from techpulse.contact.forms import ContactForm
from techpulse.extensions import db, limiter
from techpulse.services.contact import intake, spam
from techpulse.web.errors import DEPENDENCY_ERRORS
from techpulse.web.lookup import or_404

bp = Blueprint("contact", __name__, url_prefix="/contact")


def _stored(response: Response) -> bool:
    # Only messages taken in count towards the limit: a visitor fixing typos is not a flood.
    return response.status_code == 303


@bp.route("", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["CONTACT_LIMIT"], methods=["POST"], deduct_when=_stored)
def form() -> str | Response | tuple[str, int, dict[str, str]]:
    """Show the contact form; store a valid message and redirect to the thank-you page."""
    form = ContactForm()
    if not form.token_is_valid():
        form.form_token.data = intake.new_form_token()
    if not form.is_submitted():
        form.stamp.data = spam.form_stamp()
    if form.validate_on_submit():
        submission = form.submission(request.remote_addr or "", request.user_agent.string)
        try:
            message = intake.receive_message(submission)
        except intake.NotStored:
            return _not_stored(form)
        return redirect(url_for("contact.thanks", reference=message.reference), 303)
    return render_template("contact/form.html", form=form, not_stored=False)


def _not_stored(form: ContactForm) -> tuple[str, int, dict[str, str]]:
    """The form back with everything typed, saying nothing was stored (the database is down)."""
    intake.use_offline_defaults()
    retry = str(max(1, round(float(current_app.config["DEPENDENCY_RETRY_SECONDS"]))))
    page = render_template("contact/form.html", form=form, not_stored=True)
    return page, 503, {"Retry-After": retry}


def database_unavailable(error: Exception) -> tuple[str, int, dict[str, str]]:
    """The database failed outside the store itself: still give the visitor their text back."""
    try:
        db.session.rollback()
    except Exception:
        db.session.remove()
    current_app.logger.warning("Contact form without the database: %s", type(error).__name__)
    form = ContactForm()
    if not form.token_is_valid():
        form.form_token.data = intake.new_form_token()
    if request.method != "POST":  # only the layout's reads failed: the form itself works
        form.stamp.data = spam.form_stamp()
        intake.use_offline_defaults()
        return render_template("contact/form.html", form=form, not_stored=False), 200, {}
    return _not_stored(form)


for _unavailable in DEPENDENCY_ERRORS:
    bp.register_error_handler(_unavailable, database_unavailable)


@bp.errorhandler(CSRFError)
def expired_form(_error: CSRFError) -> tuple[str, int]:
    """A stale or missing CSRF token: give the form back with the text, nothing stored."""
    form = ContactForm()
    if not form.token_is_valid():
        form.form_token.data = intake.new_form_token()
    return render_template("contact/form.html", form=form, not_stored=False, expired=True), 400


@bp.get("/thanks/<reference>")
def thanks(reference: str) -> str:
    """The thank-you page with the message's reference (safe to reload)."""
    message = or_404(intake.message_by_reference(reference[:16]))
    return render_template("contact/thanks.html", reference=message.reference)
