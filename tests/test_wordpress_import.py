"""`flask import-wordpress`: what comes over, through the CLI and then over HTTP."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from PIL import Image as PILImage
from sqlalchemy import func, select

from techpulse.extensions import db
from techpulse.models import (
    Article,
    AuditEvent,
    Category,
    Image,
    ImportRun,
    LegacyRedirect,
    Page,
    Revision,
    Role,
    Status,
    Tag,
    User,
)
from tests.helpers.apps import POSTGRES_URL, app_settings, copy_site, new_app, prepare_database
from tests.helpers.wordpress import SITE_XML, make_uploads, post_item, write_export

HINDI_SLUG = "नमस्ते-दुनिया"
HINDI_PATH = (  # as WordPress links it: percent-encoded UTF-8, lower-case hex
    "/%e0%a4%a8%e0%a4%ae%e0%a4%b8%e0%a5%8d%e0%a4%a4%e0%a5%87-"
    "%e0%a4%a6%e0%a5%81%e0%a4%a8%e0%a4%bf%e0%a4%af%e0%a4%be/"
)
# The new address as url_for writes it: the same UTF-8 bytes, upper-case hex (RFC 3986).
HINDI_ARTICLE = "/articles/" + HINDI_PATH.strip("/").upper()
HINDI_TAG = "/tag/%E0%A4%B9%E0%A4%BF%E0%A4%82%E0%A4%A6%E0%A5%80"


@pytest.fixture
def uploads(tmp_path: Path) -> Path:
    return make_uploads(tmp_path)


def run_import(runner, *args: str, export: Path = SITE_XML):
    result = runner.invoke(args=["import-wordpress", str(export), *args])
    assert result.exit_code == 0, result.output + repr(result.exception)
    return result.output


@pytest.fixture(scope="module")
def imported_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], str]:
    """The hand-written export imported once on SQLite: the site's config, the command's output."""
    folder = tmp_path_factory.mktemp("imported")
    config = app_settings(folder)
    prepare_database(config["SQLALCHEMY_DATABASE_URI"])
    site = new_app(config)
    with site.app_context():
        output = run_import(site.test_cli_runner(), "--uploads", str(make_uploads(folder)))
        db.session.remove()
        db.engine.dispose()
    return config, output


@pytest.fixture
def app_config(app_config: dict[str, Any], request: pytest.FixtureRequest) -> dict[str, Any]:
    """Tests of the imported site start from a copy of it (on SQLite)."""
    if "imported" in request.fixturenames and not POSTGRES_URL:
        copy_site(request.getfixturevalue("imported_site")[0], app_config)
    return app_config


@pytest.fixture
def imported(request: pytest.FixtureRequest, runner, uploads: Path) -> str:
    """The hand-written export imported with its uploads folder; the command's output."""
    if POSTGRES_URL:
        return run_import(runner, "--uploads", str(uploads))
    return request.getfixturevalue("imported_site")[1]


def article(wordpress_id: int) -> Article:
    found = db.session.scalar(select(Article).where(Article.wordpress_id == wordpress_id))
    assert found is not None, f"post {wordpress_id} was not imported"
    return found


STORY_FIGURE = re.compile(r'<figure class="story-image">.*?</figure>', re.DOTALL)


def story_body(html: str) -> str:
    """The article body as shown (the allow-list has no <div>, so the first one closes it)."""
    return html.split('class="article__body prose">', 1)[1].split("</div>", 1)[0]


def row_counts() -> dict[str, int]:
    models = (Article, Image, User, Tag, Category, Page, Revision, LegacyRedirect, AuditEvent)
    return {m.__name__: db.session.scalar(select(func.count()).select_from(m)) for m in models}


