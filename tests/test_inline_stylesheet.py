"""The stylesheet inside each page, minified, and the script loader: each allowed by its hash."""

from __future__ import annotations

import base64
import gzip
import hashlib
import re
from pathlib import Path

from techpulse.serving.static_files import minify_css

SHEET = Path(__file__).resolve().parents[1] / "static" / "css" / "site.css"


def test_pages_carry_the_stylesheet_and_the_csp_allows_exactly_it(client, make):
    make.article("A story")
    response = client.get("/")
    html = response.get_data(as_text=True)
    (css,) = re.findall(r"<style>(.*?)</style>", html, re.DOTALL)
    assert css.encode() == minify_css(SHEET.read_bytes())
    digest = base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()
    policy = response.headers["Content-Security-Policy"]
    assert f"style-src 'self' 'sha256-{digest}';" in policy
    assert "unsafe-inline" not in policy
    assert 'rel="stylesheet"' not in html


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
