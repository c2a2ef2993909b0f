"""The audit log in the staff area."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from techpulse.extensions import db
from techpulse.models import AuditEvent, Role
from tests.helpers.accounts import csrf_from, log_in


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


def test_uploads_alt_text_notes_logout_and_backups_are_in_plain_words(
    app, client, staff, make, runner, tmp_path
):
    import io

    from tests.helpers.accounts import log_out
    from tests.helpers.contact import contact_message
    from tests.helpers.factories import image_bytes

    editor = make.staff(Role.EDITOR, name="Esha Editor")
    desk = app.test_client()
    log_in(desk, editor)
    token = csrf_from(desk.get("/admin/").data)
    desk.post("/admin/media/upload", data={"csrf_token": token, "alt_text": "A chip",
              "image": (io.BytesIO(image_bytes(600, 400)), "chip.jpg")})  # fmt: skip
    image_id = db.session.scalar(
        select(AuditEvent.subject_id).where(AuditEvent.subject_kind == "image")
    )
    desk.post(f"/admin/media/{image_id}/edit", data={"csrf_token": token, "alt_text": "A new chip"})
    message = contact_message()
    desk.post(
        f"/admin/messages/{message.id}/note", data={"csrf_token": token, "note": "Called back"}
    )
    log_out(desk)
    assert runner.invoke(args=["backup", str(tmp_path / "b.tar.gz")]).exit_code == 0
    staff.login(Role.ADMIN)
    page = client.get("/admin/audit").get_data(as_text=True)
    for words in (
        'Esha Editor</strong> <a href="/admin/media/',  # linked to the image
        "uploaded the image “chip.jpg”",
        "changed the alt text of “chip.jpg” to “A new chip”",
        f"added a note to message {message.reference}",
        ">logged out</a>",
        "Command line</strong> made the backup b.tar.gz (",
    ):
        assert words in page, words


def test_the_log_filters_by_group_person_words_and_days_and_exports_csv(client, staff, make, now):
    editor = make.staff(Role.EDITOR, name="Esha Editor")
    make.article("=SUM(A1) chips", author=editor)
    staff.login(Role.ADMIN)
    stories = client.get("/admin/audit?action=article").get_data(as_text=True)
    rows = stories[stories.index("<tbody") :]
    assert "published the story" in rows and "logged in" not in rows
    mine = client.get(f"/admin/audit?actor={editor.id}").get_data(as_text=True)
    assert "Esha Editor" in mine[mine.index("<tbody") :]
    found = client.get("/admin/audit?q=chips").get_data(as_text=True)
    assert "SUM" in found[found.index("<tbody") :]
    later = (now() + timedelta(days=2)).date().isoformat()
    empty = client.get(f"/admin/audit?since={later}").get_data(as_text=True)
    assert "No events match these filters yet." in empty
    export = client.get("/admin/audit/export.csv?action=article")
    assert export.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in export.headers["Content-Disposition"]
    text = export.get_data(as_text=True)
    assert text.startswith("\ufeffTime (UTC),Who,What happened,Action")
    assert "article.published" in text and "login.succeeded" not in text
    assert ",'=SUM(A1) chips," in text and ",=SUM" not in text  # no cell starts a formula
