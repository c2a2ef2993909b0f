"""Unsaved editor text: autosaves per person and article, and text kept across a new login.

These rows never change an article, so an autosave of a published story leaves the live
page alone and adds no revision; a real save through ``article_editor`` clears them.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select

from techpulse.clock import utcnow
from techpulse.extensions import db
from techpulse.models import Article, EditorDraft, Page, User

# The editors' fields kept in a draft, with the longest value each may hold (articles and
# static pages: a page has title, slug, seo_description, body, status, in_footer).
DRAFT_FIELDS = {
    "title": 200, "slug": 200, "excerpt": 500, "body": 200_000, "category": 12, "tags": 500,
    "seo_title": 60, "seo_description": 300, "banner_id": 12, "featured": 5, "base_revision": 12,
    "status": 12, "in_footer": 5,
}  # fmt: skip
STASH_LIFETIME = timedelta(hours=2)
MAX_OPEN_STASHES = 200


class TooManyStashes(Exception):
    """More text is waiting for a login than any real newsroom sends; refuse more."""


def draft_fields(form: dict[str, Any]) -> dict[str, str]:
    """The editor's fields out of a submitted form, each cut to its longest allowed value."""
    return {name: str(form.get(name) or "")[:limit] for name, limit in DRAFT_FIELDS.items()}


def _key(user: User, article: Article | Page | None) -> str:
    if isinstance(article, Page):
        return f"{user.id}:page:{article.id}"
    return f"{user.id}:{article.id if article else 'new'}"


def autosave(user: User, article: Article | Page | None, fields: dict[str, str]) -> datetime:
    """Keep the editor's text as this person's autosave of this article, and commit."""
    key = _key(user, article)
    draft = db.session.scalar(select(EditorDraft).where(EditorDraft.key == key))
    if draft is None:
        owner = article.id if isinstance(article, Article) else None
        draft = EditorDraft(key=key, user_id=user.id, article_id=owner)
        db.session.add(draft)
    draft.fields, draft.saved_at = fields, utcnow()
    db.session.commit()
    return draft.saved_at


def pending_autosave(user: User, article: Article | Page | None) -> EditorDraft | None:
    """This person's autosave, when it is newer than the article and says something else."""
    draft = db.session.scalar(select(EditorDraft).where(EditorDraft.key == _key(user, article)))
    if draft is None:
        return None
    if article is not None and draft.saved_at <= article.updated_at:
        return None
    if not any(draft.fields.get(name) for name in ("title", "body")):
        return None
    return draft


def discard_autosave(user: User, article: Article | Page | None) -> None:
    """Forget this person's autosave of this article (after a real save, or on request)."""
    db.session.execute(delete(EditorDraft).where(EditorDraft.key == _key(user, article)))
    db.session.commit()


def stash(fields: dict[str, str], article_id: int | None) -> str:
    """Keep text sent after the session ended until its writer logs in; returns the token.

    Raises TooManyStashes when too many are already waiting (anyone can send this).
    """
    now = utcnow()
    db.session.execute(
        delete(EditorDraft).where(
            EditorDraft.user_id.is_(None), EditorDraft.saved_at < now - STASH_LIFETIME
        )
    )
    waiting = select(func.count()).select_from(EditorDraft).where(EditorDraft.user_id.is_(None))
    if (db.session.scalar(waiting) or 0) >= MAX_OPEN_STASHES:
        db.session.commit()
        raise TooManyStashes
    token = secrets.token_urlsafe(24)
    exists = article_id is not None and db.session.get(Article, article_id) is not None
    db.session.add(
        EditorDraft(key=f"stash:{token}", article_id=article_id if exists else None, fields=fields)
    )
    db.session.commit()
    return token


def claim_stash(token: str) -> dict[str, str] | None:
    """The text kept under ``token`` (once: it is deleted), or None when gone or expired."""
    key = f"stash:{token[:60]}"
    draft = db.session.scalar(select(EditorDraft).where(EditorDraft.key == key))
    if draft is None:
        return None
    fields = dict(draft.fields)
    fresh = draft.saved_at > utcnow() - STASH_LIFETIME
    db.session.delete(draft)
    db.session.commit()
    return fields if fresh else None
