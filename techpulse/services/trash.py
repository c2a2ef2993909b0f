"""The trash: deleted stories, pages and images are kept TRASH_DAYS, then purged for good.

A story in the trash has status TRASHED (off the site, out of lists, counts and search, its
slug, redirects, revisions and search row kept); a page or image has ``trashed_at`` set.
Restoring puts the story back in the status it had, so its page, old addresses, search hit
and list counts return, and the page cache is told by the write itself. Nothing needs cron:
the staff dashboard purges what is due (``purge_expired``), as does ``flask trash purge``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, select
from sqlalchemy.orm import selectinload

from techpulse.clock import utcnow
from techpulse.extensions import db
from techpulse.models import Article, Image, Page, Status, User, page_images
from techpulse.policy import can_empty_trash, can_restore, can_trash
from techpulse.services import audit
from techpulse.services.editorial.article_editor import change_status, delete_article
from techpulse.services.media import library

KINDS = {"article": Article, "page": Page, "image": Image}
Item = Article | Page | Image


class NotAllowed(Exception):
    """This person may not trash, restore or empty this item (403)."""


@dataclass(frozen=True)
class TrashItem:
    """One row of the trash page."""

    kind: str
    id: int
    title: str
    trashed_at: datetime
    purge_at: datetime
    row: Item


def kept_for() -> timedelta:
    """How long the trash keeps things (TRASH_DAYS)."""
    return timedelta(days=int(current_app.config["TRASH_DAYS"]))


def _name(item: Item) -> str:
    if isinstance(item, Image):
        return item.original_name or item.alt_text
    return item.title


def _kind(item: Item) -> str:
    return next(kind for kind, model in KINDS.items() if isinstance(item, model))


def move_to_trash(item: Item, user: User) -> None:
    """Move a story, page or image to the trash (committed); raises NotAllowed, ImageInUse."""
    if not can_trash(user, item) or is_trashed(item):
        raise NotAllowed
    if isinstance(item, Image):
        library.check_unused(item)
    audit.record(f"{_kind(item)}.trashed", _name(item), "", subject=item)
    item.trashed_at = utcnow()
    if isinstance(item, Article):
        item.status_before_trash = item.status
        change_status(item, user, Status.TRASHED, "Moved to the trash")
    else:
        db.session.commit()


def restore(item: Item, user: User) -> None:
    """Bring an item back from the trash, as it was (committed)."""
    if not is_trashed(item) or not can_restore(user, item):
        raise NotAllowed
    audit.record(f"{_kind(item)}.untrashed", _name(item), "", subject=item)
    item.trashed_at = None
    if isinstance(item, Article):
        status = Status(item.status_before_trash or Status.DRAFT)
        item.status_before_trash = ""
        change_status(item, user, status, "Brought back from the trash")
    else:
        db.session.commit()


def is_trashed(item: Item) -> bool:
    """Whether the item is in the trash."""
    return item.trashed_at is not None


def item_by_key(kind: str, item_id: int) -> Item | None:
    """The trashed item ``kind:id`` (None when missing or not in the trash)."""
    model = KINDS.get(kind)
    if model is None:
        return None
    query = select(model).where(model.id == item_id, model.trashed_at.is_not(None))
    if model is Article:  # a restore keeps a revision: it needs the tags and the byline
        query = query.options(selectinload(Article.tags), selectinload(Article.coauthor_links))
    return db.session.scalar(query)


def trashed(q: str = "", limit: int = 200) -> list[TrashItem]:
    """What is in the trash, most recently trashed first (a title filter, optional)."""
    keep = kept_for()
    items = []
    for kind, model in KINDS.items():
        query = select(model).where(model.trashed_at.is_not(None))
        if q.strip():
            column = model.original_name if model is Image else model.title
            query = query.where(column.icontains(q.strip(), autoescape=True))
        for row in db.session.scalars(query.order_by(model.trashed_at.desc()).limit(limit)):
            when = row.trashed_at
            items.append(TrashItem(kind, row.id, _name(row), when, when + keep, row))
    return sorted(items, key=lambda item: item.trashed_at, reverse=True)[:limit]


def purge(item: Item, user: User | None, action: str = "purged") -> bool:
    """Delete a trashed item for good (committed); False when it cannot go (an image in use)."""
    if user is not None and not can_empty_trash(user):
        raise NotAllowed
    kind, name = _kind(item), _name(item)
    if isinstance(item, Article):
        delete_article(item, action=f"article.{action}")
        return True
    if isinstance(item, Image):
        try:
            library.delete_image(item, action=f"image.{action}")
        except library.ImageInUse:
            db.session.rollback()
            return False
        return True
    audit.record(f"{kind}.{action}", name, "", actor=user)
    db.session.execute(delete(page_images).where(page_images.c.page_id == item.id))
    db.session.delete(item)
    db.session.commit()
    return True


def purge_expired(now: datetime | None = None, limit: int = 50) -> int:
    """Delete for good what has been in the trash longer than TRASH_DAYS; how many went."""
    cutoff = (now or utcnow()) - kept_for()
    gone = 0
    for model in KINDS.values():
        query = select(model).where(model.trashed_at < cutoff).order_by(model.trashed_at)
        for row in db.session.scalars(query.limit(limit)).all():
            gone += purge(row, None, action="purged")
    return gone