def test_the_summary_counts_and_explains_everything(imported: str) -> None:
    assert "Imported 12, updated 0, unchanged 0, skipped 3." in imported
    assert "Comments not imported (the site has no comments): 2." in imported
    assert "[contact-form-7] ×1." in imported  # [gallery] is shown as a gallery now
    assert "post 108 “Deleted long ago”: status “trash” is not imported" in imported
    assert "Careers" not in imported  # a draft page is imported, as a draft
    assert "nav_menu_item 300 “Home”: nav_menu_item items are not imported" in imported
    assert "Image file not in the uploads folder: 2024/06/missing.jpg" in imported
    assert "uploads/2024/06/missing-300x200.jpg" in imported  # kept as a link, and listed


def test_statuses_and_dates_come_over(imported: str) -> None:
    published = article(101)
    assert published.status == Status.PUBLISHED
    assert published.published_at == datetime(2024, 5, 1, 4, 30, tzinfo=UTC)  # post_date_gmt
    future = article(104)
    assert future.status == Status.SCHEDULED
    assert future.published_at == datetime(2099, 1, 1, 4, 30, tzinfo=UTC)
    for wordpress_id in (105, 106):  # draft, private
        assert article(wordpress_id).status == Status.DRAFT
        assert article(wordpress_id).published_at is None
    assert article(107).status == Status.REVIEW  # pending: in the review queue
    assert article(107).published_at is None
    draft = article(105)  # empty slug, zero GMT date
    assert draft.slug == "an-unfinished-idea"
    # 10:00 at the old site, whose offset (+05:30) the export's other dates show.
    assert draft.created_at == datetime(2024, 7, 1, 4, 30, tzinfo=UTC)
    assert db.session.scalar(select(Article).where(Article.wordpress_id == 108)) is None


def test_authors_become_inactive_staff_with_their_names(imported: str, client) -> None:
    priya = db.session.scalar(select(User).where(User.email == "priya@codedote.example"))
    assert priya is not None and priya.name == "Priya Shah"
    assert priya.role == Role.AUTHOR and not priya.active and priya.password_hash is None
    assert article(101).author_id == priya.id
    assert "Priya Shah" in client.get(f"/author/{priya.slug}").get_data(as_text=True)


def test_categories_are_flattened_to_the_deepest_and_the_rest_become_tags(
    imported: str,
    client,
) -> None:
    html = client.get("/articles/hello-world").get_data(as_text=True)
    story = article(101)
    assert db.session.get(Category, story.category_id).name == "Machine Learning"
    tags = db.session.scalars(select(Tag.name).order_by(Tag.name)).all()
    assert {"Python", "Technology", "Artificial Intelligence", "हिंदी"} <= set(tags)
    assert "Machine Learning" in html and "Artificial Intelligence" in html and "Python" in html


def test_published_post_renders_with_its_banner_and_inline_image(imported: str, client) -> None:
    response = client.get("/articles/hello-world")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Hello, world of models" in html and "small model" in html
    image = db.session.scalar(select(Image).where(Image.wordpress_id == 201))
    assert image.alt_text == "Five engineers around a whiteboard"  # _wp_attachment_image_alt
    assert article(101).banner_id == image.id
    body = story_body(html)
    figure, from_the_gallery = STORY_FIGURE.findall(body)  # [gallery]: the image it could find
    assert 'type="image/webp"' in figure and 'loading="lazy"' in figure
    assert 'width="1600" height="889"' in figure
    assert 'alt="Five engineers around a whiteboard"' in figure
    assert "<figcaption>The team at work</figcaption>" in figure
    # No request to the old site: only the picture missing from the uploads is linked there.
    old_links = set(re.findall(r'"(https://old\.codedote\.example[^"]*)"', html))
    assert old_links == {"https://old.codedote.example/wp-content/uploads/2024/06/missing.jpg"}
    for src in set(re.findall(r'(/media/[^" ]+)', html)):
        with client.get(src) as image_response:
            assert image_response.status_code == 200, src
    assert "[gallery" not in html and "wp:paragraph" not in html


