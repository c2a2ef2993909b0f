"""The staff media library, categories, tags and static pages."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import func, select

from techpulse.extensions import db
from techpulse.models import Article, AuditEvent, Category, Image, Page, Role, Tag
from tests.conftest import image_bytes


def upload(staff, data: bytes, name: str, alt: str = "A blue square"):
    return staff.post(
        "/admin/media/upload",
        {"image": (io.BytesIO(data), name), "alt_text": alt},
        content_type="multipart/form-data",
    )


def image_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Image))


def stored_files(app) -> set[str]:
    folder = Path(app.config["UPLOAD_FOLDER"])
    return {path.name for path in folder.iterdir()} if folder.exists() else set()


def exists(model, row_id: int) -> bool:
    return db.session.scalar(select(func.count()).where(model.id == row_id)) == 1


def audit_actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


# --- Media library -------------------------------------------------------------------------


@pytest.mark.parametrize(("fmt", "name"), [("PNG", "logo.png"), ("JPEG", "photo.jpg")])
def test_upload_appears_in_the_library_with_its_alt_text(staff, fmt, name):
    staff.login(Role.AUTHOR)
    response = upload(staff, image_bytes(800, 450, fmt), name, alt="Team photo at the office")
    assert response.status_code == 302
    library = staff.client.get("/admin/media").get_data(as_text=True)
    assert "Image uploaded." in library
    assert 'alt="Team photo at the office"' in library
    assert name in library and "Not used" in library


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"just some text, not a picture", "not a JPEG, PNG, WebP or GIF"),
        (image_bytes(800, 450, "JPEG")[:1500], "damaged or incomplete"),
    ],
)
def test_bad_uploads_show_a_form_error_and_store_nothing(app, staff, data, message):
    staff.login(Role.AUTHOR)
    response = upload(staff, data, "bad.jpg")
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert image_count() == 0
    assert not [name for name in stored_files(app) if not name.startswith(".")]


def test_upload_needs_alt_text_and_a_file(staff):
    staff.login(Role.AUTHOR)
    assert upload(staff, image_bytes(600, 400), "a.jpg", alt="  ").status_code == 422
    response = staff.post("/admin/media/upload", {"alt_text": "Something"})
    assert "Choose an image to upload." in response.get_data(as_text=True)
    assert image_count() == 0


def test_library_shows_usage_without_a_query_per_image(staff, make, count_queries):
    staff.login(Role.EDITOR)
    for n in range(3):
        make.article(f"Story with banner {n}", banner=True)
    count_queries.statements.clear()
    html = staff.client.get("/admin/media").get_data(as_text=True)
    for n in range(3):
        assert f"Story with banner {n}" in html
    queries = count_queries.count
    for n in range(3, 8):
        make.article(f"Story with banner {n}", banner=True)
    count_queries.statements.clear()
    staff.client.get("/admin/media")
    assert count_queries.count == queries


def test_image_in_use_cannot_be_deleted(app, staff, make):
    staff.login(Role.EDITOR)
    article = make.article("Launch day", banner=True)
    image_id = article.banner_id
    confirm = staff.client.get(f"/admin/media/{image_id}/delete").get_data(as_text=True)
    assert "cannot be deleted" in confirm and "Launch day" in confirm
    assert staff.post(f"/admin/media/{image_id}/delete").status_code == 302
    assert "banner of “Launch day”" in staff.client.get("/admin/media").get_data(as_text=True)
    assert exists(Image, image_id)


def test_unused_image_is_deleted_with_its_files(app, staff, make):
    staff.login(Role.EDITOR)
    image = make.image()
    files = {variant["file"] for variant in image.variants}
    assert files <= stored_files(app)
    assert staff.client.get(f"/admin/media/{image.id}/delete").status_code == 200
    assert staff.post(f"/admin/media/{image.id}/delete").status_code == 302
    assert "Image deleted." in staff.client.get("/admin/media").get_data(as_text=True)
    assert image_count() == 0
    assert not files & stored_files(app)
    assert "image.deleted" in audit_actions()


def test_authors_delete_only_their_own_images(staff, make):
    author = staff.login(Role.AUTHOR)
    someone_elses = make.image()
    assert staff.client.get(f"/admin/media/{someone_elses.id}/delete").status_code == 403
    assert staff.post(f"/admin/media/{someone_elses.id}/delete").status_code == 403
    assert staff.post(f"/admin/media/{someone_elses.id}/edit", {"alt_text": "x"}).status_code == 403
    upload(staff, image_bytes(600, 400), "mine.jpg")
    mine = db.session.scalar(select(Image.id).where(Image.uploaded_by_id == author.id))
    assert staff.post(f"/admin/media/{mine}/delete").status_code == 302
    assert not exists(Image, mine)
    assert exists(Image, someone_elses.id)


def test_alt_text_can_be_edited(staff, make):
    staff.login(Role.EDITOR)
    image = make.image(alt="Old words")
    assert 'value="Old words"' in staff.client.get(f"/admin/media/{image.id}/edit").get_data(
        as_text=True
    )
    response = staff.post(f"/admin/media/{image.id}/edit", {"alt_text": "  "})
    assert response.status_code == 422 and "field__error" in response.get_data(as_text=True)
    staff.post(f"/admin/media/{image.id}/edit", {"alt_text": "A clearer description"})
    db.session.refresh(image)
    assert image.alt_text == "A clearer description"


# --- Categories ----------------------------------------------------------------------------


def category_form(**fields):
    return {"name": "Cloud", "slug": "cloud", "position": "3", "description": "", **fields}


def test_categories_create_list_and_edit(staff, make):
    staff.login(Role.EDITOR)
    make.article("Filed story", category=make.category("Security"))
    response = staff.post("/admin/categories/new", category_form(description="All about it"))
    assert response.status_code == 302
    listing = staff.client.get("/admin/categories").get_data(as_text=True)
    assert "Cloud" in listing and "Security" in listing
    cloud = db.session.scalar(select(Category).where(Category.slug == "cloud"))
    assert (cloud.position, cloud.description) == (3, "All about it")
    edit = staff.post(
        f"/admin/categories/{cloud.id}/edit", category_form(name="Cloud & DevOps", slug="devops")
    )
    assert edit.status_code == 302
    db.session.refresh(cloud)
    assert (cloud.name, cloud.slug) == ("Cloud & DevOps", "devops")
    assert {"category.created", "category.renamed", "category.reslugged"} <= set(audit_actions())
    assert staff.client.get("/category/devops").status_code == 200


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"slug": "Not A Slug"}, "lower-case letters"),
        ({"slug": "security"}, "Another category already uses this slug."),
        ({"name": "security", "slug": "sec"}, "Another category already uses this name."),
        ({"position": "first"}, "Not a valid integer value."),
        ({"name": ""}, "This field is required."),
    ],
)
def test_category_form_errors(staff, make, fields, message):
    staff.login(Role.EDITOR)
    make.category("Security")
    response = staff.post("/admin/categories/new", category_form(**fields))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Category)) == 1


def test_category_in_use_is_not_deleted_unless_its_articles_move(staff, make):
    staff.login(Role.EDITOR)
    old, new = make.category("Gadgets").id, make.category("Hardware").id
    gadgets = db.session.get(Category, old)
    stories = [make.article(f"Phone review {n}", category=gadgets).id for n in range(2)]
    confirm = staff.client.get(f"/admin/categories/{old}/delete").get_data(as_text=True)
    assert "2 articles are filed under" in confirm
    refused = staff.post(f"/admin/categories/{old}/delete", {"move_to": "0"})
    assert refused.status_code == 422
    assert "Move them to another category first." in refused.get_data(as_text=True)
    assert exists(Category, old)
    moved = staff.post(f"/admin/categories/{old}/delete", {"move_to": str(new)})
    assert moved.status_code == 302
    assert not exists(Category, old)
    categories = db.session.scalars(select(Article.category_id).where(Article.id.in_(stories)))
    assert set(categories) == {new}
    assert "category.deleted" in audit_actions()


def test_unused_category_is_deleted(staff, make):
    staff.login(Role.EDITOR)
    empty = make.category("Empty").id
    assert staff.post(f"/admin/categories/{empty}/delete").status_code == 302
    listing = staff.client.get("/admin/categories").get_data(as_text=True)
    assert "Category “Empty” deleted." in listing
    assert not exists(Category, empty)


# --- Tags ----------------------------------------------------------------------------------


def test_tags_list_rename_and_delete(staff, make):
    staff.login(Role.EDITOR)
    article = make.article("Tagged story", tags=("Python", "Flask"))
    listing = staff.client.get("/admin/tags").get_data(as_text=True)
    assert "Python" in listing and "Flask" in listing
    python = db.session.scalar(select(Tag.id).where(Tag.slug == "python"))
    bad = staff.post(f"/admin/tags/{python}/edit", {"name": "Python", "slug": "flask"})
    assert "Another tag already uses this slug." in bad.get_data(as_text=True)
    staff.post(f"/admin/tags/{python}/edit", {"name": "Python 3", "slug": "python-3"})
    assert staff.client.get("/tag/python-3").status_code == 200
    confirm = staff.client.get(f"/admin/tags/{python}/delete").get_data(as_text=True)
    assert "removed from the 1 article" in confirm
    staff.post(f"/admin/tags/{python}/delete")
    assert not exists(Tag, python)
    assert staff.client.get(f"/articles/{article.slug}").status_code == 200
    assert {"tag.renamed", "tag.reslugged", "tag.deleted"} <= set(audit_actions())


# --- Access --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["/admin/categories", "/admin/categories/new", "/admin/tags", "/admin/pages"]
)
def test_authors_may_not_manage_taxonomy_or_pages(staff, url):
    staff.login(Role.AUTHOR)
    assert staff.client.get(url).status_code == 403
    assert staff.post("/admin/categories/new", category_form()).status_code == 403
    assert staff.post("/admin/pages/new", page_form(slug="x")).status_code == 403
    assert db.session.scalar(select(func.count()).select_from(Category)) == 0


def test_authors_are_refused_item_urls_too(staff, make):
    staff.login(Role.AUTHOR)
    category = make.category()
    assert staff.post(f"/admin/categories/{category.id}/delete").status_code == 403
    assert exists(Category, category.id)


# --- Pages ---------------------------------------------------------------------------------


@pytest.fixture
def about(make) -> Page:
    return make.page("about", "About us", "We are **CodeDote**.", "Who we are")


def page_form(**fields):
    return {"title": "About CodeDote", "slug": "about", "seo_description": "",
            "body_md": "We build *software* in Vadodara.", **fields}  # fmt: skip


def test_editing_about_changes_the_public_page(client, staff, about):
    staff.login(Role.EDITOR)
    response = staff.post(f"/admin/pages/{about.id}/edit", page_form(slug="company"))
    assert response.status_code == 302
    public = client.get("/about").get_data(as_text=True)
    assert "About CodeDote" in public and "<em>software</em>" in public
    db.session.refresh(about)
    assert about.slug == "about"  # About's slug is fixed
    assert "page.updated" in audit_actions()


def test_preview_renders_without_saving(client, staff, about):
    staff.login(Role.EDITOR)
    response = staff.post(
        f"/admin/pages/{about.id}/edit",
        page_form(body_md="## Draft heading\n\nNot yet public.", preview="Preview"),
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<div class="article__body prose"><h3>Draft heading</h3>' in html
    assert "Not yet public." not in client.get("/about").get_data(as_text=True)
    db.session.refresh(about)
    assert about.title == "About us"


def test_page_markdown_is_sanitized(client, staff, about):
    staff.login(Role.EDITOR)
    body = 'Hi <script>alert(1)</script> <img src=x onerror="alert(2)"> [x](javascript:alert(3))'
    preview = staff.post(
        f"/admin/pages/{about.id}/edit", page_form(body_md=body, preview="Preview")
    ).get_data(as_text=True)
    staff.post(f"/admin/pages/{about.id}/edit", page_form(body_md=body))
    public = client.get("/about").get_data(as_text=True)
    for html in (preview, public):
        assert "<script>alert" not in html
        assert 'onerror="' not in html
        assert 'href="javascript:' not in html


def test_page_slug_rules_for_other_pages(staff, about):
    staff.login(Role.EDITOR)
    created = staff.post("/admin/pages/new", page_form(title="Careers", slug="careers"))
    assert created.status_code == 302
    duplicate = staff.post("/admin/pages/new", page_form(title="Other", slug="careers"))
    assert "Another page already uses this slug." in duplicate.get_data(as_text=True)
    invalid = staff.post("/admin/pages/new", page_form(title="Other", slug="Bad Slug"))
    assert invalid.status_code == 422
    listing = staff.client.get("/admin/pages").get_data(as_text=True)
    assert "Careers" in listing and "About us" in listing
