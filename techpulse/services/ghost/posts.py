"""One Ghost post or page into TechPulse, inside the caller's transaction."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from techpulse.clock import utcnow
from techpulse.extensions import db
from techpulse.markup.markdown import excerpt, html_to_text
from techpulse.models import Article, Category, Page, Status, Tag
from techpulse.services import legacy_urls
from techpulse.services.ghost.content import post_html
from techpulse.services.ghost.export import parse_time
from techpulse.services.wordpress import writer
from techpulse.services.wordpress.content import convert_body
from techpulse.services.wordpress.inline_images import LibraryImage
from techpulse.services.wordpress.records import wp_slug
from techpulse.services.wordpress.wxr import Term
from techpulse.slugs import slugify

if TYPE_CHECKING:
    from techpulse.services.ghost.importer import GhostImport

GHOST_URL = "__GHOST_URL__"


def import_post(job: GhostImport, post: dict[str, Any]) -> str:
    """Import one post or page; return "imported", "updated", "unchanged" or why not."""
    kind = post.get("type") or "post"
    if kind not in ("post", "page"):
        return f"{kind} items are not imported"
    status = _status(post)
    if isinstance(status, str):
        return status
    body = _body(job, post)
    if kind == "page":
        return _page(job, post, body, status[0] == Status.PUBLISHED.value)
    return _article(job, post, body, status)


def _title(post: dict[str, Any]) -> str:
    return " ".join(str(post.get("title") or "").split())[:200] or f"Untitled (Ghost {post['id']})"


def _status(post: dict[str, Any]) -> tuple[str, datetime | None] | str:
    status = post.get("status")
    when = parse_time(post.get("published_at"))
    if status in ("published", "scheduled"):
        when = when or utcnow()
        live = status == "published" and when <= utcnow()
        return (Status.PUBLISHED if live else Status.SCHEDULED).value, when
    if status == "draft":
        return Status.DRAFT.value, None
    if status == "sent":
        return "sent as a newsletter only (never on the site)"
    return f"status “{status}” is not imported"


def _body(job: GhostImport, post: dict[str, Any]) -> str:
    html = post_html(post).replace(GHOST_URL, job.old_url)
    rewrite = _Links(job)
    converted = convert_body(html, _resolver(job), rewrite)
    if rewrite.waiting:
        job.revisit.add(str(post["id"]))
    job.summary.shortcodes.update(converted.shortcodes)
    job.summary.external_images.extend(converted.external_images)
    return converted.body


class _Links:
    """Links to other posts of the export (``/slug/``) become story links."""

    def __init__(self, job: GhostImport) -> None:
        self.job = job
        self.waiting = False

    def __call__(self, href: str) -> str | None:
        parts = urlsplit(href)
        old_host = urlsplit(self.job.old_url).netloc.lower().removeprefix("www.")
        if parts.netloc and parts.netloc.lower().removeprefix("www.") != old_host:
            return None  # another site
        if parts.scheme not in ("", "http", "https") or not parts.path.startswith("/"):
            return None
        slug = unquote(parts.path).strip("/")
        ghost_id = self.job.slugs.get(slug)
        if ghost_id is None:  # not a post: the old site's address, answered here by a 301
            local = parts.path + (f"?{parts.query}" if parts.query else "")
            old_file = parts.path.startswith("/content/")
            return local if parts.netloc and not old_file else None
        article_id = db.session.scalar(select(Article.id).where(Article.ghost_id == ghost_id))
        if article_id:
            return f"article:{article_id}"
        page = db.session.scalar(select(Page).where(Page.ghost_id == ghost_id))
        if page is not None:
            return url_for("company.page", slug=page.slug)
        self.waiting = True
        return None


def _resolver(job: GhostImport):
    def resolve(src: str, alt: str) -> LibraryImage | None:
        image = job.images.library_image(src, alt)
        if image is not None:
            return LibraryImage(image.id, alt or image.alt_text)
        if job.images.would_import(src):
            return LibraryImage(0, alt or "Image")  # dry run only
        return None

    return resolve


def _terms(job: GhostImport, post: dict[str, Any]) -> tuple[Term | None, list[dict[str, Any]]]:
    """The post's primary tag (its category) and its other public tags."""
    tags = [job.data.tags[i] for i in job.data.post_tags.get(str(post["id"]), [])
            if i in job.data.tags]  # fmt: skip
    public = [t for t in tags if not str(t.get("name", "")).startswith("#")
              and t.get("visibility", "public") == "public"]  # fmt: skip
    if not public:
        return None, []
    first = public[0]
    description = str(first.get("description") or "")
    term = Term(
        "category", str(first.get("slug") or ""), str(first.get("name") or ""), "", description
    )
    return term, public[1:]


