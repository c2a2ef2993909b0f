"""The staff Security page: admins require two-factor login and reset a lost authenticator."""

from __future__ import annotations

from techpulse.models import Role
from tests.helpers.accounts import PASSWORD, audited, code_at, csrf_from, enrol, log_in, log_out


def test_admins_can_require_it_for_everyone_and_reset_a_lost_phone(app, client, staff, make, now):
    admin = staff.login(Role.ADMIN)
    staff.post("/admin/security", {"require": "y"})
    assert len(audited("two_factor.required")) == 1
    page = client.get("/admin/articles")
    assert page.headers["Location"] == "/account/two-factor"  # the admin too must enrol
    secret, _ = enrol(client, now)
    assert client.get("/admin/articles").status_code == 200

    editor = make.staff(Role.EDITOR)
    other = app.test_client()
    token = csrf_from(other.get("/login").data)
    other.post("/login", data={"csrf_token": token, "email": editor.email, "password": PASSWORD})
    assert other.get("/admin/").headers["Location"] == "/account/two-factor"
    assert other.get("/account/two-factor").status_code == 200
    assert "Admins require two-factor login" in other.get("/account/two-factor").get_data(
        as_text=True
    )
    listing = client.get("/admin/security").get_data(as_text=True)
    assert admin.email in listing and editor.email in listing
    now.advance(seconds=30)
    staff.post(f"/admin/security/{admin.id}/remove-two-factor",
               {"password": PASSWORD, "code": code_at(secret, now)})  # fmt: skip
    [event] = audited("two_factor.disabled")
    assert event.target == admin.email and event.detail == f"by {admin.email}"


def test_only_admins_open_the_security_page(client, staff):
    staff.login(Role.EDITOR)
    assert client.get("/admin/security").status_code == 403
    assert client.post("/admin/security/1/remove-two-factor",
                       data={"csrf_token": staff.token()}).status_code == 403  # fmt: skip


def _enrolled_editor(app, make, now):
    editor = make.staff(Role.EDITOR)
    other = app.test_client()
    log_in(other, editor)
    secret, _ = enrol(other, now)
    log_out(other)
    return editor, secret


def test_removing_someones_two_factor_needs_the_admins_password_and_is_audited(
    app, client, staff, make, now
):
    editor, _ = _enrolled_editor(app, make, now)
    admin = staff.login(Role.ADMIN)
    remove = f"/admin/security/{editor.id}/remove-two-factor"
    page = client.get("/admin/security").get_data(as_text=True)
    assert (
        f'id="remove-password-{editor.id}"' in page and f'id="remove-code-{editor.id}"' not in page
    )

    assert staff.post(remove, {}).headers["Location"] == "/admin/security"  # CSRF token only
    staff.post(remove, {"password": "not the password"})
    staff.post(remove, {"password": PASSWORD.upper()})
    assert not audited("two_factor.disabled")
    refused = audited("two_factor.removal_refused")
    assert [(event.target, event.detail) for event in refused] == [
        (editor.email, "wrong password"), (editor.email, "wrong password")
    ]  # fmt: skip
    assert all(event.actor_id == admin.id for event in refused)
    page = client.get("/admin/security").get_data(as_text=True)
    assert f'id="remove-password-{editor.id}"' in page  # still on

    staff.post(remove, {"password": PASSWORD})
    [removed] = audited("two_factor.disabled")
    assert (removed.target, removed.detail) == (editor.email, f"by {admin.email}")


def test_an_admin_removing_their_own_needs_a_current_code_too(client, staff, now):
    admin = staff.login(Role.ADMIN)
    secret, _ = enrol(client, now)
    remove = f"/admin/security/{admin.id}/remove-two-factor"
    assert f'id="remove-code-{admin.id}"' in client.get("/admin/security").get_data(as_text=True)
    staff.post(remove, {"password": PASSWORD})
    staff.post(remove, {"password": PASSWORD, "code": "123456"})
    assert not audited("two_factor.disabled")
    assert [e.detail for e in audited("two_factor.removal_refused")] == ["wrong code"] * 2
    now.advance(seconds=30)
    staff.post(remove, {"password": PASSWORD, "code": code_at(secret, now)})
    assert len(audited("two_factor.disabled")) == 1


def test_wrong_passwords_for_a_removal_are_throttled(app, client, staff, make, now):
    editor, _ = _enrolled_editor(app, make, now)
    staff.login(Role.ADMIN)
    remove = f"/admin/security/{editor.id}/remove-two-factor"
    for _ in range(12):
        staff.post(remove, {"password": "guess"})
    staff.post(remove, {"password": PASSWORD})  # even the right one, once throttled
    assert not audited("two_factor.disabled")
    assert audited("two_factor.removal_refused")[-1].detail == "throttled"
