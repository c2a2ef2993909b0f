"""The header and footer menus list only categories that have a published story."""

from __future__ import annotations

from techpulse.models import Status
from tests.helpers.pages import elements


def test_menus_leave_out_categories_with_nothing_published(client, make, now):
    make.article("Live story", category=make.category("Cloud"))
    make.category("Empty")
    make.article("Draft", status=Status.DRAFT, category=make.category("Drafts"))
    make.article(
        "Later", status=Status.SCHEDULED, category=make.category("Scheduled"), hours_ago=-2
    )
    html = client.get("/").get_data(as_text=True)
    header = html[html.index('class="site-nav"') : html.index("</nav>")]
    footer = html[html.index("<footer") :]
    for part in (header, footer):
        hrefs = {a.get("href") for a in elements(part, "a")}
        assert "/category/cloud" in hrefs
        assert not hrefs & {"/category/empty", "/category/drafts", "/category/scheduled"}
    assert client.get("/category/empty").status_code == 200  # still reachable by address
