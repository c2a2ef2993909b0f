"""Staff session lifetime: idle and absolute limits, fresh sessions, no caching."""

from __future__ import annotations

import time

from flask import Flask, Response, current_app, flash, request, session
from flask_login import current_user, login_user, logout_user

from techpulse.models import User


def start_session(user: User, remember: bool) -> None:
    """Log ``user`` in on a brand-new session (nothing carried over from before)."""
    session.clear()
    login_user(user, remember=remember)
    session.permanent = not remember
    session["login_at"] = session["seen_at"] = int(time.time())
    session["remember"] = remember


def end_session() -> None:
    """Log out and drop everything in the session."""
    logout_user()
    session.clear()


def _expired() -> bool:
    now = int(time.time())
    idle = current_app.config["SESSION_IDLE_MINUTES"] * 60
    longest = current_app.config["SESSION_MAX_HOURS"] * 3600
    login_at = session.get("login_at", 0)
    seen_at = session.get("seen_at", 0)
    return now - seen_at > idle or now - login_at > longest


def register(app: Flask) -> None:
    """Expire idle or old staff sessions; mark staff pages as never to be cached."""

    @app.before_request
    def expire_staff_sessions() -> None:
        if request.endpoint == "static" or not current_user.is_authenticated:
            return
        if "login_at" not in session:
            # Restored from the "remember me" cookie: that cookie's lifetime governs.
            session["login_at"] = session["seen_at"] = int(time.time())
            session["remember"] = True
        if session.get("remember"):
            return
        if _expired():
            end_session()
            flash("Your session ended after a period of inactivity. Please log in again.", "info")
            return
        session["seen_at"] = int(time.time())


def no_store(response: Response) -> Response:
    """Tell browsers and proxies never to keep a copy of this response."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    return response
