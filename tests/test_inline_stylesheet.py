"""The stylesheet inside each page, minified, and the script loader: each allowed by its hash."""

from __future__ import annotations

import base64
import gzip
import hashlib
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from techpulse.extensions import db
from techpulse.models import Article
from techpulse.serving.inline_css import split_sheets
from techpulse.serving.static_files import minify_css
from tests.helpers.apps import new_app
from tests.helpers.demo import demo_site

SHEET = Path(__file__).resolve().parents[1] / "static" / "css" / "site.css"


def _sheet(response) -> str:
    (css,) = re.findall(r"<style>(.*?)</style>", response.get_data(as_text=True), re.DOTALL)
    return css


def test_each_kind_of_page_carries_its_sheet_and_the_csp_allows_exactly_those(client, make):
    section = make.category("Cloud")
    story = make.article("A story", category=section)
    sheets = split_sheets(SHEET.read_bytes())
    assert sheets["site"] == minify_css(SHEET.read_bytes())
    for path, name in [("/", "list"), (f"/category/{section.slug}", "list"),
                       (f"/articles/{story.slug}", "story"), ("/contact", "site")]:  # fmt: skip
        response = client.get(path)
        assert _sheet(response).encode() == sheets[name], path
        assert 'rel="stylesheet"' not in response.get_data(as_text=True)
    # One policy for every page (nginx sends it with page files): each sheet by its hash.
    hashes = " ".join(
        f"'sha256-{base64.b64encode(hashlib.sha256(sheets[name]).digest()).decode()}'"
        for name in ("site", "story", "list")
    )
    policy = client.get("/").headers["Content-Security-Policy"]
    assert f"style-src 'self' {hashes};" in policy
    assert "unsafe-inline" not in policy
    # A story carries neither the home page's lead card nor the contact form's rules, and
    # a list no story text: each is a good deal smaller than the whole file.
    assert b".card--hero" not in sheets["story"] and b".contact-form" not in sheets["story"]
    assert b".prose" not in sheets["list"] and b".card--hero" in sheets["list"]
    for name in ("story", "list"):
        assert len(gzip.compress(sheets[name])) < 0.85 * len(gzip.compress(sheets["site"]))


def test_sheets_follow_the_marks_in_order_and_refuse_a_broken_one():
    source = (
        b"a { color: red; }\n/* @sheets: story */\n.b { margin: 0; }\n"
        b"/* @sheets: list story */\n@media (min-width: 1px) { .c { gap: 0; } }\n"
        b"/* @sheets: site */\n.d { top: 0; }\n"
    )
    assert split_sheets(source) == {
        "site": b"a{color:red}.b{margin:0}@media (min-width:1px){.c{gap:0}}.d{top:0}\n",
        "story": b"a{color:red}.b{margin:0}@media (min-width:1px){.c{gap:0}}\n",
        "list": b"a{color:red}@media (min-width:1px){.c{gap:0}}\n",
    }
    with pytest.raises(ValueError, match="unknown sheet"):
        split_sheets(b"/* @sheets: stroy */\na { top: 0; }\n")
    with pytest.raises(ValueError, match="splits a rule"):
        split_sheets(b"@media (min-width: 1px) {\n/* @sheets: list */\n.c { gap: 0; } }\n")


def test_the_stylesheet_can_still_be_linked(app, client, make):
    app.config["INLINE_STYLESHEET"] = False
    html = client.get("/contact").get_data(as_text=True)
    assert "<style>" not in html and 'rel="stylesheet" href="/static/css/site.css?v=' in html
    assert "style-src 'self';" in client.get("/contact").headers["Content-Security-Policy"]


def test_minifying_keeps_every_rule_and_saves_a_fifth_after_gzip():
    source = SHEET.read_bytes()
    small = minify_css(source)
    assert b"/*" not in small and b"\n  " not in small
    assert small.count(b"{") == re.sub(rb"/\*.*?\*/", b"", source, flags=re.DOTALL).count(b"{")
    assert len(gzip.compress(small)) < 0.85 * len(gzip.compress(source))
    assert minify_css(b"a > b,\n  c {\n  color: red;\n  margin: 0 auto;\n}\n") == (
        b"a>b,c{color:red;margin:0 auto}\n"
    )


def test_the_linked_file_is_served_minified_with_its_source_hash(client):
    html_version = re.search(rb"v=([0-9a-f]{10})", SHEET.read_bytes())  # no version inside
    assert html_version is None
    source = SHEET.read_bytes()
    version = hashlib.sha256(source).hexdigest()[:10]
    response = client.get(f"/static/css/site.css?v={version}")
    assert response.data == minify_css(source)
    assert "immutable" in response.headers["Cache-Control"]


def test_the_story_fetches_share_js_by_an_inline_loader_the_csp_allows_by_its_hash(client, make):
    article = make.article("A story")
    response = client.get(f"/articles/{article.slug}")
    html = response.get_data(as_text=True)
    scripts = re.findall(r"<script( [^>]*)?>(.*?)</script>", html, re.DOTALL)
    (loader,) = [(attributes, code) for attributes, code in scripts if "ld+json" not in attributes]
    assert re.fullmatch(r' data-src="/static/js/share\.js\?v=[0-9a-f]{10}"', loader[0])
    assert "addEventListener('load'" in loader[1]
    digest = base64.b64encode(hashlib.sha256(loader[1].encode()).digest()).decode()
    policy = response.headers["Content-Security-Policy"]
    assert f"script-src 'self' 'sha256-{digest}';" in policy
    assert "unsafe-inline" not in policy


# A new TCP connection's first round trip carries 10 segments of 1,460 bytes (initcwnd 10):
# a page past it waits a round trip more, and its banner with it (docs/performance.md).
FIRST_ROUND_TRIP = 14_600
# What a server adds to the app's headers (status line, Date, Server: ~60 bytes from granian)
# and room for a longer story: the page must leave this much of the round trip free.
MARGIN = 600


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo site ``make run`` serves, at the address a deployment gives it."""
    app = new_app(demo_site(tmp_path_factory, "round-trip", SITE_URL="https://techpulse.example"))
    with app.app_context():
        newest = select(Article.slug).order_by(Article.published_at.desc())
        story = db.session.scalars(newest).first()
        db.session.remove()
    yield app, story
    with app.app_context():
        db.engine.dispose()


def _on_the_wire(client, path: str) -> int:
    """The gzipped page and its response headers, as HTTP/1.1 sends them."""
    response = client.get(path, headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200 and response.headers["Content-Encoding"] == "gzip"
    head = "HTTP/1.1 200 OK\r\n" + "".join(f"{k}: {v}\r\n" for k, v in response.headers.items())
    return len(response.data) + len((head + "\r\n").encode())


def test_each_public_page_of_the_demo_fits_in_a_new_connections_first_round_trip(demo):
    app, story = demo
    client = app.test_client()
    for path in ("/", f"/articles/{story}", "/category/ai-tech", "/author/techpulse-newsroom",
                 "/about", "/contact", "/search?q=python"):  # fmt: skip
        client.get(path)  # the page cache's copy, as a visitor gets it
        assert _on_the_wire(client, path) <= FIRST_ROUND_TRIP - MARGIN, path
