"""An imported WordPress story in a real browser: old link, banner and inline image shown."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from tests.helpers.browser import wait_until_loaded
from tests.helpers.wordpress import SITE_XML, make_uploads

pytestmark = pytest.mark.browser


def test_old_link_opens_the_imported_story_with_its_images(page, live_server, runner, tmp_path):
    uploads = make_uploads(tmp_path)
    result = runner.invoke(args=["import-wordpress", str(SITE_XML), "--uploads", str(uploads)])
    assert result.exit_code == 0, result.output
    response = page.goto(f"{live_server}/2024/05/01/hello-world/")
    assert response.status == 200 and page.url == f"{live_server}/articles/hello-world"
    assert response.request.redirected_from.redirected_from is None  # exactly one redirect
    inline = page.locator(".article__body picture img").first  # then the [gallery]'s copy
    inline.scroll_into_view_if_needed()
    wait_until_loaded(inline)
    assert inline.get_attribute("alt") == "Five engineers around a whiteboard"
    banner = page.locator(".article__banner img")
    wait_until_loaded(banner)
    assert page.outside_requests == []  # nothing fetched from the old site or anywhere else


def test_the_hindi_old_link_lands_on_the_hindi_address(page, live_server, runner):
    result = runner.invoke(args=["import-wordpress", str(SITE_XML)])
    assert result.exit_code == 0, result.output
    old = "/" + quote("नमस्ते-दुनिया") + "/"  # %E0%A4%A8…
    response = page.goto(live_server + old.lower())  # as WordPress wrote it: lower-case hex
    assert response.status == 200
    assert response.request.redirected_from.redirected_from is None  # exactly one redirect
    assert page.url == f"{live_server}/articles/{old.strip('/')}"  # the Hindi slug, encoded
    assert page.evaluate("decodeURIComponent(location.pathname)") == "/articles/नमस्ते-दुनिया"
    assert page.locator("h1").inner_text() == "नमस्ते दुनिया 🚀"
