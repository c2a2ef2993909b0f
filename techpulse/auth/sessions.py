"""Staff sessions in the browser: cookies that point at server-side rows, and no caching."""

from __future__ import annotations

from flask import Flask, Response, current_app, flash, g, request, session
from flask_login import login_user, logout_user

from techpulse.models import StaffSession, User
from techpulse.services.access import accounts, staff_sessions

SESSION_KEY = "sid"


def start_session(user: User, remember: bool) -> None:
    """Log ``user`` in on a brand-new session (nothing carried over from before)."""
    session.clear()
    issued = staff_sessions.start(user, remember)
    _adopt(issued)


def _adopt(issued: staff_sessions.Issued) -> None:
    login_user(issued.row.user, remember=False)  # our own remember cookie, not Flask-Login's
    session.permanent = False  # the browser forgets it on close; "remember me" brings it back
    session[SESSION_KEY] = issued.key
    g.staff_session = issued.row
    if issued.remember_cookie:
        g.set_remember_cookie = issued.remember_cookie


def end_session() -> None:
    """Log out: end the server-side session, drop the cookies' contents."""
    row = current_session()
    if row is not None:
        staff_sessions.end(row)
    logout_user()
    session.clear()
    g.staff_session = None
    g.clear_remember_cookie = True


def current_session() -> StaffSession | None:
    """The live server-side session of this request, if any."""
    if "staff_session" not in g:
        g.staff_session = staff_sessions.by_key(session.get(SESSION_KEY))
    return g.staff_session


def load_user(identity: str) -> User | None:
    """Flask-Login's user loader: only a live server-side session makes a user logged in."""
    user = accounts.user_for_session(identity)
    row = current_session()
    if user is None or row is None or row.user_id != user.id:
        return None
    return user


def _check_session() -> None:
    """Keep a live session fresh; end a dead one; restore one from the remember cookie."""
    if request.endpoint == "static" or not request.environ.get("HTTP_COOKIE"):
        return  # no session and no remember cookie: nothing to keep, end or restore
    had_login = "_user_id" in session
    row = current_session()
    if row is not None:
        staff_sessions.touch(row)
        return
    if had_login:
        logout_user()
        session.clear()
    cookie_name = current_app.config["REMEMBER_COOKIE_NAME"]
    cookie = request.cookies.get(cookie_name)
    if cookie:
        try:
            issued = staff_sessions.renew_from_remember(cookie)
        except staff_sessions.RotatedMeanwhile:
            return  # another tab's request renewed it: keep the new cookie it sets
        if issued is not None:
            _adopt(issued)
            return
        g.clear_remember_cookie = True
    if had_login:
        flash("Your session has ended. Please log in again.", "info")


def _write_remember_cookie(response: Response) -> Response:
    config = current_app.config
    name = config["REMEMBER_COOKIE_NAME"]
    if g.get("set_remember_cookie"):
        response.set_cookie(
            name,
            g.set_remember_cookie,
            max_age=int(config["REMEMBER_COOKIE_DURATION"].total_seconds()),
            path="/",
            secure=bool(config.get("REMEMBER_COOKIE_SECURE")),
            httponly=True,
            samesite="Lax",
        )
    elif g.get("clear_remember_cookie") and name in request.cookies:
        response.delete_cookie(
            name, path="/", secure=bool(config.get("REMEMBER_COOKIE_SECURE")), httponly=True,
            samesite="Lax",
        )  # fmt: skip
    return response


def register(app: Flask) -> None:
    """Check the server-side session before each request; write the remember cookie after."""
    app.before_request(_check_session)
    app.after_request(_write_remember_cookie)


def no_store(response: Response) -> Response:
    """Tell browsers and proxies never to keep a copy of this response."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    return response
