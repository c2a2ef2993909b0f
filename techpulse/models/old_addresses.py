"""What an imported WordPress site built its addresses from (read by the old-address resolver)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, String
from sqlalchemy.orm import Mapped, mapped_column

from techpulse.extensions import db


class WordPressPost(db.Model):
    """What WordPress built a post's, page's or attachment's addresses from.

    The old-address resolver reads it to answer any permalink structure (date, post id,
    category, plain slug) without a list of every form: a lookup by ``post_name`` or by
    ``post_id``, both indexed. ``local_date`` is the site-local ``post_date`` WordPress puts
    in date links (not the GMT date).
    """

    __tablename__ = "wordpress_posts"

    post_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(String(16))  # "article", "page" or "image"
    target_id: Mapped[int]
    post_name: Mapped[str] = mapped_column(String(200), index=True)
    local_date: Mapped[date | None] = mapped_column(Date)

    def __repr__(self) -> str:
        return f"<WordPressPost {self.post_id} {self.kind} {self.target_id}>"
