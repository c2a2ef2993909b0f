"""The home page's heading and the "Recent posts" widget: what it lists and how many."""

from __future__ import annotations

from techpulse.extensions import db
from techpulse.models import Role, SiteSettings
from tests.helpers import elements, text_of


def _sidebar(client, slug: str) -> str:
    html = client.get(f"/articles/{slug}").get_data(as_text=True)
    return html[html.index('<aside class="sidebar"') : html.index("</aside>")]


def test_home_page_has_one_h1_naming_the_site(client, make):
    make.settings(site_name="TechPulse", tagline="Tech news from Vadodara")
    make.article("A story", banner=True)
    html = client.get("/").get_data(as_text=True)
    assert len(elements(html, "h1")) == 1
    heading = html[html.index("<h1") : html.index("</h1>")]
    assert "TechPulse" in heading and "Tech news from Vadodara" in heading


def test_recent_posts_leave_out_the_article_being_read(client, make):
    older = make.article("Older story", hours_ago=5)
    newest = make.article("Newest story", hours_ago=1)
    sidebar = _sidebar(client, newest.slug)
    assert "Recent posts" in sidebar
    assert "Older story" in sidebar and "Newest story" not in sidebar
    assert "Newest story" in _sidebar(client, older.slug)