def test_inline_images_are_library_references_like_the_editor_places(
    imported: str,
    client,
    staff,
) -> None:
    image = db.session.scalar(select(Image).where(Image.wordpress_id == 201))
    story = article(101)
    reference = f'![Five engineers around a whiteboard](image:{image.id} "The team at work")'
    assert reference in story.body_md.splitlines()  # the editor's own reference, on its line
    assert "<picture" not in story.body_md  # resolved at save time, not stored as markup
    # The same reference written in the editor renders the very same figure.
    staff.login(Role.EDITOR)
    category = db.session.scalar(select(Category).where(Category.slug == "news"))
    form = {"title": "Written here", "slug": "", "excerpt": "", "body": reference,
            "category": str(category.id), "tags": "", "banner_id": "0", "banner_alt": "",
            "seo_title": "", "seo_description": "", "publish_at": "",
            "publish": "Publish"}  # fmt: skip
    assert staff.post("/admin/articles/new", form).status_code == 302
    written = client.get("/articles/written-here").get_data(as_text=True)
    imported_html = client.get("/articles/hello-world").get_data(as_text=True)
    assert STORY_FIGURE.findall(story_body(imported_html))[:1] == STORY_FIGURE.findall(
        story_body(written)
    )


def test_an_image_a_story_shows_inline_cannot_be_deleted(imported: str, client, staff) -> None:
    inline_only = db.session.scalar(select(Image).where(Image.wordpress_id == 201))
    article(101).banner_id = None  # so only the inline use is left
    db.session.commit()
    staff.login(Role.EDITOR)
    library = client.get("/admin/media").get_data(as_text=True)
    assert "Hello, world of models" in library
    page = client.get(f"/admin/media/{inline_only.id}/delete").get_data(as_text=True)
    assert "This image cannot be deleted" in page and "“Hello, world of models”" in page
    refused = staff.post(
        f"/admin/media/{inline_only.id}/delete", {"submit": "Delete image"}, follow_redirects=True
    )
    assert "This image is used by “Hello, world of models”" in refused.get_data(as_text=True)
    assert db.session.get(Image, inline_only.id) is not None
    html = client.get("/articles/hello-world").get_data(as_text=True)
    for src in set(re.findall(r'(/media/[^" ]+)', story_body(html))):
        with client.get(src) as image_response:
            assert image_response.status_code == 200, src


def test_imported_images_lose_their_exif(imported: str, app) -> None:
    image = db.session.scalar(select(Image).where(Image.wordpress_id == 201))
    folder = Path(app.config["UPLOAD_FOLDER"])
    for variant in image.variants:
        with PILImage.open(folder / variant["file"]) as stored:
            assert not stored.getexif(), variant["file"]


def test_classic_html_is_sanitized_and_gets_its_paragraphs(imported: str, client) -> None:
    html = client.get("/articles/classic-post").get_data(as_text=True)
    # Titles and term names are stored HTML-escaped by WordPress: shown escaped once.
    assert "<h1" in html and "A classic post &amp; its “quotes”</h1>" in html
    assert "Company &amp; News" in html and "&amp;amp;" not in html
    body = story_body(html)
    assert "<p>First paragraph of the classic editor,<br>\nwith a line break.</p>" in body
    for hostile in ("<script", 'alert("xss")', "onerror", "onclick", "javascript:"):
        assert hostile not in body
    assert '<a href="https://codedote.example/" rel="noopener noreferrer">good one</a>' in body
    lost = "https://old.codedote.example/wp-content/uploads/2024/06/missing-300x200.jpg"
    assert f'<a href="{lost}" rel="noopener noreferrer">A lost picture</a>' in body
    assert "<figcaption>A caption for the lost picture</figcaption>" in body
    assert "<h2>An old-style heading</h2>" in body and html.count("<h1") == 1
    assert "<pre>line one\n\nline three</pre>" in body
    assert "contact-form-7" not in body and "[caption" not in body


