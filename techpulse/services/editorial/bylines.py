"""Who a story is by (an author and co-authors in order), and its per-story overrides.

Checked before a save changes anything (``checked_extras``), written by the article editor
(``apply_extras``); a co-author's archive lists the story, and its listing counts follow
(``services/listing_counts.py`` notes the co-authors of every article it recounts).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy import func, or_, select

from techpulse.extensions import db
from techpulse.models import Article, ArticleCoauthor, Image, User
from techpulse.policy import can_review
from techpulse.services.editorial.article_input import Extras, site_time_to_utc
from techpulse.web.field_errors import FieldError

MAX_COAUTHORS = 8


class BylineRefused(Exception):
    """Only editors set who a story is by (answered with 403)."""


@dataclass(frozen=True)
class CheckedExtras:
    """Extras that passed their checks, ready to write."""

    author_id: int | None
    coauthor_ids: tuple[int, ...] | None
    social_title: str
    social_description: str
    social_image_id: int | None
    canonical_url: str
    noindex: bool
    target_at: datetime | None


def checked_extras(article: Article | None, extras: Extras, editor: User) -> CheckedExtras:
    """Validate the byline and overrides; FieldError on a bad value, BylineRefused on a forgery."""
    author_id = extras.author_id
    current = article.author_id if article is not None else editor.id
    if author_id is not None and db.session.get(User, author_id) is None:
        raise FieldError("author", "Choose the author from the list.")
    coauthors = None
    if extras.coauthors is not None:
        coauthors = _checked_coauthors(extras.coauthors, author_id or current)
    before = coauthor_ids(article) if article is not None else ()
    changes_byline = author_id not in (None, current) or coauthors not in (None, before)
    if changes_byline and not can_review(editor):
        raise BylineRefused
    image_id = extras.social_image_id or None
    if image_id is not None:
        image = db.session.get(Image, image_id)
        if image is None or image.trashed_at is not None:
            raise FieldError("social_image_id", "That image is no longer in the library.")
    return CheckedExtras(
        author_id=author_id,
        coauthor_ids=coauthors,
        social_title=" ".join(extras.social_title.split()),
        social_description=" ".join(extras.social_description.split()),
        social_image_id=image_id,
        canonical_url=_checked_canonical(extras.canonical_url),
        noindex=extras.noindex,
        target_at=site_time_to_utc(extras.target_at) if extras.target_at else None,
    )


def _checked_coauthors(names: tuple[str, ...], author_id: int) -> tuple[int, ...]:
    """Staff named (by name or e-mail, any case) in order, without the author or repeats."""
    ids = []
    for name in (" ".join(n.split()) for n in names):
        if not name:
            continue
        match = or_(func.lower(User.name) == name.lower(), func.lower(User.email) == name.lower())
        found = db.session.scalar(select(User.id).where(match).order_by(User.id).limit(1))
        if found is None:
            raise FieldError("coauthors", f"Nobody on the staff is called “{name}”.")
        ids.append(found)
    wanted = tuple(dict.fromkeys(i for i in ids if i != author_id))
    if len(wanted) > MAX_COAUTHORS:
        raise FieldError("coauthors", f"A story has at most {MAX_COAUTHORS} co-authors.")
    return wanted


def _checked_canonical(url: str) -> str:
    url = url.strip()
    if not url:
        return ""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or len(url) > 500:
        raise FieldError(
            "canonical_url", "Give a full address starting with https://, or leave it empty."
        )
    return url


def coauthor_ids(article: Article) -> tuple[int, ...]:
    """The co-authors' ids in byline order (the links loaded)."""
    return tuple(link.user_id for link in article.coauthor_links)


def apply_extras(article: Article, extras: CheckedExtras) -> None:
    """Write checked extras into the article (in the session; the caller commits)."""
    if extras.author_id is not None:
        article.author_id = extras.author_id
    if extras.coauthor_ids is not None:
        set_coauthors(article, extras.coauthor_ids)
    article.social_title = extras.social_title
    article.social_description = extras.social_description
    article.social_image_id = extras.social_image_id
    article.canonical_url = extras.canonical_url
    article.noindex = extras.noindex
    article.target_at = extras.target_at


def set_coauthors(article: Article, user_ids: tuple[int, ...]) -> None:
    """Make ``user_ids`` the story's co-authors, in that order."""
    if article.id is not None and coauthor_ids(article) == user_ids:
        return
    article.coauthor_links = [
        ArticleCoauthor(user_id=user_id, position=n) for n, user_id in enumerate(user_ids)
    ]


def describe_byline(article: Article) -> str:
    """ "A, B and C": the names in byline order."""
    names = [person.name for person in article.bylines]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
