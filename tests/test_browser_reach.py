"""What Chromium sees of the search-engine and feed metadata: it parses, and breaks nothing."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

STRUCTURED = """() => [...document.querySelectorAll('script[type="application/ld+json"]')]
    .flatMap(s => { const d = JSON.parse(s.textContent); return d['@graph'] || [d]; })"""


def test_article_metadata_parses_in_the_browser_without_any_console_error(page, live_server, make):
    story = make.article(
        "Google May Drop Scale AI Deal! </script>",
        banner=make.image(alt="The launch banner"),
        tags=("Google",),
    )
    problems: list[str] = []
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.goto(f"{live_server}/articles/{story.slug}")
    things = page.evaluate(STRUCTURED)
    news = next(thing for thing in things if thing["@type"] == "NewsArticle")
    assert news["headline"] == page.locator("h1").inner_text()
    assert news["mainEntityOfPage"]["@id"] == page.url
    for image in news["image"]:  # every image named to search engines loads
        assert page.request.get(image).status == 200
    feeds = page.eval_on_selector_all(
        'link[rel="alternate"]', "links => links.map(link => link.href)"
    )
    assert feeds == [f"{live_server}/feed.xml", f"{live_server}/rss.xml"]
    for feed in feeds:
        assert page.request.get(feed).headers["content-type"].endswith("+xml; charset=utf-8")
    page.goto(f"{live_server}/")
    assert {thing["@type"] for thing in page.evaluate(STRUCTURED)} == {"Organization", "WebSite"}
    icon = page.request.get(f"{live_server}/favicon.ico")
    assert icon.status == 200 and icon.body()[:4] == b"\x00\x00\x01\x00"
    assert problems == []  # no CSP report, no script error from the JSON-LD blocks
    assert page.outside_requests == []
