"""The sitemap: every public URL with its last change, split into files past a size limit."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime

from flask import url_for
from sqlalchemy import Select, and_, func, select
from sqlalchemy.orm import joinedload, load_only

from techpulse.clock import utcnow
from techpulse.extensions import db
from techpulse.models import Article, Category, Tag, User, article_tags
from techpulse.services.pages import public_pages
from techpulse.services.structured_data import image_urls
from techpulse.urls import absolute_url


@dataclass(frozen=True)
class SitemapUrl:
    """One <url>: its address, when it last changed and the images on it."""

    loc: str
    lastmod: datetime | None = None
    images: list[str] = field(default_factory=list)


def _newest(published: datetime | None, updated: datetime | None) -> datetime | None:
    return max((when for when in (published, updated) if when is not None), default=None)


def _archive_urls(query: Select[tuple[str, datetime, datetime]], endpoint: str) -> list[SitemapUrl]:
    """One URL per row of (slug, newest published_at, newest updated_at)."""
    return [
        SitemapUrl(absolute_url(url_for(endpoint, slug=slug)), _newest(published, updated))
        for slug, published, updated in db.session.execute(query)
    ]


def _site_urls() -> list[SitemapUrl]:
    """Home, published pages, contact, and every category, tag and author with stories."""
    now = utcnow()
    newest = (func.max(Article.published_at), func.max(Article.updated_at))
    live = db.session.execute(select(*newest).where(Article.live(now))).one()
    urls = [SitemapUrl(absolute_url(url_for("blog.home")), _newest(*live))]
    for slug, updated in public_pages():  # drafts are left out
        is_about = slug == "about"
        path = url_for("company.about") if is_about else url_for("company.page", slug=slug)
        urls.append(SitemapUrl(absolute_url(path), updated))
    urls.append(SitemapUrl(absolute_url(url_for("contact.form"))))
    categories = (
        select(Category.slug, *newest)
        .outerjoin(Article, and_(Article.category_id == Category.id, Article.live(now)))
        .group_by(Category.id, Category.slug, Category.position)
        .order_by(Category.position, Category.id)
    )
    tags = (
        select(Tag.slug, *newest)
        .join(article_tags, article_tags.c.tag_id == Tag.id)
        .join(Article, Article.id == article_tags.c.article_id)
        .where(Article.live(now))
        .group_by(Tag.id, Tag.slug)
        .order_by(Tag.id)
    )
    authors = (
        select(User.slug, *newest)
        .join(Article, Article.author_id == User.id)
        .where(Article.live(now))
        .group_by(User.id, User.slug)
        .order_by(User.id)
    )
    urls += _archive_urls(categories, "blog.category")
    urls += _archive_urls(tags, "blog.tag")
    urls += _archive_urls(authors, "blog.author")
    return urls


def _article_count() -> int:
    return db.session.scalar(select(func.count()).where(Article.live(utcnow()))) or 0


def _article_urls(offset: int, limit: int) -> list[SitemapUrl]:
    """Live articles, oldest first (so earlier sitemap files rarely change), with banners."""
    query = (
        select(Article)
        .where(Article.live(utcnow()))
        .options(
            load_only(Article.slug, Article.published_at, Article.updated_at, Article.banner_id),
            joinedload(Article.banner),
        )
        .order_by(Article.published_at, Article.id)
        .offset(offset)
        .limit(limit)
    )
    return [
        SitemapUrl(
            absolute_url(url_for("blog.article", slug=article.slug)),
            article.modified_at,
            image_urls(article.banner) if article.banner else [],
        )
        for article in db.session.scalars(query)
    ]


@dataclass(frozen=True)
class Sitemap:
    """What /sitemap.xml answers: all URLs in one file, or an index of ``files`` files."""

    files: int
    urls: list[SitemapUrl] = field(default_factory=list)


def sitemap(limit: int) -> Sitemap:
    """The whole sitemap when it fits in ``limit`` URLs, else the number of files it needs."""
    site_urls = _site_urls()
    total = len(site_urls) + _article_count()
    if total <= limit:
        return Sitemap(files=1, urls=site_urls + _article_urls(0, limit))
    return Sitemap(files=math.ceil(total / limit))


def sitemap_file(number: int, limit: int) -> list[SitemapUrl] | None:
    """The URLs of file ``number`` (from 1) of a split sitemap; None past the last one."""
    site_urls = _site_urls()
    total = len(site_urls) + _article_count()
    if total <= limit or not 1 <= number <= math.ceil(total / limit):
        return None
    start, stop = (number - 1) * limit, number * limit
    chosen = site_urls[start:stop]
    offset = max(0, start - len(site_urls))
    return chosen + _article_urls(offset, limit - len(chosen))
