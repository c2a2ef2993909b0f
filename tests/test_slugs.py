"""Slugs in any script: made from titles, typed by staff, in every URL the site writes."""

from __future__ import annotations

import json
import re
import unicodedata
from urllib.parse import quote, unquote, urlsplit

import feedparser
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from slugify import slugify as python_slugify
from sqlalchemy import select

from techpulse.extensions import db
from techpulse.models import Article, Category, Page, Role, Tag
from techpulse.slugs import is_valid_slug, slugify
from tests.helpers.forms import article_form
from tests.helpers.pages import elements

HINDI_TITLE = "नमस्ते दुनिया 🚀"
HINDI_SLUG = "नमस्ते-दुनिया"
HINDI_URL = "/articles/" + quote(HINDI_SLUG)  # %E0%A4%A8…, as url_for writes it


def form_data(category, **fields):
    """A complete article form in Hindi; ``fields`` override or add (e.g. a button name)."""
    hindi = {"title": HINDI_TITLE, "body": "यह हमारी पहली हिंदी पोस्ट है।", "tags": "हिंदी"}
    return article_form(category, **{**hindi, **fields})


def is_ascii_uri(url: str) -> bool:
    """Whether ``url`` is a valid URI as far as characters go (RFC 3986: ASCII only)."""
    return url.isascii() and not re.search(r"[\s<>\"{}|\\^`]", url)


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("AI & Tech", "ai-tech"),
        ("Don't panic: 1,000 users", "don-t-panic-1000-users"),
        ("Why we’re moving — fast", "why-were-moving-fast"),
        (HINDI_TITLE, HINDI_SLUG),
        ("हिंदी", "हिंदी"),
        ("مرحبا بالعالم", "مرحبا-بالعالم"),
        ("東京タワー 2024", "東京タワー-2024"),
        ("Café ΣΊΣΥΦΟΣ", "cafe-σίσυφος"),  # Latin accents folded, as WordPress does
        ("Ærøskøbing straße", "aeroskobing-strasse"),
        ("ＦＵＬＬ width", "full-width"),
        ("🚀🎉 ❤️", "item"),  # only emoji: falls back, as before
        ("", "item"),
    ],
)
def test_titles_become_slugs_that_keep_their_script(title: str, slug: str) -> None:
    assert slugify(title) == slug
    assert is_valid_slug(slug)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="ascii"), max_size=60))
def test_ascii_titles_get_the_same_slugs_as_before(title: str) -> None:
    before = python_slugify(title, max_length=80, word_boundary=True) or "item"
    assert slugify(title) == before


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=40))
def test_every_title_gives_a_valid_nfc_slug(title: str) -> None:
    slug = slugify(title)
    assert is_valid_slug(slug) and unicodedata.normalize("NFC", slug) == slug
    assert len(slug) <= 80


def test_what_is_not_a_slug() -> None:
    decomposed = unicodedata.normalize("NFD", "café")
    for bad in ("Hello", "a--b", "-a", "a-", "a_b", "🚀", "नमस्ते 🚀", decomposed, "a b", ""):
        assert not is_valid_slug(bad), bad


