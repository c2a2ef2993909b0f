"""Bulk actions on the article list: each story goes through the article editor (or the
trash) on its own, with its own checks, revision and audit event; refusals are reported."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from techpulse.extensions import db
from techpulse.models import Article, Status, User
from techpulse.services import trash
from techpulse.services.editorial.article_editor import NotPermitted, save_article
from techpulse.services.editorial.article_input import Action, input_from_article
from techpulse.web.field_errors import FieldError

MAX_ITEMS = 100


class BulkAction(StrEnum):
    """What can be done to many stories at once."""

    PUBLISH = "publish"
    UNPUBLISH = "unpublish"
    MOVE = "move"
    TAG = "tag"
    TRASH = "trash"
    RESTORE = "restore"


@dataclass
class Outcome:
    """How many stories changed, and why the others did not."""

    done: int = 0
    skipped: list[str] = field(default_factory=list)


def apply(
    user: User, ids: list[int], action: BulkAction, category_id: int | None = None, tag: str = ""
) -> Outcome:
    """Do ``action`` to each chosen story the user may change; skip (and say why) the rest."""
    outcome = Outcome()
    query = select(Article).where(Article.id.in_(ids[:MAX_ITEMS])).order_by(Article.id)
    query = query.options(selectinload(Article.tags), selectinload(Article.coauthor_links))
    for article in db.session.scalars(query).all():
        title = article.title
        try:
            changed = _one(article, user, action, category_id, tag.strip())
        except (NotPermitted, trash.NotAllowed):
            db.session.rollback()
            outcome.skipped.append(f"“{title}”: you may not do that to it")
        except FieldError as error:
            db.session.rollback()
            outcome.skipped.append(f"“{title}”: {error.message}")
        else:
            outcome.done += changed
            if not changed:
                outcome.skipped.append(f"“{title}”: nothing to change")
    return outcome


def _one(
    article: Article, user: User, action: BulkAction, category_id: int | None, tag: str
) -> bool:
    if action == BulkAction.TRASH:
        trash.move_to_trash(article, user)
    elif action == BulkAction.RESTORE:
        trash.restore(article, user)
    elif action == BulkAction.PUBLISH:
        if article.is_live() or article.status == Status.TRASHED:
            return False
        save_article(article, input_from_article(article), user, Action.PUBLISH)
    elif action == BulkAction.UNPUBLISH:
        if article.status not in (Status.PUBLISHED, Status.SCHEDULED):
            return False
        save_article(article, input_from_article(article), user, Action.UNPUBLISH)
    elif action == BulkAction.MOVE:
        if not category_id or article.category_id == category_id:
            return False
        save_article(
            article, input_from_article(article, category_id=category_id), user, Action.SAVE
        )
    else:
        names = tuple(t.name for t in article.tags)
        if not tag or tag.lower() in (name.lower() for name in names):
            return False
        changed = input_from_article(article, tag_names=(*names, tag))
        save_article(article, changed, user, Action.SAVE)
    return True
