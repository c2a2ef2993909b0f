"""A client writes in with the keyboard only; staff find the message in the inbox."""

from __future__ import annotations

import re

import pytest

from techpulse.models import Role
from tests.helpers.accounts import log_in_browser

pytestmark = pytest.mark.browser


def tab_to(page, element_id: str, limit: int = 80) -> None:
    """Press Tab until the element with ``element_id`` has the focus."""
    for _ in range(limit):
        if page.evaluate("document.activeElement && document.activeElement.id") == element_id:
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"#{element_id} never got the keyboard focus")


def test_keyboard_only_message_reaches_the_inbox(app, page, live_server, make):
    app.config["CONTACT_MIN_SECONDS"] = 0
    make.settings(contact_email="hello@codedote.example")
    editor = make.staff(Role.EDITOR)
    page.goto(f"{live_server}/contact")

    tab_to(page, "name")
    page.keyboard.type("Priya Shah")
    page.keyboard.press("Tab")
    page.keyboard.type("priya@example.com")
    page.keyboard.press("Tab")
    page.keyboard.type("Shah Textiles")
    page.keyboard.press("Tab")
    page.keyboard.type("+91 98250 12345")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "topic"
    page.keyboard.press("ArrowDown")  # "New project"
    page.keyboard.press("Tab")
    page.keyboard.press("ArrowDown")  # the first budget range
    page.keyboard.press("Tab")
    page.keyboard.type("We would like a B2B ordering portal for our wholesale customers.")
    page.keyboard.press("Tab")  # the honeypot is skipped: it is out of the tab order
    assert page.evaluate("document.activeElement.id") == "consent"
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Send message"
    page.keyboard.press("Enter")

    page.wait_for_url(re.compile(r"/contact/thanks/CD-"))
    reference = page.locator(".contact-thanks__reference").inner_text()
    assert re.fullmatch(r"CD-[0-9A-Z]{6}", reference)
    assert page.get_by_role("heading", level=1).inner_text().startswith("Thank you")

    log_in_browser(page, live_server, editor)
    page.get_by_role("link", name=re.compile("^Messages")).click()
    row = page.locator("tr", has_text=reference)
    assert "Priya Shah" in row.inner_text() and "New project" in row.inner_text()
    row.get_by_role("link", name="Priya Shah").click()
    assert "B2B ordering portal" in page.locator(".message-text").first.inner_text()
    assert page.outside_requests == []
