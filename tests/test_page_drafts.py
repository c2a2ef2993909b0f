"""Draft pages: staff write them in peace; visitors see nothing, not a link, until published."""

from __future__ import annotations

from sqlalchemy import select

from techpulse.extensions import db
from techpulse.models import AuditEvent, Page, Role
from tests.helpers.pages import elements


def page_form(**fields) -> dict[str, str]:
    return {"title": "Careers", "slug": "careers", "seo_description": "",
            "body": "We are **hiring**.", "in_footer": "y", "status": "draft",
            **fields}  # fmt: skip


def checked_status(html: str) -> str:
    """The value of the status radio button the form shows as chosen."""
    (radio,) = [
        e for e in elements(html, "input") if e.get("name") == "status" and "checked" in e.attrs
    ]
    return radio.get("value")


def links_on(client, url: str = "/") -> set[str]:
    return {a.get("href") for a in elements(client.get(url).get_data(as_text=True), "a")}


def as_visitor(client, url: str):
    """GET ``url`` without the staff session (cookies put back afterwards)."""
    with client.session_transaction() as session:
        saved = dict(session)
        session.clear()
    try:
        return client.get(url)
    finally:
        with client.session_transaction() as session:
            session.update(saved)


def test_a_draft_page_is_a_404_for_visitors_and_has_no_links(client, staff, make):
    make.settings()
    staff.login(Role.EDITOR)
    response = staff.post("/admin/pages/new", page_form())
    assert response.status_code == 302
    assert "Page “Careers” created as a draft." in client.get("/admin/pages").get_data(as_text=True)
    page = db.session.scalars(select(Page)).one()
    assert not page.published
    listing = client.get("/admin/pages").get_data(as_text=True)
    assert 'status-pill--draft">Draft</span>' in listing
    # Staff read it at its address, with a clear notice and a way back to the editor.
    staff_view = client.get("/pages/careers")
    html = staff_view.get_data(as_text=True)
    assert staff_view.status_code == 200 and "<strong>hiring</strong>" in html
    assert "<strong>Draft</strong> — only staff can see this page" in html
    assert f'href="/admin/pages/{page.id}/edit"' in html
    assert "private" in staff_view.headers["Cache-Control"]
    # Visitors: not found, and no footer link, sitemap entry or second request that shows it.
    for _ in range(2):
        assert as_visitor(client, "/pages/careers").status_code == 404
    assert "/pages/careers" not in links_on(client)
    assert "/pages/careers" not in as_visitor(client, "/sitemap.xml").get_data(as_text=True)


def test_publishing_a_draft_page_shows_it_at_once(client, staff, make):
    make.settings()
    staff.login(Role.EDITOR)
    staff.post("/admin/pages/new", page_form())
    page = db.session.scalars(select(Page)).one()
    assert as_visitor(client, "/").headers["X-Cache"] in ("miss", "hit")
    assert as_visitor(client, "/").headers["X-Cache"] == "hit"  # the footer, cached
    edit = client.get(f"/admin/pages/{page.id}/edit").get_data(as_text=True)
    assert checked_status(edit) == "draft"
    staff.post(f"/admin/pages/{page.id}/edit", page_form(status="published"))
    public = as_visitor(client, "/pages/careers")
    assert public.status_code == 200 and "Draft" not in public.get_data(as_text=True)
    home = as_visitor(client, "/")
    assert home.headers["X-Cache"] == "miss"  # the write emptied the cache
    footer = home.get_data(as_text=True).split("<footer", 1)[1]
    assert 'href="/pages/careers"' in footer
    assert "/pages/careers" in as_visitor(client, "/sitemap.xml").get_data(as_text=True)
    actions = list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))
    assert actions[-2:] == ["page.updated", "page.published"]
    # And back to a draft: the cached public copy goes too.
    assert as_visitor(client, "/pages/careers").headers["X-Cache"] == "hit"
    staff.post(f"/admin/pages/{page.id}/edit", page_form(status="draft"))
    assert as_visitor(client, "/pages/careers").status_code == 404


def test_a_draft_about_page_drops_every_about_link(client, staff, make):
    make.settings()
    about = make.page("about", "About us", "Who we are.")
    assert "/about" in links_on(client)
    staff.login(Role.EDITOR)
    form = page_form(title="About us", slug="about", status="draft", in_footer="")
    assert staff.post(f"/admin/pages/{about.id}/edit", form).status_code == 302
    assert client.get("/about").status_code == 200  # staff still read it
    assert as_visitor(client, "/about").status_code == 404
    visitor_links = {
        a.get("href") for a in elements(as_visitor(client, "/").get_data(as_text=True), "a")
    }
    assert "/about" not in visitor_links  # not in the menu, footer or sidebar
    assert "/contact" in visitor_links


def test_existing_and_new_pages_are_published_unless_staff_say_otherwise(client, staff, make):
    old = make.page("privacy", "Privacy", "We keep little.")
    assert old.published and client.get("/pages/privacy").status_code == 200
    staff.login(Role.EDITOR)
    form = page_form(title="Terms", slug="terms")
    del form["status"]  # a form without the choice (e.g. an old browser tab)
    staff.post("/admin/pages/new", form)
    assert db.session.scalar(select(Page).where(Page.slug == "terms")).published
    new_form = client.get("/admin/pages/new").get_data(as_text=True)
    assert checked_status(new_form) == "published"
