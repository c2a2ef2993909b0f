"""The staff inbox: who may see it, reading, status, notes, mailto, delete, CSV export."""

from __future__ import annotations

import csv
import io
from urllib.parse import unquote

import pytest
from sqlalchemy import select

from techpulse.extensions import db
from techpulse.models import AuditEvent, ContactMessage, Role
from tests.helpers.contact import contact_message
from tests.helpers.pages import elements, text_of


def test_authors_and_visitors_cannot_open_the_inbox(client, staff):
    row = contact_message()
    urls = ["/admin/messages", f"/admin/messages/{row.id}", "/admin/messages/export"]
    for url in urls:
        assert client.get(url).status_code == 302  # to the login page
    staff.login(Role.AUTHOR)
    for url in urls:
        assert client.get(url).status_code == 403
    assert staff.post(f"/admin/messages/{row.id}/status", {"status": "spam"}).status_code == 403
    assert "Messages" not in text_of(client.get("/admin/").data)


def test_editors_see_the_list_with_the_unread_count(client, staff):
    contact_message(name="First Client")
    contact_message(name="Second Client", status="read")
    contact_message(name="Spammer", status="spam")
    staff.login(Role.EDITOR)
    html = client.get("/admin/messages").get_data(as_text=True)
    assert "First Client" in html and "Second Client" in html and "Spammer" not in html
    [badge] = elements(html, "span", "count-badge")
    assert badge.get("aria-label") == "1 unread"
    spam = client.get("/admin/messages?status=spam").get_data(as_text=True)
    assert "Spammer" in spam and "First Client" not in spam


def test_search_covers_name_email_company_and_text(client, staff):
    contact_message(name="Ravi", company="Acme Robotics")
    contact_message(name="Meera", email="meera@foods.example")
    contact_message(name="Karan", message="Looking for a 50% discount on Flutter apps")
    staff.login(Role.EDITOR)

    def found(query: str) -> str:
        return text_of(client.get("/admin/messages", query_string={"q": query}).data)

    assert "Ravi" in found("acme") and "Meera" not in found("acme")
    assert "Meera" in found("FOODS.example")
    assert "Karan" in found("50%") and "Ravi" not in found("50%")
    assert "No messages match" in found("nothing like this")


def test_the_list_pages_through(client, staff):
    for n in range(30):
        contact_message(name=f"Client {n:02d}")
    staff.login(Role.EDITOR)
    first = text_of(client.get("/admin/messages").data)
    second = text_of(client.get("/admin/messages?page=2").data)
    assert "Client 29" in first and "Client 00" not in first and "Client 00" in second
    assert client.get("/admin/messages?page=9").status_code == 404


def test_opening_a_message_shows_text_not_html_and_marks_it_read(client, staff):
    row = contact_message(name="<b>Bold</b>", message="<script>alert(1)</script>\nSecond line")
    staff.login(Role.EDITOR)
    html = client.get(f"/admin/messages/{row.id}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;\nSecond line" in html
    assert "<b>Bold</b>" not in html
    db.session.refresh(row)
    assert row.status == "read"


def test_reply_link_prefills_the_subject(client, staff):
    row = contact_message(topic="support", email="o'neil+test@example.com")
    staff.login(Role.EDITOR)
    html = client.get(f"/admin/messages/{row.id}").get_data(as_text=True)
    [link] = [a for a in elements(html, "a") if a.get("href").startswith("mailto:")]
    address, _, query = link.get("href").removeprefix("mailto:").partition("?subject=")
    assert unquote(address) == "o'neil+test@example.com"
    assert unquote(query) == f"Re: Support [{row.reference}]"
    assert " " not in link.get("href")


def test_status_changes_and_notes(client, staff):
    row = contact_message()
    editor = staff.login(Role.EDITOR)
    response = staff.post(f"/admin/messages/{row.id}/status", {"status": "replied"})
    assert response.status_code == 302
    db.session.refresh(row)
    assert row.status == "replied"
    assert staff.post(f"/admin/messages/{row.id}/status", {"status": "bogus"}).status_code == 400
    staff.post(f"/admin/messages/{row.id}/note", {"note": "Called them back."})
    staff.post(f"/admin/messages/{row.id}/note", {"note": "Sent a quote."})
    db.session.refresh(row)
    assert "Called them back." in row.notes and "Sent a quote." in row.notes
    assert row.notes.count(editor.name) == 2
    empty = staff.post(f"/admin/messages/{row.id}/note", {"note": ""})
    assert empty.status_code == 400 and "Write the note first." in empty.get_data(as_text=True)
    nul = staff.post(f"/admin/messages/{row.id}/note", {"note": "bad\x00note"})
    assert nul.status_code == 400


def test_only_admins_delete_after_confirming(client, staff, make):
    row = contact_message()
    staff.login(Role.EDITOR)
    assert client.get(f"/admin/messages/{row.id}/delete").status_code == 403
    assert staff.post(f"/admin/messages/{row.id}/delete").status_code == 403
    staff.post("/logout")
    staff.login(make.staff(Role.ADMIN))
    confirm = client.get(f"/admin/messages/{row.id}/delete")
    assert confirm.status_code == 200 and "cannot be undone" in confirm.get_data(as_text=True)
    reference = row.reference
    assert staff.post(f"/admin/messages/{row.id}/delete").status_code == 302
    assert db.session.scalars(select(ContactMessage)).all() == []
    assert (
        db.session.scalar(select(AuditEvent.target).where(AuditEvent.action == "message.deleted"))
        == reference
    )


@pytest.mark.parametrize(
    "danger", ['=HYPERLINK("http://x")', "+1+1", "-2", "@SUM(A1)", "\tx", "\rx"]
)
def test_csv_export_neutralises_formulas(client, staff, danger):
    contact_message(name=danger, company=danger, message=f"{danger} is how it starts")
    contact_message(name="Spammer", status="spam")
    staff.login(Role.EDITOR)
    response = client.get("/admin/messages/export")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    header, [row] = rows[0], rows[1:]
    assert header[:4] == ["Reference", "Received (UTC)", "Status", "Name"]
    assert row[3] == "'" + danger and row[5] == "'" + danger
    assert row[header.index("Message")].startswith("'")
    spam_only = client.get("/admin/messages/export?status=spam").get_data(as_text=True)
    names = [r[3] for r in csv.reader(io.StringIO(spam_only.lstrip("\ufeff")))][1:]
    assert names == ["Spammer"]
