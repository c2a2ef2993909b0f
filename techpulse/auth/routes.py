"""Login, logout and passwords."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from techpulse.auth import second_step, sessions
from techpulse.auth.forms import ChangePasswordForm, LoginForm, NewPasswordForm
from techpulse.extensions import db
from techpulse.services.access import accounts, throttle
from techpulse.web.errors import too_many_requests
from techpulse.web.field_errors import errors_on

bp = Blueprint("auth", __name__)
bp.after_request(sessions.no_store)


def safe_next(target: str | None) -> str:
    """``target`` if it is a path on this site, else the admin dashboard (no open redirect)."""
    default = url_for("admin.dashboard")
    if not target or "\\" in target or any(ord(c) < 32 for c in target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target


def _login_throttle_keys(email: str) -> list[tuple[str, str]]:
    """(key, limit) pairs: failed logins per client address and per account."""
    config = current_app.config
    return [
        ("login-ip:" + (request.remote_addr or ""), config["LOGIN_LIMIT_PER_IP"]),
        (
            "login-account:" + accounts.normalise_email(email)[:254],
            config["LOGIN_LIMIT_PER_ACCOUNT"],
        ),
    ]


def _throttled(email: str) -> ResponseReturnValue | None:
    """A 429 page when this address or account has failed too often lately (audited)."""
    for key, limit in _login_throttle_keys(email):
        if throttle.exceeded(key, limit):
            accounts.record_rate_limited_login(accounts.normalise_email(email), limit)
            return too_many_requests(limit)
    return None


@bp.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    """Staff log in with e-mail and password (then a code, with two-factor login)."""
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")))
    form = LoginForm()
    if form.validate_on_submit():
        if (refusal := _throttled(form.email.data)) is not None:
            return refusal
        user = accounts.authenticate(form.email.data, form.password.data)
        if user is not None:
            return second_step.after_password(
                user, form.remember.data, safe_next(request.args.get("next"))
            )
        throttle.hit(*(key for key, _ in _login_throttle_keys(form.email.data)))
        db.session.commit()
        form.password.errors.append("That e-mail and password do not match an active account.")
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
def logout() -> Response:
    """End the session (a POST, so no link elsewhere can log anyone out)."""
    sessions.end_session()
    flash("You have been logged out.", "success")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password() -> str | Response:
    """Every user changes their own password, confirming the current one."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        if not accounts.verify_password(user, form.current.data):
            form.current.errors.append("That is not your current password.")
        else:
            with errors_on(form, fallback="password"):
                accounts.set_password(user, form.password.data)
                sessions.start_session(user, remember=False)
                flash("Password changed. Your other sessions have been logged out.", "success")
                return redirect(url_for("admin.dashboard"))
    return render_template("auth/password.html", form=form, title="Change your password")


@bp.route("/set-password/<token>", methods=["GET", "POST"])
def set_password(token: str) -> str | Response:
    """The one-time link an admin hands a new user to choose their password."""
    user = accounts.user_for_set_password_token(token)
    if user is None:
        flash("This link has expired or was already used. Ask an admin for a new one.", "error")
        return redirect(url_for("auth.login"))
    form = NewPasswordForm()
    if form.validate_on_submit():
        with errors_on(form, fallback="password"):
            accounts.set_password(user, form.password.data)
            flash("Password saved. You can log in now.", "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/password.html", form=form, title=f"Choose a password, {user.name}")
