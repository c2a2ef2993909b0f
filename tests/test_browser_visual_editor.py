"""The visual editor in Chromium: paste, images, story links, the login box, pages, no JS.

Markdown stays the source of truth: each test reads what the form posts (the textarea) or
what readers get (the public page).
"""

from __future__ import annotations

import base64
import io
from typing import Any

import pyotp
import pytest
from PIL import Image as PILImage
from sqlalchemy import select

from techpulse.extensions import db
from techpulse.models import Article, Page, Role, Status, TwoFactor, User
from techpulse.services.access import two_factor
from techpulse.services.editorial.article_editor import save_article
from techpulse.services.editorial.article_input import Action, ArticleInput
from techpulse.services.editorial.staff_articles import article_for_editing
from tests.helpers.accounts import PASSWORD, log_in_browser

pytestmark = pytest.mark.browser

GOOGLE_DOCS = (
    '<meta charset="utf-8"><b style="font-weight:normal;" id="docs-internal-guid-1a2b3c">'
    '<h1 dir="ltr" style="line-height:1.38;margin-top:20pt"><span style="font-size:20pt;'
    'font-family:Arial;color:#000000;font-weight:400">Launch notes</span></h1>'
    '<p dir="ltr" style="line-height:1.38"><span style="font-size:11pt;font-family:Arial;'
    'font-weight:700">Chips</span><span style="font-size:11pt;font-weight:400"> are faster; '
    'read </span><a href="https://example.com/chips" style="text-decoration:none">'
    '<span style="color:#1155cc;text-decoration:underline">our notes</span></a></p>'
    '<ul style="margin-top:0"><li dir="ltr" style="list-style-type:disc"><p dir="ltr">'
    '<span style="font-weight:400">smaller</span></p></li><li dir="ltr"><p dir="ltr">'
    '<span style="font-weight:400">cooler</span></p></li></ul></b>'
)
PASTE = """(html) => {
  const data = new DataTransfer();
  data.setData('text/html', html);
  data.setData('text/plain', 'plain');
  document.querySelector('.visual-editor__text').dispatchEvent(
    new ClipboardEvent('paste', {clipboardData: data, bubbles: true, cancelable: true}));
}"""
DROP = """([name, b64]) => {
  const bytes = Uint8Array.from(atob(b64), c => c.charCodeAt(0));
  const data = new DataTransfer();
  data.items.add(new File([bytes], name, {type: 'image/png'}));
  const target = document.querySelector('.visual-editor__text p:last-child') ||
    document.querySelector('.visual-editor__text');
  const box = target.getBoundingClientRect();
  target.dispatchEvent(new DragEvent('drop', {dataTransfer: data, bubbles: true, cancelable: true,
    clientX: box.right - 2, clientY: box.bottom - 4}));
}"""


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    """Autosave after a second instead of twenty, so a test does not wait."""
    return {**app_config, "EDITOR_AUTOSAVE_SECONDS": 1}


def _markdown(page: Any) -> str:
    """What the form posts as the story: the textarea, written back from the visual mode."""
    page.wait_for_timeout(250)  # the visual mode writes the Markdown back after 150 ms
    return page.locator("textarea[name=body]").input_value()


def _new_article(page: Any, live_server: str, make: Any) -> Any:
    editor = make.staff(Role.EDITOR)
    make.category("Gadgets")
    log_in_browser(page, live_server, editor)
    page.goto(f"{live_server}/admin/articles/new")
    page.get_by_role("textbox", name="Title", exact=True).fill("Notes from the launch")
    page.get_by_label("Category").select_option(label="Gadgets")
    return editor


def _png() -> str:
    buffer = io.BytesIO()
    PILImage.new("RGB", (1400, 800), (30, 90, 200)).save(buffer, "PNG")
    return base64.b64encode(buffer.getvalue()).decode()


def test_markdown_shortcuts_and_a_google_docs_paste_become_clean_markdown(page, live_server, make):
    _new_article(page, live_server, make)
    surface = page.get_by_role("textbox", name="Story (visual)")
    surface.click()
    page.keyboard.type("## Opening\nSome **strong** words\n- first\n")
    assert _markdown(page).startswith("## Opening\n\nSome **strong** words\n\n- first")
    page.keyboard.press("Enter")  # leave the list
    page.evaluate(PASTE, GOOGLE_DOCS)
    markdown = _markdown(page)
    assert "## Launch notes" in markdown
    assert "**Chips** are faster; read [our notes](https://example.com/chips)" in markdown
    assert "- smaller\n- cooler" in markdown
    for residue in ("style", "span", "docs-internal", "<b", "font"):
        assert residue not in markdown
    # A link card from the "/" menu: a link alone on its line, as the site's cards want it.
    page.keyboard.press("Control+End")
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")
    page.keyboard.type("/card")
    page.keyboard.press("Enter")
    card = page.get_by_role("dialog", name="Add a link card")
    card.get_by_label("Address of the YouTube, Vimeo, X or LinkedIn post").fill(
        "https://www.youtube.com/watch?v=launch"
    )
    card.get_by_role("button", name="Add card").click()
    assert _markdown(page).endswith("\n\n<https://www.youtube.com/watch?v=launch>")
    markdown = _markdown(page)
    # The status line: counted words, then the autosave time in the site's zone.
    status = page.locator(".editor__status")
    status.get_by_text("(Asia/Kolkata)").wait_for()
    status.get_by_text("21 words").wait_for()
    assert status.inner_text().startswith("21 words · 1 min read · Autosaved")
    # The Markdown mode shows the same text, and switching back keeps it.
    page.get_by_role("button", name="Markdown", exact=True).click()
    assert page.get_by_label("Story (Markdown)").input_value() == markdown
    page.get_by_role("button", name="Visual", exact=True).click()
    assert surface.locator("h2", has_text="Launch notes").count() == 1
    assert page.outside_requests == []


