"""The staff Security page: admins require two-factor login and reset a lost authenticator."""

from __future__ import annotations

from techpulse.models import Role
from tests.helpers.accounts import PASSWORD, audited, csrf_from, enrol


def test_admins_can_require_it_for_everyone_and_reset_a_lost_phone(app, client, staff, make, now):
    admin = staff.login(Role.ADMIN)
    staff.post("/admin/security", {"require": "y"})
    assert len(audited("two_factor.required")) == 1
    page = client.get("/admin/articles")
    assert page.headers["Location"] == "/account/two-factor"  # the admin too must enrol
    enrol(client, now)
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
    staff.post(f"/admin/security/{admin.id}/remove-two-factor")
    [event] = audited("two_factor.disabled")
    assert event.target == admin.email and event.detail == f"by {admin.email}"


def test_only_admins_open_the_security_page(client, staff):
    staff.login(Role.EDITOR)
    assert client.get("/admin/security").status_code == 403
    assert client.post("/admin/security/1/remove-two-factor",
                       data={"csrf_token": staff.token()}).status_code == 403  # fmt: skip
