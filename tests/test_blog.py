"""Home page, archives, pagination, and what the public must never see."""

from __future__ import annotations

import pytest

from techpulse.models import Status
from tests.helpers.pages import elements


def card_titles(html: str) -> list[str]:
    """Article URLs of the cards on a page, in order."""
    start = 0
    found = []
    while (index := html.find('class="card__title"', start)) != -1:
        link = elements(html[index:], "a")[0]
        found.append(link.get("href"))
        start = index + 1
    return found


def test_home_shows_featured_hero_then_latest_cards(client, make):
    ai = make.category("AI & Tech")
    featured = make.article("The featured one", hours_ago=50, featured=True, category=ai)
    latest = [make.article(f"Latest {i}", hours_ago=i, banner=(i == 1)) for i in range(1, 4)]
    html = client.get("/").get_data(as_text=True)
    hero = html[html.index('class="card card--hero"') :]
    assert card_titles(hero)[0] == f"/articles/{featured.slug}"
    assert card_titles(html) == [f"/articles/{featured.slug}"] + [
        f"/articles/{a.slug}" for a in latest
    ]
    assert "AI &amp; Tech" in html
    assert any(e.get("href") == "/category/ai-tech" for e in elements(html, "a", "site-nav__link"))


def test_home_without_a_featured_article_leads_with_the_newest(client, make):
    newest = make.article("Newest", hours_ago=1)
    make.article("Older", hours_ago=2)
    html = client.get("/").get_data(as_text=True)
    assert card_titles(html)[0] == f"/articles/{newest.slug}"
    assert len(card_titles(html)) == 2  # the hero is not repeated in the list


def _fetching(html: str, start: str = "<main", end: str = "</main>") -> list[tuple[str, str]]:
    """(fetchpriority, loading) of each picture from ``start`` to ``end``, in order."""
    begin = html.index(start)
    part = html[begin : html.index(end, begin)]
    return [(img.get("fetchpriority"), img.get("loading")) for img in elements(part, "img")]


def test_only_a_lists_main_picture_is_fetched_first_the_cards_after_it(client, make):
    category = make.category("AI & Tech")
    stories = [
        make.article(f"Story {i}", hours_ago=i, banner=True, category=category) for i in range(4)
    ]
    main, behind = ("high", "eager"), ("low", "lazy")
    # Home: the lead story's picture, then three cards (one of them on a phone's first screen).
    assert _fetching(client.get("/").get_data(as_text=True)) == [main] + [behind] * 3
    # An archive: its first card is the main picture.
    archive = client.get("/category/ai-tech").get_data(as_text=True)
    assert _fetching(archive) == [main] + [behind] * 3
    # A story: its banner, then the related stories' cards.
    story = client.get(f"/articles/{stories[0].slug}").get_data(as_text=True)
    assert _fetching(story)[0] == main
    assert _fetching(story, '<section class="related"', "</section>") == [behind] * 3


def test_empty_site_home_page_is_friendly(client):
    page = client.get("/")
    assert page.status_code == 200
    assert "No stories published yet" in page.get_data(as_text=True)


def test_home_paginates_by_ten_and_rejects_bad_pages(client, make):
    stories = [make.article(f"Story {i:02d}", hours_ago=i) for i in range(1, 24)]
    first = card_titles(client.get("/").get_data(as_text=True))
    assert first == [f"/articles/{s.slug}" for s in stories[:11]]  # hero + 10
    second = client.get("/?page=2").get_data(as_text=True)
    assert card_titles(second) == [f"/articles/{s.slug}" for s in stories[11:21]]
    assert 'rel="prev" href="/"' in second and 'rel="next" href="/?page=3"' in second
    third = client.get("/?page=3").get_data(as_text=True)
    assert card_titles(third) == [f"/articles/{s.slug}" for s in stories[21:]]
    for bad in ("4", "0", "-1", "abc", "1.5", "", "99999999999", "٣"):
        assert client.get(f"/?page={bad}").status_code == 404, bad


@pytest.mark.parametrize("kind", ["category", "tag", "author"])
def test_archives_list_only_their_stories_and_paginate(client, make, kind):
    ai = make.category("AI & Tech")
    writer = make.user("Asha Patel")
    mine = [
        make.article(f"Mine {i:02d}", hours_ago=i, category=ai, author=writer, tags=("LLMs",))
        for i in range(1, 13)
    ]
    other = make.article("Someone else's", hours_ago=0.5)
    slug = {"category": "ai-tech", "tag": "llms", "author": "asha-patel"}[kind]
    page1 = client.get(f"/{kind}/{slug}").get_data(as_text=True)
    assert card_titles(page1) == [f"/articles/{a.slug}" for a in mine[:10]]
    assert f"/articles/{other.slug}" not in card_titles(page1)
    assert "12 stories" in page1
    page2 = client.get(f"/{kind}/{slug}?page=2").get_data(as_text=True)
    assert card_titles(page2) == [f"/articles/{a.slug}" for a in mine[10:]]
    assert client.get(f"/{kind}/{slug}?page=3").status_code == 404
    assert client.get(f"/{kind}/no-such-{kind}").status_code == 404


