"""/sitemap.xml (split into an index when large), /robots.txt and /favicon.ico."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import timedelta

from sqlalchemy import insert, select

from techpulse.extensions import db
from techpulse.models import Article, Status, Tag
from techpulse.services.pages import PageFields, create_page

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9",
      "image": "http://www.google.com/schemas/sitemap-image/1.1"}  # fmt: skip


def fetch(client, url: str) -> ET.Element:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response.mimetype == "application/xml"
    assert "Set-Cookie" not in response.headers
    return ET.fromstring(response.data)


def urlset(root: ET.Element) -> dict[str, ET.Element]:
    assert root.tag == f"{{{NS['s']}}}urlset"
    entries = root.findall("s:url", NS)
    locs = [entry.findtext("s:loc", namespaces=NS) for entry in entries]
    assert len(locs) == len(set(locs)), "a URL is listed twice"
    return dict(zip(locs, entries, strict=True))


def test_sitemap_lists_every_public_page_with_lastmod_and_images(client, make, now):
    ai = make.category("AI & Tech")
    make.category("Empty")
    asha = make.user("Asha Patel")
    make.user("Never Wrote")
    story = make.article("Launch", category=ai, author=asha, tags=("Google",), banner=True)
    plain = make.article("Plain", category=ai, author=asha, hours_ago=30)
    make.article("A draft", category=ai, tags=("Secret",), status=Status.DRAFT)
    later = make.article(
        "Later", category=ai, status=Status.SCHEDULED, published_at=now.at + timedelta(days=1)
    )
    create_page(PageFields(title="About", slug="about", body_md="Hello"))
    create_page(PageFields(title="Careers", slug="careers", body_md="Join us"))
    db.session.commit()
    urls = urlset(fetch(client, "/sitemap.xml"))
    base = "http://localhost"
    assert set(urls) == {
        f"{base}/", f"{base}/about", f"{base}/pages/careers", f"{base}/contact",
        f"{base}/category/ai-tech", f"{base}/category/empty", f"{base}/tag/google",
        f"{base}/author/asha-patel", f"{base}/articles/{story.slug}", f"{base}/articles/plain",
    }  # fmt: skip
    launch = urls[f"{base}/articles/{story.slug}"]
    assert launch.findtext("s:lastmod", namespaces=NS) == story.modified_at.isoformat(
        timespec="seconds"
    )
    images = [e.text for e in launch.findall("image:image/image:loc", NS)]
    assert images and all(image.startswith(f"{base}/media/") for image in images)
    assert urls[f"{base}/articles/plain"].find("image:image", NS) is None
    assert urls[f"{base}/category/ai-tech"].findtext("s:lastmod", namespaces=NS) == (
        story.modified_at.isoformat(timespec="seconds")
    )
    assert plain.slug in urls[f"{base}/articles/plain"].findtext("s:loc", namespaces=NS)
    # The scheduled story joins when it goes live, and not before.
    now.advance(days=1)
    assert f"{base}/articles/{later.slug}" in urlset(fetch(client, "/sitemap.xml"))


def bulk_articles(make, count: int) -> None:
    """``count`` live articles inserted in one statement (the suite stays fast)."""
    category, author = make.category("Bulk"), make.user("Bulk Writer")
    rows = [
        {"title": f"Bulk {n}", "slug": f"bulk-{n}", "status": "published",
         "published_at": make_time(n), "category_id": category.id, "author_id": author.id}
        for n in range(count)
    ]  # fmt: skip
    db.session.execute(insert(Article), rows)
    db.session.commit()


def make_time(n: int):
    from techpulse.clock import utcnow

    return utcnow() - timedelta(minutes=n + 1)


def test_large_sitemap_becomes_an_index_of_files_that_together_list_everything(app, client, make):
    app.config["SITEMAP_MAX_URLS"] = 100
    bulk_articles(make, 1_000)
    root = fetch(client, "/sitemap.xml")
    assert root.tag == f"{{{NS['s']}}}sitemapindex"
    files = [e.text for e in root.findall("s:sitemap/s:loc", NS)]
    # home, contact, the category, the author and 1,000 stories: 1,004 URLs in 11 files.
    assert files == [f"http://localhost/sitemap-{n}.xml" for n in range(1, 12)]
    seen: list[str] = []
    for url in files:
        part = urlset(fetch(client, url.removeprefix("http://localhost")))
        assert 0 < len(part) <= 100
        seen.extend(part)
    assert len(seen) == len(set(seen)) == 1_004
    assert {f"http://localhost/articles/bulk-{n}" for n in range(1_000)} <= set(seen)
    assert client.get("/sitemap-12.xml").status_code == 404
    assert client.get("/sitemap-0.xml").status_code == 404


def test_split_sitemap_lists_each_live_story_in_exactly_one_file_and_old_files_stay_put(
    app, client, make
):
    app.config["SITEMAP_MAX_URLS"] = 10
    bulk_articles(make, 95)
    ids = {a.slug: a.id for a in db.session.scalars(select(Article))}
    # Drafts (seven in a row) and a story marked noindex sit among the live ones: unlisted.
    hidden = {f"bulk-{n}" for n in (3, 40, 41, 42, 43, 44, 45, 46, 90)}
    for slug in hidden:
        article = db.session.get(Article, ids[slug])
        if slug == "bulk-90":
            article.noindex = True
        else:
            article.status = Status.DRAFT.value
    db.session.commit()

    def stories() -> dict[str, list[str]]:
        root = fetch(client, "/sitemap.xml")
        files = [
            e.text.removeprefix("http://localhost") for e in root.findall("s:sitemap/s:loc", NS)
        ]
        assert files == [f"/sitemap-{n}.xml" for n in range(1, len(files) + 1)]
        assert client.get(f"/sitemap-{len(files) + 1}.xml").status_code == 404
        found = {url: [loc for loc in urlset(fetch(client, url)) if "/articles/" in loc]
                 for url in files}  # fmt: skip
        assert all(len(locs) <= 10 for locs in found.values())
        return found

    before = stories()
    listed = [loc for locs in before.values() for loc in locs]
    expected = {f"http://localhost/articles/bulk-{n}" for n in range(95)} - {
        f"http://localhost/articles/{slug}" for slug in hidden
    }
    assert len(listed) == len(set(listed)) and set(listed) == expected
    # A story going back to draft changes its own file only: the others list the same URLs.
    gone = db.session.get(Article, ids["bulk-88"])
    gone.status = Status.DRAFT.value
    db.session.commit()
    after = stories()
    changed = [url for url in before if before[url] != after.get(url)]
    assert len(changed) == 1 and "http://localhost/articles/bulk-88" not in after[changed[0]]


def test_small_sitemap_has_no_numbered_files_and_each_file_stays_small(app, client):
    assert app.config["SITEMAP_MAX_URLS"] == 1_000  # WordPress core: 2,000; protocol: 50,000
    assert client.get("/sitemap-1.xml").status_code == 404


def test_sitemap_answers_conditional_get(client, make):
    make.article("One")
    first = client.get("/sitemap.xml")
    assert (
        client.get("/sitemap.xml", headers={"If-None-Match": first.headers["ETag"]}).status_code
        == 304
    )


def test_robots_txt_names_the_sitemap_and_keeps_crawlers_out_of_private_pages(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    lines = response.get_data(as_text=True).splitlines()
    assert lines[0] == "User-agent: *"
    assert {"Disallow: /admin", "Disallow: /login", "Disallow: /search"} <= set(lines)
    assert "Sitemap: http://localhost/sitemap.xml" in lines


def test_robots_txt_uses_site_url(app, client):
    app.config["SITE_URL"] = "https://techpulse.example"
    assert "Sitemap: https://techpulse.example/sitemap.xml" in client.get("/robots.txt").get_data(
        as_text=True
    )


def test_favicon_ico_is_an_icon(client):
    with client.get("/favicon.ico") as response:
        assert response.status_code == 200
        assert response.mimetype in ("image/vnd.microsoft.icon", "image/x-icon")
        assert response.data[:4] == b"\x00\x00\x01\x00"  # the ICO signature


def test_sitemap_index_is_worked_out_without_reading_every_story(app, client, make, count_queries):
    app.config["SITEMAP_MAX_URLS"] = 100
    bulk_articles(make, 300)
    count_queries.statements.clear()
    assert fetch(client, "/sitemap.xml").tag == f"{{{NS['s']}}}sitemapindex"
    # No per-archive newest date and no story list: those are for the numbered files.
    sql = " ".join(count_queries.statements).lower()
    assert "max(" not in sql and "group by" not in sql and "articles.slug" not in sql


def test_archive_dates_are_kept_by_each_save_and_follow_a_story_going_live(
    app, client, make, now, count_queries
):
    # Five site URLs at most (home, contact, the category, the tag, the author): one file.
    app.config["SITEMAP_MAX_URLS"] = 5
    ai, asha = make.category("AI"), make.user("Asha Patel")
    make.article("Older", category=ai, author=asha, hours_ago=9)
    old = make.article("Old", category=ai, author=asha, hours_ago=5)
    later = make.article(
        "Later", category=ai, author=asha, tags=("Chips",), status=Status.SCHEDULED,
        published_at=now.at + timedelta(hours=1),
    )  # fmt: skip
    db.session.commit()
    base, stamp = "http://localhost", lambda when: when.isoformat(timespec="seconds")
    count_queries.statements.clear()
    urls = urlset(fetch(client, "/sitemap-1.xml"))
    # The archives' dates are read from the listing counts: no story is read or grouped.
    sql = " ".join(count_queries.statements).lower()
    assert "max(" not in sql and "group by" not in sql
    assert set(urls) == {f"{base}/", f"{base}/contact", f"{base}/category/ai",
                         f"{base}/author/asha-patel"}  # fmt: skip
    assert urls[f"{base}/category/ai"].findtext("s:lastmod", namespaces=NS) == stamp(
        old.modified_at
    )
    # The scheduled story goes live by the clock: its archives changed then.
    now.advance(hours=2)
    urls = urlset(fetch(client, "/sitemap-1.xml"))
    for archive in ("/", "/category/ai", "/tag/chips", "/author/asha-patel"):
        lastmod = urls[f"{base}{archive}"].findtext("s:lastmod", namespaces=NS)
        assert lastmod == stamp(later.published_at), archive


def test_archives_never_counted_are_worked_out_from_their_stories(client, make):
    # Stories written outside the app (no listing counts): each archive's date is read
    # from its own stories; a tag no story uses is left out.
    bulk_articles(make, 3)
    db.session.add(Tag(name="Unused", slug="unused"))
    db.session.commit()
    newest = max(
        max(a.updated_at, a.published_at) for a in db.session.scalars(select(Article))
    ).isoformat(timespec="seconds")
    urls = urlset(fetch(client, "/sitemap.xml"))
    for archive in ("/", "/category/bulk", "/author/bulk-writer"):
        assert urls[f"http://localhost{archive}"].findtext("s:lastmod", namespaces=NS) == newest
    assert not any("/tag/" in url for url in urls)
