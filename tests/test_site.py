"""About page, error pages, and what every page promises: own origin only, accessible shell."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote

import pytest

from techpulse.extensions import db
from tests.helpers.accounts import csrf_from
from tests.helpers.pages import elements


@pytest.fixture
def about(make):
    make.settings(contact_email="hello@codedote.example")
    page = make.page(
        "about",
        "About CodeDote Technologies",
        "We are a team of **young IT professionals** in Vadodara, India.\n\n"
        "<script>alert(1)</script>[bad](javascript:alert(1))",
    )
    db.session.commit()
    return page


def test_about_page_renders_the_company_page(client, about):
    page = client.get("/about")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "<h1" in html and "About CodeDote Technologies" in html
    assert "<strong>young IT professionals</strong>" in html
    assert "<script>alert" not in html and 'href="javascript:' not in html
    assert "hello@codedote.example" in html
    about_link = [a for a in elements(html, "a", "site-nav__link") if a.get("href") == "/about"]
    assert about_link[0].get("aria-current") == "page"


def test_about_page_missing_is_404(client):
    assert client.get("/about").status_code == 404


def test_404_page_uses_the_site_layout(client):
    page = client.get("/no/such/page")
    assert page.status_code == 404
    html = page.get_data(as_text=True)
    assert "Page not found" in html and 'class="site-header"' in html
    assert "Back to the latest stories" in html


def test_405_page_keeps_the_allow_header(client):
    page = client.post("/about")
    assert page.status_code in (400, 405)  # CSRF may answer first; never a 500
    page = client.delete("/about")
    assert page.status_code == 405
    assert "GET" in page.headers["Allow"]
    assert "Method not allowed" in page.get_data(as_text=True)


def test_unexpected_error_shows_500_page_and_rolls_back(app, client):
    def explode() -> str:
        raise RuntimeError("boom")

    app.add_url_rule("/explode", "explode", explode)
    app.testing = False  # let the error handler do what it does in production
    page = client.get("/explode")
    assert page.status_code == 500
    assert "Something went wrong" in page.get_data(as_text=True)
    assert "boom" not in page.get_data(as_text=True)
    assert client.get("/").status_code == 200


PUBLIC_URLS = ["/", "/about", "/category/ai-tech", "/tag/llms", "/author/asha-patel", "/nope"]


@pytest.fixture
def public_site(make, about):
    ai = make.category("AI & Tech")
    writer = make.user("Asha Patel")
    story = make.article("A story", category=ai, author=writer, tags=("LLMs",), banner=True)
    return [*PUBLIC_URLS, f"/articles/{story.slug}"]


def test_no_page_requests_anything_from_a_third_party(client, public_site):
    for url in public_site:
        response = client.get(url)
        html = response.get_data(as_text=True)
        loaded = [
            e.get("src") or e.get("data-src") or e.get("href") or e.get("srcset")
            for e in elements(html)
            if e.tag in ("script", "img", "source", "iframe", "link", "video", "audio", "embed")
            and not (e.tag == "link" and e.get("rel") == "canonical")
            # A data: URL (the site icon) is inside the page: it loads nothing.
            and not (e.get("href") or "").startswith("data:")
            # JSON-LD is a data block: it loads nothing and never runs.
            and not (e.tag == "script" and e.get("type") == "application/ld+json")
        ]
        for resource in loaded:
            for item in resource.split(","):
                target = item.strip().split(" ")[0]
                assert target.startswith("/") and not target.startswith("//"), (url, target)
        csp = response.headers["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "script-src 'self'" in csp
        # One <style>: the site stylesheet, allowed by its hash, never 'unsafe-inline'.
        assert html.count("<style") == 1 and " style=" not in html
        assert "'sha256-" in csp and "unsafe-inline" not in csp


def test_every_page_has_skip_link_landmarks_and_security_headers(client, public_site):
    for url in public_site:
        response = client.get(url)
        html = response.get_data(as_text=True)
        assert elements(html, "a", "skip-link")[0].get("href") == "#main", url
        assert elements(html, "main")[0].get("id") == "main"
        assert elements(html, "header") and elements(html, "footer") and elements(html, "nav")
        assert elements(html, "html")[0].get("lang") == "en"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["X-Frame-Options"] == "DENY"


def test_public_pages_set_no_cookies(client, public_site):
    for url in public_site:
        assert "Set-Cookie" not in client.get(url).headers, url


def test_the_site_icon_is_inside_the_page_not_a_request_of_its_own(app, client):
    html = client.get("/nope").get_data(as_text=True)
    icon = next(e.get("href") for e in elements(html, "link") if e.get("rel") == "icon")
    prefix = "data:image/svg+xml,"
    assert icon.startswith(prefix) and '"' not in icon and "#" not in icon
    svg = Path(app.static_folder, "favicon.svg").read_text()
    assert unquote(icon.removeprefix(prefix)) == " ".join(svg.split()).replace('"', "'")
    # Images may come from data: URLs, so the browser shows it.
    assert "img-src 'self' data:" in client.get("/").headers["Content-Security-Policy"]


def test_category_navigation_in_the_header(client, make):
    make.article(category=make.category("AI & Tech"))
    make.article(category=make.category("Cloud & DevOps"))
    html = client.get("/category/cloud-devops").get_data(as_text=True)
    nav = [(e.get("href"), e.get("aria-current")) for e in elements(html, "a", "site-nav__link")]
    assert ("/category/ai-tech", "") in nav
    assert ("/category/cloud-devops", "page") in nav


def test_a_uniqueness_race_is_a_409_page_and_nothing_half_saved(app, client, make):
    from sqlalchemy import func, select

    from techpulse.models import Category

    make.category("AI & Tech")

    def racing_save() -> str:
        # What a second editor's save looks like when the form check passed a moment earlier.
        db.session.add(Category(name="AI & Tech again", slug="ai-tech"))
        db.session.commit()
        return "unreachable"

    app.add_url_rule("/race", "race", racing_save, methods=["GET"])
    app.testing = False
    page = client.get("/race")
    assert page.status_code == 409
    assert "Saved by someone else" in page.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Category)) == 1
    assert client.get("/").status_code == 200


def test_other_static_pages_have_a_public_address(client, about, make):
    make.page("privacy", "Privacy", "We keep **only** what we need.")
    page = client.get("/pages/privacy")
    assert page.status_code == 200
    assert "<strong>only</strong>" in page.get_data(as_text=True)
    moved = client.get("/pages/about")
    assert moved.status_code == 301 and moved.headers["Location"] == "/about"
    assert client.get("/pages/nothing-here").status_code == 404


def test_ids_too_large_for_any_database_are_404_on_every_route(app, client, staff):
    from werkzeug.routing import IntegerConverter

    from techpulse.models import Role

    staff.login(Role.ADMIN)
    huge = "99999999999999999999"
    checked = 0
    for rule in app.url_map.iter_rules():
        if not any(isinstance(c, IntegerConverter) for c in rule._converters.values()):
            continue
        url = rule.rule
        for name in rule.arguments:
            url = url.replace(f"<int:{name}>", huge).replace(f"<slug:{name}>", "x")
            url = url.replace(f"<{name}>", "x").replace(f"<path:{name}>", "x")
        for method in ("GET", "POST") if "POST" in rule.methods else ("GET",):
            response = client.open(url, method=method)
            assert response.status_code in (404, 405), (url, method, response.status_code)
        checked += 1
    assert checked >= 5


def test_nul_bytes_anywhere_are_a_400_not_a_database_error(client, make, staff):
    from techpulse.models import Role

    assert client.get("/?page=%00").status_code == 400
    assert client.get("/contact/thanks/%00").status_code in (400, 404)
    token = csrf_from(client.get("/login").data)
    login = client.post("/login", data={"csrf_token": token, "email": "a\x00@example.com",
                                        "password": "x" * 12})  # fmt: skip
    assert login.status_code == 400
    staff.login(Role.EDITOR)
    assert client.get("/admin/articles?q=a%00b").status_code == 400
    assert client.get("/admin/messages?q=a%00b").status_code == 400