def test_author_page_shows_the_bio(client, make):
    writer = make.user("Asha Patel", bio="Writes about AI from Vadodara.")
    make.article(author=writer)
    assert "Writes about AI from Vadodara." in client.get("/author/asha-patel").get_data(
        as_text=True
    )


def test_empty_category_page_is_200_with_a_message(client, make):
    make.category("Quiet Corner")
    page = client.get("/category/quiet-corner")
    assert page.status_code == 200
    assert "No stories here yet." in page.get_data(as_text=True)


def test_drafts_and_future_articles_are_invisible_everywhere(client, make, now):
    ai = make.category("AI & Tech")
    writer = make.user("Asha Patel")
    common = {"category": ai, "author": writer, "tags": ("LLMs",)}
    visible = make.article("Visible", hours_ago=5, **common)
    draft = make.article("Secret draft", status=Status.DRAFT, **common)
    review = make.article("In review", status=Status.REVIEW, **common)
    next_year = now.at.replace(year=now.at.year + 1)
    future = make.article(
        "Tomorrow's news", status=Status.SCHEDULED, published_at=next_year, **common
    )
    soon = make.article(
        "Scheduled soon", status=Status.SCHEDULED, hours_ago=-2, featured=True, **common
    )
    hidden = [draft, review, future, soon]
    for hidden_article in hidden:
        assert client.get(f"/articles/{hidden_article.slug}").status_code == 404
    pages = ["/", "/category/ai-tech", "/tag/llms", "/author/asha-patel",
             f"/articles/{visible.slug}"]  # fmt: skip
    for url in pages:
        html = client.get(url).get_data(as_text=True)
        for hidden_article in hidden:
            assert hidden_article.title.replace("'", "&#39;") not in html, (url, hidden_article)
    # When its time comes, the scheduled story appears by itself: no cron, no publish step.
    now.advance(hours=3)
    assert client.get(f"/articles/{soon.slug}").status_code == 200
    home = client.get("/").get_data(as_text=True)
    assert card_titles(home)[0] == f"/articles/{soon.slug}"  # featured, so it is the hero
    visible_page = client.get(f"/articles/{visible.slug}").get_data(as_text=True)
    assert "Scheduled soon" in visible_page  # in recent posts and as the next story
    assert client.get(f"/articles/{future.slug}").status_code == 404


def test_public_pages_use_a_bounded_number_of_queries(client, make, count_queries):
    ai = make.category("AI & Tech")

    def queries_for(url: str) -> int:
        count_queries.statements.clear()
        assert client.get(url).status_code == 200
        return count_queries.count

    for i in range(3):
        make.article(f"First batch {i}", category=ai, tags=("A", f"T{i}"), banner=True)
    writer = make.user("Asha Patel")
    story = make.article("The story", category=ai, tags=("A",), banner=True, author=writer)
    urls = ["/", f"/articles/{story.slug}", "/category/ai-tech", "/tag/a", "/about"]
    urls += ["/feed.xml", "/rss.xml", "/category/ai-tech/feed.xml", "/tag/a/rss.xml"]
    urls += ["/author/asha-patel/feed.xml", "/sitemap.xml", "/robots.txt"]
    make.settings()
    make.page("about", "About", "Hello")
    before = {url: queries_for(url) for url in urls}
    for i in range(12):
        make.article(f"Second batch {i}", category=ai, tags=("A", f"U{i}"), banner=True)
    after = {url: queries_for(url) for url in urls}
    assert before == after
    assert max(after.values()) <= 12, after


def test_pagination_links_ignore_url_for_options_in_the_query(client, make):
    for i in range(12):
        make.article(f"Story {i}", category=make.category(f"C{i}") if i == 0 else None)
    page = client.get("/?_method=POST&_scheme=javascript&_external=1&_anchor=x&topic=ai")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'href="/?topic=ai&amp;page=2"' in html
    assert "javascript" not in html


@pytest.mark.parametrize(("url", "statements"), [("/", 1), ("/tag/a", 2), ("/category/ai", 2)])
def test_list_pages_read_their_stories_and_total_in_one_statement(
    client, make, count_queries, url, statements
):
    ai = make.category("AI")
    for i in range(3):
        make.article(f"Story {i}", category=ai, tags=("A",), featured=i == 1)
    # A query string the page cache has not seen: each request renders the page. The
    # layout's shared parts and the cards are read once per generation, by the first.
    client.get(f"{url}?v=1")
    count_queries.statements.clear()
    html = client.get(f"{url}?v=2").get_data(as_text=True)
    assert "3 stories" in html or url == "/"
    # The home page: its hero, its page of ids and their total in one statement; a list
    # page: what it lists, then its ids and total. (Without Redis, PostgreSQL keeps the
    # page-cache generation: not the page's own read.)
    reads = [
        sql
        for sql in count_queries.statements
        if sql.startswith("SELECT") and "page_cache_generation" not in sql
    ]
    assert len(reads) == statements, count_queries.statements
