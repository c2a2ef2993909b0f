"""Logging in and out, sessions, passwords and brute-force limits."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from techpulse.extensions import db
from techpulse.models import AuditEvent, Role
from techpulse.services.access import accounts
from tests.helpers.accounts import PASSWORD, csrf_from, log_in


def test_login_then_logout(client, make):
    user = make.staff(Role.EDITOR)
    assert client.get("/admin/").status_code == 302
    response = log_in(client, user.email.upper(), PASSWORD)
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
    wrong = log_in(client, user.email, "not the password at all")
    unknown = log_in(client, "nobody@example.com", "not the password at all")
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
    response = log_in(client, user.email, PASSWORD, next_url=target)
    assert response.headers["Location"] == "/admin/"


def test_next_to_a_local_path_is_followed(client, make):
    user = make.staff()
    response = log_in(client, user.email, PASSWORD, next_url="/admin/?x=1")
    assert response.headers["Location"] == "/admin/?x=1"


def test_login_is_limited_per_account_with_a_clear_429(client, make):
    user = make.staff()
    for _ in range(5):
        assert log_in(client, user.email, "wrong password here").status_code == 200
    blocked = log_in(client, user.email, PASSWORD)  # even the right password now waits
    assert blocked.status_code == 429
    assert "Too many requests" in blocked.get_data(as_text=True)
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "login.rate_limited"))
    other = make.staff()
    assert log_in(client, other.email, PASSWORD).status_code == 302


def test_deactivating_a_user_ends_their_session(client, staff, make):
    user = staff.login(Role.AUTHOR)
    assert client.get("/admin/").status_code == 200
    accounts.set_active(user, False)
    assert client.get("/admin/").status_code == 302
    assert log_in(client, user.email, PASSWORD).status_code == 200


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
    log_in(client, victim.email, "a wrong password here")
    staff.login(Role.AUTHOR)
    page = client.get("/admin/").get_data(as_text=True)
    assert "Recent activity" not in page and victim.email not in page
    client.post("/logout", data={"csrf_token": csrf_from(page)})
    staff.login(Role.ADMIN)
    page = client.get("/admin/").get_data(as_text=True)
    assert "Recent activity" in page and f"failed to log in as {victim.email}" in page
    assert "login.failed" not in page  # plain words, not codes


@pytest.fixture
def default_hashing(app_config):
    """The site's own password hashing, not the suite's cheap PASSWORD_HASH_METHOD."""
    del app_config["PASSWORD_HASH_METHOD"]
    return app_config


def test_passwords_are_hashed_with_scrypt_by_default(default_hashing, app, client, make):
    assert app.config["PASSWORD_HASH_METHOD"] == "scrypt"
    user = make.staff(Role.EDITOR)
    assert user.password_hash.startswith("scrypt:")
    assert log_in(client, "nobody@example.com", PASSWORD).status_code == 200
    assert log_in(client, user).status_code == 302
    accounts.set_password(user, "a brand new passphrase for scrypt")
    assert user.password_hash.startswith("scrypt:")
    assert accounts.verify_password(user, "a brand new passphrase for scrypt")


def test_the_configured_hash_method_is_the_one_used(app, make):
    assert make.staff().password_hash.startswith(f"{app.config['PASSWORD_HASH_METHOD']}$")
