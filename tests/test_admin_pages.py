"""Static pages in the staff area: edit About, preview, sanitizing, slugs."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from techpulse.extensions import db
from techpulse.models import AuditEvent, Page, Role


def audit_actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


@pytest.fixture
def about(make) -> Page:
    return make.page("about", "About us", "We are **CodeDote**.", "Who we are")


def page_form(**fields):
    return {"title": "About CodeDote", "slug": "about", "seo_description": "",
            "body": "We build *software* in Vadodara.", **fields}  # fmt: skip


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
        page_form(body="## Draft heading\n\nNot yet public.", preview="Preview"),
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<div class="article__body prose"><h2>Draft heading</h2>' in html
    assert "Not yet public." not in client.get("/about").get_data(as_text=True)
    db.session.refresh(about)
    assert about.title == "About us"


def test_page_markdown_is_sanitized(client, staff, about):
    staff.login(Role.EDITOR)
    body = 'Hi <script>alert(1)</script> <img src=x onerror="alert(2)"> [x](javascript:alert(3))'
    preview = staff.post(
        f"/admin/pages/{about.id}/edit", page_form(body=body, preview="Preview")
    ).get_data(as_text=True)
    staff.post(f"/admin/pages/{about.id}/edit", page_form(body=body))
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


def test_a_page_shows_library_images_and_keeps_them_from_deletion(client, staff, make, about):
    image = make.image(alt="Our office in Vadodara")
    staff.login(Role.EDITOR)
    missing_alt = page_form(body=f"Hello\n\n![](image:{image.id})")
    refused = staff.post(f"/admin/pages/{about.id}/edit", missing_alt)
    assert "needs alt text" in refused.get_data(as_text=True)
    body = f'Hello\n\n![Our office](image:{image.id} "Where we work")'
    assert staff.post(f"/admin/pages/{about.id}/edit", page_form(body=body)).status_code == 302
    public = client.get("/about").get_data(as_text=True)
    assert '<figure class="story-image">' in public and 'alt="Our office"' in public
    assert "<figcaption>Where we work</figcaption>" in public
    confirm = client.get(f"/admin/media/{image.id}/delete").get_data(as_text=True)
    assert "cannot be deleted" in confirm and "About CodeDote" in confirm
    staff.post(f"/admin/pages/{about.id}/edit", page_form(body="No picture now."))
    assert "cannot be deleted" not in client.get(f"/admin/media/{image.id}/delete").get_data(
        as_text=True
    )
