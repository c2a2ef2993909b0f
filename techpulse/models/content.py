"""Articles and what they are filed under; static pages."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    JSON,
    BindParameter,
    Boolean,
    Column,
    ColumnElement,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    and_,
    false,
    or_,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from techpulse.clock import utcnow
from techpulse.extensions import db
from techpulse.models.accounts import User
from techpulse.models.media import Image
from techpulse.models.types import UTCDateTime


class Status(StrEnum):
    """Where an article is in its life."""

    DRAFT = "draft"
    REVIEW = "review"
    SCHEDULED = "scheduled"
    PUBLISHED = "published"
    TRASHED = "trashed"  # in the trash: kept TRASH_DAYS, then purged (services/trash.py)


article_tags = Table(
    "article_tags",
    db.metadata,
    Column("article_id", ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True),
    # The story's published_at while it is published or scheduled, else NULL: a tag's page
    # reads its newest live stories from this table's own index, never walking the stories
    # of every other tag. Kept by every write (services/tag_listing.py).
    Column("live_from", UTCDateTime, nullable=True),
    Index("ix_article_tags_tag_live", "tag_id", "live_from", "article_id"),
)


class Category(db.Model):
    """A section of the site, shown in the header navigation and as the article badge."""

    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0, index=True)

    def __repr__(self) -> str:
        return f"<Category {self.slug}>"


class Tag(db.Model):
    """A free keyword; an article has any number of them."""

    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)

    def __repr__(self) -> str:
        return f"<Tag {self.slug}>"


class Article(db.Model):
    """A news story. Its HTML, excerpt and reading time are derived once, when it is saved."""

    __tablename__ = "articles"
    # Public lists filter on live (status, published_at), maybe one of category, author or
    # featured, and walk newest first (published_at, id): each index below answers one such
    # list in index order, and holds status so a page's ids are read from the index alone.
    __table_args__ = (
        Index("ix_articles_live", "published_at", "id", "status"),
        Index("ix_articles_category_live", "category_id", "published_at", "id", "status"),
        Index("ix_articles_author_live", "author_id", "published_at", "id", "status"),
        Index("ix_articles_featured_live", "featured", "published_at", "id", "status"),
        # Scheduled stories that are due (recorded as gone live once), and staff counts.
        Index("ix_articles_status_published", "status", "published_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(200), unique=True)
    excerpt: Mapped[str] = mapped_column(String(500), default="")
    # Whether staff wrote the excerpt; if not, it is derived from the opening at every save.
    excerpt_written: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    body_md: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")
    reading_minutes: Mapped[int] = mapped_column(default=1)
    # The story's language when it is not the site's ("hi" for a story in Devanagari), set
    # from its text at every save (techpulse/markup/language.py); "" means the site's.
    language: Mapped[str] = mapped_column(String(8), default="", server_default="")
    status: Mapped[str] = mapped_column(String(16), default=Status.DRAFT.value)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, onupdate=utcnow, index=True
    )
    featured: Mapped[bool] = mapped_column(Boolean, default=False)
    seo_title: Mapped[str] = mapped_column(String(120), default="")
    seo_description: Mapped[str] = mapped_column(String(300), default="")
    # The post id in the WordPress export it came from: a re-import updates, never duplicates.
    wordpress_id: Mapped[int | None] = mapped_column(unique=True)
    # The post id in the Ghost export it came from (24 hex digits), for the same reason.
    ghost_id: Mapped[str | None] = mapped_column(String(40), unique=True)
    # Per-story overrides for link previews and search engines (empty: the defaults).
    social_title: Mapped[str] = mapped_column(String(120), default="", server_default="")
    social_description: Mapped[str] = mapped_column(String(300), default="", server_default="")
    social_image_id: Mapped[int | None] = mapped_column(
        ForeignKey("images.id", ondelete="RESTRICT"), index=True
    )
    canonical_url: Mapped[str] = mapped_column(String(500), default="", server_default="")
    noindex: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # When the desk plans to run a draft (the editorial calendar shows it on that day).
    target_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    # In the trash since (status TRASHED); the status to go back to when restored.
    trashed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    status_before_trash: Mapped[str] = mapped_column(String(16), default="", server_default="")

    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id", ondelete="RESTRICT"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    banner_id: Mapped[int | None] = mapped_column(
        ForeignKey("images.id", ondelete="RESTRICT"), index=True
    )

    category: Mapped[Category] = relationship(lazy="raise_on_sql")
    author: Mapped[User] = relationship(lazy="raise_on_sql")
    banner: Mapped[Image | None] = relationship(lazy="raise_on_sql", foreign_keys=[banner_id])
    social_image: Mapped[Image | None] = relationship(
        lazy="raise_on_sql", foreign_keys=[social_image_id]
    )
    tags: Mapped[list[Tag]] = relationship(
        secondary=article_tags, order_by=Tag.name, lazy="raise_on_sql"
    )
    # Co-authors after the author, in byline order.
    coauthor_links: Mapped[list[ArticleCoauthor]] = relationship(
        order_by="ArticleCoauthor.position",
        cascade="all, delete-orphan",
        passive_deletes=True,
        lazy="raise_on_sql",
        back_populates="article",
    )

    @classmethod
    def live(cls, now: datetime | BindParameter[datetime] | None = None) -> ColumnElement[bool]:
        """SQL condition for "the public may see this": published, or scheduled and due.

        ``now`` may be a bound parameter, for statements built once and run many times.
        """
        # Two equalities rather than IN (…): SQLAlchemy splices an IN list into the SQL text
        # on every run, and databases read both forms the same way.
        published = or_(cls.status == Status.PUBLISHED.value, cls.status == Status.SCHEDULED.value)
        return and_(published, cls.published_at <= (utcnow() if now is None else now))

    def is_live(self, now: datetime | None = None) -> bool:
        """Python twin of :meth:`live` for an article already loaded."""
        return (
            self.status in (Status.PUBLISHED, Status.SCHEDULED)
            and self.published_at is not None
            and self.published_at <= (now or utcnow())
        )

    @property
    def bylines(self) -> list[User]:
        """Everyone the story is by: the author, then the co-authors in order."""
        return [self.author, *(link.user for link in self.coauthor_links)]

    @property
    def share_title(self) -> str:
        """The title link previews show: the social override, else the SEO title or title."""
        return self.social_title or self.display_title

    @property
    def share_description(self) -> str:
        """The description link previews show."""
        return self.social_description or self.meta_description

    @property
    def display_title(self) -> str:
        """The title used in <title> and social cards."""
        return self.seo_title or self.title

    @property
    def meta_description(self) -> str:
        return self.seo_description or self.excerpt

    @property
    def modified_at(self) -> datetime:
        """When readers last saw a change: the last edit, or going live if that came later."""
        return max(self.updated_at, self.published_at or self.updated_at)

    def __repr__(self) -> str:
        return f"<Article {self.slug}>"


class ArticleCoauthor(db.Model):
    """A co-author of a story, in byline order after its author."""

    __tablename__ = "article_coauthors"

    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="RESTRICT"), primary_key=True, index=True
    )
    position: Mapped[int] = mapped_column(default=0)

    article: Mapped[Article] = relationship(back_populates="coauthor_links")
    user: Mapped[User] = relationship(lazy="joined")

    def __repr__(self) -> str:
        return f"<ArticleCoauthor {self.article_id}:{self.user_id}>"


class SlugRedirect(db.Model):
    """An article's former slug, answered with a 301 to its current URL."""

    __tablename__ = "slug_redirects"

    old_slug: Mapped[str] = mapped_column(String(200), primary_key=True)
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), index=True
    )