def test_hindi_title_emoji_and_tag_survive(imported: str, client) -> None:
    story = article(103)
    assert story.title == "नमस्ते दुनिया 🚀"
    assert story.slug == HINDI_SLUG  # decoded and kept, not transliterated
    response = client.get(HINDI_ARTICLE)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "नमस्ते दुनिया 🚀" in html and "यह हमारी पहली हिंदी पोस्ट है। 🎉" in html
    assert f'<link rel="canonical" href="http://localhost{HINDI_ARTICLE}">' in html
    assert f'href="{HINDI_TAG}"' in html  # the tag, by its own name and Hindi address
    assert client.get(HINDI_TAG).status_code == 200


def test_the_hindi_old_address_answers_in_any_case_of_hex(imported: str, client) -> None:
    for old in (HINDI_PATH, HINDI_PATH.upper(), HINDI_PATH.rstrip("/"), "/" + HINDI_SLUG + "/"):
        response = client.get(old)
        assert (response.status_code, response.headers["Location"]) == (301, HINDI_ARTICLE), old
    assert client.get(HINDI_ARTICLE.lower()).status_code == 200  # lower-case hex: same bytes


def test_the_sitemap_lists_the_hindi_address_percent_encoded(imported: str, client) -> None:
    xml = client.get("/sitemap.xml").get_data(as_text=True)
    assert f"<loc>http://localhost{HINDI_ARTICLE}</loc>" in xml
    assert f"<loc>http://localhost{HINDI_TAG}</loc>" in xml
    assert HINDI_SLUG not in xml  # only ASCII in <loc>: valid URIs


def test_a_published_page_becomes_a_static_page(imported: str, client) -> None:
    html = client.get("/pages/our-services").get_data(as_text=True)
    assert "<p>We build web and mobile software.</p>" in html and "<p>Talk to us.</p>" in html


def test_unpublished_pages_become_drafts_only_staff_see(imported: str, client, staff) -> None:
    careers, handbook = (
        db.session.scalar(select(Page).where(Page.wordpress_id == n)) for n in (111, 112)
    )
    assert (careers.slug, careers.published) == ("careers", False)  # WordPress "draft"
    assert (handbook.slug, handbook.published) == ("team-handbook", False)  # "private"
    assert db.session.scalar(select(Page).where(Page.wordpress_id == 110)).published
    for url in ("/pages/careers", "/pages/team-handbook", "/team-handbook/"):
        assert client.get(url).status_code == 404, url
    assert client.get("/?page_id=111").status_code == 200  # the home page, not the draft
    sitemap = client.get("/sitemap.xml").get_data(as_text=True)
    assert "/pages/our-services" in sitemap and "careers" not in sitemap
    staff.login(Role.EDITOR)
    html = client.get("/pages/team-handbook").get_data(as_text=True)
    assert "How we work." in html and "<strong>Draft</strong>" in html
    listing = client.get("/admin/pages").get_data(as_text=True)
    assert listing.count(">Draft</span>") == 2 and ">Published</span>" in listing


def test_unpublished_posts_stay_private(imported: str, client) -> None:
    for slug in ("coming-in-2099", "an-unfinished-idea", "only-for-the-team"):
        assert client.get(f"/articles/{slug}").status_code == 404
    # Their old addresses do not reveal them either.
    assert client.get("/2024/07/02/only-for-the-team/").status_code == 404
    assert client.get("/?p=104").status_code == 200  # just the home page


