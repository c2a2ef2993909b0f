"""In a real browser: set up two-factor login from the QR code page, log in with a code, and
find that cookies copied before logout no longer open the staff area."""

from __future__ import annotations

import pyotp
import pytest

from techpulse.models import Role
from tests.helpers.accounts import log_in_browser

pytestmark = pytest.mark.browser


def test_set_up_two_factor_and_log_in_with_a_code(page, live_server, make, now):
    editor = make.staff(Role.EDITOR)
    log_in_browser(page, live_server, editor)
    page.get_by_role("link", name="Two-factor").click()
    page.get_by_role("button", name="Set up two-factor login").click()
    qr = page.get_by_role("img", name="QR code for your authenticator app")
    box = qr.locator("svg").bounding_box()
    assert box and box["width"] >= 150 and box["height"] >= 150  # big enough to scan
    secret = page.locator(".qr-secret").inner_text()
    totp = pyotp.TOTP(secret)
    page.get_by_role("textbox", name="Code").fill(totp.at(now.at))
    page.get_by_role("button", name="Turn on two-factor login").click()
    page.get_by_role("heading", name="Your recovery codes").wait_for()
    assert page.locator(".recovery-codes li").count() == 10

    page.get_by_role("button", name="Log out").click()
    now.advance(seconds=30)
    log_in_browser(page, live_server, editor, dashboard=False)
    page.get_by_role("heading", name="Enter your code").wait_for()
    page.get_by_role("textbox", name="Code").fill(totp.at(now.at))
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="Dashboard").wait_for()
    assert page.outside_requests == []


def test_cookies_copied_before_logout_open_nothing(browser, page, live_server, make):
    editor = make.staff(Role.EDITOR)
    log_in_browser(page, live_server, editor, remember=True)
    copied = page.context.cookies()
    assert {cookie["name"] for cookie in copied} >= {"session", "remember_token"}
    page.get_by_role("button", name="Log out").click()
    page.get_by_text("You have been logged out.").wait_for()

    thief = browser.new_context()
    try:
        thief.add_cookies(copied)
        tab = thief.new_page()
        tab.goto(f"{live_server}/admin/")
        assert "/login" in tab.url
        tab.get_by_role("heading", name="Staff log in").wait_for()
    finally:
        thief.close()
