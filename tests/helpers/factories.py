"""Test data: committed rows built the way the site builds them, pictures, a movable clock."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from itertools import count
from typing import Any

from PIL import Image as PILImage

from techpulse import clock
from techpulse.extensions import db
from techpulse.models import Article, Category, Image, Page, Role, SiteSettings, Status, User
from techpulse.services.access.accounts import create_user
from techpulse.services.editorial.article_editor import create_article
from techpulse.services.media.library import create_image
from techpulse.services.pages import PageFields, create_page
from techpulse.slugs import slugify
from tests.helpers.accounts import PASSWORD


@dataclass
class MovableClock:
    """The site's clock, frozen at ``at`` until ``advance(hours=2)`` moves it."""

    at: datetime

    def __call__(self) -> datetime:
        return self.at

    def advance(self, **delta: float) -> datetime:
        self.at += timedelta(**delta)
        return self.at


class QueryCounter:
    """Counts SQL statements sent while it is active."""

    def __init__(self) -> None:
        self.statements: list[str] = []

    def __call__(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        self.statements.append(statement)

    @property
    def count(self) -> int:
        return len(self.statements)


@lru_cache(maxsize=32)
def image_bytes(width: int = 1800, height: int = 1000, fmt: str = "JPEG") -> bytes:
    """A small, fast-to-encode test picture (made once per size: bytes do not change)."""
    buffer = io.BytesIO()
    PILImage.new("RGB", (width, height), (30, 90, 200)).save(buffer, fmt)
    return buffer.getvalue()


class Factory:
    """Builds committed rows with sensible defaults; every name is unique."""

    def __init__(self) -> None:
        self._n = count(1)

    def settings(self, **fields: Any) -> SiteSettings:
        settings = db.session.get(SiteSettings, 1) or SiteSettings(id=1)
        defaults = {
            "site_name": "TechPulse",
            "company_name": "CodeDote Technologies",
            "about_blurb": "A team of young IT professionals in Vadodara, India.",
            "city": "Vadodara",
            "country": "India",
        }
        for key, value in {**defaults, **fields}.items():
            setattr(settings, key, value)
        db.session.add(settings)
        db.session.commit()
        return settings

    def category(self, name: str | None = None) -> Category:
        name = name or f"Category {next(self._n)}"
        category = Category(name=name, slug=slugify(name))
        db.session.add(category)
        db.session.commit()
        return category

    def user(self, name: str | None = None, role: Role = Role.AUTHOR, **fields: Any) -> User:
        n = next(self._n)
        name = name or f"Writer {n}"
        user = User(name=name, slug=slugify(name), email=f"user{n}@example.com", role=role.value)
        for key, value in fields.items():
            setattr(user, key, value)
        db.session.add(user)
        db.session.commit()
        return user

    def staff(self, role: Role = Role.EDITOR, name: str | None = None) -> User:
        """A staff account that can log in with ``PASSWORD``."""
        n = next(self._n)
        return create_user(f"staff{n}@example.com", name or f"Staff {n}", role, PASSWORD)

    def page(self, slug: str, title: str, body: str, seo_description: str = "") -> Page:
        """A static page, created the way staff create one."""
        return create_page(
            PageFields(title=title, slug=slug, body_md=body, seo_description=seo_description)
        )

    def image(self, alt: str = "A blue test picture", width: int = 1800) -> Image:
        image = create_image(image_bytes(width, width * 9 // 16), alt)
        db.session.commit()
        return image

    def article(
        self,
        title: str | None = None,
        *,
        status: Status = Status.PUBLISHED,
        published_at: datetime | None = None,
        hours_ago: float | None = None,
        category: Category | None = None,
        author: User | None = None,
        tags: tuple[str, ...] = (),
        banner: Image | bool | None = None,
        body: str = "Some **body** text for the story.",
        featured: bool = False,
    ) -> Article:
        n = next(self._n)
        if published_at is None and status != Status.DRAFT:
            published_at = clock.utcnow() - timedelta(hours=n if hours_ago is None else hours_ago)
        if banner is True:
            banner = self.image()
        article = create_article(
            title=title or f"Story number {n}",
            body_md=body,
            category=category or self.category(),
            author=author or self.user(),
            tags=tags,
            banner=banner or None,
            status=status,
            published_at=published_at,
            featured=featured,
        )
        db.session.commit()
        return article