OLD_TO_NEW = [
    ("/2024/05/01/hello-world/", "/articles/hello-world"),  # /%year%/%monthnum%/%day%/%postname%/
    ("/2024/06/classic-post/", "/articles/classic-post"),  # /%year%/%monthnum%/%postname%/
    (HINDI_PATH, HINDI_ARTICLE),  # /%postname%/, percent-encoded
    ("/?p=109", "/articles/plain-permalinks"),  # plain permalinks
    ("/?p=101", "/articles/hello-world"),
    ("/?page_id=110", "/pages/our-services"),
    ("/our-services/", "/pages/our-services"),
    ("/category/news/", "/category/news"),
    ("/category/tech/ai/machine-learning/", "/category/machine-learning"),
    ("/tag/python/", "/tag/python"),
    ("/tag/%e0%a4%b9%e0%a4%bf%e0%a4%82%e0%a4%a6%e0%a5%80/", HINDI_TAG),
    ("/author/priya/", "/author/priya-shah"),
    ("/feed/", "/rss.xml"),
]


def test_old_addresses_answer_with_one_301(imported: str, client) -> None:
    for old, new in OLD_TO_NEW:
        response = client.get(old)
        assert (response.status_code, response.headers.get("Location")) == (301, new), old
        assert client.get(new).status_code == 200, new  # no second hop


def test_unknown_addresses_are_still_404(imported: str, client) -> None:
    assert client.get("/2024/05/01/never-written/").status_code == 404
    assert client.get("/?p=99999").status_code == 200
    assert client.post("/2024/05/01/hello-world/").status_code in (404, 405)


def test_a_second_import_changes_nothing(imported: str, runner, uploads: Path, client) -> None:
    before = row_counts()
    pages = {url: client.get(url).get_data() for url in ("/articles/hello-world", "/")}
    output = run_import(runner, "--uploads", str(uploads))
    assert "Imported 0, updated 0, unchanged 12, skipped 3." in output
    assert row_counts() == before
    assert {url: client.get(url).get_data() for url in pages} == pages
    assert client.get("/2024/05/01/hello-world/").headers["Location"] == "/articles/hello-world"


def test_a_changed_post_is_updated_and_its_old_slug_redirects(
    imported: str,
    runner,
    uploads: Path,
    tmp_path: Path,
    client,
) -> None:
    changed = SITE_XML.read_text(encoding="utf-8").replace(
        "<![CDATA[classic-post]]>", "<![CDATA[classic-post-renamed]]>"
    )
    export = tmp_path / "changed.xml"
    export.write_text(changed, encoding="utf-8")
    output = run_import(runner, "--uploads", str(uploads), export=export)
    assert "Imported 0, updated 1, unchanged 11" in output
    assert article(102).slug == "classic-post-renamed"
    assert (
        client.get("/articles/classic-post").headers["Location"] == "/articles/classic-post-renamed"
    )
    assert (
        client.get("/2024/06/classic-post/").headers["Location"] == "/articles/classic-post-renamed"
    )


def test_dry_run_writes_nothing(runner, uploads: Path, app) -> None:
    before = row_counts()
    output = run_import(runner, "--uploads", str(uploads), "--dry-run")
    assert "Would import 12, updated 0, unchanged 0, skipped 3." in output
    assert "Dry run: nothing was written." in output
    assert row_counts() == before
    assert db.session.scalar(select(func.count()).select_from(ImportRun)) == 0
    folder = Path(app.config["UPLOAD_FOLDER"])
    assert not folder.exists() or not any(folder.iterdir())


def test_without_uploads_old_images_stay_links_and_are_listed(runner, client) -> None:
    output = run_import(runner)
    assert "Images kept as links to the old site (no --uploads folder given):" in output
    assert (
        "https://old.codedote.example/wp-content/uploads/2024/05/team-photo-1024x576.jpg" in output
    )
    html = client.get("/articles/hello-world").get_data(as_text=True)
    assert not re.search(r"<img[^>]+old\.codedote\.example", html)  # never loaded from there
    assert 'href="https://old.codedote.example/wp-content/uploads/2024/05/team-photo' in html
    assert article(101).banner_id is None
    assert "“Hello, world of models” has no banner: image 201 missing." in output


