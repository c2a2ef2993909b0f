"""Categories and tags in the staff area, and who may manage them."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from techpulse.extensions import db
from techpulse.models import Article, AuditEvent, Category, Role, Tag


def exists(model, row_id: int) -> bool:
    return db.session.scalar(select(func.count()).where(model.id == row_id)) == 1


def audit_actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


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
    assert (
        staff.post("/admin/pages/new", {"title": "X", "slug": "x", "body": ""}).status_code == 403
    )
    assert db.session.scalar(select(func.count()).select_from(Category)) == 0


def test_authors_are_refused_item_urls_too(staff, make):
    staff.login(Role.AUTHOR)
    category = make.category()
    assert staff.post(f"/admin/categories/{category.id}/delete").status_code == 403
    assert exists(Category, category.id)
