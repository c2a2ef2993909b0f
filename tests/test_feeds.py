"""Atom and RSS feeds, read with a real feed parser the way a feed reader would."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import feedparser
import pytest

from techpulse.extensions import db
from techpulse.models import Status
from tests.helpers.pages import elements

FEEDS = ["/feed.xml", "/rss.xml"]


def parse(client, url: str):
    response = client.get(url)
    assert response.status_code == 200, url
    assert "Set-Cookie" not in response.headers  # a plain anonymous GET the page cache can keep
    feed = feedparser.parse(response.data)
    assert not feed.bozo, (url, feed.get("bozo_exception"))
    return feed


def when(struct) -> datetime:
    return datetime(*struct[:6], tzinfo=UTC)


@pytest.mark.parametrize("url", FEEDS)
def test_feed_has_the_20_latest_stories_with_everything_a_reader_needs(client, make, url, now):
    make.settings(site_name="TechPulse", tagline="Technology news from Vadodara")
    author = make.user("Asha Patel")
    ai = make.category("AI & Tech")
    stories = [make.article(f"Story {i}", hours_ago=30 - i, category=ai) for i in range(24)]
    launch = make.article(
        "Google May Drop Scale AI Deal!",
        hours_ago=0.5,
        author=author,
        category=ai,
        tags=("Google", "Scale AI"),
        banner=make.image(alt="The launch banner"),
        body="Google may drop **Scale AI**.\n\n<script>alert(1)</script>",
    )
    feed = parse(client, url)
    assert feed.version == ("atom10" if url == "/feed.xml" else "rss20")
    assert feed.feed.title == "TechPulse"
    assert feed.feed.link == "http://localhost/"
    assert len(feed.entries) == 20
    titles = [entry.title for entry in feed.entries]
    assert titles == ["Google May Drop Scale AI Deal!"] + [f"Story {i}" for i in range(23, 4, -1)]
    first = feed.entries[0]
    assert first.link == f"http://localhost/articles/{launch.slug}"
    assert first.id == f"tag:localhost,{launch.created_at:%Y-%m-%d}:article-{launch.id}"
    assert len({entry.id for entry in feed.entries}) == 20
    assert when(first.published_parsed) == launch.published_at.replace(microsecond=0)
    assert first.author == "Asha Patel"
    assert {tag.term for tag in first.tags} == {"AI & Tech", "Google", "Scale AI"}
    assert first.summary == launch.excerpt
    content = first.content[0].value
    assert "<strong>Scale AI</strong>" in content and "<script" not in content
    (banner,) = [e for e in elements(content, "img") if e.get("alt") == "The launch banner"]
    assert banner.get("src").startswith("http://localhost/media/")
    (enclosure,) = first.enclosures
    assert enclosure.href == banner.get("src") and enclosure.type == "image/jpeg"
    assert int(enclosure.length) > 0
    assert stories[0].title not in titles


def test_atom_feed_has_updated_dates(client, make, now):
    story = make.article("Fresh", hours_ago=2)
    feed = parse(client, "/feed.xml")
    (entry,) = feed.entries
    assert when(entry.updated_parsed) == story.updated_at.replace(microsecond=0)
    assert when(feed.feed.updated_parsed) == story.updated_at.replace(microsecond=0)
    links = {link.rel: link.href for link in feed.feed.links}
    assert links["self"] == "http://localhost/feed.xml"


def test_entry_ids_stay_the_same_when_a_story_is_renamed(client, make):
    story = make.article("Old title")
    before = parse(client, "/feed.xml").entries[0].id
    story.title, story.slug = "New title", "new-title"
    db.session.commit()
    after = parse(client, "/feed.xml").entries[0]
    assert after.title == "New title" and after.id == before


@pytest.mark.parametrize("kind", ["feed.xml", "rss.xml"])
def test_category_tag_and_author_feeds_hold_only_their_stories(client, make, kind):
    ai, cloud = make.category("AI & Tech"), make.category("Cloud")
    asha, ravi = make.user("Asha Patel"), make.user("Ravi Shah")
    make.article("AI one", category=ai, author=asha, tags=("LLMs",))
    make.article("Cloud one", category=cloud, author=ravi, tags=("Kubernetes",))
    make.article("AI two", category=ai, author=ravi, tags=("LLMs", "Kubernetes"))
    expected = {
        "/category/ai-tech": ("AI & Tech", {"AI one", "AI two"}),
        "/category/cloud": ("Cloud", {"Cloud one"}),
        "/tag/kubernetes": ("Kubernetes", {"Cloud one", "AI two"}),
        "/author/asha-patel": ("Asha Patel", {"AI one"}),
    }
    for page, (name, titles) in expected.items():
        feed = parse(client, f"{page}/{kind}")
        assert feed.feed.title == f"{name} — TechPulse"
        assert feed.feed.link == f"http://localhost{page}"
        assert {entry.title for entry in feed.entries} == titles
        # The archive page announces its own feeds next to the site's.
        html = client.get(page).get_data(as_text=True)
        alternates = {e.get("href") for e in elements(html, "link") if e.get("rel") == "alternate"}
        assert alternates == {"/feed.xml", "/rss.xml", f"{page}/feed.xml", f"{page}/rss.xml"}
    assert client.get(f"/category/nothing/{kind}").status_code == 404
    assert client.get(f"/topic/ai-tech/{kind}").status_code == 404


def test_every_page_announces_the_site_feeds(client, make):
    story = make.article("A story")
    for url in ["/", f"/articles/{story.slug}", "/contact", "/login"]:
        html = client.get(url).get_data(as_text=True)
        feeds = {
            (e.get("type"), e.get("href"))
            for e in elements(html, "link")
            if e.get("rel") == "alternate"
        }
        assert feeds == {("application/atom+xml", "/feed.xml"), ("application/rss+xml", "/rss.xml")}


@pytest.mark.parametrize("url", FEEDS)
def test_conditional_get_answers_304_until_something_changes(client, make, url, now):
    make.article("First")
    first = client.get(url)
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert client.get(url, headers={"If-Modified-Since": modified}).status_code == 304
    now.advance(minutes=5)
    make.article("Second", hours_ago=0)
    changed = client.get(url, headers={"If-None-Match": etag, "If-Modified-Since": modified})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag and b"Second" in changed.data


@pytest.mark.parametrize("url", FEEDS)
def test_scheduled_story_joins_the_feed_when_it_goes_live(client, make, url, now):
    make.article("Already out", hours_ago=3)
    make.article("A draft", status=Status.DRAFT)
    make.article("Scheduled", status=Status.SCHEDULED, published_at=now.at + timedelta(hours=2))
    before = client.get(url)
    assert [entry.title for entry in feedparser.parse(before.data).entries] == ["Already out"]
    now.advance(hours=2)
    cached = {"If-None-Match": before.headers["ETag"]}
    cached["If-Modified-Since"] = before.headers["Last-Modified"]
    after = client.get(url, headers=cached)
    assert after.status_code == 200
    assert [entry.title for entry in feedparser.parse(after.data).entries] == [
        "Scheduled",
        "Already out",
    ]


def test_empty_site_has_valid_empty_feeds(client):
    for url in FEEDS:
        assert parse(client, url).entries == []


def test_control_characters_cannot_break_the_feed(client, make):
    story = make.article("Clean title")
    # Rows written before the editor cleaned input (or by an import) may still hold them.
    story.title, story.body_html = "Bell\x07 and form\x0cfeed", "<p>A \x0b vertical tab.</p>"
    db.session.commit()
    for url in FEEDS:
        (entry,) = parse(client, url).entries
        assert entry.title == "Bell and formfeed"
