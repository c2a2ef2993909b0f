"""Staff-written pages: slugs made from the title like articles, and a footer link on request."""

from __future__ import annotations

from sqlalchemy import select

from techpulse.extensions import db
from techpulse.models import Page, Role
from tests.helpers.pages import elements


def _footer_links(client) -> dict[str, str]:
    html = client.get("/").get_data(as_text=True)
    footer = html[html.index("<footer") :]
    return {a.get("href"): a for a in elements(footer, "a")}  # type: ignore[misc]


def _page(**fields) -> dict[str, str]:
    return {"title": "Privacy Policy", "slug": "", "seo_description": "",
            "body": "We keep **little** data.", **fields}  # fmt: skip


def test_a_page_with_an_empty_slug_gets_one_from_its_title(client, staff):
    staff.login(Role.EDITOR)
    assert "New page" in client.get("/admin/pages").get_data(as_text=True)
    assert staff.post("/admin/pages/new", _page()).status_code == 302
    assert staff.post("/admin/pages/new", _page()).status_code == 302  # same title again
    slugs = set(db.session.scalars(select(Page.slug)))
    assert slugs == {"privacy-policy", "privacy-policy-2"}
    public = client.get("/pages/privacy-policy")
    assert public.status_code == 200 and "<strong>little</strong>" in public.get_data(as_text=True)


def test_pages_appear_in_the_footer_only_when_staff_choose(client, staff):
    staff.login(Role.EDITOR)
    staff.post("/admin/pages/new", _page(in_footer="y"))
    staff.post("/admin/pages/new", _page(title="Internal notes", slug="internal-notes"))
    links = _footer_links(client)
    assert "/pages/privacy-policy" in links
    assert "/pages/internal-notes" not in links
    page = db.session.scalar(select(Page).where(Page.slug == "privacy-policy"))
    staff.post(f"/admin/pages/{page.id}/edit", _page(slug="privacy-policy"))  # box unticked
    assert "/pages/privacy-policy" not in _footer_links(client)
