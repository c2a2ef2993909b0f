"""Every address an imported WordPress site served answers with exactly one 301 to ours.

The generated export links its posts as ``/?p=ID`` (plain permalinks), so no old path is
stored: each permalink structure below is answered by the resolver, not by a list.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from PIL import Image as PILImage

from tests.helpers.apps import POSTGRES_URL, app_settings, copy_site, new_app, prepare_database
from tests.helpers.wordpress import OLD_HOST, attachment_item, post_item, write_export

AUTHOR = (
    "<wp:author><wp:author_id>7</wp:author_id><wp:author_login><![CDATA[rahul.desai]]>"
    "</wp:author_login><wp:author_email><![CDATA[rahul.desai@old.example]]></wp:author_email>"
    "<wp:author_display_name><![CDATA[R. Desai]]></wp:author_display_name></wp:author>\n"
)
CATEGORIES = (
    "<wp:category><wp:term_id>1</wp:term_id><wp:category_nicename><![CDATA[cloud]]>"
    "</wp:category_nicename><wp:category_parent><![CDATA[]]></wp:category_parent>"
    "<wp:cat_name><![CDATA[Cloud]]></wp:cat_name></wp:category>\n"
    "<wp:category><wp:term_id>2</wp:term_id><wp:category_nicename><![CDATA[devops]]>"
    "</wp:category_nicename><wp:category_parent><![CDATA[cloud]]></wp:category_parent>"
    "<wp:cat_name><![CDATA[DevOps]]></wp:cat_name></wp:category>\n"
)
RUNNERS = "/articles/self-hosted-ci-runners"
HINDI_BODY = "<p>भारत में क्लाउड कंप्यूटिंग तेज़ी से बढ़ रहा है और कंपनियाँ नए सर्वर लगा रही हैं।</p>"


def wp_post(post_id: int, name: str, local: str, gmt: str, categories: str, **extra: str) -> str:
    """A published post linked as ``/?p=ID``, by rahul.desai, in ``categories`` (slugs)."""
    item = post_item(post_id, post_name=name, post_date=local, post_date_gmt=gmt, **extra)
    item = item.replace(f"<link>{OLD_HOST}/{name}/</link>", f"<link>{OLD_HOST}/?p={post_id}</link>")
    item = item.replace("<dc:creator>gen</dc:creator>", "<dc:creator>rahul.desai</dc:creator>")
    terms = "".join(
        f'<category domain="category" nicename="{slug}"><![CDATA[{slug.title()}]]></category>'
        for slug in categories.split()
    )
    terms += '<category domain="post_tag" nicename="ci"><![CDATA[CI]]></category>'
    generated = '<category domain="category" nicename="generated"><![CDATA[Generated]]></category>'
    return item.replace(generated, terms)


def export_items() -> list[str]:
    """Posts (one published at 00:40 IST: its GMT date is the day before), a page, an image."""
    image = f"{OLD_HOST}/wp-content/uploads/2026/08/server-room-1024x576.jpg"
    body = f'<p>Runners.</p><p><img src="{image}" alt="Racks" width="1024" height="576"></p>'
    attachment = attachment_item(701, "2026/08/server-room.jpg", alt="Server racks")
    attachment = attachment.replace(
        "<wp:post_id>701</wp:post_id>",
        f"<link>{OLD_HOST}/2026/08/22/self-hosted-ci-runners/server-room/</link>"
        "<wp:post_id>701</wp:post_id><wp:post_name>server-room</wp:post_name>",
    )
    page = post_item(601, title="About us", post_name="about-us", post_type="page")
    return [
        AUTHOR + CATEGORIES,
        attachment,
        wp_post(
            501,
            "self-hosted-ci-runners",
            "2026-08-22 00:40:00",
            "2026-08-21 19:10:00",
            "devops",
            title="Self-hosted CI runners",
            body=body,
        ),
        wp_post(
            502, "kubernetes-at-the-edge", "2026-07-03 09:00:00", "2026-07-03 03:30:00", "cloud"
        ),
        wp_post(
            503,
            "%e0%a4%95%e0%a5%8d%e0%a4%b2%e0%a4%be%e0%a4%89%e0%a4%a1",
            "2026-07-04 09:00:00",
            "2026-07-04 03:30:00",
            "cloud",
            title="भारत में क्लाउड",
            body=HINDI_BODY,
        ),
        page,
    ]


def make_uploads(folder: Path) -> Path:
    target = folder / "uploads" / "2026" / "08"
    target.mkdir(parents=True)
    buffer = io.BytesIO()
    PILImage.new("RGB", (1800, 1000), (30, 90, 200)).save(buffer, "JPEG")
    (target / "server-room.jpg").write_bytes(buffer.getvalue())
    return folder / "uploads"


def import_site(runner: Any, folder: Path) -> None:
    export = write_export(folder / "export.xml", export_items())
    command = ["import-wordpress", str(export), "--uploads", str(make_uploads(folder))]
    result = runner.invoke(args=command)
    assert result.exit_code == 0, result.output + repr(result.exception)
    assert "Imported 5" in result.output, result.output


@pytest.fixture(scope="module")
def imported_site(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The generated export imported once on SQLite; each test gets a copy."""
    from techpulse.extensions import db

    folder = tmp_path_factory.mktemp("addresses")
    config = {**app_settings(folder), "PER_PAGE": 1}
    prepare_database(config["SQLALCHEMY_DATABASE_URI"])
    site = new_app(config)
    with site.app_context():
        import_site(site.test_cli_runner(), folder)
        db.session.remove()
        db.engine.dispose()
    return config


