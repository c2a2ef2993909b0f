"""The history of static pages: a snapshot of the page's editable content at every save."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from techpulse.clock import utcnow
from techpulse.extensions import db
from techpulse.models.accounts import User
from techpulse.models.types import UTCDateTime


class PageRevision(db.Model):
    """A page's title, slug, description, body and visibility as one save left them."""

    __tablename__ = "page_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("pages.id", ondelete="CASCADE"), index=True)
    editor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    note: Mapped[str] = mapped_column(String(120), default="")
    title: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(100))
    seo_description: Mapped[str] = mapped_column(String(300), default="")
    body_md: Mapped[str] = mapped_column(Text, default="")
    in_footer: Mapped[bool] = mapped_column(Boolean, default=False)
    published: Mapped[bool] = mapped_column(Boolean, default=True)

    editor: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<PageRevision {self.id} of page {self.page_id}>"
