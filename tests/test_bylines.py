"""Bylines and per-story overrides: who a story is by everywhere it shows, and what link
previews and search engines are told."""

from __future__ import annotations

import feedparser
from sqlalchemy import select

from techpulse.extensions import db
from techpulse.models import Article, Role
from techpulse.services import listing_counts
from tests.helpers.forms import article_form
from tests.helpers.pages import json_ld


def byline_story(staff, make, client, **fields):
    """An editor sets an author and two co-authors (by name and by e-mail) on a new story."""
    staff.login(Role.EDITOR)
    asha, ravi, mira = make.user("Asha Patel"), make.user("Ravi Shah"), make.user("Mira Rao")
    category = make.category("AI & Tech")
    form = article_form(
        category, title="Three hands", body="Written together.", publish="1",
        author=str(asha.id), coauthors=f"Ravi Shah, {mira.email}", **fields,
    )  # fmt: skip
    assert staff.post("/admin/articles/new", form).status_code == 302
    return db.session.scalars(select(Article)).one(), (asha, ravi, mira, category)


def test_every_person_in_the_byline_shows_on_the_story_card_archive_feed_and_json_ld(
    client, staff, make
):
    story, (asha, ravi, mira, _) = byline_story(staff, make, client)
    visitor = client.application.test_client()
    page = visitor.get(f"/articles/{story.slug}").get_data(as_text=True)
    assert "By <a" in page and ">Asha Patel</a>, <a" in page
    assert ">Ravi Shah</a> and <a" in page and ">Mira Rao</a>" in page
    assert page.count('property="article:author"') == 3
    [news] = [thing for thing in json_ld(page) if thing["@type"] == "NewsArticle"]
    assert [person["name"] for person in news["author"]] == ["Asha Patel", "Ravi Shah", "Mira Rao"]
    assert all(person["@type"] == "Person" for person in news["author"])
    home = visitor.get("/").get_data(as_text=True)
    assert "By Asha Patel, Ravi Shah and Mira Rao" in home
    archive = visitor.get(f"/author/{mira.slug}").get_data(as_text=True)
    assert "Three hands" in archive
    assert listing_counts.live_total(f"author:{mira.id}") == 1
    atom = feedparser.parse(visitor.get("/feed.xml").data)
    assert [a["name"] for a in atom.entries[0]["authors"]] == [
        "Asha Patel",
        "Ravi Shah",
        "Mira Rao",
    ]
    rss = visitor.get("/rss.xml").get_data(as_text=True)
    assert rss.count("<dc:creator>") == 3


def test_removing_a_co_author_takes_the_story_off_their_page_and_count(client, staff, make):
    story, (asha, ravi, mira, category) = byline_story(staff, make, client)
    form = article_form(category, title="Three hands", slug=story.slug, body="Again.",
                        author=str(asha.id), coauthors="Ravi Shah")  # fmt: skip
    staff.post(f"/admin/articles/{story.id}/edit", form)
    assert listing_counts.live_total(f"author:{mira.id}") == 0
    assert listing_counts.live_total(f"author:{ravi.id}") == 1
    visitor = client.application.test_client()
    assert "Three hands" not in visitor.get(f"/author/{mira.slug}").get_data(as_text=True)


def test_an_unknown_co_author_is_a_form_error_and_authors_cannot_set_bylines(client, staff, make):
    staff.login(Role.EDITOR)
    form = article_form(make.category(), title="Alone", coauthors="Nobody Here")
    page = staff.post("/admin/articles/new", form).get_data(as_text=True)
    assert "Nobody on the staff is called “Nobody Here”." in page
    author = make.staff(Role.AUTHOR)
    staff.client.post("/logout", data={"csrf_token": staff.token()})
    staff.login(author)
    other = make.user("Someone Else")
    forged = article_form(make.category(), title="Mine", author=str(other.id))
    assert staff.post("/admin/articles/new", forged).status_code == 403
    assert "Byline" not in client.get("/admin/articles/new").get_data(as_text=True)


def test_share_overrides_canonical_and_noindex_reach_the_page_and_the_sitemap(client, staff, make):
    card = make.image(alt="The share card")
    story, (*_, category) = byline_story(
        staff, make, client, social_title="Shared headline", social_description="Shared words",
        social_image_id=str(card.id), canonical_url="https://original.example/story",
        noindex="y",
    )  # fmt: skip
    visitor = client.application.test_client()
    page = visitor.get(f"/articles/{story.slug}").get_data(as_text=True)
    assert '<meta property="og:title" content="Shared headline">' in page
    assert '<meta property="og:description" content="Shared words">' in page
    assert f"/media/{card.of_kind('social')[0]['file']}" in page
    assert '<link rel="canonical" href="https://original.example/story">' in page
    assert '<meta name="robots" content="noindex">' in page
    assert f"/articles/{story.slug}" not in visitor.get("/sitemap.xml").get_data(as_text=True)
    bad = article_form(category, title="Three hands", slug=story.slug,
                       canonical_url="javascript:alert(1)")  # fmt: skip
    refused = staff.post(f"/admin/articles/{story.id}/edit", bad).get_data(as_text=True)
    assert "Give a full address starting with https://" in refused
