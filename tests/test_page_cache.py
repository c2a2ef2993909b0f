"""The page cache, compression and caching headers, seen by a visitor over HTTP."""

from __future__ import annotations

import gzip

import pytest
from sqlalchemy import text, update

from techpulse.extensions import db
from techpulse.models import Article, Category, Role
from techpulse.services.pages import PageFields, update_page
from tests.helpers.accounts import csrf_from

GZIP = {"Accept-Encoding": "gzip, deflate, br"}


@pytest.fixture
def story(make):
    make.settings()
    return make.article("Chips get faster", tags=("Hardware",), body="A long story. " * 200)


def test_second_anonymous_visit_is_a_compressed_hit_without_sql(app, client, story, count_queries):
    from techpulse.serving.generation import DatabaseGeneration

    generation = app.extensions["techpulse.page_cache"].generation
    # Only the generation read, when it lives in the database (PostgreSQL without Redis).
    expected_queries = 1 if isinstance(generation, DatabaseGeneration) else 0
    url = f"/articles/{story.slug}"
    first = client.get(url, headers=GZIP)
    assert first.headers["X-Cache"] == "miss"
    count_queries.statements.clear()
    second = client.get(url, headers=GZIP)
    assert second.headers["X-Cache"] == "hit"
    assert count_queries.count == expected_queries
    assert second.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in second.headers["Vary"]
    html = gzip.decompress(second.data).decode()
    assert "Chips get faster" in html
    assert len(second.data) < len(html.encode()) / 3
    assert int(second.headers["Content-Length"]) == len(second.data)
    assert "Set-Cookie" not in second.headers
    assert second.headers["Content-Security-Policy"].startswith("default-src 'self'")


@pytest.mark.parametrize("accept", [None, "identity", "gzip;q=0, deflate", "*;q=0"])
def test_clients_that_refuse_gzip_get_plain_bytes(client, story, accept):
    headers = {"Accept-Encoding": accept} if accept else {}
    for _ in range(2):  # the miss and the hit
        page = client.get(f"/articles/{story.slug}", headers=headers)
        assert "Content-Encoding" not in page.headers
        assert "Chips get faster" in page.get_data(as_text=True)