def test_a_dropped_image_asks_for_alt_text_and_becomes_a_responsive_figure(page, live_server, make):
    _new_article(page, live_server, make)
    page.get_by_role("textbox", name="Story (visual)").click()
    page.keyboard.type("The opening paragraph of the story.")
    page.evaluate(DROP, ["chip.png", _png()])
    figure = page.get_by_role("group", name="New image, not added yet")
    figure.get_by_role("button", name="Add to the story").click()
    figure.get_by_text("Describe the image in its alt text first").wait_for()
    assert "image:" not in _markdown(page)
    figure.get_by_label("Alt text (required)").fill("A blue chip")
    figure.get_by_label("Caption").fill("The new chip")
    figure.get_by_role("button", name="Add to the story").click()
    # Making the image's sizes takes a few seconds on a busy machine.
    page.get_by_role("group", name="Image in the story").wait_for(timeout=30_000)
    assert "![A blue chip](image:" in _markdown(page) and '"The new chip")' in _markdown(page)

    page.get_by_role("button", name="Publish now").click()
    page.get_by_text("Published: it is on the site now.").wait_for()
    page.get_by_role("link", name="View on the site").click()
    figure = page.locator("figure.story-image", has_text="The new chip")
    image = figure.get_by_role("img", name="A blue chip")
    assert figure.locator("source[type='image/webp']").count() == 1
    assert image.get_attribute("srcset") and image.get_attribute("sizes")
    assert page.outside_requests == []


def test_a_story_link_from_the_slash_menu_follows_a_slug_change(page, live_server, make):
    target = make.article("Chips get faster", body="The new chips are here.")
    editor = _new_article(page, live_server, make)
    surface = page.get_by_role("textbox", name="Story (visual)")
    surface.click()
    page.keyboard.type("Background: ")
    page.keyboard.press("Enter")
    page.keyboard.type("/story")
    menu = page.get_by_role("listbox", name="Insert a block")
    assert (
        menu.get_by_role("option", name="Link to a story").get_attribute("aria-selected") == "true"
    )
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="Link to a story")
    dialog.get_by_label("Search published stories by title or words").fill("chips")
    dialog.get_by_role("button", name="Chips get faster").click()
    assert f"[Chips get faster](article:{target.id})" in _markdown(page)
    page.get_by_role("button", name="Publish now").click()
    page.get_by_text("Published: it is on the site now.").wait_for()
    # The editor page's own requests (staff session, draft) end first: a write of theirs
    # between this session's reads and its save would end the save with "database is locked"
    # (SQLite's WAL: a transaction may not write past a snapshot another writer moved on).
    page.wait_for_load_state("networkidle")

    # The target gets a new address; the story linking to it follows.
    target_id, editor_id = target.id, editor.id
    db.session.rollback()
    db.session.expunge_all()  # load it afresh, with its tags, as the editor does
    target, editor = article_for_editing(target_id), db.session.get(User, editor_id)
    data = ArticleInput(title=target.title, body_md=target.body_md, slug="chips-are-faster",
                        category_id=target.category_id)  # fmt: skip
    save_article(target, data, editor, Action.SAVE)
    page.goto(f"{live_server}/articles/notes-from-the-launch")
    link = page.locator(".article__body").get_by_role("link", name="Chips get faster")
    assert link.get_attribute("href") == "/articles/chips-are-faster"
    link.click()
    page.get_by_role("heading", name="Chips get faster", level=1).wait_for()

    # Unpublished, it is only text: never a dead link.
    db.session.expunge_all()
    editor = db.session.get(User, editor_id)
    save_article(article_for_editing(target_id), data, editor, Action.UNPUBLISH)
    page.goto(f"{live_server}/articles/notes-from-the-launch")
    assert page.locator(".article__body").get_by_role("link", name="Chips get faster").count() == 0
    assert "Chips get faster" in page.locator(".article__body").inner_text()


