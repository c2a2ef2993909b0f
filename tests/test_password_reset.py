"""Forgot password: a single-use, short-lived link by e-mail (a real SMTP server on loopback)."""

from __future__ import annotations

import re
import statistics
import threading
import time

import pytest
from sqlalchemy import event, select

from techpulse.extensions import db
from techpulse.models import AuditEvent, Role
from techpulse.services.access import accounts, password_reset
from tests.helpers.accounts import PASSWORD, csrf_from
from tests.helpers.servers import mail_settings, text_of

NEW_PASSWORD = "purple elephant runs quietly 7"
LINK = re.compile(r"https://news\.example(/reset-password/[^\s]+)")


@pytest.fixture
def app_config(app_config, smtp):
    app_config.update(SITE_URL="https://news.example", **mail_settings(smtp))
    return app_config


def wait_for_mail() -> None:
    """Reset e-mails leave from a background thread: wait until each has been handed over."""
    for thread in threading.enumerate():
        if thread.name == password_reset.THREAD_NAME:
            thread.join(timeout=10)


def ask(client, email: str, ip: str = "127.0.0.1"):
    page = client.get("/forgot-password", base_url="https://news.example")
    response = client.post(
        "/forgot-password",
        base_url="https://news.example",
        headers={"Referer": "https://news.example/forgot-password"},
        environ_base={"REMOTE_ADDR": ip},
        data={"csrf_token": csrf_from(page.data), "email": email},
    )
    wait_for_mail()
    return response


def reset_with(client, path: str, password: str = NEW_PASSWORD):
    page = client.get(path, base_url="https://news.example")
    if page.status_code != 200:
        return page
    return client.post(
        path,
        base_url="https://news.example",
        headers={"Referer": "https://news.example" + path},
        data={"csrf_token": csrf_from(page.data), "password": password, "confirm": password},
    )


def test_the_answer_is_the_same_whether_or_not_the_address_exists(client, make, smtp):
    user = make.staff(Role.AUTHOR)
    known = ask(client, user.email.upper())
    unknown = ask(client, "nobody@example.com")
    assert known.status_code == unknown.status_code == 302
    assert known.headers["Location"] == unknown.headers["Location"] == "/login"
    first = client.get("/login", base_url="https://news.example").get_data(as_text=True)
    assert "If that address belongs to an account" in first
    [(recipients, email)] = smtp.received  # one e-mail, to the real account only
    assert recipients == [user.email]
    assert "Reset your TechPulse password" in email["Subject"]


def test_the_link_sets_a_new_password_once_and_ends_other_sessions(app, client, make, smtp):
    user = make.staff(Role.AUTHOR)
    elsewhere = app.test_client()
    token = csrf_from(elsewhere.get("/login").data)
    elsewhere.post("/login", data={"csrf_token": token, "email": user.email, "password": PASSWORD})
    assert elsewhere.get("/admin/").status_code == 200
    ask(client, user.email)
    path = LINK.search(text_of(smtp.received[0][1])).group(1)
    weak = reset_with(client, path, "password1234")
    assert "too common" in weak.get_data(as_text=True)
    done = reset_with(client, path)
    assert done.status_code == 302 and done.headers["Location"] == "/login"
    assert accounts.verify_password(db.session.get(type(user), user.id), NEW_PASSWORD)
    assert elsewhere.get("/admin/").status_code == 302  # the other session has ended
    again = reset_with(client, path, "another fine long passphrase")
    assert again.status_code == 302 and again.headers["Location"] == "/forgot-password"


def test_the_link_expires_after_half_an_hour(client, make, smtp, monkeypatch):
    import time

    user = make.staff(Role.AUTHOR)
    ask(client, user.email)
    path = LINK.search(text_of(smtp.received[0][1])).group(1)
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + 31 * 60)
    assert reset_with(client, path).headers["Location"] == "/forgot-password"