def test_a_hindi_story_written_in_the_editor_keeps_its_hindi_address(client, staff, make):
    make.settings()
    staff.login(Role.EDITOR)
    category = make.category("Company news")
    response = staff.post("/admin/articles/new", form_data(category, publish="Publish now"))
    assert response.status_code == 302
    story = db.session.scalars(select(Article)).one()
    assert story.slug == HINDI_SLUG  # from the title: Hindi kept, the rocket dropped
    staff.client.get("/logout")
    page = client.get(HINDI_URL)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f'<link rel="canonical" href="http://localhost{HINDI_URL}">' in html
    tag_url = "/tag/" + quote("हिंदी")
    assert f'href="{tag_url}"' in html and client.get(tag_url).status_code == 200
    # Share links carry the address percent-encoded once more, as a query value.
    whatsapp = next(e.get("href") for e in elements(html, "a") if "wa.me" in e.get("href"))
    assert quote(f"http://localhost{HINDI_URL}", safe="") in whatsapp
    # JSON-LD names the same, valid URI.
    (script,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    graph = json.loads(script)
    urls = [thing.get("url") for thing in graph.get("@graph", [graph])]
    assert f"http://localhost{HINDI_URL}" in urls


def test_lower_upper_and_decoded_forms_of_the_address_all_find_the_story(client, make):
    story = make.article(HINDI_TITLE)
    assert story.slug == HINDI_SLUG
    for url in (HINDI_URL, HINDI_URL.lower(), "/articles/" + HINDI_SLUG):
        assert client.get(url).status_code == 200, url
    decomposed = "/articles/" + quote(unicodedata.normalize("NFD", "नक़्शा"))
    assert client.get(decomposed).status_code == 404  # nothing there, and no error


def test_addresses_that_are_not_slugs_are_404(client, make):
    make.article("Chips get faster")
    for url in ("/articles/Chips-Get-Faster", "/articles/" + quote("🚀"), "/articles/a--b"):
        assert client.get(url).status_code == 404, url


def test_staff_can_type_a_unicode_slug_and_it_is_kept(client, staff, make):
    staff.login(Role.EDITOR)
    category = make.category("Company news")
    typed = unicodedata.normalize("NFD", "मेरी-कहानी")  # as some keyboards send it
    data = form_data(category, title="My story", slug=typed, save="Save draft")
    assert staff.post("/admin/articles/new", data).status_code == 302
    assert db.session.scalars(select(Article)).one().slug == "मेरी-कहानी"  # NFC
    bad = staff.post("/admin/articles/new", form_data(category, slug="मेरी 🚀", save="Save"))
    assert "letters of any script are fine" in bad.get_data(as_text=True)
    assert db.session.scalars(select(Article)).one().slug == "मेरी-कहानी"  # nothing added


def test_a_page_category_and_tag_can_have_hindi_slugs(client, staff, make):
    make.settings()
    staff.login(Role.EDITOR)
    response = staff.post(
        "/admin/pages/new",
        {"title": "हमारे बारे में", "slug": "", "body": "नमस्ते", "in_footer": "y"},
    )
    assert response.status_code == 302
    page = db.session.scalars(select(Page)).one()
    assert page.slug == "हमारे-बारे-में"
    data = {"name": "समाचार", "slug": "समाचार", "description": "", "position": "1"}
    assert staff.post("/admin/categories/new", data).status_code == 302
    category = db.session.scalar(select(Category).where(Category.slug == "समाचार"))
    make.article("Story", category=category, tags=("तकनीक",))
    tag = db.session.scalar(select(Tag).where(Tag.slug == "तकनीक"))
    assert tag is not None
    staff.client.get("/logout")
    home = client.get("/").get_data(as_text=True)
    page_url = "/pages/" + quote(page.slug)
    assert f'href="{page_url}"' in home  # the footer link
    for url in (page_url, "/category/" + quote("समाचार"), "/tag/" + quote("तकनीक")):
        assert client.get(url).status_code == 200, url


def test_sitemap_and_feeds_write_valid_percent_encoded_uris(client, make):
    make.settings()
    story = make.article(HINDI_TITLE, tags=("हिंदी",), category=make.category("समाचार"))
    sitemap = client.get("/sitemap.xml").get_data(as_text=True)
    locs = re.findall(r"<loc>([^<]+)</loc>", sitemap)
    assert f"http://localhost{HINDI_URL}" in locs
    assert all(is_ascii_uri(loc) for loc in locs), locs
    for feed_url in ("/feed.xml", "/rss.xml", "/tag/" + quote("हिंदी") + "/feed.xml"):
        response = client.get(feed_url)
        assert response.status_code == 200, feed_url
        feed = feedparser.parse(response.data)
        assert not feed.bozo, feed_url
        (entry,) = feed.entries
        assert entry.link == f"http://localhost{HINDI_URL}" and is_ascii_uri(entry.link)
        assert unquote(urlsplit(entry.link).path) == f"/articles/{story.slug}"


def test_search_finds_a_hindi_story_and_links_its_address(client, make):
    make.article(HINDI_TITLE, body="यह हमारी पहली हिंदी पोस्ट है।")
    make.article("Letters alone", body="द न य")  # "दुनिया" cut where its vowel signs are
    html = client.get("/search?q=" + quote("दुनिया")).get_data(as_text=True)
    assert f'href="{HINDI_URL}"' in html and "Letters alone" not in html


def test_the_page_cache_keeps_and_refreshes_a_hindi_address(client, make, staff):
    story = make.article(HINDI_TITLE)
    assert client.get(HINDI_URL).headers["X-Cache"] == "miss"
    second = client.get(HINDI_URL.lower())  # the same path once decoded: the same entry
    assert second.headers["X-Cache"] == "hit" and second.status_code == 200
    story.title = "नमस्ते फिर से"
    db.session.commit()
    assert "नमस्ते फिर से" in client.get(HINDI_URL).get_data(as_text=True)
