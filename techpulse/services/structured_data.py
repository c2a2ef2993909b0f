"""Schema.org JSON-LD for search engines: plain dicts, serialized safely for a <script>."""

from __future__ import annotations

import json
from typing import Any

from techpulse.markup.pictures import media_path
from techpulse.models import Article, Image
from techpulse.services.site import site_settings
from techpulse.serving.fragments import shared
from techpulse.web.urls import absolute_url, external_url, path_for, site_root

Thing = dict[str, Any]
LOGO = ("logo.png", 512, 512)
SEARCH_PATH = "/search?q={search_term_string}"  # the public search page
# "</script>" or "<!--" inside a string must not end or confuse the script element.
_UNSAFE = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def serialize(*things: Thing) -> str:
    """JSON for ``<script type="application/ld+json">``: one thing, or an ``@graph`` of several."""
    data: Thing = (
        {"@context": "https://schema.org", **things[0]}
        if len(things) == 1
        else {"@context": "https://schema.org", "@graph": list(things)}
    )
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for char, escaped in _UNSAFE.items():
        text = text.replace(char, escaped)
    return text


def logo() -> Thing:
    """The site logo as an ImageObject."""
    filename, width, height = LOGO
    url = external_url("static", filename=filename)
    return {"@type": "ImageObject", "url": url, "width": width, "height": height}


def organization() -> Thing:
    """The company that publishes the site, with its logo and social profiles (worked out
    once per page-cache generation for the pages that share parts: site-wide data)."""
    return shared(("schema-organization", site_root()), _organization)


def _organization() -> Thing:
    site = site_settings()
    thing: Thing = {
        "@type": "Organization",
        "@id": external_url("blog.home") + "#organization",
        "name": site.company_name,
        "url": external_url("blog.home"),
        "logo": logo(),
    }
    profiles = [url for _, url in site.social_links()]
    if profiles:
        thing["sameAs"] = profiles
    return thing


def website() -> Thing:
    """The site itself, with the search box search engines may show for it."""
    site = site_settings()
    return {
        "@type": "WebSite",
        "@id": external_url("blog.home") + "#website",
        "name": site.site_name,
        "url": external_url("blog.home"),
        "publisher": {"@id": external_url("blog.home") + "#organization"},
        "potentialAction": {
            "@type": "SearchAction",
            "target": {"@type": "EntryPoint", "urlTemplate": absolute_url(SEARCH_PATH)},
            "query-input": "required name=search_term_string",
        },
    }


def image_urls(image: Image) -> list[str]:
    """Absolute URLs of an image's social card and its widest fallback variant."""
    files = [v["file"] for v in image.of_kind("social")[:1]]
    files += [v["file"] for v in image.of_kind("responsive", image.fallback_format)[-1:]]
    return [absolute_url(media_path(name)) for name in dict.fromkeys(files)]


def news_article(article: Article) -> Thing:
    """A NewsArticle with every property Google lists for article rich results."""
    url = external_url("blog.article", slug=article.slug)
    thing: Thing = {
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "url": url,
        "headline": article.title[:110],
        "description": article.meta_description,
        "image": image_urls(article.banner) if article.banner else [logo()["url"]],
        "datePublished": article.published_at.isoformat() if article.published_at else None,
        "dateModified": article.modified_at.isoformat(),
        "author": [
            {
                "@type": "Person",
                "name": person.name,
                "url": external_url("blog.author", slug=person.slug),
            }
            for person in article.bylines
        ],
        "publisher": organization(),
        "articleSection": article.category.name,
        "keywords": [tag.name for tag in article.tags],
    }
    return thing


def breadcrumbs(*trail: tuple[str, str]) -> Thing:
    """A BreadcrumbList from (name, site path) pairs, starting after the home page."""
    items = [(site_settings().site_name, path_for("blog.home")), *trail]
    return {
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": n, "name": name, "item": absolute_url(path)}
            for n, (name, path) in enumerate(items, start=1)
        ],
    }


def article_breadcrumbs(article: Article) -> Thing:
    """Home › category › article."""
    return breadcrumbs(
        (article.category.name, path_for("blog.category", slug=article.category.slug)),
        (article.title, path_for("blog.article", slug=article.slug)),
    )
