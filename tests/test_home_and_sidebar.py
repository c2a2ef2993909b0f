"""The home page's heading and the "Recent posts" widget: what it lists and how many."""

from __future__ import annotations

from techpulse.extensions import db
from techpulse.models import Role, SiteSettings
from tests.helpers.pages import elements, text_of


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


def test_admins_choose_how_many_recent_posts_show_and_zero_hides_them(client, staff, make):
    reading = make.article("The story being read", hours_ago=0.5)
    for n in range(8):
        make.article(f"Recent story {n}", hours_ago=n + 1)
    assert text_of(_sidebar(client, reading.slug)).count("Recent story") == 5  # the default
    staff.login(Role.ADMIN)
    form = {"site_name": "TechPulse", "company_name": "CodeDote Technologies"}
    page = client.get("/admin/settings").get_data(as_text=True)
    assert "Stories in “Recent posts”" in page
    assert staff.post("/admin/settings", {**form, "recent_posts": "3"}).status_code == 302
    assert text_of(_sidebar(client, reading.slug)).count("Recent story") == 3
    assert staff.post("/admin/settings", {**form, "recent_posts": "0"}).status_code == 302
    assert db.session.get(SiteSettings, 1).recent_posts == 0
    sidebar = _sidebar(client, reading.slug)
    assert "Recent posts" not in sidebar and "Recent story" not in sidebar
    bad = staff.post("/admin/settings", {**form, "recent_posts": "-2"})
    assert bad.status_code == 200 and "Enter a number from 0 to 20." in bad.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(SiteSettings, 1).recent_posts == 0
