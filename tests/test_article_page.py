"""The article page: banner, meta, sharing, sidebar, neighbours and related stories."""

from __future__ import annotations

from urllib.parse import parse_qs, quote, urlsplit

import pytest
from flask import template_rendered
from sqlalchemy import event, inspect

from techpulse.extensions import db
from techpulse.models import Article, Status
from techpulse.services.media import imaging
from tests.helpers.pages import elements, text_of


def test_article_shows_headline_badge_author_date_and_body(client, make):
    category = make.category("AI & Tech")
    author = make.user("Asha Patel")
    article = make.article(
        "Google May Drop Scale AI Deal!",
        category=category,
        author=author,
        body="First paragraph.\n\nSecond **bold** paragraph.",
        tags=("Google", "Scale AI"),
    )
    page = client.get(f"/articles/{article.slug}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "<h1" in html and "Google May Drop Scale AI Deal!" in html
    badge = elements(html, "a", "badge")[0]
    assert badge.get("href") == "/category/ai-tech"
    author_link = elements(html, "a", "article__author")[0]
    assert author_link.get("href") == "/author/asha-patel"
    times = elements(html, "time")
    assert times[0].get("datetime") == article.published_at.isoformat()
    assert "<strong>bold</strong>" in html
    assert "1 min read" in html
    tags = [e.get("href") for e in elements(html, "a", "tag")]
    assert tags == ["/tag/google", "/tag/scale-ai"]


@pytest.fixture
def no_page_cache(app_config):
    app_config["PAGE_CACHE_MAX_BYTES"] = 0  # every request renders the page


def test_a_story_page_lists_its_tags_by_name_and_reads_in_two_statements(
    no_page_cache, client, make, count_queries
):
    make.article("Older story", hours_ago=30)
    story = make.article("Tagged story", hours_ago=20, tags=("Zeta", "Alpha", "Mu"))
    url = f"/articles/{story.slug}"
    client.get(url)  # the layout's shared parts are read once per generation
    count_queries.statements.clear()
    html = client.get(url).get_data(as_text=True)
    tags = [e.get("href") for e in elements(html, "a", "tag")]
    assert tags == ["/tag/alpha", "/tag/mu", "/tag/zeta"]
    assert "Older story" in html  # the neighbour, read with the tags
    # The story with its section, author and pictures; its neighbours, related and tags.
    # (Without Redis, PostgreSQL keeps the page-cache generation: not the page's own read.)
    reads = [
        sql
        for sql in count_queries.statements
        if sql.startswith("SELECT") and "page_cache_generation" not in sql
    ]
    assert len(reads) == 2, count_queries.statements


def test_a_story_page_reads_its_story_as_rows_in_no_session_and_begins_no_transaction(
    no_page_cache, app, client, make, count_queries
):
    # Cheaper misses (docs/performance.md): no ORM entity loading, no BEGIN/ROLLBACK.
    make.article("Older story", hours_ago=30)
    story = make.article("Read as rows", hours_ago=20, tags=("Alpha",))
    url = f"/articles/{story.slug}"
    client.get(url)
    shown = []

    def rendered(sender, template, context, **extra):
        if template.name == "blog/article.html":
            article = context["article"]
            shown.append((inspect(article).detached, [tag.name for tag in article.tags]))
            shown.append(any(isinstance(o, Article) for o in db.session.identity_map.values()))

    count_queries.statements.clear()
    with template_rendered.connected_to(rendered, app):
        assert client.get(url).status_code == 200
    assert shown == [(True, ["Alpha"]), False]
    assert not [sql for sql in count_queries.statements if sql.startswith("BEGIN")]


def test_a_public_read_that_writes_still_commits_its_write(no_page_cache, client, make, now):
    # A scheduled story's time came: the first public read records it (an UPDATE).
    soon = make.article("Soon", status=Status.SCHEDULED, hours_ago=-1)
    now.advance(hours=2)
    assert client.get(f"/articles/{soon.slug}").status_code == 200
    db.session.expire_all()
    assert db.session.get(Article, soon.id).status == Status.PUBLISHED


@pytest.mark.usefixtures("with_avif")
def test_banner_is_a_responsive_high_priority_image(client, make):
    article = make.article(banner=make.image(alt="Banner: the headline on a blue field"))
    html = client.get(f"/articles/{article.slug}").get_data(as_text=True)
    figure_start = html.index('class="article__banner"')
    banner_img = elements(html[figure_start:], "img")[0]
    assert banner_img.get("alt") == "Banner: the headline on a blue field"
    assert banner_img.get("fetchpriority") == "high"
    assert int(banner_img.get("width")) > 0 and int(banner_img.get("height")) > 0
    widths = [item.rsplit(" ", 1)[1] for item in banner_img.get("srcset").split(", ")]
    # 720 w: a full-width picture on Lighthouse's phone (412 px at 1.75× is 721 pixels); no
    # 240 w thumbnail (a banner is never that narrow: it would only lengthen the page).
    assert widths == ["320w", "480w", "640w", "720w", "960w", "1600w"]
    banner = html[figure_start : html.index("</picture>", figure_start)]
    sources = elements(banner, "source")
    types = ["image/avif", "image/webp"] if imaging.AVIF else ["image/webp"]
    assert [source.get("type") for source in sources] == types
    assert all(len(source.get("srcset").split(", ")) == 6 for source in sources)
    # Every image URL in the page is served by us, with long-lived caching.
    response = client.get(banner_img.get("src"))
    assert response.status_code == 200
    assert response.mimetype == "image/jpeg"
    assert "immutable" in response.headers["Cache-Control"]
    response.close()


@pytest.mark.parametrize("banner", [True, False])
def test_share_widget_is_the_macro_for_any_title(app, client, make, banner):
    # The page fills a once-drawn widget in: it must say what the macro says for the story.
    title = "Quotes \"'<b>&amp; %00url%00 %00image%00 — Ünï 100% ?"
    article = make.article(title, banner=banner)
    html = client.get(f"/articles/{article.slug}").get_data(as_text=True)
    url = f"http://localhost/articles/{article.slug}"
    image = next(e for e in elements(html, "meta") if e.get("property") == "og:image")
    image = image.get("content")
    with app.test_request_context():
        macros = app.jinja_env.get_template("_macros/share.html").module
        expected = str(macros.share_widget(url, title, image))
    assert expected in html


def test_share_widget_links_seven_targets_with_the_encoded_absolute_url(client, make):
    article = make.article("Tabs & Spaces? A 100% honest take", banner=True)
    html = client.get(f"/articles/{article.slug}").get_data(as_text=True)
    url = f"http://localhost/articles/{article.slug}"
    encoded = quote(url, safe="")
    links = {
        next(c for c in e.classes() if c.startswith("share__link--")).split("--")[1]: e
        for e in elements(html, "a", "share__link")
    }
    assert set(links) == {"facebook", "whatsapp", "linkedin", "pinterest", "x", "email", "copy"}
    for network in ("facebook", "whatsapp", "linkedin", "pinterest", "x", "email"):
        href = links[network].get("href")
        assert encoded in href, network
        assert links[network].get("aria-label"), network
    assert links["facebook"].get("href").startswith("https://www.facebook.com/sharer/")
    assert links["whatsapp"].get("href").startswith("https://wa.me/?text=")
    assert links["linkedin"].get("href").startswith("https://www.linkedin.com/sharing/")
    assert links["x"].get("href").startswith("https://x.com/intent/post?")
    assert links["email"].get("href").startswith("mailto:?")
    pin = parse_qs(urlsplit(links["pinterest"].get("href")).query)
    assert pin["url"] == [url]
    assert pin["description"] == ["Tabs & Spaces? A 100% honest take"]
    assert pin["media"][0].startswith("http://localhost/media/")
    assert pin["media"][0].endswith("-social.jpg")
    assert links["copy"].get("data-copy-url") == url
    # The native share sheet button is there for browsers that have one, hidden otherwise.
    assert "data-native-share hidden" in html
    # Icons are inline SVG, not requests to anyone.
    assert html.count('class="icon icon--') >= 8


def test_share_urls_use_site_url_when_configured(app_config, make, app):
    app.config["SITE_URL"] = "https://techpulse.example/"
    article = make.article("Hello")
    html = app.test_client().get(f"/articles/{article.slug}").get_data(as_text=True)
    canonical = elements(html, "link")
    assert any(
        e.get("rel") == "canonical"
        and e.get("href") == f"https://techpulse.example/articles/{article.slug}"
        for e in canonical
    )
    assert quote(f"https://techpulse.example/articles/{article.slug}", safe="") in html


def test_sidebar_has_about_widget_and_exactly_the_five_latest_other_posts(client, make):
    make.settings(about_blurb="We are young IT professionals in Vadodara, India.")
    stories = [make.article(f"Recent story {i}", hours_ago=i) for i in range(1, 8)]
    make.article("An unpublished draft", status="draft")
    html = client.get(f"/articles/{stories[3].slug}").get_data(as_text=True)
    sidebar = html[html.index('class="sidebar"') :]
    assert "About CodeDote Technologies" in sidebar
    assert "We are young IT professionals in Vadodara, India." in sidebar
    assert any(e.get("href") == "/about" for e in elements(sidebar, "a"))
    titles = [e.get("href") for e in elements(sidebar, "a", "post-row__title")]
    others = [s for s in stories if s is not stories[3]]  # not the story being read
    assert titles == [f"/articles/{s.slug}" for s in others[:5]]


def test_previous_next_and_related_stories(client, make):
    ai = make.category("AI & Tech")
    cloud = make.category("Cloud")
    oldest = make.article("Oldest", hours_ago=30, category=cloud)
    middle = make.article("Middle", hours_ago=20, category=ai, tags=("LLMs",))
    make.article("Newest", hours_ago=10, category=cloud)
    same_tag = make.article("Same tag", hours_ago=40, category=cloud, tags=("LLMs",))
    same_category = make.article("Same category", hours_ago=50, category=ai)
    html = client.get(f"/articles/{middle.slug}").get_data(as_text=True)
    prev = elements(html, "a", "article-nav__link--prev")[0]
    nxt = elements(html, "a", "article-nav__link--next")[0]
    assert prev.get("href") == f"/articles/{oldest.slug}"
    assert nxt.get("href") == "/articles/newest"
    related = html[html.index('class="related"') :]
    related_links = {e.get("href") for e in elements(related, "a")}
    assert f"/articles/{same_tag.slug}" in related_links
    assert f"/articles/{same_category.slug}" in related_links
    assert "/articles/newest" not in related_links  # no category or tag in common


def test_related_stories_are_at_most_three(client, make):
    ai = make.category("AI & Tech")
    stories = [make.article(f"AI story {i}", category=ai) for i in range(6)]
    html = client.get(f"/articles/{stories[0].slug}").get_data(as_text=True)
    related = html[html.index('class="related"') :]
    assert len(elements(related, "article", "card")) == 3


def test_odd_characters_in_titles_make_readable_slugs_that_work(client, make):
    article = make.article("Ünïcödé & <Tags> — 東京 100%!")
    assert article.slug == "unicode-tags-東京-100"  # Latin accents folded, other scripts kept
    page = client.get("/articles/" + quote(article.slug))
    assert page.status_code == 200
    assert "Ünïcödé &amp; &lt;Tags&gt; — 東京 100%!" in page.get_data(as_text=True)
    for odd in ("/articles/%E2%9C%93", "/articles/..%2F..%2Fetc", "/articles/"):
        assert client.get(odd).status_code == 404
    assert client.get("/articles/a%00b").status_code == 400


def test_same_title_twice_gets_a_distinct_slug(make):
    first = make.article("Same title")
    second = make.article("Same title")
    assert (first.slug, second.slug) == ("same-title", "same-title-2")


def test_page_text_reads_well(client, make):
    make.article("Another story")
    article = make.article("A readable story", body="Hello *world*.")
    text = text_of(client.get(f"/articles/{article.slug}").data)
    assert "A readable story" in text and "Hello world." in text
    assert "Share this story" in text and "Recent posts" in text


def test_a_miss_of_the_story_and_home_pages_runs_only_core_statements(no_page_cache, client, make):
    # The ORM's compile and result work costs 30-50 µs a statement (docs/performance.md).
    make.article("Older story", hours_ago=30, tags=("Alpha",))
    story = make.article("Newer story", hours_ago=20, tags=("Alpha",), featured=True)
    urls = [f"/articles/{story.slug}", "/", "/?utm=x"]
    for url in urls:  # the layout's and the cards' shared parts are drawn once
        client.get(url)
    statements = []

    def executed(state):
        statements.append((state.statement, state.is_orm_statement))

    event.listen(db.session, "do_orm_execute", executed)
    try:
        for url in urls:
            assert client.get(url).status_code == 200
    finally:
        event.remove(db.session, "do_orm_execute", executed)
    # The story page's two statements, the home page's one, twice.
    assert len(statements) >= 4 and not [str(s) for s, orm in statements if orm]