@pytest.fixture
def app_config(app_config: dict[str, Any], request: pytest.FixtureRequest) -> dict[str, Any]:
    app_config["PER_PAGE"] = 1  # so /page/2/ has a page 2
    if not POSTGRES_URL:
        copy_site(request.getfixturevalue("imported_site"), app_config)
    return app_config


@pytest.fixture
def site(runner: Any, tmp_path: Path) -> None:
    """The generated export, imported (on PostgreSQL now; on SQLite it was copied in)."""
    if POSTGRES_URL:
        import_site(runner, tmp_path)


def one_redirect(client: Any, old: str) -> str:
    """The Location of ``old``'s 301, checked to be a page of ours answering 200 at once."""
    response = client.get(old)
    assert response.status_code == 301, (old, response.status_code)
    location = response.headers["Location"]
    assert location.startswith("/") and not location.startswith("//"), (old, location)
    assert fetch(client, location)[0] == 200, (old, location)  # no second hop
    return location


def fetch(client: Any, url: str) -> tuple[int, bytes]:
    """The status and body of ``url`` (a file response closed after reading)."""
    response = client.get(url)
    try:
        return response.status_code, response.get_data()
    finally:
        response.close()


PERMALINKS = [
    "/2026/08/22/self-hosted-ci-runners/",  # /%year%/%monthnum%/%day%/%postname%/ (site-local)
    "/2026/08/22/self-hosted-ci-runners",
    "/2026/08/self-hosted-ci-runners/",  # /%year%/%monthnum%/%postname%/
    "/archives/501",  # /archives/%post_id%
    "/archives/501/",
    "/cloud/devops/self-hosted-ci-runners/",  # /%category%/%postname%/ (nested)
    "/devops/self-hosted-ci-runners/",
    "/self-hosted-ci-runners/",  # /%postname%/
    "/?p=501",
]


def test_every_permalink_structure_answers_with_one_301(site: None, client) -> None:
    for old in PERMALINKS:
        assert one_redirect(client, old) == RUNNERS, old
    assert one_redirect(client, "/2026/07/03/kubernetes-at-the-edge/") == (
        "/articles/kubernetes-at-the-edge"
    )
    assert (
        one_redirect(client, "/cloud/kubernetes-at-the-edge/") == "/articles/kubernetes-at-the-edge"
    )
    assert one_redirect(client, "/about-us/") == "/pages/about-us"
    hindi = "%e0%a4%95%e0%a5%8d%e0%a4%b2%e0%a4%be%e0%a4%89%e0%a4%a1"  # as WordPress links it
    for old in (f"/2026/07/04/{hindi}/", f"/2026/07/{hindi.upper()}/", f"/cloud/{hindi}/"):
        assert one_redirect(client, old) == "/articles/" + hindi.upper(), old


def test_the_date_in_an_address_is_the_site_local_one(site: None, client) -> None:
    # Published 00:40 IST on the 22nd: WordPress never linked it with the GMT date (21st).
    for wrong in (
        "/2026/08/21/self-hosted-ci-runners/",
        "/2025/08/self-hosted-ci-runners/",
        "/2026/09/22/self-hosted-ci-runners/",
        "/news/self-hosted-ci-runners/",  # not a category
        "/archives/999",
        "/2026/08/22/never-written/",
    ):
        assert client.get(wrong).status_code == 404, wrong


def test_uploads_and_every_sub_size_load_our_image(site: None, client) -> None:
    original = one_redirect(client, "/wp-content/uploads/2026/08/server-room.jpg")
    assert original.startswith("/media/")
    for size, at_least in (("1024x576", 1024), ("300x169", 300), ("150x150", 150)):
        location = one_redirect(client, f"/wp-content/uploads/2026/08/server-room-{size}.jpg")
        image = PILImage.open(io.BytesIO(fetch(client, location)[1]))
        assert image.width >= at_least, (size, image.width)
        assert image.format == "JPEG"
    small = one_redirect(client, "/wp-content/uploads/2026/08/server-room-300x169.jpg")
    assert small != original  # the closest size, not always the largest
    assert client.get("/wp-content/uploads/2026/08/other-photo.jpg").status_code == 404


def test_attachment_pages_go_to_the_story_that_shows_the_image(site: None, client) -> None:
    for old in (
        "/2026/08/22/self-hosted-ci-runners/server-room/",
        "/self-hosted-ci-runners/server-room/",
        "/server-room/",
        "/?attachment_id=701",
    ):
        assert one_redirect(client, old) == RUNNERS, old


