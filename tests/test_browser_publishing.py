"""An editor in a real browser: log in, write an article with a banner, publish, log out."""

from __future__ import annotations

import io

import pytest
from PIL import Image as PILImage

from techpulse.models import Role
from tests.helpers.accounts import log_in_browser
from tests.helpers.browser import fill_story, wait_until_loaded

pytestmark = pytest.mark.browser


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", (1200, 675), (200, 60, 40)).save(buffer, "PNG")
    return buffer.getvalue()


def test_editor_publishes_an_article_with_a_banner(page, live_server, make):
    editor = make.staff(Role.EDITOR)
    make.category("Gadgets")
    log_in_browser(page, live_server, editor)

    page.get_by_role("link", name="Articles").click()
    page.get_by_role("link", name="New article").click()
    page.get_by_role("textbox", name="Title", exact=True).fill("Phones fold twice now")
    fill_story(page, "The **new** phone folds twice.")
    page.get_by_label("Category").select_option(label="Gadgets")
    page.get_by_label("Tags").fill("Phones, Hardware")
    page.get_by_label("Upload a new banner image").set_input_files(
        {"name": "phone.png", "mimeType": "image/png", "buffer": png_bytes()}
    )
    page.get_by_label("Alt text of the new banner").fill("A red phone folded in three")
    page.get_by_role("button", name="Publish now").click()
    page.get_by_text("Published: it is on the site now.").wait_for()

    page.goto(f"{live_server}/")
    page.get_by_role("link", name="Phones fold twice now").first.click()
    banner = page.get_by_alt_text("A red phone folded in three")
    banner.wait_for()
    wait_until_loaded(banner)

    page.goto(f"{live_server}/admin/")
    page.get_by_role("button", name="Log out").click()
    page.goto(f"{live_server}/admin/articles")
    assert "/login" in page.url
    assert page.outside_requests == []
