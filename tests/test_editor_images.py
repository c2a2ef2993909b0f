"""Images, link cards, code and tables inside stories, as the editor saves and readers see them."""

from __future__ import annotations

import io
from html import unescape

from sqlalchemy import select

from techpulse.extensions import db
from techpulse.models import Article, Image, Revision, Role
from techpulse.services.media import library
from tests.helpers.factories import image_bytes
from tests.helpers.pages import elements


def _article_data(category_id: int, body: str, **extra: str) -> dict[str, str]:
    return {"title": "Chips get smaller", "body": body, "category": str(category_id), **extra}


def test_library_image_in_a_story_becomes_a_sized_lazy_figure(app, staff, make):
    staff.login(Role.EDITOR)
    category, image = make.category("Hardware"), make.image("Old photo")
    body = f'Intro.\n\n![A wafer under a lamp](image:{image.id} "Fab 3, Taiwan")\n\nMore text.'
    response = staff.post(
        "/admin/articles/new", _article_data(category.id, body, publish="Publish now")
    )
    assert response.status_code == 302
    article = db.session.scalars(select(Article)).one()
    html = staff.client.get(f"/articles/{article.slug}").get_data(as_text=True)
    figure = html[html.index('<figure class="story-image">') :]
    figure = figure[: figure.index("</figure>")]
    img = elements(figure, "img")[0]
    assert img.get("alt") == "A wafer under a lamp"  # the story's own description
    assert img.get("loading") == "lazy" and img.get("width") and img.get("height")
    assert "320w" in img.get("srcset") and "480w" in img.get("srcset")
    assert elements(figure, "source")[-1].get("type") == "image/webp"
    assert "<figcaption>Fab 3, Taiwan</figcaption>" in figure


def test_image_without_alt_text_or_unknown_image_is_refused_with_the_text_kept(app, staff, make):
    staff.login(Role.EDITOR)
    category, image = make.category(), make.image()
    for body, message in (
        (f"Look: ![](image:{image.id})", "needs alt text"),
        ("Look: ![A chart](image:999999)", "not in the media library"),
    ):
        response = staff.post("/admin/articles/new", _article_data(category.id, body))
        page = response.get_data(as_text=True)
        assert response.status_code == 200 and message in page
        assert body.split(":")[1] in page  # the text is still in the form
    assert db.session.scalars(select(Article)).first() is None


def test_an_image_a_story_shows_cannot_be_deleted_and_the_page_lists_the_story(app, staff, make):
    staff.login(Role.EDITOR)
    image = make.image()
    article = make.article("Inside the fab", body=f"![A wafer](image:{image.id})")
    confirm = staff.client.get(f"/admin/media/{image.id}/delete").get_data(as_text=True)
    assert "cannot be deleted" in confirm and "Inside the fab" in confirm
    assert f"/admin/articles/{article.id}/edit" in confirm
    staff.post(f"/admin/media/{image.id}/delete")
    assert db.session.get(Image, image.id) is not None
    # Once the story no longer shows it, the image can go.
    staff.post(
        f"/admin/articles/{article.id}/edit",
        {"title": article.title, "body": "No picture now.", "category": str(article.category_id)},
    )
    image_id = image.id
    staff.post(f"/admin/media/{image_id}/delete")
    db.session.expire_all()
    assert db.session.get(Image, image_id).trashed_at is not None


def test_social_links_alone_on_a_line_become_cards_without_iframes(app, make):
    body = (
        "[Keynote in full](https://www.youtube.com/watch?v=abc123)\n\n"
        "https://x.com/codedote/status/123\n\n"
        "Read [this post](https://www.linkedin.com/posts/codedote_ai-123) in a sentence.\n\n"
        "https://example.com/not-a-card"
    )
    html = make.article("Cards", body=body).body_html
    cards = elements(html, "a", cls="link-card__link")
    assert [card.get("href") for card in cards] == [
        "https://www.youtube.com/watch?v=abc123",
        "https://x.com/codedote/status/123",
    ]
    assert "Keynote in full" in html and "Post on X" in html and "youtube.com" in html
    assert "<iframe" not in html and "<script" not in html
    assert '<a href="https://www.linkedin.com/posts/codedote_ai-123"' in html  # inline: a link


