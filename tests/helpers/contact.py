"""The contact form filled in the way a browser would, and stored messages for the inbox."""

from __future__ import annotations

from typing import Any

from techpulse.extensions import db
from techpulse.models import ContactMessage
from techpulse.services.contact.intake import new_form_token, new_reference
from tests.helpers.pages import elements

VALID = {
    "name": "Asha Mehta",
    "email": "asha@example.com",
    "company": "Mehta Foods",
    "phone": "+91 98765 43210",
    "topic": "project",
    "budget": "medium",
    "message": "We need an online ordering system for our three restaurants.",
    "consent": "y",
}


def hidden_fields(html: str | bytes) -> dict[str, str]:
    """Every hidden input of the page's form, by name."""
    return {
        e.get("name"): e.get("value") for e in elements(html, "input") if e.get("type") == "hidden"
    }


def contact_form(client: Any, **fields: Any) -> dict[str, Any]:
    """Open /contact and return a complete, valid submission with ``fields`` changed."""
    page = client.get("/contact")
    assert page.status_code == 200
    data = {**hidden_fields(page.data), "website": "", **VALID, **fields}
    return {key: value for key, value in data.items() if value is not None}


def contact_message(**fields: Any) -> ContactMessage:
    """A committed contact message as the form stores one; ``fields`` override the defaults."""
    values = {
        "reference": new_reference(),
        "form_token": new_form_token(),
        "name": "Asha Mehta",
        "email": "asha@example.com",
        "topic": "project",
        "message": "We need an online ordering system.",
        **fields,
    }
    row = ContactMessage(**values)
    db.session.add(row)
    db.session.commit()
    return row
