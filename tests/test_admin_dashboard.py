"""Writing is one click away: a "New article" button on the dashboard and every staff page."""

from __future__ import annotations

import pytest

from techpulse.models import Role
from tests.helpers.pages import elements, text_of


def _new_article_links(html: str) -> list[str]:
    return [a.get("href") for a in elements(html, "a") if a.get("href") == "/admin/articles/new"]


@pytest.mark.parametrize("role", [Role.AUTHOR, Role.EDITOR, Role.ADMIN])
def test_dashboard_has_a_new_article_button(client, staff, role):
    staff.login(role)
    html = client.get("/admin/").get_data(as_text=True)
    assert len(_new_article_links(html)) == 1  # one button, not two links saying the same
    assert "New article" in text_of(html)


@pytest.mark.parametrize("url", ["/admin/articles", "/admin/media", "/admin/messages",
                                 "/admin/pages", "/admin/settings", "/admin/users"])  # fmt: skip
def test_every_staff_page_links_to_a_new_article(client, staff, url):
    staff.login(Role.ADMIN)
    html = client.get(url).get_data(as_text=True)
    assert _new_article_links(html), url
    assert client.get("/admin/articles/new").status_code == 200
