"""Markdown becomes safe HTML once, at save time."""

from __future__ import annotations

import pytest

from techpulse.markup.markdown import excerpt, reading_minutes, render_markdown


def test_markdown_renders_common_formatting():
    html = render_markdown("# Title\n\nSome *em* and **strong**, `code`.\n\n- a\n- b").html
    assert "<h2>Title</h2>" in html  # the page's own title is the only <h1>
    assert (
        "<em>em</em>" in html and "<strong>strong</strong>" in html and "<code>code</code>" in html
    )
    assert "<ul>" in html and "<li>a</li>" in html


@pytest.mark.parametrize(
    "payload",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "[click](javascript:alert(1))",
        '<a href="javascript:alert(1)">x</a>',
        '<iframe src="https://evil.example"></iframe>',
        '<p style="background:url(javascript:alert(1))">x</p>',
        "<svg onload=alert(1)>",
        '<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>',
    ],
)
def test_dangerous_html_is_removed(payload):
    html = render_markdown(payload).html.lower()
    for bad in ("<script", "onerror=", "onload=", "<iframe", "<svg", "style=", "=\"javascript:",
                "=\"data:"):  # fmt: skip
        assert bad not in html


def test_links_are_kept_safe():
    html = render_markdown("[CodeDote](https://codedote.example)").html
    assert 'href="https://codedote.example"' in html
    assert 'rel="noopener noreferrer"' in html


def test_reading_time_and_excerpt():
    assert reading_minutes("word " * 10) == 1
    assert reading_minutes("word " * 441) == 3
    text = "One two three four five six seven eight nine ten."
    assert excerpt(text, 200) == text
    short = excerpt(text, 20)
    assert short.endswith("…") and len(short) <= 20 and "fiv" not in short.split()[-1]


def test_body_headings_start_at_h2_whatever_level_the_author_used():
    html = render_markdown("## What we build\n\ntext\n\n### Web apps\n\nmore").html
    assert "<h2>What we build</h2>" in html and "<h3>Web apps</h3>" in html
    assert "<h1" not in render_markdown("# A\n\n## B").html


def test_picture_srcset_may_only_name_this_sites_own_files():
    own = (
        '<picture><source type="image/webp" srcset="/media/a-480.webp 480w, /media/b.webp 9w">'
        '<img src="/media/a-960.jpg" srcset="/media/a-480.jpg 480w" alt="A" loading="lazy">'
        "</picture>"
    )
    assert own in render_markdown(own).html
    hostile = render_markdown(
        '<picture><source srcset="https://tracker.example/x.webp 1w">'
        '<img src="/media/a.jpg" srcset="//evil.example/y.jpg 2x, /media/a.jpg 1x" alt="A">'
        "</picture>"
    ).html
    assert "tracker.example" not in hostile and "evil.example" not in hostile
    assert '<img src="/media/a.jpg" alt="A">' in hostile
