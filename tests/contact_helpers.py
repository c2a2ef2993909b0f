"""Filling in the contact form the way a browser would (shared by the contact tests)."""

from __future__ import annotations

from typing import Any

from tests.helpers import elements

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
