"""Forgotten passwords: a short-lived, single-use reset link sent by e-mail."""

from __future__ import annotations

import threading
from email.message import EmailMessage

from flask import Flask, current_app, request, url_for

from techpulse.extensions import db
from techpulse.models import User
from techpulse.services import audit, mail
from techpulse.services.access import accounts, throttle
from techpulse.services.access.accounts import password_link_token, user_for_password_link

THREAD_NAME = "password-reset-mail"
# Stands in the link for the token, which only the mail thread makes (URL-safe, no dots).
_TOKEN_SLOT = "RESETTOKENSLOT"


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

    The request does the same work for any address (audit, commit, start one thread); looking
    the address up, signing the link and sending happen in that thread, so the answer takes
    as long whether or not the address is known.
    """
    audit.record("password.reset_requested", accounts.normalise_email(email)[:200])
    db.session.commit()
    link = _link(_TOKEN_SLOT)  # built here: the thread has no request (and no Host)
    app = current_app._get_current_object()  # the thread needs the real app
    threading.Thread(
        target=_mail_if_known, args=(app, email, site_name, link), name=THREAD_NAME, daemon=True
    ).start()


def _mail_if_known(app: Flask, email: str, site_name: str, link: str) -> None:
    with app.app_context():
        try:
            user = accounts.user_by_email(email)
            if user is None or not user.active or not mail.mail_configured():
                return
            mail.send(_message(user, site_name, link.replace(_TOKEN_SLOT, reset_token(user))))
        except Exception as error:  # a thread has nobody to report to but the log
            app.logger.warning("Password reset e-mail not sent: %s", error)
        finally:
            db.session.remove()


def _message(user: User, site_name: str, link: str) -> EmailMessage:
    minutes = current_app.config["PASSWORD_RESET_MINUTES"]
    body = (
        f"Hello {user.name},\n\nSomeone (we hope you) asked to reset your {site_name} password.\n"
        f"Choose a new one here within {minutes} minutes; the link works once:\n\n"
        f"{link}\n\n"
        "If you did not ask for this, ignore this e-mail: your password stays as it is.\n"
    )
    return mail.build_message(
        user.email,
        f"Reset your {site_name} password",
        body,
        mail.sender_address(),
        from_name=site_name,
        link=link,
    )
