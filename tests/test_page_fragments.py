"""The header, footer and sidebar every page shares are rendered once per page-cache
generation and reused: a visitor must still see every change on the very next page."""

from __future__ import annotations

from datetime import timedelta

import pytest

from techpulse.extensions import db
from techpulse.models import Role, Status
from techpulse.services.pages import PageFields, create_page
from techpulse.services.site import save_settings
from techpulse.services.taxonomy import CategoryFields, save_category
from tests.helpers.accounts import log_in
from tests.helpers.pages import elements, text_of


@pytest.fixture
def site(make):
    """Four stories in two sections; every visit below is to a page not seen before."""
    make.settings()
    hardware, cloud = make.category("Hardware"), make.category("Cloud")
    stories = [
        make.article(f"Story {n}", category=(hardware, cloud)[n % 2], hours_ago=10 + n)
        for n in range(4)
    ]
    return {"hardware": hardware, "cloud": cloud, "stories": stories}


def recent_titles(html: str) -> list[str]:
    return [e.get("href") for e in elements(html, "a", cls="post-row__title")]


def nav(html: str) -> dict[str, str]:
    """Header section links: href → aria-current (empty when not current)."""
    links = elements(html, "a", cls="site-nav__link")
    return {e.get("href"): e.get("aria-current") for e in links}


def footer_text(html: str) -> str:
    return text_of(html[html.index('<footer class="site-footer"') :])


def test_a_new_story_is_in_recent_posts_and_a_new_section_in_the_menu(client, make, site):
    first, second, third = (f"/articles/{s.slug}" for s in site["stories"][:3])
    page = client.get(first).get_data(as_text=True)  # the shared parts are now rendered
    assert recent_titles(page)[0] == second
    quantum = make.category("Quantum")
    fresh = make.article("Qubits at room temperature", category=quantum, hours_ago=1)
    page = client.get(third).get_data(as_text=True)
    assert recent_titles(page)[0] == f"/articles/{fresh.slug}"
    assert "/category/quantum" in nav(page)
    assert "Quantum" in footer_text(page)


def test_a_story_never_lists_itself_in_recent_posts(client, site):
    urls = [f"/articles/{s.slug}" for s in site["stories"]]
    for url in urls:
        recent = recent_titles(client.get(url).get_data(as_text=True))
        assert url not in recent
        assert recent == [other for other in urls if other != url]


def test_renamed_section_and_new_settings_show_on_the_next_page(client, site):
    stories = [f"/articles/{s.slug}" for s in site["stories"]]
    client.get(stories[0])
    client.get("/about")
    save_category(site["hardware"], CategoryFields(name="Silicon", slug="hardware"))
    page = client.get(stories[1]).get_data(as_text=True)
    assert ">Silicon<" in page and ">Hardware<" not in page
    save_settings({"company_name": "Chip Works", "about_blurb": "We make chips."})
    page = client.get(stories[2]).get_data(as_text=True)
    assert "About Chip Works" in text_of(page)  # the sidebar
    assert "We make chips." in page
    assert "Chip Works. All rights reserved." in footer_text(page)


def test_a_page_linked_from_the_footer_appears_in_every_footer(client, site):
    client.get(f"/articles/{site['stories'][0].slug}")
    create_page(PageFields(title="Careers", slug="careers", body_md="Join us", in_footer=True))
    page = client.get(f"/articles/{site['stories'][1].slug}").get_data(as_text=True)
    assert "Careers" in footer_text(page)


def test_each_section_marks_itself_in_the_menu(client, site):
    assert nav(client.get("/category/hardware").get_data(as_text=True)) == {
        "/": "", "/category/hardware": "page", "/category/cloud": "", "/about": "", "/contact": "",
    }  # fmt: skip
    assert nav(client.get("/category/cloud").get_data(as_text=True))["/category/cloud"] == "page"
    assert nav(client.get("/category/hardware?x=1").get_data(as_text=True)) == nav(
        client.get("/category/hardware").get_data(as_text=True)
    )
    assert nav(client.get("/").get_data(as_text=True))["/"] == "page"
    story = nav(client.get(f"/articles/{site['stories'][0].slug}").get_data(as_text=True))
    assert set(story.values()) == {""}
    missing = client.get("/category/no-such-section")
    assert missing.status_code == 404
    assert set(nav(missing.get_data(as_text=True)).values()) == {""}


def test_a_scheduled_story_joins_menu_and_recent_posts_when_its_time_comes(client, make, site, now):
    later = make.category("Later")
    due = make.article(
        "Tomorrow's news",
        category=later,
        status=Status.SCHEDULED,
        published_at=now.at + timedelta(minutes=30),
    )
    stories = [f"/articles/{s.slug}" for s in site["stories"]]
    page = client.get(stories[0]).get_data(as_text=True)
    assert "/category/later" not in nav(page)
    assert f"/articles/{due.slug}" not in recent_titles(page)
    now.advance(minutes=31)
    page = client.get(stories[1]).get_data(as_text=True)
    assert "/category/later" in nav(page)
    assert recent_titles(page)[0] == f"/articles/{due.slug}"


def test_staff_see_the_same_header_and_footer_as_visitors(app, client, make, site):
    url = f"/articles/{site['stories'][0].slug}"
    visitor = client.get(url).get_data(as_text=True)
    editor = make.staff(Role.EDITOR)
    staff = app.test_client()
    log_in(staff, editor)
    seen = staff.get(url)
    assert "X-Cache" not in seen.headers  # rendered for staff, never from the cache
    html = seen.get_data(as_text=True)
    assert nav(html) == nav(visitor) and recent_titles(html) == recent_titles(visitor)
    assert footer_text(html) == footer_text(visitor)


def test_an_edited_story_shows_its_new_title_in_every_card(client, site):
    story, neighbour = site["stories"][0], site["stories"][2]  # both in Hardware
    urls = ["/", "/category/hardware", f"/articles/{neighbour.slug}"]
    for url in urls:
        assert "Story 0" in client.get(url).get_data(as_text=True)
    story.title = "Chips, renamed"
    db.session.commit()
    for url in urls:
        html = client.get(f"{url}?again=1").get_data(as_text=True)  # an address not seen yet
        assert ">Chips, renamed</a>" in html and ">Story 0<" not in html, url


def test_feeds_share_entries_yet_show_an_edit_at_once(client, site):
    story = site["stories"][0]
    feeds = ["/feed.xml", "/rss.xml", "/category/hardware/feed.xml"]
    for url in feeds:
        assert "<title>Story 0</title>" in client.get(url).get_data(as_text=True)
    story.title = "Chips, renamed"
    db.session.commit()
    for url in feeds:
        xml = client.get(f"{url}?again=1").get_data(as_text=True)
        assert "<title>Chips, renamed</title>" in xml and "Story 0" not in xml, url


def test_a_full_store_starts_again_and_pages_stay_whole(client, site, monkeypatch):
    from techpulse.serving import fragments

    monkeypatch.setattr(fragments, "MAX_ITEMS", 3)  # far fewer than one page's parts
    cards = {"/": 4, "/category/hardware": 2, "/category/cloud": 2, "/?page=1": 4}
    for url, count in [*cards.items(), *cards.items()]:
        html = client.get(url).get_data(as_text=True)
        assert len(elements(html, "article", cls="card")) == count, url
        assert "/category/cloud" in nav(html) and "Contact us" in footer_text(html)
