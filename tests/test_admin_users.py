"""Staff accounts in the staff area: create, links, roles, activation, profiles."""

from __future__ import annotations

import re

from sqlalchemy import select

from techpulse.extensions import db
from techpulse.models import AuditEvent, Role, User
from techpulse.services.access import accounts
from tests.helpers.accounts import csrf_from, log_in

NEW_PASSWORD = "violet tractor ladder 9"


def one_time_link(html: str) -> str:
    match = re.search(r'value="(http://localhost/set-password/[^"]+)"', html)
    assert match, "no set-password link on the page"
    return match.group(1).removeprefix("http://localhost")


def test_users_list_shows_every_account(client, staff, make):
    admin = staff.login(Role.ADMIN)
    writer = make.staff(Role.AUTHOR, name="Ana Roy")
    page = client.get("/admin/users").get_data(as_text=True)
    assert admin.email in page and writer.email in page and "Ana Roy" in page
    assert "Never" in page  # Ana has not logged in yet


def test_create_user_with_an_initial_password(client, staff, app):
    staff.login(Role.ADMIN)
    form = {"name": "Ravi Shah", "email": "Ravi@Example.com", "role": "editor", "how": "password"}
    weak = staff.post("/admin/users/new", {**form, "password": "password1234"})
    assert weak.status_code == 200 and "too common" in weak.get_data(as_text=True)
    assert accounts.user_by_email("ravi@example.com") is None
    done = staff.post("/admin/users/new", {**form, "password": NEW_PASSWORD})
    assert done.status_code == 302
    user = accounts.user_by_email("ravi@example.com")
    assert user.role == "editor" and user.name == "Ravi Shah"
    assert log_in(app.test_client(), user, NEW_PASSWORD).status_code == 302
    again = staff.post("/admin/users/new", {**form, "password": NEW_PASSWORD})
    assert "already exists" in again.get_data(as_text=True)


def test_create_user_with_a_link_that_works_once(client, staff, app):
    staff.login(Role.ADMIN)
    created = staff.post(
        "/admin/users/new",
        {"name": "Meera Iyer", "email": "meera@example.com", "role": "author", "how": "link"},
    )
    html = client.get(created.headers["Location"]).get_data(as_text=True)
    link = one_time_link(html)
    assert "expires in 7 days" in html and "works once" in html
    user = accounts.user_by_email("meera@example.com")
    assert user.password_hash is None
    assert link not in client.get(f"/admin/users/{user.id}/link").get_data(as_text=True)

    newcomer = app.test_client()
    token = csrf_from(newcomer.get(link).data)
    form = {"csrf_token": token, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    assert newcomer.post(link, data=form).status_code == 302
    assert log_in(newcomer, user, NEW_PASSWORD).status_code == 302
    spent = app.test_client().get(link)
    assert spent.status_code == 302 and spent.headers["Location"] == "/login"


def test_new_link_for_an_existing_user(client, staff, make):
    staff.login(Role.ADMIN)
    user = make.staff(Role.AUTHOR)
    made = staff.post(f"/admin/users/{user.id}/link")
    assert "/set-password/" in one_time_link(client.get(made.headers["Location"]).text)
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.password_link"))


def test_role_change_ends_the_users_session(client, staff, make, app):
    staff.login(Role.ADMIN)
    editor = make.staff(Role.EDITOR)
    other = app.test_client()
    assert log_in(other, editor).status_code == 302
    assert other.get("/admin/").status_code == 200
    response = staff.post(f"/admin/users/{editor.id}/role", {"role": "author"})
    assert response.status_code == 302
    assert db.session.get(User, editor.id).role == "author"
    assert other.get("/admin/").status_code == 302
    assert staff.post(f"/admin/users/{editor.id}/role", {"role": "boss"}).status_code == 400


def test_deactivation_ends_the_session_and_reactivation_restores_login(client, staff, make, app):
    staff.login(Role.ADMIN)
    author = make.staff(Role.AUTHOR)
    other = app.test_client()
    assert log_in(other, author).status_code == 302
    staff.post(f"/admin/users/{author.id}/active", {"active": "0"})
    assert other.get("/admin/").status_code == 302
    assert log_in(other, author).status_code == 200  # refused
    page = client.get(f"/admin/users/{author.id}/edit").get_data(as_text=True)
    assert "Reactivate" in page
    staff.post(f"/admin/users/{author.id}/active", {"active": "1"})
    assert log_in(other, author).status_code == 302


def test_the_last_admin_cannot_be_demoted_or_deactivated(client, staff):
    admin = staff.login(Role.ADMIN)
    edit = f"/admin/users/{admin.id}/edit"
    assert staff.post(f"/admin/users/{admin.id}/role", {"role": "editor"}).location == edit
    assert "last active admin" in client.get(edit).text
    assert staff.post(f"/admin/users/{admin.id}/active", {"active": "0"}).location == edit
    assert "last active admin" in client.get(edit).text
    fresh = db.session.get(User, admin.id)
    assert fresh.role == "admin" and fresh.active
    assert client.get("/admin/users").status_code == 200


def test_profile_slug_and_bio_show_on_the_author_page(client, staff, make):
    staff.login(Role.ADMIN)
    writer = make.staff(Role.AUTHOR, name="Kiran Patel")
    make.user(name="Taken Name")
    url = f"/admin/users/{writer.id}/edit"
    form = {"name": "Kiran Patel", "slug": "kiran", "bio": "Writes about Rust and robots."}
    for bad, message in (("Not A Slug", "lower-case letters"), ("taken-name", "already has")):
        refused = staff.post(url, {**form, "slug": bad})
        assert refused.status_code == 200 and message in refused.get_data(as_text=True)
        assert "Writes about Rust" in refused.get_data(as_text=True)  # typed input kept
    assert staff.post(url, form).status_code == 302
    page = client.get("/author/kiran")
    assert page.status_code == 200 and "Writes about Rust and robots." in page.get_data(
        as_text=True
    )
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.profile_changed"))
    assert event.detail == "slug, bio"
