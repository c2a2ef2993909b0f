"""Logging in and out, sessions, passwords and brute-force limits."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from techpulse.extensions import db
from techpulse.models import AuditEvent, Role
from techpulse.services.access import accounts
from tests.conftest import PASSWORD, csrf_from


def login_form(client, email, password, next_url="", **extra):
    token = csrf_from(client.get("/login").data)
    url = "/login" + (f"?next={next_url}" if next_url else "")
    return client.post(
        url, data={"csrf_token": token, "email": email, "password": password, **extra}
    )


def test_login_then_logout(client, make):
    user = make.staff(Role.EDITOR)
    assert client.get("/admin/").status_code == 302
    response = login_form(client, user.email.upper(), PASSWORD)
    assert response.status_code == 302 and response.headers["Location"] == "/admin/"
    dashboard = client.get("/admin/")
    assert dashboard.status_code == 200
    assert dashboard.headers["Cache-Control"] == "no-store"
    assert client.get("/logout").status_code == 405  # logout is a POST only
    logout = client.post("/logout", data={"csrf_token": csrf_from(dashboard.data)})
    assert logout.status_code == 302
    assert client.get("/admin/").status_code == 302


def test_wrong_password_and_unknown_email_get_the_same_answer(client, make):
    user = make.staff()
    wrong = login_form(client, user.email, "not the password at all")
    unknown = login_form(client, "nobody@example.com", "not the password at all")
    assert wrong.status_code == unknown.status_code == 200
    message = "That e-mail and password do not match an active account."
    assert message in wrong.get_data(as_text=True)
    assert message in unknown.get_data(as_text=True)
    failures = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "login.failed"))
    assert {event.target for event in failures} == {user.email, "nobody@example.com"}


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)",
     "http:/evil.example", "\t//evil.example"],
)  # fmt: skip
def test_next_never_leaves_the_site(client, make, target):
    user = make.staff()
    response = login_form(client, user.email, PASSWORD, next_url=target)
    assert response.headers["Location"] == "/admin/"


def test_next_to_a_local_path_is_followed(client, make):
    user = make.staff()
    response = login_form(client, user.email, PASSWORD, next_url="/admin/?x=1")
    assert response.headers["Location"] == "/admin/?x=1"


def test_login_is_limited_per_account_with_a_clear_429(client, make):
    user = make.staff()
    for _ in range(5):
        assert login_form(client, user.email, "wrong password here").status_code == 200
    blocked = login_form(client, user.email, PASSWORD)  # even the right password now waits
    assert blocked.status_code == 429
    assert "Too many requests" in blocked.get_data(as_text=True)
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "login.rate_limited"))
    other = make.staff()
    assert login_form(client, other.email, PASSWORD).status_code == 302


def test_deactivating_a_user_ends_their_session(client, staff, make):
    user = staff.login(Role.AUTHOR)
    assert client.get("/admin/").status_code == 200
    accounts.set_active(user, False)
    assert client.get("/admin/").status_code == 302
    assert login_form(client, user.email, PASSWORD).status_code == 200


def test_role_or_password_change_ends_sessions(client, staff):
    user = staff.login(Role.EDITOR)
    accounts.set_role(user, Role.AUTHOR)
    assert client.get("/admin/").status_code == 302
    staff.login(user)
    accounts.set_password(user, "another long passphrase 42")
    assert client.get("/admin/").status_code == 302


def test_common_and_short_passwords_are_refused(make):
    for bad in ("short", "password1234", "qwertyuiop12", "aaaaaaaaaaaaaaaa"):
        assert accounts.password_problem(bad), bad
    assert accounts.password_problem("violet tractor ladder 9") is None


def test_idle_staff_session_expires(client, staff, now):
    staff.login(Role.EDITOR)
    now.advance(minutes=29)
    assert client.get("/admin/").status_code == 200
    now.advance(minutes=31)
    assert client.get("/admin/").status_code == 302


def test_change_own_password(client, staff):
    user = staff.login(Role.AUTHOR)
    page = client.get("/account/password")
    token = csrf_from(page.data)
    refused = client.post(
        "/account/password",
        data={"csrf_token": token, "current": PASSWORD, "password": "password1234",
              "confirm": "password1234"},
    )  # fmt: skip
    assert "too common" in refused.get_data(as_text=True)
    done = client.post(
        "/account/password",
        data={"csrf_token": token, "current": PASSWORD, "password": "violet tractor ladder 9",
              "confirm": "violet tractor ladder 9"},
    )  # fmt: skip
    assert done.status_code == 302
    assert accounts.verify_password(db.session.get(type(user), user.id), "violet tractor ladder 9")


def test_cli_creates_an_admin_reading_the_password_from_stdin(runner):
    result = runner.invoke(
        args=["users", "create", "boss@example.com", "--name", "Boss", "--role", "admin",
              "--password-stdin"],
        input="violet tractor ladder 9\n",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert accounts.user_by_email("boss@example.com").role == "admin"
    weak = runner.invoke(
        args=["users", "create", "b2@example.com", "--name", "B", "--password-stdin"],
        input="password1234\n",
    )
    assert weak.exit_code != 0 and "too common" in weak.output


def test_dashboard_activity_feed_is_for_admins_only(client, staff, make):
    victim = make.staff(Role.EDITOR)
    login_form(client, victim.email, "a wrong password here")
    staff.login(Role.AUTHOR)
    page = client.get("/admin/").get_data(as_text=True)
    assert "Recent activity" not in page and victim.email not in page
    client.post("/logout", data={"csrf_token": csrf_from(page)})
    staff.login(Role.ADMIN)
    page = client.get("/admin/").get_data(as_text=True)
    assert "Recent activity" in page and "login.failed" in page
