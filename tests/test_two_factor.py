"""Two-factor login (TOTP) with a frozen clock: enrolment, login, replay, recovery codes."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from techpulse.extensions import db
from techpulse.models import RecoveryCode, Role
from tests.helpers.accounts import (
    PASSWORD,
    audited,
    code_at,
    confirm_two_factor,
    csrf_from,
    enrol,
    log_in,
    log_out,
)


def code_step(client, code: str):
    token = csrf_from(client.get("/login/code").data)
    return client.post("/login/code", data={"csrf_token": token, "code": code})


@pytest.fixture
def enrolled(client, staff, now):
    """An editor with two-factor login, logged out again; (user, secret, recovery codes)."""
    user = staff.login(Role.EDITOR)
    secret, codes = enrol(client, now)
    log_out(client)
    now.advance(seconds=30)  # the next code, since the enrolment code is spent
    return user, secret, codes


def test_enrolment_shows_a_qr_code_made_here_and_ten_recovery_codes(client, staff, now):
    staff.login(Role.EDITOR)
    assert "Set up two-factor login" in client.get("/account/two-factor").get_data(as_text=True)
    client.post("/account/two-factor/setup", data={"csrf_token": staff.token()})
    page = client.get("/account/two-factor/confirm").get_data(as_text=True)
    assert "<svg" in page and "<path" in page  # inline SVG, no image from anywhere else
    assert "otpauth" not in page.split("<svg")[0] and "chart.googleapis" not in page
    wrong = client.post(
        "/account/two-factor/confirm", data={"csrf_token": csrf_from(page), "code": "000000"}
    )
    assert "That code is not right" in wrong.get_data(as_text=True)
    secret, codes = confirm_two_factor(client, page, now)
    assert len(codes) == len(set(codes)) == 10
    stored = db.session.scalars(select(RecoveryCode.code_hash)).all()
    assert len(stored) == 10 and not set(codes) & set(stored)  # only hashes are kept
    assert len(audited("two_factor.enabled")) == 1
    assert "10</strong> unused recovery codes" in client.get("/account/two-factor").get_data(
        as_text=True
    )


def test_login_asks_for_the_code_after_the_password(client, enrolled, now):
    user, secret, _ = enrolled
    response = log_in(client, user)
    assert response.headers["Location"] == "/login/code"
    assert client.get("/admin/").status_code == 302  # the password alone is not a login
    wrong = code_step(client, "123456")
    assert "That code is not right" in wrong.get_data(as_text=True)
    done = code_step(client, code_at(secret, now))
    assert done.status_code == 302 and done.headers["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert audited("login.two_factor_failed")


def test_a_used_code_cannot_be_replayed_and_a_stale_one_is_refused(app, client, enrolled, now):
    user, secret, _ = enrolled
    code = code_at(secret, now)
    log_in(client, user)
    assert code_step(client, code).status_code == 302
    log_out(client)
    log_in(client, user)
    replayed = code_step(client, code)  # the same code again, still within its 30 seconds
    assert replayed.status_code == 200 and "already used" in replayed.get_data(as_text=True)
    stale = code_at(secret, now, seconds=-120)  # from two minutes ago
    assert code_step(client, stale).status_code == 200
    now.advance(seconds=30)
    assert code_step(client, code_at(secret, now)).status_code == 302


def test_a_code_a_step_early_is_accepted_for_clock_drift(client, enrolled, now):
    user, secret, _ = enrolled
    log_in(client, user)
    assert code_step(client, code_at(secret, now, seconds=30)).status_code == 302


def test_each_recovery_code_works_once_and_is_audited(client, enrolled):
    user, _, codes = enrolled
    log_in(client, user)
    assert code_step(client, codes[0].upper()).status_code == 302
    log_out(client)
    log_in(client, user)
    assert code_step(client, codes[0]).status_code == 200
    [event] = audited("two_factor.recovery_code_used")
    assert event.target == user.email and event.detail == "9 left"


def test_the_password_step_expires(client, enrolled, now):
    user, secret, _ = enrolled
    log_in(client, user)
    now.advance(minutes=6)
    response = code_step_without_form(client, code_at(secret, now))
    assert response.headers["Location"] == "/login"


def code_step_without_form(client, code):
    token = csrf_from(client.get("/login").data)
    return client.post("/login/code", data={"csrf_token": token, "code": code})


def test_wrong_codes_are_throttled(client, enrolled):
    user, _, _ = enrolled
    log_in(client, user)
    for _ in range(5):
        assert code_step(client, "111111").status_code == 200
    assert code_step(client, "222222").status_code == 429


def test_turning_it_off_needs_the_password_and_is_audited(client, staff, enrolled, now):
    user, secret, _ = enrolled
    log_in(client, user)
    code_step(client, code_at(secret, now))
    token = staff.token()
    now.advance(seconds=30)
    code = code_at(secret, now)
    off = "/account/two-factor/disable"
    client.post(off, data={"csrf_token": token, "password": "nope", "code": code})
    client.post(off, data={"csrf_token": token, "password": PASSWORD})  # no code
    client.post(off, data={"csrf_token": token, "password": PASSWORD, "code": "000000"})
    assert not audited("two_factor.disabled")
    refused = [event.detail for event in audited("two_factor.removal_refused")]
    assert refused == ["wrong password", "wrong code", "wrong code"]
    client.post(off, data={"csrf_token": token, "password": PASSWORD, "code": code})
    assert len(audited("two_factor.disabled")) == 1
    log_out(client)
    assert log_in(client, user).headers["Location"] == "/admin/"
