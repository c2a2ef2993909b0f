"""The review loop: who is told when a story is submitted, sent back or approved; comments.

Notices are rows on the recipient's dashboard; each also goes out by e-mail through the
outbox (queued in the same transaction, sent after the commit, retried if the server is away).
Comments are kept with the story, threaded by reply, and never shown to the public.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from techpulse.clock import utcnow
from techpulse.extensions import db
from techpulse.models import (
    Article,
    ArticleComment,
    CommentKind,
    OutgoingMail,
    Role,
    StaffNotice,
    Status,
    User,
)
from techpulse.policy import can_comment, can_review
from techpulse.services import audit, outbox
from techpulse.web.field_errors import FieldError
from techpulse.web.urls import link_anywhere

MAX_COMMENT = 5000


class NotAllowed(Exception):
    """This person may not do that to this story (answered with 403)."""


def desk() -> list[User]:
    """The active editors and admins: who is told about submissions."""
    ranks = (Role.EDITOR.value, Role.ADMIN.value)
    query = select(User).where(User.role.in_(ranks), User.active.is_(True)).order_by(User.id)
    return list(db.session.scalars(query))


def tell(people: list[User], article: Article, text: str, body: str) -> list[OutgoingMail]:
    """A dashboard notice and an e-mail (queued) for each person, about ``article``."""
    link = link_anywhere("admin.articles_edit", article_id=article.id)
    mails = []
    for person in dict.fromkeys(people):
        db.session.add(StaffNotice(user_id=person.id, article_id=article.id, text=text[:300]))
        if person.email:
            mails.append(outbox.queue(person.email, text, f"Hello {person.name},\n\n{body}", link))
    return mails


def after_action(article: Article, editor: User, action: str, before: str) -> list[OutgoingMail]:
    """Tell whoever needs to know about a save: a submission, or an approval of one."""
    title = article.title
    if action == "submit":
        editors = [person for person in desk() if person.id != editor.id]
        text = f"“{title}” by {editor.name} is waiting for review"
        return tell(editors, article, text, f"{editor.name} submitted “{title}” for review.")
    if action in ("publish", "schedule") and before == Status.REVIEW:
        audit.record("article.approved", article.title, editor.name, subject=article)
        _comment(article, editor, "Approved.", CommentKind.APPROVED)
        if article.author_id == editor.id:
            return []
        done = "published" if action == "publish" else "scheduled"
        text = f"“{title}” was approved and {done} by {editor.name}"
        return tell([_author(article)], article, text, f"{text}.")
    return []


def _author(article: Article) -> User:
    """The story's author (whether or not the article was loaded with it)."""
    return db.session.get(User, article.author_id)


def _comment(
    article: Article, user: User, body: str, kind: CommentKind, parent_id: int | None = None
) -> ArticleComment:
    comment = ArticleComment(
        article_id=article.id, author_id=user.id, body=body, kind=kind.value, parent_id=parent_id
    )
    db.session.add(comment)
    return comment


def _checked_text(text: str, field: str, empty: str) -> str:
    text = text.strip()
    if not text:
        raise FieldError(field, empty)
    if len(text) > MAX_COMMENT:
        raise FieldError(field, f"Keep it under {MAX_COMMENT} characters.")
    return text


def add_comment(article: Article, user: User, text: str, parent_id: int | None = None) -> None:
    """Keep a comment (or a reply) with the story, tell the other side, commit."""
    if not can_comment(user, article):
        raise NotAllowed
    body = _checked_text(text, "comment", "Write the comment first.")
    if parent_id is not None and _comment_of(article, parent_id) is None:
        parent_id = None  # a reply to a comment that is gone becomes a comment
    _comment(article, user, body, CommentKind.COMMENT, parent_id)
    audit.record("article.commented", article.title, body[:200], subject=article)
    readers = [_author(article)] if user.id != article.author_id else _commenters(article, user)
    text_ = f"{user.name} commented on “{article.title}”"
    mails = tell(readers, article, text_, f"{text_}:\n\n{body}")
    db.session.commit()
    outbox.deliver_all([mail.id for mail in mails])


