"""Site settings in the staff area, shown on the public pages at once."""

from __future__ import annotations

from sqlalchemy import select

from techpulse.extensions import db
from techpulse.models import AuditEvent, Role, SiteSettings


def test_settings_reject_bad_email_and_non_https_links(client, staff):
    staff.login(Role.ADMIN)
    form = {"site_name": "TechPulse", "company_name": "CodeDote Technologies"}
    bad = staff.post(
        "/admin/settings",
        {**form, "contact_email": "not-an-email", "github_url": "http://github.com/codedote",
         "x_url": "javascript:alert(1)"},
    )  # fmt: skip
    html = bad.get_data(as_text=True)
    assert bad.status_code == 200
    assert "valid e-mail address" in html and html.count("starting with https://") == 2
    assert db.session.get(SiteSettings, 1) is None
    empty = staff.post("/admin/settings", {**form, "site_name": " "}).get_data(as_text=True)
    assert "field is required" in empty


def test_settings_show_on_the_public_sidebar_and_footer_at_once(client, staff, make):
    article = make.article("Hello Vadodara")
    staff.login(Role.ADMIN)
    assert db.session.get(SiteSettings, 1) is None  # first save creates the row
    settings = {
        "site_name": "PulseNews", "company_name": "Dote Labs", "tagline": "Tech, daily",
        "about_blurb": "We build software in Gujarat.", "city": "Surat", "country": "India",
        "contact_email": "hello@dotelabs.example", "github_url": "https://github.com/dotelabs",
    }  # fmt: skip
    assert staff.post("/admin/settings", settings).status_code == 302
    html = client.get(f"/articles/{article.slug}").get_data(as_text=True)
    sidebar = html[html.index('<aside class="sidebar"') : html.index("</aside>")]
    assert "About Dote Labs" in sidebar and "We build software in Gujarat." in sidebar
    footer = html[html.index("<footer") :]
    assert "We build software in Gujarat." in footer and "Surat, India" in footer
    assert "hello@dotelabs.example" in footer and "https://github.com/dotelabs" in footer
    assert "PulseNews" in html
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "settings.changed"))
    assert "about_blurb" in event.detail and "github_url" in event.detail
    assert "facebook_url" not in event.detail
