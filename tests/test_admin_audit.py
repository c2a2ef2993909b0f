"""The audit log in the staff area."""

from __future__ import annotations

from techpulse.models import Role
from tests.helpers.accounts import log_in


def test_audit_page_lists_failed_logins_and_role_changes_with_ip(client, staff, make, app):
    editor = make.staff(Role.EDITOR)
    log_in(app.test_client(), editor, "wrong password entirely")
    staff.login(Role.ADMIN)
    staff.post(f"/admin/users/{editor.id}/role", {"role": "author"})
    page = client.get("/admin/audit").get_data(as_text=True)
    assert "login.failed" in page and "user.role_changed" in page
    assert "editor → author" in page and "127.0.0.1" in page
    only = client.get("/admin/audit?action=login.failed").get_data(as_text=True)
    rows = only[only.index("<tbody") :]
    assert "login.failed" in rows and "user.role_changed" not in rows
    assert client.get("/admin/audit?page=9").status_code == 404
    assert client.get("/admin/audit?page=x").status_code == 404