FEEDS = [
    ("/feed/", "/rss.xml"),
    ("/feed/atom/", "/feed.xml"),
    ("/feed/rss2/", "/rss.xml"),
    ("/feed/rss/", "/rss.xml"),
    ("/feed/rdf/", "/rss.xml"),
    ("/rss2/", "/rss.xml"),
    ("/atom/", "/feed.xml"),
    ("/comments/feed/", "/rss.xml"),
    ("/category/devops/feed/", "/category/devops/rss.xml"),
    ("/category/cloud/devops/feed/atom/", "/category/devops/feed.xml"),
    ("/tag/ci/feed/", "/tag/ci/rss.xml"),
    ("/author/rahul-desai/feed/", "/author/r-desai/rss.xml"),
    ("/self-hosted-ci-runners/feed/", "/rss.xml"),
    ("/?feed=rss2", "/rss.xml"),
    ("/?feed=rss", "/rss.xml"),
    ("/?feed=atom", "/feed.xml"),
    ("/?feed=rdf", "/rss.xml"),
    ("/?feed=comments-rss2", "/rss.xml"),
    ("/?feed=rss2&tag=ci", "/tag/ci/rss.xml"),
    ("/?feed=rss2&category_name=devops", "/category/devops/rss.xml"),
]


def test_every_old_feed_address_returns_a_feed(site: None, client) -> None:
    for old, new in FEEDS:
        assert one_redirect(client, old) == new, old
        feed = client.get(new)
        assert feed.mimetype in ("application/rss+xml", "application/atom+xml"), old
        assert b"Self-hosted CI runners" in feed.get_data(), old


def test_search_pagination_archives_and_nicenames(site: None, client) -> None:
    assert one_redirect(client, "/?s=runners") == "/search?q=runners"
    assert one_redirect(client, "/?s=cloud&paged=2") == "/search?q=cloud&page=2"
    assert one_redirect(client, "/search/runners/") == "/search?q=runners"
    assert one_redirect(client, "/page/2/") == "/?page=2"
    assert one_redirect(client, "/page/1/") == "/"
    assert one_redirect(client, "/?paged=2") == "/?page=2"
    assert one_redirect(client, "/category/cloud/page/2/") == "/category/cloud?page=2"
    assert one_redirect(client, "/tag/ci/page/2/") == "/tag/ci?page=2"
    assert one_redirect(client, "/author/rahul-desai/") == "/author/r-desai"
    assert one_redirect(client, "/author/rahul-desai/page/2/") == "/author/r-desai?page=2"
    assert one_redirect(client, "/category/cloud/devops/") == "/category/devops"
    assert client.get("/page/999/").status_code == 301  # then our own 404 for the page
    assert client.get("/page/abc/").status_code == 404


def test_the_home_page_never_answers_feed_or_search_queries_with_itself(site: None, client) -> None:
    for query in ("feed=rss2", "feed=nonsense", "s=", "s=%3Cscript%3E"):
        response = client.get(f"/?{query}")
        assert response.status_code == 301, query
    assert client.get("/?utm_source=mail").status_code == 200


def test_a_trailing_slash_on_our_own_addresses_redirects_once(site: None, client) -> None:
    for old, new in (
        (RUNNERS + "/", RUNNERS),
        ("/category/devops/", "/category/devops"),
        ("/tag/ci/", "/tag/ci"),
        ("/pages/about-us/", "/pages/about-us"),
        ("/search/?q=runners", "/search?q=runners"),
        ("/feed.xml/", "/feed.xml"),
    ):
        response = client.get(old)
        assert (response.status_code, response.headers.get("Location")) == (301, new), old
        assert client.get(new).status_code == 200, new
    assert client.get("/articles/never-written/").status_code == 301  # our 404 comes next


def test_no_open_redirects(site: None, client) -> None:
    for hostile in (
        "//evil.com/",
        "//evil.com",
        "/%2F%2Fevil.com",
        "/%2F%2Fevil.com/",
        "/%5C%5Cevil.com/",
        "/\\evil.com/",
        "///evil.com/feed/",
        "/%2F%2Fevil.com/page/2/",
        "/category/%2F%2Fevil.com/",
    ):
        response = client.get(hostile)
        location = response.headers.get("Location", "")
        assert "evil.com" not in location.split("?")[0], (hostile, location)
    location = client.get("/?s=//evil.com").headers["Location"]
    assert location.startswith("/search?q=")


def test_an_unknown_old_address_costs_a_few_indexed_lookups(
    site: None, client, count_queries
) -> None:
    for path in ("/2026/08/22/never-written/", "/a/b/c/d/e/f/never/", "/x" * 200):
        count_queries.statements.clear()
        assert client.get(path).status_code == 404
        lookups = [sql for sql in count_queries.statements if "site_settings" not in sql]
        # At most four lookups by key (old address, slug, moved slug), then the 404 page's own.
        assert len(lookups) <= 8, (path, lookups)
        assert not any(" LIKE " in sql for sql in lookups)


def test_a_story_in_another_language_says_so(site: None, client) -> None:
    html = client.get(one_redirect(client, "/archives/503")).get_data(as_text=True)
    assert '<article class="article" lang="hi"' in html
    english = client.get(RUNNERS).get_data(as_text=True)
    assert '<article class="article" aria' in english