def test_a_two_factor_user_logs_in_again_in_the_editor_and_the_save_goes_through(
    page, live_server, make
):
    editor = make.staff(Role.EDITOR)
    make.category("Gadgets")
    secret = two_factor.begin_enrolment(editor).secret
    recovery = two_factor.confirm_enrolment(editor, pyotp.TOTP(secret).now())
    assert recovery and db.session.scalar(select(TwoFactor.confirmed_at)) is not None
    log_in_browser(page, live_server, editor, dashboard=False)
    page.get_by_role("textbox", name="Code").fill(recovery[0])
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="Dashboard").wait_for()
    page.goto(f"{live_server}/admin/articles/new")
    page.get_by_role("textbox", name="Title", exact=True).fill("Written with two factors")
    page.get_by_label("Category").select_option(label="Gadgets")
    page.get_by_role("textbox", name="Story (visual)").click()
    page.keyboard.type("An hour of careful words.")
    page.context.clear_cookies()  # the session is gone, as after the idle limit
    page.get_by_role("button", name="Save draft").click()

    dialog = page.get_by_role("dialog", name="Your session ended — log in to save")
    dialog.get_by_label("E-mail").fill(editor.email)
    dialog.get_by_label("Password").fill(PASSWORD)
    dialog.get_by_role("button", name="Log in and save").click()
    code = dialog.get_by_label("Code from your authenticator app, or a recovery code")
    code.fill(recovery[1])
    dialog.get_by_role("button", name="Log in and save").click()
    page.get_by_text("Saved.", exact=True).wait_for()
    db.session.rollback()
    article = db.session.scalars(select(Article)).one()
    assert article.body_md == "An hour of careful words." and article.status == Status.DRAFT


def test_the_page_editor_keeps_the_text_when_the_session_ended(page, live_server, make):
    editor = make.staff(Role.EDITOR)
    about = make.page("about", "About us", "We build software.")
    log_in_browser(page, live_server, editor)
    page.goto(f"{live_server}/admin/pages/{about.id}/edit")
    page.get_by_role("button", name="Markdown", exact=True).click()
    page.get_by_label("Body (Markdown)").fill("We build software in Vadodara, since 2019.")
    page.context.clear_cookies()
    previews = []
    page.on("request", lambda r: previews.append(r.url) if "live-preview" in r.url else None)
    page.get_by_role("button", name="Save page").click()
    dialog = page.get_by_role("dialog", name="Your session ended — log in to save")
    dialog.get_by_label("E-mail").fill(editor.email)
    # The typing's live preview (due 0.7 s after it) waits while the login box is open: sent
    # logged out, its answer could come after the login and replace the new session's cookie.
    page.wait_for_timeout(900)
    assert previews == []
    dialog.get_by_label("Password").fill(PASSWORD)
    dialog.get_by_role("button", name="Log in and save").click()
    page.get_by_text("Page “About us” saved.").wait_for()
    db.session.rollback()
    assert db.session.get(Page, about.id).body_md == "We build software in Vadodara, since 2019."


def test_without_javascript_the_markdown_form_works_and_the_excerpt_follows_the_opening(
    browser, live_server, make
):
    editor = make.staff(Role.EDITOR)
    make.category("Gadgets")
    context = browser.new_context(java_script_enabled=False)
    tab = context.new_page()
    log_in_browser(tab, live_server, editor)
    tab.set_viewport_size({"width": 390, "height": 844})  # a phone: the buttons stay in sight
    tab.goto(f"{live_server}/admin/articles/new")
    assert tab.get_by_role("toolbar").count() == 0
    save = tab.get_by_role("button", name="Save draft").bounding_box()
    assert save is not None and save["y"] + save["height"] <= 844
    tab.set_viewport_size({"width": 1366, "height": 900})
    tab.get_by_role("textbox", name="Title", exact=True).fill("Plain and simple")
    tab.get_by_label("Category").select_option(label="Gadgets")
    body, excerpt = tab.get_by_label("Story (Markdown)"), tab.get_by_label("Excerpt")
    body.fill("## Heading\n\nA **plain** story.")
    tab.get_by_role("button", name="Save draft").click()
    tab.get_by_text("Saved.", exact=True).wait_for()
    db.session.rollback()
    stored = db.session.scalars(select(Article)).one().body_md
    assert stored.replace("\r\n", "\n") == "## Heading\n\nA **plain** story."

    # Left empty, the excerpt follows the opening at every save...
    assert excerpt.input_value() == "" and excerpt.get_attribute("placeholder") == "A plain story."
    body.fill("A new opening, rewritten.")
    tab.get_by_role("button", name="Save draft").click()
    tab.get_by_text("Saved.", exact=True).wait_for()
    assert excerpt.get_attribute("placeholder") == "A new opening, rewritten."
    # ...until staff write one: then it stays, whatever the story says.
    excerpt.fill("Written by the desk.")
    tab.get_by_role("button", name="Save draft").click()
    tab.get_by_text("Saved.", exact=True).wait_for()
    body.fill("Yet another opening.")
    tab.get_by_role("button", name="Save draft").click()
    tab.get_by_text("Saved.", exact=True).wait_for()
    assert excerpt.input_value() == "Written by the desk."
    context.close()
    db.session.rollback()
    assert db.session.scalars(select(Article.excerpt)).one() == "Written by the desk."
