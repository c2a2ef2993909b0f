"""Imported content keeps working: links between posts, embeds, galleries, quotes, dates."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select, text

from techpulse.extensions import db
from techpulse.models import Article, Category, ImportRun, Status, article_links
from tests.helpers.wordpress import OLD_HOST, attachment_item, make_uploads, post_item, write_export

PHOTO = f"{OLD_HOST}/wp-content/uploads/2024/05/team-photo"
YOUTUBE = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
CATEGORY = (
    "<wp:category><wp:term_id>9</wp:term_id><wp:category_nicename>generated</wp:category_nicename>"
    "<wp:category_parent></wp:category_parent><wp:cat_name><![CDATA[Generated]]></wp:cat_name>"
    "<wp:category_description><![CDATA[Stories the generator wrote.]]></wp:category_description>"
    "</wp:category>\n"
)
LINKS = (  # every old form of a link to post 402, then one to a later post and one elsewhere
    f'<p><a href="{OLD_HOST}/2024/01/01/generated-402/">dated</a> '
    '<a href="/2024/01/generated-402/">relative</a> '
    f'<a href="{OLD_HOST}/?p=402">query</a> <a href="/archives/402">archives</a> '
    f'<a href="http://www.old.codedote.example/cloud/generated-402/">category form</a> '
    f'<a href="{OLD_HOST}/generated-499/">later post</a> '
    f'<a href="{OLD_HOST}/category/cloud/">a category</a> '
    '<a href="https://example.org/elsewhere">elsewhere</a></p>'
)
EMBEDS = (
    '<!-- wp:embed {"url":"' + YOUTUBE + '","type":"video","providerNameSlug":"youtube"} -->\n'
    '<figure class="wp-block-embed is-type-video is-provider-youtube wp-block-embed-youtube">'
    f'<div class="wp-block-embed__wrapper">\n{YOUTUBE}\n</div>'
    '<figcaption class="wp-element-caption">The talk</figcaption></figure>\n'
    "<!-- /wp:embed -->\n\n"
    "Classic text before.\n\nhttps://vimeo.com/76979871\n\n"
    "[embed]https://x.com/techpulse/status/1234567890[/embed]\n\n"
    '<iframe src="https://www.youtube-nocookie.com/embed/abcDEF12345" width="560"></iframe>'
)
QUOTE = (
    '<blockquote class="wp-block-quote"><p>Simple things should be simple.</p>'
    "<cite>Alan Kay</cite></blockquote>"
)
GALLERY_BLOCK = (
    '<figure class="wp-block-gallery has-nested-images columns-2">'
    f'<figure class="wp-block-image"><img src="{PHOTO}-1024x576.jpg" alt="One">'
    "<figcaption>First</figcaption></figure>"
    f'<figure class="wp-block-image"><img src="{PHOTO}-2.jpg" alt="Two" class="wp-image-202">'
    "<figcaption>Second</figcaption></figure></figure>"
)


def export_items() -> list[str]:
    return [
        CATEGORY,
        attachment_item(201, "2024/05/team-photo.jpg", "The team"),
        attachment_item(202, "2024/05/team-photo-2.jpg", "The team again"),
        attachment_item(203, "2024/05/team-photo.jpg", "Uploaded to 408", parent="408"),
        attachment_item(204, "2024/05/team-photo-2.jpg", "Also uploaded to 408", parent="408"),
        post_item(401, body=LINKS),
        post_item(402, body="<p>The target.</p>", post_modified_gmt="2024-03-05 06:07:08"),
        post_item(403, body=EMBEDS),
        post_item(404, body=QUOTE),
        post_item(405, body='Our trip.\n\n[gallery ids="201,202" columns="2"]'),
        post_item(406, body=GALLERY_BLOCK),
        post_item(407, status="pending"),
        post_item(408, body="Attached to the post: [gallery]"),
        post_item(499, body=f'<p>Back to <a href="{OLD_HOST}/?p=401">the first</a>.</p>'),
    ]


@pytest.fixture
def export(tmp_path: Path) -> Path:
    return write_export(tmp_path / "content.xml", export_items())


@pytest.fixture
def uploads(tmp_path: Path) -> Path:
    folder = make_uploads(tmp_path)
    photo = folder / "2024" / "05" / "team-photo.jpg"
    (folder / "2024" / "05" / "team-photo-2.jpg").write_bytes(photo.read_bytes())
    return folder


def run(runner, *args: str) -> str:
    result = runner.invoke(args=["import-wordpress", *args])
    assert result.exit_code == 0, result.output + repr(result.exception)
    return result.output


def article(wordpress_id: int) -> Article:
    found = db.session.scalar(select(Article).where(Article.wordpress_id == wordpress_id))
    assert found is not None
    return found


def body_of(client, post_id: int) -> str:
    html = client.get(f"/articles/generated-{post_id}").get_data(as_text=True)
    return html.split('class="article__body prose">', 1)[1].split("</article>", 1)[0]


def test_links_between_posts_become_story_links_in_every_old_form(runner, export, uploads, client):
    run(runner, str(export), "--uploads", str(uploads))
    target, later = article(402), article(499)
    source = article(401).body_md
    assert source.count(f'href="article:{target.id}"') == 5
    assert f'href="article:{later.id}"' in source  # a post later in the export
    assert 'href="/category/cloud/"' in source  # other old links: our old-address redirects
    assert "old.codedote.example" not in source
    body = body_of(client, 401)
    assert body.count('href="/articles/generated-402" rel="noopener') == 5
    assert 'href="/articles/generated-499"' in body
    assert 'href="https://example.org/elsewhere"' in body
    assert 'href="/articles/generated-401"' in body_of(client, 499)


def test_a_renamed_story_keeps_its_links_working(runner, export, uploads, client):
    run(runner, str(export), "--uploads", str(uploads))
    target = article(402)
    links = db.session.execute(select(article_links.c.target_id)).scalars().all()
    assert target.id in links
    target.slug = "renamed-target"
    db.session.commit()
    assert body_of(client, 401).count('href="/articles/renamed-target" rel="noopener') == 5


def test_embeds_become_link_cards_without_third_party_requests(runner, export, client):
    run(runner, str(export))
    body = body_of(client, 403)
    cards = re.findall(r'<div class="link-card"><a class="link-card__link" href="([^"]+)"', body)
    assert cards == [
        YOUTUBE,
        "https://vimeo.com/76979871",
        "https://x.com/techpulse/status/1234567890",
        "https://www.youtube.com/watch?v=abcDEF12345",
    ]
    assert "The talk" in body and "<iframe" not in body and "<script" not in body
    assert "Classic text before." in body


def test_quotes_keep_their_cite(runner, export, client):
    run(runner, str(export))
    body = body_of(client, 404)
    assert re.search(
        r"<blockquote>\s*<p>Simple things should be simple.</p>\s*<cite>Alan Kay</cite>\s*"
        r"</blockquote>",
        body,
    )


@pytest.mark.parametrize("post_id", [405, 406, 408])
def test_galleries_become_a_grid_of_library_images_with_captions(
    runner, export, uploads, client, post_id
):
    output = run(runner, str(export), "--uploads", str(uploads))
    assert "[gallery]" not in output  # shown, not reported as dropped
    body = body_of(client, post_id)
    (grid,) = re.findall(r'<div class="story-gallery">(.*?)</div>', body, re.S)
    figures = re.findall(r'<figure class="story-image">.*?</figure>', grid, re.S)
    assert len(figures) == 2
    if post_id == 406:
        assert "<figcaption>First</figcaption>" in figures[0]
        assert "<figcaption>Second</figcaption>" in figures[1]
    assert "image:" in article(post_id).body_md and "old.codedote" not in article(post_id).body_md


def test_category_description_modified_time_and_pending(runner, export, client):
    run(runner, str(export))
    category = db.session.scalar(select(Category).where(Category.slug == "generated"))
    assert category.description == "Stories the generator wrote."
    assert "Stories the generator wrote." in client.get("/category/generated").get_data(True)
    modified = datetime(2024, 3, 5, 6, 7, 8, tzinfo=UTC)
    assert article(402).updated_at == modified
    page = client.get("/articles/generated-402").get_data(as_text=True)
    assert re.search(r'"dateModified": ?"2024-03-05T06:07:08\+00:00"', page)
    assert 'content="2024-03-05T06:07:08+00:00"' in page  # article:modified_time
    sitemap = client.get("/sitemap.xml").get_data(as_text=True)
    entry = re.search(
        r"<loc>[^<]*/articles/generated-402</loc>\s*<lastmod>([^<]+)</lastmod>", sitemap
    )
    assert entry and entry[1].startswith("2024-03-05T06:07:08")
    assert article(407).status == Status.REVIEW


def test_dry_run_counts_like_the_real_run_and_again_changes_nothing(runner, export, uploads):
    dry = run(runner, str(export), "--uploads", str(uploads), "--dry-run").splitlines()
    real = run(runner, str(export), "--uploads", str(uploads)).splitlines()
    counts = [line for line in real if line.startswith("Imported ")]
    assert counts == ["Imported 13, updated 0, unchanged 0, skipped 0."]
    assert [line for line in dry if line.startswith("Would import ")] == [
        "Would import 13, updated 0, unchanged 0, skipped 0."
    ]
    again = run(runner, str(export), "--uploads", str(uploads))
    assert "Imported 0, updated 0, unchanged 13, skipped 0." in again
    dry_again = run(runner, str(export), "--uploads", str(uploads), "--dry-run")
    assert "Would import 0, updated 0, unchanged 13, skipped 0." in dry_again


def test_an_unmigrated_database_asks_for_db_upgrade(runner, export):
    db.session.execute(text("DROP TABLE import_runs"))
    db.session.commit()
    try:
        result = runner.invoke(args=["import-wordpress", str(export)])
    finally:  # the schema is shared by the tests that follow (on PostgreSQL)
        db.session.rollback()
        ImportRun.__table__.create(db.engine)
    assert result.exit_code != 0
    assert "run `flask db upgrade` first" in result.output
    assert "Traceback" not in result.output and "sqlalche" not in result.output.lower()
