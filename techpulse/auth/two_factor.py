"""Two-factor login: the code step of logging in, and enrolment from the account pages."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from techpulse.auth import second_step, sessions
from techpulse.auth.forms import CodeForm, ConfirmPasswordForm, RemoveTwoFactorForm
from techpulse.extensions import db
from techpulse.models import User
from techpulse.services import audit, site
from techpulse.services.access import accounts, step_up, throttle, two_factor
from techpulse.web.errors import too_many_requests

bp = Blueprint("two_factor", __name__)
# Where a writer whose save was interrupted by a required enrolment goes back to, text and all.
RESUME_AFTER_ENROLMENT = "resume_after_enrolment"
bp.after_request(sessions.no_store)


def _me() -> User:
    return current_user._get_current_object()  # the real User row


@bp.route("/login/code", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    """The second step of logging in: a code from the app or a recovery code."""
    user = second_step.pending_user()
    if user is None:
        flash("Please log in again.", "info")
        return redirect(url_for("auth.login"))
    form = CodeForm()
    if form.validate_on_submit():
        key, limit = f"two-factor:{user.id}", current_app.config["LOGIN_LIMIT_PER_ACCOUNT"]
        if throttle.exceeded(key, limit):
            audit.record("login.rate_limited", user.email, limit, actor=user)
            db.session.commit()
            return too_many_requests(limit)
        if two_factor.verify(user, form.code.data):
            return second_step.finish(user)
        throttle.hit(key)
        audit.record("login.two_factor_failed", user.email, actor=user)
        db.session.commit()
        form.code.errors.append("That code is not right, or was already used. Try the next one.")
    return render_template("auth/two_factor_login.html", form=form)


@bp.get("/account/two-factor")
@login_required
def account() -> str:
    """Two-factor status: set it up, renew recovery codes, or turn it off."""
    user = _me()
    return render_template(
        "auth/two_factor.html",
        enabled=two_factor.enabled(user),
        codes_left=two_factor.recovery_codes_left(user),
        required=two_factor.required(),
        form=ConfirmPasswordForm(),
    )


@bp.post("/account/two-factor/setup")
@login_required
def setup() -> Response:
    """Make a new secret to scan; it counts only once a code from it is confirmed."""
    two_factor.begin_enrolment(_me())
    return redirect(url_for("two_factor.confirm"))


@bp.route("/account/two-factor/confirm", methods=["GET", "POST"])
@login_required
def confirm() -> ResponseReturnValue:
    """Show the QR code and take the first code; success shows the recovery codes once."""
    user = _me()
    row = two_factor.record_for(user)
    if row is None or row.confirmed_at is not None:
        return redirect(url_for("two_factor.account"))
    form = CodeForm()
    if form.validate_on_submit():
        codes = two_factor.confirm_enrolment(user, form.code.data)
        if codes is not None:
            flash("Two-factor login is on.", "success")
            resume = session.pop(RESUME_AFTER_ENROLMENT, None)
            return render_template("auth/recovery_codes.html", codes=codes, resume=resume)
        form.code.errors.append("That code is not right. Check your phone's clock and retry.")
    uri = two_factor.provisioning_uri(user, row, site.site_settings().site_name)
    return render_template(
        "auth/two_factor_setup.html", form=form, qr=two_factor.qr_svg(uri), secret=row.secret
    )


def _password_confirmed(form: ConfirmPasswordForm) -> bool:
    if form.validate_on_submit() and accounts.verify_password(_me(), form.password.data):
        return True
    flash("That is not your password; nothing was changed.", "error")
    return False


@bp.post("/account/two-factor/recovery-codes")
@login_required
def recovery_codes() -> ResponseReturnValue:
    """Replace the recovery codes (needs the password) and show the new ones once."""
    form = ConfirmPasswordForm()
    if not two_factor.enabled(_me()) or not _password_confirmed(form):
        return redirect(url_for("two_factor.account"))
    return render_template("auth/recovery_codes.html", codes=two_factor.new_recovery_codes(_me()))


@bp.post("/account/two-factor/disable")
@login_required
def disable() -> Response:
    """Turn two-factor login off (needs the password and a current code)."""
    form = RemoveTwoFactorForm()
    if not form.validate_on_submit():
        flash("Type your password and a current code; nothing was changed.", "error")
        return redirect(url_for("two_factor.account"))
    refused = step_up.confirm_removal(_me(), _me(), form.password.data, form.code.data or "")
    if refused:
        flash(refused, "error")
    else:
        two_factor.disable(_me(), by=_me())
        flash("Two-factor login is off.", "success")
    return redirect(url_for("two_factor.account"))


def require_enrolment() -> Response | None:
    """When admins require it, staff without two-factor login set it up before anything else.

    Installed on the staff blueprint (``admin/blueprint.py``), after the hook that keeps the
    text of an editor's save.
    """
    if request.blueprint != "admin" or not current_user.is_authenticated:
        return None
    if not two_factor.required() or two_factor.enabled(_me()):
        return None
    flash("Two-factor login is required on this site. Please set it up to continue.", "info")
    return redirect(url_for("two_factor.account"))
