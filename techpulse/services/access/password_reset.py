"""Forgotten passwords: a short-lived, single-use reset link sent by e-mail."""

from __future__ import annotations

import threading

from flask import Flask, current_app, request, url_for

from techpulse.extensions import db
from techpulse.models import User
from techpulse.services import audit, mail
from techpulse.services.access import accounts, throttle
from techpulse.services.access.accounts import password_link_token, user_for_password_link

THREAD_NAME = "password-reset-mail"


def reset_token(user: User) -> str:
    """A token naming the user and their session version: setting a password spends it."""
    return password_link_token(user, "reset-password")


def user_for_reset_token(token: str) -> User | None:
    """The user a still-valid, unspent reset token belongs to."""
    max_age = int(current_app.config["PASSWORD_RESET_MINUTES"]) * 60
    return user_for_password_link(token, "reset-password", max_age)


def throttled(email: str) -> str | None:
    """The limit hit by another reset request from this address or for this account."""
    config = current_app.config
    keys = {
        "reset-ip:" + (request.remote_addr or ""): config["PASSWORD_RESET_LIMIT_PER_IP"],
        "reset-account:" + accounts.normalise_email(email): config["PASSWORD_RESET_LIMIT"],
    }
    for key, limit in keys.items():
        if throttle.exceeded(key, limit):
            return limit
    throttle.hit(*keys)
    db.session.commit()
    return None


def _link(token: str) -> str:
    site_url = current_app.config.get("SITE_URL", "").rstrip("/")
    path = url_for("password_reset.reset", token=token)
    # SITE_URL, when set, and not the request's Host header, which a visitor could forge.
    return (
        site_url + path
        if site_url
        else url_for("password_reset.reset", token=token, _external=True)
    )


def request_reset(email: str, site_name: str) -> None:
    """E-mail a reset link if ``email`` belongs to an active account; silently do nothing if not.

    The e-mail is sent from a background thread, so the answer takes as long either way.
    """
    user = accounts.user_by_email(email)
    audit.record("password.reset_requested", accounts.normalise_email(email)[:200])
    db.session.commit()
    if user is None or not user.active or not mail.mail_configured():
        return
    minutes = current_app.config["PASSWORD_RESET_MINUTES"]
    link = _link(reset_token(user))
    body = (
        f"Hello {user.name},\n\nSomeone (we hope you) asked to reset your {site_name} password.\n"
        f"Choose a new one here within {minutes} minutes; the link works once:\n\n"
        f"{link}\n\n"
        "If you did not ask for this, ignore this e-mail: your password stays as it is.\n"
    )
    message = mail.build_message(
        user.email,
        f"Reset your {site_name} password",
        body,
        mail.sender_address(),
        from_name=site_name,
        link=link,
    )
    app = current_app._get_current_object()  # the thread needs the real app
    threading.Thread(target=_send, args=(app, message), name=THREAD_NAME, daemon=True).start()


def _send(app: Flask, message: object) -> None:
    with app.app_context():
        try:
            mail.send(message)  # type: ignore[arg-type]
        except mail.MailError as error:
            app.logger.warning("Password reset e-mail not sent: %s", error)
