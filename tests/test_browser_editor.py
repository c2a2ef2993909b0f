"""The editor in a real browser: autosave, a save after the session ended, images in the story."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from PIL import Image as PILImage
from sqlalchemy import select

from techpulse.extensions import db
from techpulse.models import Article, EditorDraft, Role, User
from tests.helpers.accounts import PASSWORD, log_in_browser
from tests.helpers.browser import fill_story, wait_until_loaded

pytestmark = pytest.mark.browser


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    """Autosave after one second of changes instead of twenty, so the test does not wait."""
    return {**app_config, "EDITOR_AUTOSAVE_SECONDS": 1}


def _open_a_new_article(page, live_server, make, role: Role) -> User:
    """Log in as new staff of ``role`` and open a new article (the "Gadgets" category exists)."""
    user = make.staff(role)
    make.category("Gadgets")
    log_in_browser(page, live_server, user)
    page.goto(f"{live_server}/admin/articles/new")
    return user


def _write(page, title: str, body: str) -> None:
    """Type the title, and the story in the Markdown mode (the visual mode is the default)."""
    page.get_by_role("textbox", name="Title", exact=True).fill(title)
    fill_story(page, body)


def _stored_draft() -> EditorDraft | None:
    db.session.rollback()  # end the test's read transaction: see what the server committed
    return db.session.scalars(select(EditorDraft)).first()


def _stored_article() -> Article:
    db.session.rollback()
    return db.session.scalars(select(Article)).one()


def test_autosave_keeps_the_text_on_the_server_and_in_the_browser(page, live_server, make):
    author = _open_a_new_article(page, live_server, make, Role.AUTHOR)
    _write(page, "Written before a crash", "Paragraph one.\n\nParagraph two, three words.")
    page.get_by_text("6 words · 1 min read").wait_for()
    page.get_by_text("Autosaved").wait_for()
    draft = _stored_draft()
    assert draft is not None and draft.fields["body"].endswith("three words.")
    assert draft.user_id == author.id and db.session.scalars(select(Article)).first() is None

    # The tab is closed and opened again: both copies are offered back, and restore works.
    page.goto(f"{live_server}/admin/")
    page.goto(f"{live_server}/admin/articles/new")
    assert page.get_by_label("Story (Markdown)").input_value() == ""
    page.get_by_role("heading", name="You have unsaved changes from").wait_for()
    local = page.locator(".local-draft-offer")
    local.get_by_role("button", name="Restore them").click()
    assert page.get_by_label("Story (Markdown)").input_value().endswith("three words.")

    # Ctrl+S saves; the saved story is exactly what was typed, and the autosave is gone.
    page.get_by_label("Category").select_option(label="Gadgets")
    page.keyboard.press("Control+s")
    page.get_by_text("Saved.", exact=True).wait_for()
    article = _stored_article()
    assert article.title == "Written before a crash" and article.body_md.endswith("three words.")
    assert _stored_draft() is None
    assert page.outside_requests == []


def test_save_after_the_session_ended_logs_in_on_the_page_and_saves(page, live_server, make):
    editor = _open_a_new_article(page, live_server, make, Role.EDITOR)
    _write(page, "A long afternoon", "Every word I typed for an hour.")
    page.get_by_label("Category").select_option(label="Gadgets")
    page.context.clear_cookies()  # the session is gone, as after the idle limit
    page.get_by_role("button", name="Save draft").click()

    dialog = page.get_by_role("dialog", name="Your session ended — log in to save")
    dialog.wait_for()
    dialog.get_by_label("Password").fill("not my password")
    dialog.get_by_label("E-mail").fill(editor.email)
    dialog.get_by_role("button", name="Log in and save").click()
    page.get_by_text("That did not log you in.").wait_for()
    assert page.get_by_label("Story (Markdown)").input_value() == "Every word I typed for an hour."
    dialog.get_by_label("Password").fill(PASSWORD)
    dialog.get_by_role("button", name="Log in and save").click()
    page.get_by_text("Saved.", exact=True).wait_for()
    article = _stored_article()
    assert article.body_md == "Every word I typed for an hour." and article.author_id == editor.id


def test_save_with_a_stale_token_refreshes_it_and_saves(page, live_server, make):
    _open_a_new_article(page, live_server, make, Role.EDITOR)
    _write(page, "Token test", "Kept text.")
    page.get_by_label("Category").select_option(label="Gadgets")
    page.evaluate("document.querySelector('form.editor [name=csrf_token]').value = 'stale'")
    page.get_by_role("button", name="Save draft").click()
    page.get_by_text("Saved.", exact=True).wait_for()
    assert _stored_article().body_md == "Kept text."


def _png(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", (width, height), (30, 90, 200)).save(buffer, "PNG")
    return buffer.getvalue()


def test_images_are_uploaded_or_picked_into_the_story_and_render_responsively(
    page, live_server, make
):
    editor = make.staff(Role.EDITOR)
    make.category("Gadgets")
    library_image = make.image("A laptop on a desk")
    log_in_browser(page, live_server, editor)
    page.goto(f"{live_server}/admin/articles/new")
    _write(page, "Pictures inside", "Opening paragraph.")
    # The editor has one status line: let the autosave of the typing finish first, or its
    # "Autosaved" may land just after, and replace, the upload's message checked below.
    page.get_by_text(re.compile(r"^Autosaved ")).wait_for()
    body = page.get_by_label("Story (Markdown)")
    body.press("End")

    page.get_by_label("Image file for the story").set_input_files(
        {"name": "chip.png", "mimeType": "image/png", "buffer": _png(1400, 800)}
    )
    page.get_by_role("button", name="Upload and insert into the story").click()
    page.get_by_text("Describe the image in its alt text first").wait_for()
    page.get_by_label("Alt text of the image").fill("A blue chip")
    page.get_by_label("Caption (optional)").fill("The new chip")
    page.get_by_role("button", name="Upload and insert into the story").click()
    # Making the image's sizes takes a few seconds on a busy machine.
    page.get_by_text("Image added to the library and the story.").wait_for(timeout=30_000)
    assert "![A blue chip](image:" in body.input_value() and '"The new chip")' in body.input_value()

    page.get_by_text("Pick from the library").click()
    page.get_by_role("button", name="Insert “A laptop on a desk”").click()
    assert f"![A laptop on a desk](image:{library_image.id})" in body.input_value()
    live = page.locator(".editor__live-body")
    live.locator("img[alt='A blue chip']").wait_for()
    live.locator("img[alt='A laptop on a desk']").wait_for()

    page.get_by_label("Category").select_option(label="Gadgets")
    page.get_by_role("button", name="Publish now").click()
    page.get_by_text("Published: it is on the site now.").wait_for()
    page.get_by_role("link", name="View on the site").click()
    figure = page.locator("figure.story-image", has_text="The new chip")
    image = figure.get_by_role("img", name="A blue chip")
    image.scroll_into_view_if_needed()
    assert image.get_attribute("loading") == "lazy" and image.get_attribute("width")
    wait_until_loaded(image)
    assert page.outside_requests == []


def test_the_slug_field_accepts_a_hindi_slug_and_saves_it(page, live_server, make):
    _open_a_new_article(page, live_server, make, Role.EDITOR)
    slug = page.get_by_role("textbox", name="Slug")
    for typed, valid in (("नमस्ते-दुनिया", True), ("ai-tech", True), ("Bad Slug", False),
                         ("नमस्ते 🚀", False), ("a--b", False)):  # fmt: skip
        slug.fill(typed)
        assert slug.evaluate("input => input.validity.valid") is valid, typed
    _write(page, "नमस्ते दुनिया 🚀", "पहली पोस्ट।")
    slug.fill("मेरी-कहानी")
    page.get_by_role("button", name="Save draft").click()
    page.get_by_text("saved").first.wait_for()
    assert _stored_article().slug == "मेरी-कहानी"