def _comment_of(article: Article, comment_id: int) -> ArticleComment | None:
    comment = db.session.get(ArticleComment, comment_id)
    return comment if comment is not None and comment.article_id == article.id else None


def _commenters(article: Article, user: User) -> list[User]:
    """Editors who commented on the story (else the whole desk), without ``user``."""
    ids = select(ArticleComment.author_id).where(ArticleComment.article_id == article.id)
    query = select(User).where(User.id.in_(ids), User.id != user.id, User.active.is_(True))
    found = list(db.session.scalars(query))
    return found or [person for person in desk() if person.id != user.id]


def send_back(article: Article, editor: User, reason: str) -> None:
    """Return a story in review to its author as a draft, with the reason; tell them; commit."""
    from techpulse.services.editorial.article_editor import change_status

    if not can_review(editor) or article.status == Status.TRASHED:
        raise NotAllowed
    if article.status != Status.REVIEW:
        raise FieldError("reason", "Only a story waiting for review can be sent back.")
    body = _checked_text(reason, "reason", "Say what needs to change before it can run.")
    _comment(article, editor, body, CommentKind.SENT_BACK)
    audit.record("article.sent_back", article.title, body[:300], subject=article)
    text = f"{editor.name} sent “{article.title}” back to you"
    mails = tell([_author(article)], article, text, f"{text}:\n\n{body}")
    change_status(article, editor, Status.DRAFT, "Sent back to the author")
    outbox.deliver_all([mail.id for mail in mails])


@dataclass
class Thread:
    """A comment and its replies, oldest first."""

    comment: ArticleComment
    replies: list[ArticleComment] = field(default_factory=list)


def discussion(article: Article) -> list[Thread]:
    """The story's comments as threads, oldest first (two queries at most)."""
    query = (
        select(ArticleComment)
        .where(ArticleComment.article_id == article.id)
        .options(joinedload(ArticleComment.author))
        .order_by(ArticleComment.created_at, ArticleComment.id)
    )
    comments = list(db.session.scalars(query))
    threads = {c.id: Thread(c) for c in comments if c.parent_id is None}
    for comment in comments:
        if comment.parent_id is not None:
            parent = threads.get(comment.parent_id)
            if parent is None:  # a reply to a reply joins the thread of its ancestor
                parent = next((t for t in threads.values() if _in(t, comment.parent_id)), None)
            (parent.replies if parent else []).append(comment)
    return list(threads.values())


def _in(thread: Thread, comment_id: int) -> bool:
    return any(reply.id == comment_id for reply in thread.replies)


def latest_sent_back(article: Article) -> ArticleComment | None:
    """The last "send back" of a draft, for the author to read at the top of the editor."""
    if article.status != Status.DRAFT:
        return None
    query = (
        select(ArticleComment)
        .where(ArticleComment.article_id == article.id)
        .order_by(ArticleComment.id.desc())
        .limit(1)
    )
    last = db.session.scalar(query.options(joinedload(ArticleComment.author)))
    return last if last is not None and last.kind == CommentKind.SENT_BACK else None


def unread_notices(user: User, limit: int = 10) -> list[StaffNotice]:
    """The user's unread notices, newest first."""
    query = (
        select(StaffNotice)
        .where(StaffNotice.user_id == user.id, StaffNotice.read_at.is_(None))
        .order_by(StaffNotice.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query))


def mark_notices_read(user: User) -> None:
    """Every notice of the user is read (committed)."""
    db.session.execute(
        update(StaffNotice)
        .where(StaffNotice.user_id == user.id, StaffNotice.read_at.is_(None))
        .values(read_at=utcnow())
    )
    db.session.commit()