class Page(db.Model):
    """A static page such as About, written in Markdown and stored with its HTML."""

    __tablename__ = "pages"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    body_md: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")
    seo_description: Mapped[str] = mapped_column(String(300), default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    wordpress_id: Mapped[int | None] = mapped_column(unique=True)  # see Article.wordpress_id
    ghost_id: Mapped[str | None] = mapped_column(String(40), unique=True)  # see Article.ghost_id
    in_footer: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # In the trash since (a 404 for everyone, linked from nowhere) until restored or purged.
    trashed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    # A draft page is a 404 for visitors (staff see it with a notice) and linked from nowhere.
    published: Mapped[bool] = mapped_column(
        Boolean, default=True, server_default=true(), index=True
    )

    def __repr__(self) -> str:
        return f"<Page {self.slug}>"


class Revision(db.Model):
    """A snapshot of an article's editable content, kept at every save."""

    __tablename__ = "revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), index=True
    )
    editor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    note: Mapped[str] = mapped_column(String(120), default="")
    title: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(200))
    excerpt: Mapped[str] = mapped_column(String(500), default="")
    body_md: Mapped[str] = mapped_column(Text, default="")
    seo_title: Mapped[str] = mapped_column(String(120), default="")
    seo_description: Mapped[str] = mapped_column(String(300), default="")
    featured: Mapped[bool] = mapped_column(Boolean, default=False)
    category_id: Mapped[int | None] = mapped_column(
        ForeignKey("categories.id", ondelete="SET NULL")
    )
    banner_id: Mapped[int | None] = mapped_column(ForeignKey("images.id", ondelete="SET NULL"))
    tag_names: Mapped[list[str]] = mapped_column(JSON, default=list)

    editor: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<Revision {self.id} of article {self.article_id}>"


class ListingCount(db.Model):
    """How many articles are published or scheduled in one listing ("all", "category:3", …).

    Kept up to date on every write (see services/listing_counts.py) so list pages never
    count a whole table.
    """

    __tablename__ = "listing_counts"

    scope: Mapped[str] = mapped_column(String(40), primary_key=True)
    total: Mapped[int] = mapped_column(default=0)
    # The newest change readers can see in the scope: the latest of published_at and
    # updated_at over its stories live when counted (and those going live since, recorded
    # by services/editorial/going_live.py). The sitemap's lastmod of each archive; None
    # when no story in the scope is live.
    newest_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<ListingCount {self.scope}={self.total}>"
