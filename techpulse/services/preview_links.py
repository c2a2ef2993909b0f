"""Draft preview links: a signed address that shows a story's saved text to whoever holds it.

The token is the link's row id and story id, signed with the site's secret key, so it cannot
be guessed or altered; the row says until when it works and whether it was revoked.
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from techpulse.clock import utcnow
from techpulse.extensions import db
from techpulse.models import Article, PreviewLink, Status, User
from techpulse.policy import can_share_preview
from techpulse.services import audit

SALT = "techpulse.draft-preview"
PREVIEW_LOADS = (
    joinedload(Article.category),
    joinedload(Article.author),
    joinedload(Article.banner),
    selectinload(Article.tags),
    selectinload(Article.coauthor_links),
)


class NotAllowed(Exception):
    """This person may not share or revoke previews of this story (403)."""


def _signer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt=SALT)


def token_for(link: PreviewLink) -> str:
    """The signed token of a link's address."""
    return str(_signer().dumps([link.id, link.article_id]))


def create_link(article: Article, user: User) -> PreviewLink:
    """A new link to the story's saved draft, open for PREVIEW_LINK_DAYS (committed)."""
    if not can_share_preview(user, article):
        raise NotAllowed
    days = int(current_app.config["PREVIEW_LINK_DAYS"])
    link = PreviewLink(
        article_id=article.id, created_by_id=user.id, expires_at=utcnow() + timedelta(days=days)
    )
    db.session.add(link)
    audit.record("article.preview_link_created", article.title, f"{days} days", subject=article)
    db.session.commit()
    return link


def revoke(article: Article, link_id: int, user: User) -> None:
    """Close one of the story's links at once (committed)."""
    link = db.session.get(PreviewLink, link_id)
    if link is None or link.article_id != article.id:
        return
    if not can_share_preview(user, article):
        raise NotAllowed
    if link.revoked_at is None:
        link.revoked_at = utcnow()
        audit.record("article.preview_link_revoked", article.title, "", subject=article)
    db.session.commit()


def open_links(article: Article) -> list[PreviewLink]:
    """The story's links that still work, newest first."""
    query = (
        select(PreviewLink)
        .where(
            PreviewLink.article_id == article.id,
            PreviewLink.revoked_at.is_(None),
            PreviewLink.expires_at > utcnow(),
        )
        .order_by(PreviewLink.id.desc())
    )
    return list(db.session.scalars(query))


def article_for_token(token: str) -> Article | None:
    """The story a token opens, if its link is signed, open, and the story is not trashed."""
    try:
        link_id, article_id = _signer().loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    link = db.session.get(PreviewLink, link_id) if isinstance(link_id, int) else None
    if link is None or link.article_id != article_id or not link.is_open(utcnow()):
        return None
    query = select(Article).where(Article.id == article_id, Article.status != Status.TRASHED)
    return db.session.scalar(query.options(*PREVIEW_LOADS))