def test_code_blocks_keep_their_spacing_and_tables_render(app, make):
    body = "```\ndef f():\n    return  1\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n> quoted"
    html = make.article("Code", body=body).body_html
    assert "<pre><code>def f():\n    return  1\n</code></pre>" in html
    assert "<table>" in html and "<blockquote>" in html


def test_without_javascript_an_upload_is_inserted_into_the_story(app, staff, make):
    staff.login(Role.AUTHOR)
    category = make.category()
    file = (io.BytesIO(image_bytes(1200, 675)), "fab.jpg")
    data = _article_data(category.id, "My story.", insert_image="Upload and insert into the story")
    missing_alt = staff.post("/admin/articles/new", {**data, "story_image": file})
    assert "Describe the image" in missing_alt.get_data(as_text=True)
    file = (io.BytesIO(image_bytes(1200, 675)), "fab.jpg")
    data |= {"story_image": file, "story_image_alt": "A clean room", "story_image_caption": "Fab"}
    page = unescape(staff.post("/admin/articles/new", data).get_data(as_text=True))
    image = db.session.scalars(select(Image)).one()
    assert f'My story.\n\n![A clean room](image:{image.id} "Fab")' in page
    assert db.session.scalars(select(Article)).first() is None  # inserted, not saved yet


def test_dropped_image_upload_answers_its_reference_or_a_clear_error(app, staff, make):
    staff.login(Role.AUTHOR)
    ok = staff.post(
        "/admin/articles/images",
        {"image": (io.BytesIO(image_bytes(800, 450)), "a.jpg"), "alt_text": "A [tiny] chip"},
    )
    image = db.session.scalars(select(Image)).one()
    assert ok.json["reference"] == f"![A (tiny) chip](image:{image.id})"
    refused = staff.post(
        "/admin/articles/images", {"image": (io.BytesIO(b"not an image"), "a.jpg"), "alt_text": "x"}
    )
    assert refused.status_code == 400 and "not a JPEG" in refused.json["error"]


def test_live_preview_is_rendered_and_sanitized_by_the_server(app, staff, make):
    staff.login(Role.AUTHOR)
    image = make.image()
    body = f"**Hi** <script>alert(1)</script> there\n\n![A chip](image:{image.id})"
    answer = staff.post("/admin/articles/live-preview", {"body": body}).json
    assert "<strong>Hi</strong>" in answer["html"] and "<script" not in answer["html"]
    assert "<picture" in answer["html"] and answer["words"] == 2
    no_token = staff.client.post("/admin/articles/live-preview", data={"body": "x"})
    assert no_token.status_code == 400 and no_token.json["error"] == "csrf"


def test_preview_shows_share_card_and_search_result_with_length_warnings(app, staff, make):
    staff.login(Role.EDITOR)
    category = make.category()
    data = _article_data(category.id, "Body text.", preview="Preview", excerpt="Short dek.")
    data["title"] = "A title that is far too long for any search engine result page to show"
    page = staff.post("/admin/articles/new", data).get_data(as_text=True)
    assert "Shared on Facebook, LinkedIn, WhatsApp" in page and "In search results" in page
    assert "search engines cut it after about 60" in page
    assert "Short dek." in page


def test_restoring_a_revision_whose_image_was_deleted_is_refused_like_a_save(app, staff, make):
    staff.login(Role.EDITOR)
    image = make.image("A chip")
    article = make.article("Pictured", body=f"Before.\n\n![A chip](image:{image.id})")
    pictured = db.session.scalars(select(Revision).where(Revision.article_id == article.id)).one()
    edited = _article_data(article.category_id, "No picture.", title="Pictured", save="Save")
    staff.post(f"/admin/articles/{article.id}/edit", edited)
    library.delete_image(db.session.get(Image, image.id))
    url = f"/admin/articles/{article.id}/revisions/{pictured.id}/restore"
    page = staff.post(url, follow_redirects=True).get_data(as_text=True)
    assert f"Image {image.id} is not in the media library" in page
    db.session.expire_all()
    assert db.session.get(Article, article.id).body_md == "No picture."
    assert "no longer in the library" not in db.session.get(Article, article.id).body_html