def test_a_forged_or_foreign_token_is_refused(client, app, make):
    user = make.staff(Role.AUTHOR)
    assert reset_with(client, "/reset-password/not-a-token").status_code == 302
    set_password_link = accounts.set_password_token(user)  # another kind of signed token
    assert reset_with(client, f"/reset-password/{set_password_link}").status_code == 302


def test_requests_are_rate_limited_per_account_and_per_address(client, make, smtp):
    user = make.staff(Role.AUTHOR)
    for _ in range(3):
        assert ask(client, user.email).status_code == 302
    blocked = ask(client, user.email, ip="10.0.0.9")
    assert blocked.status_code == 429 and "Retry-After" in blocked.headers
    assert len(smtp.received) == 3
    for n in range(10):  # ten different addresses from one client address…
        assert ask(client, f"someone{n}@example.com", ip="10.0.0.1").status_code == 302
    assert ask(client, "one-more@example.com", ip="10.0.0.1").status_code == 429  # …then no more
    assert ask(client, "one-more@example.com", ip="10.0.0.2").status_code == 302


def test_requests_are_audited_and_deactivated_accounts_get_no_mail(client, make, smtp):
    user = make.staff(Role.AUTHOR)
    accounts.set_active(user, False)
    assert ask(client, user.email).status_code == 302
    assert smtp.received == []
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert "password.reset_requested" in actions


def test_known_and_unknown_addresses_take_the_same_time(app, client, make, monkeypatch):
    """Interleaved samples of the request's own CPU time (the mail thread's and other
    processes' time left out): the medians may differ by noise, not by the work done."""
    app.config.update(
        PASSWORD_RESET_LIMIT="1000 per hour", PASSWORD_RESET_LIMIT_PER_IP="1000 per hour"
    )
    sent: list[str] = []
    monkeypatch.setattr(password_reset.mail, "send", lambda message: sent.append(message["To"]))
    user = make.staff(Role.AUTHOR)
    token = csrf_from(client.get("/forgot-password", base_url="https://news.example").data)

    def timed(email: str) -> float:
        started = time.thread_time()  # the test client answers in this thread
        response = client.post(
            "/forgot-password",
            base_url="https://news.example",
            headers={"Referer": "https://news.example/forgot-password"},
            data={"csrf_token": token, "email": email},
        )
        elapsed = time.thread_time() - started
        assert response.status_code == 302
        wait_for_mail()
        return elapsed

    for email in (user.email, "nobody@example.com") * 5:  # warm up both paths
        timed(email)
    known, unknown = [], []
    for _ in range(60):
        known.append(timed(user.email))
        unknown.append(timed("nobody@example.com"))
    difference = statistics.median(known) - statistics.median(unknown)
    assert abs(difference) < 0.0003 + 0.05 * statistics.median(unknown), (
        difference,
        statistics.median(unknown),
    )
    assert sent == [user.email] * 65  # every request for the known address did send


def test_the_request_does_the_same_queries_for_any_address(app, client, make):
    """Only the mail thread looks the address up: the request's SQL does not depend on it."""
    user = make.staff(Role.AUTHOR)
    statements: list[str] = []
    token = csrf_from(client.get("/forgot-password", base_url="https://news.example").data)

    def record(conn, cursor, statement, parameters, context, executemany):
        if threading.current_thread().name != password_reset.THREAD_NAME:
            statements.append(statement)

    def queries_for(email: str) -> list[str]:
        statements.clear()
        event.listen(db.engine, "before_cursor_execute", record)
        try:
            client.post(
                "/forgot-password",
                base_url="https://news.example",
                headers={"Referer": "https://news.example/forgot-password"},
                data={"csrf_token": token, "email": email},
            )
            wait_for_mail()
        finally:
            event.remove(db.engine, "before_cursor_execute", record)
        return list(statements)

    assert queries_for(user.email) == queries_for("nobody@example.com")
