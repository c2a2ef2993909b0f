"""Automatic excerpts come from the opening paragraphs, and are not shown twice on the page."""

from __future__ import annotations

import pytest

from techpulse.extensions import db
from techpulse.markup.markdown import lead_text
from tests.helpers.pages import elements

BODY = """## Intro

This is **bold** news from Vadodara: the team shipped.

- one
- two

A second paragraph with more detail.
"""


def test_excerpt_is_built_from_paragraphs_not_headings_or_lists(make):
    article = make.article("Headings first", body=BODY)
    assert article.excerpt == (
        "This is bold news from Vadodara: the team shipped. A second paragraph with more detail."
    )
    assert "Intro" not in article.excerpt and "one" not in article.excerpt


def test_long_bodies_are_cut_at_a_word_with_an_ellipsis(make):
    body = "\n\n".join(f"Paragraph {n} " + "word " * 30 for n in range(5))
    article = make.article("Long", body=body)
    assert len(article.excerpt) <= 200 and article.excerpt.endswith("…")
    assert article.excerpt.startswith("Paragraph 0 word")


def test_a_body_with_only_a_list_still_gets_an_excerpt():
    assert lead_text("<h2>Steps</h2><ul><li>one</li><li>two</li></ul>") == "Steps one two"


@pytest.mark.parametrize(
    ("html", "limit", "lead"),
    [
        # An opening plain paragraph long enough alone (read without the HTML parser).
        (
            '<p>Tom &amp; <em>Jerry</em>\n  <a href="/x?a=1&amp;b=2">run</a> &#8217;fast&#x27;</p>',
            10,
            "Tom & Jerry run ’fast'",
        ),
        ("<p>A &am<em>p; split</em> entity</p>", 5, "A &amp; split entity"),
        # Too short alone, a line break, or a nested quote: the parser reads on.
        ("<p>Short.</p><p>Then more.</p>", 12, "Short. Then more."),
        ("<p>One<br>two</p><p>x</p>", 5, "One two"),
        ("<blockquote><p>Quoted</p></blockquote><p>Lead here</p>", 4, "Lead here"),
    ],
)
def test_the_lead_is_the_text_of_the_opening_paragraphs(html, limit, lead):
    assert lead_text(html, limit) == lead


def test_article_page_does_not_repeat_an_automatic_excerpt_above_the_body(client, make):
    article = make.article("Same words twice", body=BODY)
    html = client.get(f"/articles/{article.slug}").get_data(as_text=True)
    assert not elements(html, "p", cls="article__dek")
    assert html.count("This is <strong>bold</strong> news") == 1


def test_a_long_opening_is_recognised_past_the_first_kilobyte(client, make):
    # A list and a quote first (not the lead), then a lead far longer than the summary.
    opening = "> A quote first.\n\n- a list item\n\n" + "[link](https://example.com) " * 60
    article = make.article("Long opening", body=opening + "\n\nLater paragraph.")
    assert article.excerpt.startswith("link link")
    html = client.get(f"/articles/{article.slug}").get_data(as_text=True)
    assert not elements(html, "p", cls="article__dek")
    article.excerpt = "link link and something else"
    db.session.commit()
    html = client.get(f"/articles/{article.slug}").get_data(as_text=True)
    assert len(elements(html, "p", cls="article__dek")) == 1


def test_article_page_shows_a_written_standfirst(client, make):
    article = make.article("With a standfirst", body=BODY)
    article.excerpt = "Why this matters for small firms in Gujarat."
    db.session.commit()
    html = client.get(f"/articles/{article.slug}").get_data(as_text=True)
    assert len(elements(html, "p", cls="article__dek")) == 1
    assert '<p class="article__dek">Why this matters for small firms in Gujarat.</p>' in html
