"""State of the serving path kept in the database."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from techpulse.extensions import db


class PageCacheGeneration(db.Model):
    """The one row holding the page-cache generation when there is no Redis (id 1)."""

    __tablename__ = "page_cache_generation"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(32))
