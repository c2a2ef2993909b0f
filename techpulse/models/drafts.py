"""Work in progress that is not content yet: editor autosaves and text kept across a login.

Nothing here is shown to the public, so writing these rows never touches a live page.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, ForeignKey, String, Table
from sqlalchemy.orm import Mapped, mapped_column

from techpulse.clock import utcnow
from techpulse.extensions import db
from techpulse.models.types import UTCDateTime

# Which library images a story's body shows (kept at each save; an image in use is not deleted).
article_images = Table(
    "article_images",
    db.metadata,
    Column("article_id", ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("image_id", ForeignKey("images.id", ondelete="RESTRICT"), primary_key=True, index=True),
)
# The same for static pages (About, imported WordPress pages…).
page_images = Table(
    "page_images",
    db.metadata,
    Column("page_id", ForeignKey("pages.id", ondelete="CASCADE"), primary_key=True),
    Column("image_id", ForeignKey("images.id", ondelete="RESTRICT"), primary_key=True, index=True),
)


class EditorDraft(db.Model):
    """The editor's latest unsaved text: one autosave per person and article, or a login stash.

    ``key`` is ``"<user id>:<article id or new>"`` for autosaves and ``"stash:<token>"`` for
    text sent after the session ended, kept until its writer logs in again.
    """

    __tablename__ = "editor_drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    article_id: Mapped[int | None] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), index=True
    )
    # The form's fields as typed: title, slug, excerpt, body, category, tags, seo_*, banner_id.
    fields: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    def __repr__(self) -> str:
        return f"<EditorDraft {self.key}>"
