"""Moving a message back to "new" in the inbox sticks: what staff see next agrees with it."""

from __future__ import annotations

import pytest

from techpulse.extensions import db
from techpulse.models import ContactMessage, Role
from techpulse.services.contact.intake import new_form_token, new_reference
from tests.helpers.pages import text_of


def _message(status: str) -> ContactMessage:
    row = ContactMessage(
        reference=new_reference(), form_token=new_form_token(), name="Asha Mehta",
        email="asha@example.com", topic="project", message="Quote please.", status=status,
    )  # fmt: skip
    db.session.add(row)
    db.session.commit()
    return row


@pytest.mark.parametrize("before", ["read", "spam"])
def test_marking_a_message_new_keeps_it_new(client, staff, before):
    row = _message(before)
    staff.login(Role.EDITOR)
    response = staff.post(
        f"/admin/messages/{row.id}/status", {"status": "new"}, follow_redirects=True
    )
    assert response.status_code == 200
    assert f"Message {row.reference} marked new." in text_of(response.data)
    db.session.refresh(row)
    assert row.status == "new"  # the page shown after the change did not re-read it
    inbox = text_of(client.get("/admin/messages?status=new").data)
    assert "Asha Mehta" in inbox