def test_conditional_get_is_304_until_the_page_changes(client, story):
    url = f"/articles/{story.slug}"
    first = client.get(url, headers=GZIP)
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert first.headers["Cache-Control"] == "no-cache"
    again = client.get(url, headers={**GZIP, "If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == etag
    assert client.get(url, headers={"If-Modified-Since": modified}).status_code == 304
    story.title = "Chips get much faster"
    db.session.commit()
    changed = client.get(url, headers={**GZIP, "If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert "Chips get much faster" in gzip.decompress(changed.data).decode()


def test_head_is_answered_from_the_cache_without_a_body(client, story):
    client.get(f"/articles/{story.slug}")
    head = client.head(f"/articles/{story.slug}", headers=GZIP)
    assert head.status_code == 200 and head.data == b""
    assert head.headers["X-Cache"] == "hit" and int(head.headers["Content-Length"]) > 0


def test_every_kind_of_public_write_is_visible_on_the_next_visit(client, make, story):
    from techpulse.services.site import save_settings

    category = db.session.get(Category, story.category_id)
    pages = ["/", f"/articles/{story.slug}", f"/category/{category.slug}", "/tag/hardware"]

    def warm() -> None:
        for url in pages:
            client.get(url)
            assert client.get(url).headers["X-Cache"] == "hit", url

    warm()
    category.name = "Silicon Valley"
    db.session.commit()
    assert all("Silicon Valley" in client.get(url).get_data(as_text=True) for url in pages)
    warm()
    save_settings({"site_name": "ChipPulse"})
    db.session.commit()
    assert all("ChipPulse" in client.get(url).get_data(as_text=True) for url in pages)
    warm()
    db.session.execute(update(Article).values(title="Bulk renamed"))  # no flush, no ORM object
    db.session.commit()
    assert "Bulk renamed" in client.get(f"/articles/{story.slug}").get_data(as_text=True)
    warm()
    db.session.execute(text("UPDATE articles SET title = 'Raw SQL title'"))
    db.session.commit()
    assert "Raw SQL title" in client.get(f"/articles/{story.slug}").get_data(as_text=True)
    warm()
    db.session.delete(story)
    db.session.commit()
    assert client.get(f"/articles/{story.slug}").status_code == 404
    assert "Bulk renamed" not in client.get("/").get_data(as_text=True)


def test_writes_nobody_sees_leave_the_cache_warm(client, story, staff):
    from techpulse.services import audit

    url = f"/articles/{story.slug}"
    client.get(url)
    audit.record("test.event", "nothing public", "")
    db.session.commit()
    assert client.get(url).headers["X-Cache"] == "hit"


def test_failed_logins_do_not_empty_the_cache(app, client, story):
    url = f"/articles/{story.slug}"
    client.get(url)
    stranger = app.test_client()
    for _ in range(3):
        token = csrf_from(stranger.get("/login").data)
        form = {"email": "x@example.com", "password": "wrong-password", "csrf_token": token}
        assert stranger.post("/login", data=form).status_code in (200, 429)
    assert client.get(url).headers["X-Cache"] == "hit"


@pytest.mark.parametrize("url", ["/feed.xml", "/rss.xml", "/sitemap.xml", "/robots.txt",
                                 "/search?q=chips"])  # fmt: skip
def test_feeds_sitemap_and_search_go_through_the_cache(client, story, url):
    assert client.get(url, headers=GZIP).headers["X-Cache"] == "miss"
    again = client.get(url, headers=GZIP)
    assert again.headers["X-Cache"] == "hit"
    if url != "/robots.txt":  # too small to be worth compressing
        assert again.headers["Content-Encoding"] == "gzip"


def test_staff_are_never_served_from_the_cache(app, client, story, staff):
    visitor = app.test_client()
    url = f"/articles/{story.slug}"
    visitor.get(url)
    assert visitor.get(url).headers["X-Cache"] == "hit"
    staff.login(Role.EDITOR)
    seen = client.get(url, headers=GZIP)
    assert "X-Cache" not in seen.headers
    assert seen.headers["Content-Encoding"] == "gzip"  # compressed on the fly instead
    assert client.get("/admin/", headers=GZIP).headers["Content-Encoding"] == "gzip"


@pytest.mark.parametrize("url", ["/contact", "/login"])
def test_forms_with_a_visitor_token_are_never_cached(client, url):
    from tests.helpers.accounts import csrf_from

    first = client.get(url)
    assert {"private", "no-store"} & set(first.headers["Cache-Control"].replace(",", " ").split())
    assert "Set-Cookie" in first.headers and "X-Cache" not in first.headers
    second_visitor = client.application.test_client()
    second = second_visitor.get(url)
    assert "X-Cache" not in second.headers
    assert csrf_from(first.data) != csrf_from(second.data)


def test_scheduled_story_appears_on_time_with_a_warm_cache(client, make, now):
    make.settings()
    make.article("Already out", hours_ago=2)
    make.article("Coming soon", published_at=now.at.replace(microsecond=0) + _minutes(30))
    client.get("/")
    assert client.get("/").headers["X-Cache"] == "hit"
    assert "Coming soon" not in client.get("/").get_data(as_text=True)
    now.advance(minutes=31)
    home = client.get("/")
    assert home.headers["X-Cache"] == "miss" and "Coming soon" in home.get_data(as_text=True)


def test_public_pages_answer_conditional_gets_even_for_visitors_with_a_cookie(client, story):
    client.get("/contact")  # now carries a session cookie: served by Flask, not the cache
    page = client.get(f"/articles/{story.slug}")
    assert "X-Cache" not in page.headers and page.headers.get("ETag")
    again = client.get(f"/articles/{story.slug}", headers={"If-None-Match": page.headers["ETag"]})
    assert again.status_code == 304


def test_static_files_are_fingerprinted_compressed_and_immutable(client, story):
    from tests.helpers.pages import elements

    html = client.get(f"/articles/{story.slug}").get_data(as_text=True)
    scripts = [e.get("src") or e.get("data-src") or "" for e in elements(html, "script")]
    href = next(src for src in scripts if "share.js" in src)
    assert "?v=" in href
    css = client.get(href, headers=GZIP)
    assert css.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert css.headers["Content-Encoding"] == "gzip" and css.headers["Vary"] == "Accept-Encoding"
    assert b"function" in gzip.decompress(css.data) or b"=>" in gzip.decompress(css.data)
    plain = client.get(href.split("?")[0])
    assert plain.headers["Cache-Control"] == "no-cache" and "Content-Encoding" not in plain.headers
    again = client.get(href.split("?")[0], headers={"If-None-Match": plain.headers["ETag"]})
    assert again.status_code == 304
    stale = client.get(href.split("?")[0] + "?v=0000000000")
    assert stale.headers["Cache-Control"] == "no-cache"  # an old fingerprint is not pinned


def test_vary_cookie_only_where_the_page_depends_on_the_visitor(client, story, make):
    page = client.get(f"/articles/{story.slug}")
    assert "Cookie" in page.headers["Vary"]  # staff and pending messages change the page
    css = client.get("/static/css/site.css")
    assert "Cookie" not in css.headers.get("Vary", "")
    banner = make.image()
    media = client.get(f"/media/{banner.variants[0]['file']}")
    media.close()
    assert media.status_code == 200 and "Cookie" not in media.headers.get("Vary", "")


def test_about_page_change_is_visible_at_once(client, make):
    make.settings()
    about = make.page("about", "About", "First words")
    client.get("/about")
    assert client.get("/about").headers["X-Cache"] == "hit"
    update_page(about, PageFields(title="About", slug="about", body_md="Second words"))
    assert "Second words" in client.get("/about").get_data(as_text=True)


def _minutes(n: int):
    from datetime import timedelta

    return timedelta(minutes=n)


def test_pages_are_served_fresh_when_redis_is_down(app_config, tmp_path):
    from techpulse import create_app
    from tests.helpers.servers import free_port

    dead = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    site = create_app({**app_config, "REDIS_URL": dead, "INSTANCE_PATH": tmp_path / "down"})
    with site.app_context():
        db.create_all()
        visitor = site.test_client()
        for _ in range(2):
            home = visitor.get("/", headers=GZIP)
            assert home.status_code == 200 and "X-Cache" not in home.headers
            assert home.headers["Content-Encoding"] == "gzip"  # still compressed
        db.session.remove()
        db.engine.dispose()


def test_after_a_write_the_last_page_shown_is_ready_again_before_anyone_asks(app, client, story):
    from techpulse.serving.warming import Warmer

    cache = app.extensions["techpulse.page_cache"]
    warmer = Warmer(cache, cache.generation.current, pages=4, watch=False)
    cache.warmer = warmer  # as in a production server's worker (never started in tests)
    try:
        url = f"/articles/{story.slug}"
        assert client.get(f"{url}?from=newsletter").headers["X-Cache"] == "miss"
        story.title = "Chips get much faster"
        db.session.commit()  # a new generation: every page kept before is stale
        assert warmer.warm() == 1  # what the worker's watcher does when it sees the write
        page = client.get(url)
        assert page.headers["X-Cache"] == "hit"
        assert "Chips get much faster" in page.get_data(as_text=True)
    finally:
        cache.warmer = None