def _article(
    job: GhostImport, post: dict[str, Any], body: str, status: tuple[str, datetime | None]
) -> str:
    ghost_id = str(post["id"])
    query = select(Article).options(selectinload(Article.tags))
    existing = db.session.scalar(query.where(Article.ghost_id == ghost_id))
    term, others = _terms(job, post)
    category = job.taxonomy.category(term) if term else job.taxonomy.category(_DEFAULT)
    author = _author(job, post)
    meta = job.data.meta.get(ghost_id, {})
    banner_url = str(post.get("feature_image") or "")
    alt = str(meta.get("feature_image_alt") or post.get("feature_image_alt") or "")
    banner = (
        job.images.library_image(banner_url.replace(GHOST_URL, ""), alt) if banner_url else None
    )
    title = _title(post)
    fields = writer.ArticleFields(
        wordpress_id=None,
        ghost_id=ghost_id,
        title=title,
        slug=writer.free_article_slug(
            wp_slug(str(post.get("slug") or "")) or slugify(title), existing
        ),
        excerpt=excerpt(html_to_text(str(post.get("custom_excerpt") or "")), 300),
        body=body,
        category_id=category.id,
        banner_id=banner.id if banner else None,
        tag_names=tuple(sorted({" ".join(str(t.get("name")).split())[:60] for t in others})),
        author_id=author.id,
        status=status[0],
        published_at=status[1],
        created_at=parse_time(post.get("created_at")) or utcnow(),
        modified_at=parse_time(post.get("updated_at")),
    )
    if existing is not None and writer.article_unchanged(existing, fields):
        outcome, article = "unchanged", existing
    else:
        outcome = "updated" if existing else "imported"
        article = writer.save_article(existing, fields)
    _remember(post, "article", article.id)
    _remember_tags(term, category, others, article.tags)
    return outcome


_DEFAULT = Term("category", "uncategorized", "Uncategorized")


def _author(job: GhostImport, post: dict[str, Any]):
    authors = job.data.post_authors.get(str(post["id"])) or [str(post.get("author_id") or "")]
    user = job.data.users.get(authors[0], {})
    slug = str(user.get("slug") or user.get("id") or "ghost")
    found = job.taxonomy.author(slug)  # remembers /author/<slug>/ too
    feed = url_for("feeds.rss", scope="author", slug=found.slug)
    legacy_urls.remember(legacy_urls.path_key(f"/author/{slug}/rss/"), "url", url=feed)
    return found


def _page(job: GhostImport, post: dict[str, Any], body: str, published: bool) -> str:
    ghost_id = str(post["id"])
    existing = db.session.scalar(select(Page).where(Page.ghost_id == ghost_id))
    title = _title(post)
    wanted = wp_slug(str(post.get("slug") or "")) or slugify(title)
    slug = writer.free_page_slug(wanted, existing)
    fields = writer.ImportedPage(slug, title, body, published)
    if existing is not None and writer.page_unchanged(existing, fields):
        outcome, page = "unchanged", existing
    else:
        outcome = "updated" if existing else "imported"
        if existing is None:
            existing = Page(ghost_id=ghost_id, seo_description="")
            db.session.add(existing)
        page = writer.save_imported_page(existing, None, fields, f"Ghost page {ghost_id}")
    _remember(post, "page", page.id)
    return outcome


def _remember(post: dict[str, Any], target_type: str, target_id: int) -> None:
    """Ghost's address of a post or page: /slug/ (any date prefix is a custom route)."""
    slug = str(post.get("slug") or "")
    if slug:
        legacy_urls.remember(legacy_urls.path_key(f"/{slug}/"), target_type, target_id)
        legacy_urls.remember(legacy_urls.path_key(f"/{slug}/amp/"), target_type, target_id)


def _remember_tags(
    term: Term | None, category: Category, others: list[dict[str, Any]], tags: list[Tag]
) -> None:
    """/tag/x/ and /tag/x/rss/ of the post's tags: the category or tag each became."""
    if term is not None and term.slug:
        _remember_with_feed(
            f"/tag/{term.slug}", "category", category.id, "blog.category", category.slug
        )
    by_name = {tag.name.lower(): tag for tag in tags}
    for other in others:
        tag = by_name.get(" ".join(str(other.get("name")).split())[:60].lower())
        slug = str(other.get("slug") or "")
        key = legacy_urls.path_key(f"/tag/{slug}/")
        if tag is None or not slug or db.session.get(legacy_urls.LegacyRedirect, key):
            continue  # a tag that is some post's primary tag stays that category
        _remember_with_feed(f"/tag/{slug}", "tag", tag.id, "blog.tag", tag.slug)


def _remember_with_feed(path: str, kind: str, target_id: int, endpoint: str, slug: str) -> None:
    legacy_urls.remember(legacy_urls.path_key(f"{path}/"), kind, target_id)
    scope = endpoint.removeprefix("blog.")
    feed = url_for("feeds.rss", scope=scope, slug=slug)
    legacy_urls.remember(legacy_urls.path_key(f"{path}/rss/"), "url", url=feed)
