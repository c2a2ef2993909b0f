"""Forgotten passwords: ask for a link by e-mail, then choose a new password with it."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue

from techpulse.auth import sessions
from techpulse.auth.forms import ForgotPasswordForm, NewPasswordForm
from techpulse.services import site
from techpulse.services.access import accounts, password_reset
from techpulse.web.errors import too_many_requests
from techpulse.web.field_errors import errors_on

bp = Blueprint("password_reset", __name__)
bp.after_request(sessions.no_store)

SENT = (
    "If that address belongs to an account, we have sent it a link to choose a new password. "
    "It works once, for a short time. Check your spam folder if it does not arrive."
)


@bp.route("/forgot-password", methods=["GET", "POST"])
def forgot() -> ResponseReturnValue:
    """Ask for a reset link; the answer is the same whether or not the address is known."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        if (limit := password_reset.throttled(form.email.data)) is not None:
            return too_many_requests(limit)
        password_reset.request_reset(form.email.data, site.site_settings().site_name)
        flash(SENT, "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot.html", form=form)


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
def reset(token: str) -> ResponseReturnValue:
    """Choose a new password with the link from the e-mail (spent once used)."""
    user = password_reset.user_for_reset_token(token)
    if user is None:
        flash("This link has expired or was already used. Ask for a new one.", "error")
        return redirect(url_for("password_reset.forgot"))
    form = NewPasswordForm()
    if form.validate_on_submit():
        with errors_on(form, fallback="password"):
            accounts.set_password(user, form.password.data)
            flash(
                "Password saved; every other session was logged out. You can log in now.", "success"
            )
            return redirect(url_for("auth.login"))
    return render_template(
        "auth/password.html", form=form, title=f"Choose a new password, {user.name}"
    )
