"""JSON-LD, article meta tags and canonical URLs of paginated lists, as search engines read them."""

from __future__ import annotations

from datetime import timedelta

from techpulse.models import Status
from tests.helpers.pages import elements, json_ld


def by_type(things: list[dict], kind: str) -> dict:
    found = [thing for thing in things if thing["@type"] == kind]
    assert len(found) == 1, (kind, [thing["@type"] for thing in things])
    return found[0]


def meta(html: str, prop: str) -> list[str]:
    return [e.get("content") for e in elements(html, "meta") if e.get("property") == prop]


def canonical(html: str) -> str:
    (link,) = [e for e in elements(html, "link") if e.get("rel") == "canonical"]
    return link.get("href")


def title(html: str) -> str:
    return html.split("<title>", 1)[1].split("</title>", 1)[0]


def test_article_has_news_article_with_every_required_property(client, make, now):
    make.settings(site_name="TechPulse", company_name="CodeDote Technologies")
    author = make.user("Asha Patel")
    article = make.article(
        "Google May Drop Scale AI Deal!",
        category=make.category("AI & Tech"),
        author=author,
        tags=("Google", "Scale AI"),
        banner=True,
    )
    html = client.get(f"/articles/{article.slug}").get_data(as_text=True)
    news = by_type(json_ld(html), "NewsArticle")
    url = f"http://localhost/articles/{article.slug}"
    assert news["headline"] == "Google May Drop Scale AI Deal!"
    assert news["mainEntityOfPage"] == {"@type": "WebPage", "@id": url}
    assert len(news["image"]) >= 1
    assert all(image.startswith("http://localhost/media/") for image in news["image"])
    assert any(image.endswith("-social.jpg") for image in news["image"])
    assert news["datePublished"] == article.published_at.isoformat()
    assert news["dateModified"] >= news["datePublished"]
    (person,) = news["author"]
    assert person == {
        "@type": "Person",
        "name": "Asha Patel",
        "url": "http://localhost/author/asha-patel",
    }
    publisher = news["publisher"]
    assert publisher["@type"] == "Organization"
    assert publisher["name"] == "CodeDote Technologies"
    assert publisher["logo"]["url"] == "http://localhost/static/logo.png"
    with client.get("/static/logo.png") as logo:
        assert logo.status_code == 200 and logo.mimetype == "image/png"
    assert news["keywords"] == ["Google", "Scale AI"]


def test_article_without_banner_still_names_an_image(client, make):
    article = make.article("No picture")
    news = by_type(json_ld(client.get(f"/articles/{article.slug}").data), "NewsArticle")
    assert news["image"] == ["http://localhost/static/logo.png"]


def test_article_and_archives_have_breadcrumbs(client, make):
    ai = make.category("AI & Tech")
    article = make.article("A story", category=ai, tags=("LLMs",), author=make.user("Ravi Shah"))
    trail = by_type(json_ld(client.get(f"/articles/{article.slug}").data), "BreadcrumbList")
    items = trail["itemListElement"]
    assert [item["position"] for item in items] == [1, 2, 3]
    assert [item["name"] for item in items] == ["TechPulse", "AI & Tech", "A story"]
    assert [item["item"] for item in items] == [
        "http://localhost/",
        "http://localhost/category/ai-tech",
        f"http://localhost/articles/{article.slug}",
    ]
    for url, name in [("/category/ai-tech", "AI & Tech"), ("/tag/llms", "LLMs"),
                      ("/author/ravi-shah", "Ravi Shah")]:  # fmt: skip
        items = by_type(json_ld(client.get(url).data), "BreadcrumbList")["itemListElement"]
        assert [(item["name"], item["item"]) for item in items] == [
            ("TechPulse", "http://localhost/"),
            (name, f"http://localhost{url}"),
        ]


def test_home_has_organization_and_website_with_search_action(client, make):
    make.settings(linkedin_url="https://www.linkedin.com/company/codedote")
    make.article("A story")
    things = json_ld(client.get("/").data)
    organization = by_type(things, "Organization")
    assert organization["name"] == "CodeDote Technologies"
    assert organization["url"] == "http://localhost/"
    assert organization["logo"]["url"] == "http://localhost/static/logo.png"
    assert organization["sameAs"] == ["https://www.linkedin.com/company/codedote"]
    website = by_type(things, "WebSite")
    assert website["url"] == "http://localhost/"
    action = website["potentialAction"]
    assert action["@type"] == "SearchAction"
    assert action["target"]["urlTemplate"] == "http://localhost/search?q={search_term_string}"
    assert action["query-input"] == "required name=search_term_string"


def test_json_ld_cannot_be_closed_by_content(client, make):
    article = make.article("Break </script><script>alert(1)</script> out & <!-- in")
    html = client.get(f"/articles/{article.slug}").get_data(as_text=True)
    news = by_type(json_ld(html), "NewsArticle")
    assert news["headline"] == "Break </script><script>alert(1)</script> out & <!-- in"
    assert "<script>alert(1)" not in html


def test_article_meta_has_modified_time_and_tags(client, make, now):
    article = make.article("Tagged", tags=("Cloud", "Python"), hours_ago=5)
    html = client.get(f"/articles/{article.slug}").get_data(as_text=True)
    assert meta(html, "article:published_time") == [article.published_at.isoformat()]
    assert meta(html, "article:modified_time") == [article.updated_at.isoformat()]
    assert meta(html, "article:tag") == ["Cloud", "Python"]


def test_scheduled_article_is_modified_no_earlier_than_it_went_live(client, make, now):
    article = make.article(
        "Later", status=Status.SCHEDULED, published_at=now.at + timedelta(hours=1)
    )
    now.advance(hours=2)
    html = client.get(f"/articles/{article.slug}").get_data(as_text=True)
    assert meta(html, "article:modified_time") == [article.published_at.isoformat()]
    news = by_type(json_ld(html), "NewsArticle")
    assert news["dateModified"] == news["datePublished"]


def test_each_page_of_a_list_is_its_own_canonical_with_its_own_title(client, make, app):
    app.config["PER_PAGE"] = 2
    ai = make.category("AI & Tech")
    for i in range(7):
        make.article(f"Story {i}", category=ai, tags=("Cloud",))
    seen_titles = set()
    for path in ["/", "/category/ai-tech", "/tag/cloud"]:
        first = client.get(path).get_data(as_text=True)
        assert canonical(first) == f"http://localhost{path}"
        for page in (2, 3):
            html = client.get(f"{path}?page={page}&utm_source=x").get_data(as_text=True)
            assert canonical(html) == f"http://localhost{path}?page={page}"
            assert meta(html, "og:url") == [canonical(html)]
            assert f" — page {page} — " in title(html)
            seen_titles.add(title(html))
        seen_titles.add(title(first))
        # Page 1 under its ?page=1 alias names the plain URL.
        assert canonical(client.get(f"{path}?page=1").get_data(as_text=True)) == canonical(first)
    assert len(seen_titles) == 9
