"""A visitor reading in a real browser: layout at phone and desktop width, sharing."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from techpulse.extensions import db
from techpulse.models import Image
from tests.helpers.browser import CHROMIUM, CHROMIUM_ARGS, wait_until_loaded

pytestmark = pytest.mark.browser


@pytest.fixture
def story(make):
    make.settings(about_blurb="Young IT professionals in Vadodara, India.")
    ai = make.category("AI & Tech")
    for i in range(3):
        make.article(f"Earlier story {i}", category=ai, banner=True, hours_ago=10 + i)
    return make.article(
        "Google May Drop Scale AI Deal!",
        category=ai,
        banner=make.image(alt="TechPulse banner for the Scale AI story"),
        tags=("Google",),
        hours_ago=1,
        body="Paragraph one.\n\nParagraph two.",
    )


def test_article_layout_on_desktop_and_phone(page, live_server, story):
    url = f"{live_server}/articles/{story.slug}"
    page.goto(url)
    banner = page.get_by_alt_text("TechPulse banner for the Scale AI story")
    banner.wait_for()
    wait_until_loaded(banner)
    article_box = page.locator("article.article").bounding_box()
    sidebar_box = page.locator("aside.sidebar").bounding_box()
    assert sidebar_box["x"] > article_box["x"] + article_box["width"] - 1  # beside it
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    article_box = page.locator("article.article").bounding_box()
    sidebar_box = page.locator("aside.sidebar").bounding_box()
    assert sidebar_box["y"] >= article_box["y"] + article_box["height"] - 1  # below it
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scroll
    assert page.outside_requests == []


def test_copy_link_puts_the_article_url_on_the_clipboard(browser, live_server, story):
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    tab = context.new_page()
    url = f"{live_server}/articles/{story.slug}"
    tab.goto(url)
    tab.locator(".share[data-share-ready]").wait_for()  # share.js comes after the load event
    tab.get_by_role("link", name="Copy link").click()
    tab.get_by_text("Link copied to the clipboard.").wait_for()
    assert tab.evaluate("navigator.clipboard.readText()") == url
    assert tab.url == url  # the click did not navigate
    context.close()


def test_share_links_open_the_networks_with_this_article(page, live_server, story):
    page.goto(f"{live_server}/articles/{story.slug}")
    for label in ("Share on Facebook", "Share on WhatsApp", "Share on LinkedIn",
                  "Pin on Pinterest", "Share on X", "Share by e-mail"):  # fmt: skip
        link = page.get_by_role("link", name=label)
        assert link.is_visible(), label
        assert "google-may-drop-scale-ai-deal" in link.get_attribute("href")


def test_keyboard_user_can_skip_to_content(page, live_server, story):
    page.goto(f"{live_server}/articles/{story.slug}")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    assert skip.evaluate("el => el === document.activeElement")
    assert skip.is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


@pytest.fixture
def long_story(story, make):
    """A story as long as the launch story: five paragraphs of about 60 words."""
    paragraph = " ".join(["Scale AI supplies labelled data to the largest model makers."] * 6)
    return make.article(
        "Google May Drop Scale AI Deal, the long read",
        banner=make.image(alt="TechPulse banner for the long read"),
        hours_ago=0.5,
        body="\n\n".join([paragraph] * 5),
    )


def test_a_phones_first_visit_to_a_story_is_small_and_waits_for_nothing_else(
    browser, live_server, long_story
):
    story = long_story
    # Lighthouse's phone: 412 px wide at 1.75 device pixels per CSS pixel, on a connection
    # Chromium rates 3G, where it starts lazy images up to 2,500 px below the screen.
    phone = browser.browser_type.launch(
        executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, "--force-effective-connection-type=3G"]
    )
    context = phone.new_context(viewport={"width": 412, "height": 823}, device_scale_factor=1.75)
    tab = context.new_page()
    loaded: list[Any] = []
    tab.on("requestfinished", lambda request: loaded.append(request))
    tab.goto(f"{live_server}/articles/{story.slug}", wait_until="load")
    tab.wait_for_timeout(300)  # lazy images near the screen would have started by now
    tab.wait_for_selector("[data-share-ready]", state="attached")  # share.js came and ran
    banner = db.session.get(Image, story.banner_id).key
    wire = {r.url: sum(r.sizes()[k] for k in ("responseBodySize", "responseHeadersSize"))
            for r in loaded}  # fmt: skip
    others = {url: size for url, size in wire.items() if banner not in url}
    assert sum(others.values()) <= 30 * 1024, others
    # The stylesheet comes inside the page (no round trip of its own); nothing blocks.
    assert [url for url in wire if "/static/css/" in url] == []
    assert tab.evaluate(
        "document.querySelectorAll('head style').length === 1 && "
        "document.querySelectorAll('link[rel=stylesheet]').length === 0 && "
        "document.querySelectorAll('script[src]:not([defer]):not([async])').length === 0"
    )
    # share.js (copy-link) is asked for only once the page has loaded: the banner has the
    # network to itself (over HTTP/1.1 the two would need a second connection).
    assert [url for url in wire if "/static/js/share.js" in url]
    assert tab.evaluate(
        "performance.getEntriesByType('resource').find(e => e.name.includes('share.js'))"
        ".startTime >= performance.getEntriesByType('navigation')[0].loadEventStart"
    )
    # The thumbnails of the sidebar and the related stories below the story wait until the
    # reader scrolls near them: only the banner competes with the page for the network.
    assert [url for url in wire if "/media/" in url and banner not in url] == []
    tab.locator(".widget--recent").scroll_into_view_if_needed()
    for thumbnail in tab.locator(".widget--recent img").all():
        expect(thumbnail).to_have_js_property("complete", True)
        assert thumbnail.evaluate("img => img.naturalWidth") > 0
    phone.close()
