"""``flask seed-demo``: fills an empty site with demo content; safe to run again."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from techpulse.clock import utcnow
from techpulse.demo import content
from techpulse.extensions import db
from techpulse.models import Article, Category, Role, SiteSettings, Status, User
from techpulse.services.editorial.article_editor import create_article
from techpulse.services.media.drawing import draw_banner
from techpulse.services.media.library import create_image
from techpulse.services.pages import PageFields, create_page, page_by_slug
from techpulse.slugs import slugify


def has_articles() -> bool:
    """Whether any article exists, in any state."""
    return db.session.scalar(select(Article.id).limit(1)) is not None


def seed_demo() -> list[str]:
    """Create whatever demo content is missing; return what was created, for the CLI to say."""
    created: list[str] = []
    if db.session.get(SiteSettings, 1) is None:
        db.session.add(SiteSettings(id=1, **content.SETTINGS))
        created.append("site settings")
    if _ensure_about_page():
        created.append("About page")
    categories = {name: _category(name, description, i) for i, (name, description) in
                  enumerate(content.CATEGORIES)}  # fmt: skip
    author = _author()
    stories = [content.LAUNCH_ARTICLE, *content.ARTICLES]
    palettes = {name: index for index, (name, _) in enumerate(content.CATEGORIES)}
    for story in stories:  # each category's banners share its colour
        category = categories[story["category"]]
        if _ensure_article(story, category, author, palettes[story["category"]]):
            created.append(f"article “{story['title']}”")
    db.session.commit()
    return created


def _ensure_about_page() -> bool:
    if page_by_slug("about") is not None:
        return False
    create_page(
        PageFields(
            title=content.ABOUT_TITLE,
            slug="about",
            body_md=content.ABOUT_BODY,
            seo_description="CodeDote Technologies: young IT professionals in Vadodara, "
            "India, building software for small and medium clients worldwide.",
        )
    )
    return True


def _category(name: str, description: str, position: int) -> Category:
    slug = slugify(name)
    category = db.session.scalar(select(Category).where(Category.slug == slug))
    if category is None:
        category = Category(name=name, slug=slug, description=description, position=position)
        db.session.add(category)
    return category


def _author() -> User:
    spec = content.AUTHOR
    author = db.session.scalar(select(User).where(User.slug == spec["slug"]))
    if author is None:
        author = User(role=Role.EDITOR.value, active=False, **spec)
        db.session.add(author)
    return author


def _ensure_article(story: dict[str, Any], category: Category, author: User, palette: int) -> bool:
    if db.session.scalar(select(Article.id).where(Article.slug == slugify(story["title"]))):
        return False
    alt = story.get("banner_alt") or f"TechPulse banner: the {category.name} category"
    banner = create_image(
        draw_banner(story["title"], category.name, palette=palette),
        alt,
        original_name=f"{slugify(story['title'])}.png",
    )
    create_article(
        title=story["title"],
        body_md=story["body"],
        category=category,
        author=author,
        excerpt_text=story.get("excerpt", ""),
        tags=story["tags"],
        banner=banner,
        status=Status.PUBLISHED,
        published_at=utcnow() - timedelta(hours=story["hours_ago"]),
        featured=story.get("featured", False),
    )
    return True
