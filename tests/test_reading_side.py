"""What readers and their tools see: absolute srcset in feeds, link-preview cards on every
public page, and a story's own language."""

from __future__ import annotations

import html
import re

import feedparser

from techpulse.markup.language import detect_language
from tests.helpers.pages import elements

HINDI_TITLE = "भारत में क्लाउड कंप्यूटिंग"
HINDI_BODY = "कंपनियाँ नए डेटा सेंटर बना रही हैं और **क्लाउड** सेवाएँ तेज़ी से बढ़ रही हैं।"


def meta(page: str, key: str) -> list[str]:
    """The content of every <meta> with this property or name."""
    return [
        tag.get("content")
        for tag in elements(page, "meta")
        if key in (tag.get("property"), tag.get("name"))
    ]


def test_feed_content_has_absolute_srcset_like_its_src(client, make) -> None:
    image = make.image()
    make.article("With a picture", body=f"Look.\n\n![A blue square](image:{image.id})")
    for url in ("/feed.xml", "/rss.xml"):
        raw = client.get(url).get_data(as_text=True)
        content = html.unescape(raw)  # the entry's HTML, as a feed reader unpacks it
        sources = re.findall(r'srcset="([^"]*)"', content)
        assert sources, url
        for srcset in sources:
            for candidate in srcset.split(","):
                assert candidate.strip().startswith("http://localhost/media/"), (url, srcset)
        assert all(src.startswith("http://") for src in re.findall(r'src="([^"]*)"', content))
        assert feedparser.parse(raw).entries[0].title == "With a picture"


def test_every_public_page_has_a_link_preview_card(client, make) -> None:
    make.settings(tagline="Technology news from Pune")
    category = make.category("Cloud")
    make.article("Story in the cloud", category=category, tags=("ops",))
    make.page("about", "About us", "We write about technology.", seo_description="Who we are.")
    for url in ("/", "/?page=1", "/category/cloud", "/tag/ops", "/search?q=cloud", "/about"):
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.get_data(as_text=True)
        [image] = meta(page, "og:image")
        assert image.startswith("http://localhost/media/site-card-"), url
        [description] = meta(page, "og:description")
        assert description.strip(), url
        assert meta(page, "twitter:card") == ["summary_large_image"], url
    about = client.get("/about").get_data(as_text=True)
    assert meta(about, "og:description") == ["Who we are."]
    home = client.get("/").get_data(as_text=True)
    assert meta(home, "og:description") == ["Technology news from Pune"]


def test_a_story_keeps_one_card_of_its_own(client, make) -> None:
    make.article("A story with a banner", banner=True)
    page = client.get("/articles/a-story-with-a-banner").get_data(as_text=True)
    [image] = meta(page, "og:image")
    assert "site-card" not in image
    assert len(meta(page, "og:description")) == 1
    assert meta(page, "twitter:card") == ["summary_large_image"]


def test_staff_and_error_pages_have_no_preview_card(client) -> None:
    for url in ("/login", "/no-such-page"):
        page = client.get(url).get_data(as_text=True)
        assert meta(page, "og:image") == [] and meta(page, "twitter:card") == [], url


def test_the_language_comes_from_the_script() -> None:
    assert detect_language(HINDI_TITLE, HINDI_BODY) == "hi"
    assert detect_language("Kubernetes at the edge", "Clusters in small places.") == ""
    assert detect_language("Cloud news", "Mostly English with one word: क्लाउड.") == ""
    assert detect_language("சென்னை", "தமிழ் செய்தி") == "ta"
    assert detect_language("", "") == ""


def test_a_story_in_another_language_is_marked_on_its_article(client, make) -> None:
    hindi = make.article(HINDI_TITLE, body=HINDI_BODY)
    english = make.article("An English story")
    assert (hindi.language, english.language) == ("hi", "")
    [article] = elements(client.get(f"/articles/{hindi.slug}").get_data(), "article")
    assert article.get("lang") == "hi"
    [article] = elements(client.get(f"/articles/{english.slug}").get_data(), "article")
    assert article.get("lang") == ""


def test_cards_of_a_story_in_another_language_say_so_too(client, make) -> None:
    hindi = make.article(HINDI_TITLE, body=HINDI_BODY)
    make.article("An English story")
    make.article("Another English story")
    cards = [
        tag for tag in elements(client.get("/").get_data(), "article") if "card" in tag.classes()
    ]
    assert sorted(card.get("lang") for card in cards) == ["", "", "hi"], hindi.slug
