"""Unsaved editor text: autosaves per person and article, and text kept across a new login.

These rows never change an article, so an autosave of a published story leaves the live
page alone and adds no revision; a real save through ``article_editor`` clears them.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select

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
# Texts kept per writer across a login; a further one replaces their oldest.
MAX_STASHES_PER_WRITER = 20


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


def stash(fields: dict[str, str], article_id: int | None, writer: User) -> str:
    """Keep text sent after ``writer``'s session ended until they log in; returns the token.

    Only the writer can claim it back. Each writer keeps at most MAX_STASHES_PER_WRITER (their
    oldest goes first), so nobody can fill the store for anyone else.
    """
    now = utcnow()
    db.session.execute(
        delete(EditorDraft).where(
            EditorDraft.key.startswith("stash:"), EditorDraft.saved_at < now - STASH_LIFETIME
        )
    )
    theirs = select(EditorDraft.id).where(
        EditorDraft.key.startswith("stash:"), EditorDraft.user_id == writer.id
    )
    kept = list(
        db.session.scalars(theirs.order_by(EditorDraft.saved_at.desc(), EditorDraft.id.desc()))
    )
    if stale := kept[MAX_STASHES_PER_WRITER - 1 :]:
        db.session.execute(delete(EditorDraft).where(EditorDraft.id.in_(stale)))
    token = secrets.token_urlsafe(24)
    exists = article_id is not None and db.session.get(Article, article_id) is not None
    db.session.add(
        EditorDraft(
            key=f"stash:{token}", user_id=writer.id, article_id=article_id if exists else None,
            fields=fields, saved_at=now,
        )
    )  # fmt: skip
    db.session.commit()
    return token


def claim_stash(token: str, user: User) -> dict[str, str] | None:
    """``user``'s text kept under ``token`` (once: it is deleted), or None when gone, expired
    or kept for someone else (whose text then stays theirs)."""
    key = f"stash:{token[:60]}"
    query = select(EditorDraft).where(EditorDraft.key == key, EditorDraft.user_id == user.id)
    draft = db.session.scalar(query)
    if draft is None:
        return None
    fields = dict(draft.fields)
    fresh = draft.saved_at > utcnow() - STASH_LIFETIME
    db.session.delete(draft)
    db.session.commit()
    return fields if fresh else None