def test_a_failing_item_is_skipped_and_the_rest_imported(
    runner,
    uploads: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from techpulse.services.wordpress import items

    real = items._post

    def broken(job, item):
        outcome = real(job, item)  # writes, then fails: the whole item must roll back
        if item.post_id == 102:
            raise RuntimeError("disk on fire")
        return outcome

    monkeypatch.setattr(items, "_post", broken)
    output = run_import(runner, "--uploads", str(uploads))
    assert "post 102 “A classic post & its “quotes””: failed: RuntimeError: disk on fire" in output
    assert db.session.scalar(select(Article).where(Article.wordpress_id == 102)) is None
    assert db.session.get(LegacyRedirect, "/2024/06/classic-post") is None
    assert article(101).status == Status.PUBLISHED and article(103)


def test_the_import_history_is_for_admins_only(client, staff) -> None:
    assert client.get("/admin/imports").status_code == 302  # anonymous: to the login page
    staff.login(Role.EDITOR)
    assert client.get("/admin/imports").status_code == 403


def test_admins_see_the_import_history(imported: str, client, staff) -> None:
    staff.login(Role.ADMIN)
    html = client.get("/admin/imports").get_data(as_text=True)
    assert "site.xml" in html
    assert "<dt>Imported</dt><dd>12</dd>" in html and "<dt>Skipped</dt><dd>3</dd>" in html
    assert "Comments not imported (the site has no comments): 2." in html
    assert 'href="/admin/imports"' in html  # in the staff navigation


def test_the_home_page_only_looks_up_old_addresses_for_p_or_page_id(
    imported: str,
    client,
    count_queries,
) -> None:
    client.get("/")
    plain = list(count_queries.statements)
    assert not any("legacy_redirects" in sql for sql in plain)
    count_queries.statements.clear()
    assert client.get("/?utm_source=whatsapp").status_code == 200
    assert not any("legacy_redirects" in sql for sql in count_queries.statements)
    for query in ("p=abc", "p=", "page_id=-1", "p=99999999999999999999"):
        assert client.get(f"/?{query}").status_code == 200, query


def test_an_attachment_that_is_not_an_image_is_skipped_with_the_reason(
    runner,
    uploads: Path,
    tmp_path: Path,
) -> None:
    (uploads / "2024" / "05" / "price-list.pdf").write_bytes(b"%PDF-1.4 not an image")
    pdf = (
        "<item><title>price-list</title><wp:post_id>203</wp:post_id>"
        "<wp:status>inherit</wp:status><wp:post_type>attachment</wp:post_type>"
        "<wp:attachment_url>https://old.codedote.example/wp-content/uploads/2024/05/"
        "price-list.pdf</wp:attachment_url></item>\n</channel>"
    )
    export = tmp_path / "with-pdf.xml"
    export.write_text(SITE_XML.read_text(encoding="utf-8").replace("</channel>", pdf), "utf-8")
    output = run_import(runner, "--uploads", str(uploads), export=export)
    assert "attachment 203 “price-list”: file missing or refused" in output
    assert "Image 2024/05/price-list.pdf refused: This file is not a JPEG" in output
    assert db.session.scalar(select(Image).where(Image.wordpress_id == 203)) is None


def test_a_scheduled_page_becomes_a_draft_and_is_named(runner, tmp_path: Path, client) -> None:
    page = post_item(
        120, "Launch offer", "<p>Soon.</p>", post_type="page", status="future",
        post_name="launch-offer", post_date="2099-01-01 10:00:00",
        post_date_gmt="2099-01-01 04:30:00",
    )  # fmt: skip
    output = run_import(runner, export=write_export(tmp_path / "future.xml", [page]))
    assert "Page “Launch offer” was scheduled for 2099-01-01 04:30 UTC; it is a draft" in output
    assert not db.session.scalar(select(Page).where(Page.wordpress_id == 120)).published
    assert client.get("/pages/launch-offer").status_code == 404
