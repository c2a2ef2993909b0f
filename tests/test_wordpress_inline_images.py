"""Inline WordPress images become the editor's library image references, wherever they sit."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from techpulse.extensions import db
from techpulse.models import Article, Image, Page, Role, article_images
from tests.helpers.wordpress import OLD_HOST, attachment_item, make_uploads, post_item, write_export

PHOTO = f"{OLD_HOST}/wp-content/uploads/2024/05/team-photo"
ALT = "Five engineers around a whiteboard"
FIGURE = re.compile(r'<figure class="story-image">.*?</figure>', re.DOTALL)
BODIES = {
    301: f'<p>Before the picture <img src="{PHOTO}-300x169.jpg" alt=""> and after it.</p>',
    302: f'<ul><li>One</li><li><a href="{PHOTO}.jpg"><img src="{PHOTO}-1024x576.jpg"></a>'
    " two</li><li>Three</li></ul>",
    303: f'<table><tr><td>Left <img src="{PHOTO}-150x150.jpg" alt="Thumb"></td><td>Right</td>'
    "</tr></table>",
    304: f'<pre>code &lt;img&gt; <img src="{PHOTO}.jpg"></pre>',
    305: '<figure class="wp-block-gallery"><figure class="wp-block-image">'
    f'<img src="{PHOTO}-scaled.jpg" alt="Left one"><figcaption>Our <em>office</em></figcaption>'
    f'</figure><figure class="wp-block-image"><img src="{PHOTO}.jpg"></figure>'
    "<figcaption>The gallery</figcaption></figure>",
    306: f'Classic text\n<img class="alignleft" src="{PHOTO}-300x169.jpg" alt="Left">Text'
    " after.\n\nNext paragraph",
}


@pytest.fixture
def export(tmp_path: Path) -> Path:
    items = [attachment_item(201, "2024/05/team-photo.jpg", ALT)]
    items += [post_item(post_id, body=body) for post_id, body in BODIES.items()]
    items.append(post_item(310, body=BODIES[301], post_type="page", post_name="inline-page"))
    return write_export(tmp_path / "inline.xml", items)


@pytest.fixture
def uploads(tmp_path: Path) -> Path:
    return make_uploads(tmp_path)


def run(runner, export: Path, *args: str) -> str:
    result = runner.invoke(args=["import-wordpress", str(export), *args])
    assert result.exit_code == 0, result.output + repr(result.exception)
    return result.output


def body_of(client, post_id: int) -> str:
    html = client.get(f"/articles/generated-{post_id}").get_data(as_text=True)
    return html.split('class="article__body prose">', 1)[1].split("</article>", 1)[0]


def usage_rows() -> list[tuple[int, int]]:
    query = select(article_images.c.article_id, article_images.c.image_id)
    return sorted(tuple(row) for row in db.session.execute(query))


def test_every_inline_image_is_one_library_image_used_by_its_story(runner, export, uploads):
    output = run(runner, export, "--uploads", str(uploads))
    assert "Imported 8, updated 0, unchanged 0, skipped 0." in output
    (image,) = db.session.scalars(select(Image))  # six sizes of one photo: one library image
    stories = db.session.scalars(select(Article).order_by(Article.wordpress_id)).all()
    expected = [(story.id, image.id) for story in stories if story.wordpress_id != 304]
    assert usage_rows() == sorted(expected)
    for story in stories:
        assert "<picture" not in story.body_md  # resolved when saved, like the editor's
    assert f"![{ALT}](image:{image.id})" in article_by(301).body_md.splitlines()
    assert f'![Left one](image:{image.id} "Our office")' in article_by(305).body_md.splitlines()


def article_by(wordpress_id: int) -> Article:
    return db.session.scalar(select(Article).where(Article.wordpress_id == wordpress_id))


def test_a_picture_inside_text_closes_the_paragraph_and_opens_it_again(
    runner, export, uploads, client
):
    run(runner, export, "--uploads", str(uploads))
    body = body_of(client, 301)
    before, figure, after = re.split(r"(<figure.*?</figure>)", body, maxsplit=1, flags=re.S)
    assert before.strip() == "<p>Before the picture</p>"
    assert f'alt="{ALT}"' in figure  # the attachment's alt text: the <img> had none
    assert after.strip().startswith("<p>and after it.</p>")
    classic = body_of(client, 306)
    assert re.search(
        r"<p>Classic text</p>\s*<figure[^>]*>.*?</figure>\s*<p>Text after\.</p>", classic, re.S
    )
    assert "<p>Next paragraph</p>" in classic


def test_pictures_in_lists_and_tables_stay_where_they_were(runner, export, uploads, client):
    run(runner, export, "--uploads", str(uploads))
    listing = body_of(client, 302)
    assert re.search(
        r"<li>One</li>\s*<li>\s*<figure.*?</figure>\s*<p>two</p>\s*</li>\s*<li>Three</li>",
        listing,
        re.S,
    )
    assert 'href="https://old' not in listing  # the link to the full size went with it
    table = body_of(client, 303)
    assert re.search(
        r"<td><p>Left</p>\s*<figure.*?alt=\"Thumb\".*?</figure>\s*</td>\s*<td>Right</td>",
        table,
        re.S,
    )


def test_a_gallery_keeps_each_picture_and_its_caption(runner, export, uploads, client):
    run(runner, export, "--uploads", str(uploads))
    body = body_of(client, 305)
    (grid,) = re.findall(r'<div class="story-gallery">.*?</div>', body, re.S)
    first, second = FIGURE.findall(grid)
    assert 'alt="Left one"' in first and "<figcaption>Our office</figcaption>" in first
    assert f'alt="{ALT}"' in second and "<figcaption>" not in second
    assert re.search(r"</div>\s*<p>The gallery</p>", body)  # the gallery's own caption


def test_code_shows_its_image_as_a_link_not_a_picture(runner, export, uploads, client):
    run(runner, export, "--uploads", str(uploads))
    body = body_of(client, 304)
    assert "<figure" not in body and "<pre>code &lt;img&gt; <a href=" in body


def test_a_page_shows_its_inline_image_like_a_story(runner, export, uploads, client):
    run(runner, export, "--uploads", str(uploads))
    page = db.session.scalar(select(Page).where(Page.wordpress_id == 310))
    html = client.get(f"/pages/{page.slug}").get_data(as_text=True)
    (figure,) = FIGURE.findall(html)
    assert FIGURE.findall(body_of(client, 301)) == [figure]


def test_importing_again_duplicates_nothing(runner, export, uploads, client):
    run(runner, export, "--uploads", str(uploads))
    rows, bodies = usage_rows(), {n: body_of(client, n) for n in BODIES}
    output = run(runner, export, "--uploads", str(uploads))
    assert "Imported 0, updated 0, unchanged 8, skipped 0." in output
    assert db.session.scalar(select(func.count()).select_from(Image)) == 1
    assert usage_rows() == rows
    assert {n: body_of(client, n) for n in BODIES} == bodies


def test_a_dry_run_places_nothing(runner, export, uploads):
    output = run(runner, export, "--uploads", str(uploads), "--dry-run")
    assert "Would import 8" in output
    assert db.session.scalar(select(func.count()).select_from(Image)) == 0
    assert usage_rows() == []


def test_without_uploads_inline_images_stay_links(runner, export, client):
    output = run(runner, export)
    assert f"{PHOTO}-300x169.jpg" in output
    body = body_of(client, 301)
    assert "<figure" not in body and f'<a href="{PHOTO}-300x169.jpg"' in body
    assert usage_rows() == []


def test_the_library_refuses_to_delete_the_photo_and_names_the_stories(
    runner, export, uploads, client, staff
):
    run(runner, export, "--uploads", str(uploads))
    image = db.session.scalars(select(Image)).one()
    staff.login(Role.EDITOR)
    confirm = client.get(f"/admin/media/{image.id}/delete").get_data(as_text=True)
    assert "This image cannot be deleted" in confirm
    assert "Generated post 301" in confirm and "Generated post 310" in confirm  # page too
    response = staff.post(f"/admin/media/{image.id}/delete", {}, follow_redirects=True)
    assert "This image is used by “Generated post 30" in response.get_data(as_text=True)
    assert db.session.get(Image, image.id) is not None
    library = client.get("/admin/media").get_data(as_text=True)
    assert "Page <a href=" in library and "Generated post 310" in library
