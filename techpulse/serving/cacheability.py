"""Which responses the page cache may keep, for how long, and their caching headers."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from functools import cache

from flask import Flask, Response, current_app, g, request
from sqlalchemy import Select, bindparam, func, select, union_all
from sqlalchemy.exc import SQLAlchemyError

from techpulse.clock import utcnow
from techpulse.extensions import db
from techpulse.models import Article, Status
from techpulse.services.editorial.going_live import record_go_lives
from techpulse.serving.pagecache import CANDIDATE, COOKIE_FREE, STORE_UNTIL

log = logging.getLogger(__name__)

# Endpoints whose bytes never depend on who asks (Flask still marks them Vary: Cookie,
# because Flask-Login peeks at the session on every request).
COOKIE_FREE_ENDPOINTS = frozenset({"static", "media.file"})


def next_scheduled_publication(now: datetime) -> tuple[datetime | None, bool]:
    """When the next story due in the future goes live (cached pages must not outlive it),
    and whether a scheduled story's time has come without it being recorded yet: one query."""
    row = db.session.execute(_next_scheduled(), {"now": now}).one()
    return row[0], bool(row[1])


@cache
def _next_scheduled() -> Select[tuple[datetime | None, bool]]:
    """The statement, built once (every worker runs it after every write)."""
    now = bindparam("now", type_=Article.published_at.type)

    # Each part is the first entry of one status in ix_articles_status_published past a
    # point (ORDER BY … LIMIT 1): a short index range whatever ``now`` is. As min() and
    # EXISTS they were planned well for each value, but once PostgreSQL switched the
    # prepared statement to its generic plan (after a few runs) the EXISTS became a
    # sequential scan: 0.2-0.6 s after every write at 1,000,000 stories.
    def first(status: Status, after: bool) -> Select[tuple[datetime]]:
        when = Article.published_at > now if after else Article.published_at <= now
        query = select(Article.published_at).where(Article.status == status.value, when)
        return query.order_by(Article.published_at).limit(1)

    firsts = [first(status, True).subquery() for status in (Status.PUBLISHED, Status.SCHEDULED)]
    both = union_all(*(select(part.c.published_at) for part in firsts)).subquery()
    future = select(func.min(both.c.published_at)).scalar_subquery()
    unrecorded = first(Status.SCHEDULED, False).scalar_subquery()  # due, not recorded yet
    return select(future, unrecorded.is_not(None))


# The next scheduled publication, worked out once per generation in each worker: only a
# write (a new generation) or that moment passing can change it.
_next_due: dict[str, datetime | None] = {}


def next_due(generation: str, now: datetime) -> datetime | None:
    """:func:`next_scheduled_publication`, remembered for ``generation`` until it passes."""
    if generation in _next_due:
        due = _next_due[generation]
        if due is None or due > now:
            return due
    due, gone_live = next_scheduled_publication(now)
    if gone_live:  # a scheduled story's time came: the first read after it records that
        _record_go_lives(now)
    _next_due.clear()
    _next_due[generation] = due
    return due


def _record_go_lives(now: datetime) -> None:
    """Record, once, the scheduled stories that went live; never fail the page for it."""
    try:
        record_go_lives(now)
    except SQLAlchemyError:
        db.session.rollback()
        log.exception("could not record scheduled stories going live")


def _carries_visitor_token() -> bool:
    # Flask-WTF keeps the token it generated for this response's forms in ``g``.
    return current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token") in g


def _is_public_page(response: Response) -> bool:
    cache_control = response.headers.get("Cache-Control", "")
    return (
        request.method in ("GET", "HEAD")
        and request.blueprint in current_app.config["PAGE_CACHE_BLUEPRINTS"]
        and response.status_code == 200
        and not response.direct_passthrough
        and "private" not in cache_control
        and "no-store" not in cache_control
        and not _carries_visitor_token()
    )


def _logged_in() -> bool:
    """Whether a staff member is logged in, for a page-cache candidate: it carried neither the
    session nor the remember cookie (``PageCache``), so only a view that logged someone in
    (which loads the user) can make it true. Loading the user only to find no one would run
    Flask-Login's session checks (a SHA-512 of the address and browser) on every miss."""
    user = g.get("_login_user")
    return user is not None and bool(user.is_authenticated)


def mark_response(response: Response) -> Response:
    """Let the page cache keep public pages; give every public page validators."""
    if request.endpoint in COOKIE_FREE_ENDPOINTS:
        request.environ[COOKIE_FREE] = True
    if _carries_visitor_token():
        # A form with this visitor's token: no shared cache may keep it.
        response.headers.setdefault("Cache-Control", "private, no-cache")
        return response
    if not _is_public_page(response):
        return response
    response.headers.setdefault("Cache-Control", "no-cache")
    generation = request.environ.get(CANDIDATE)
    if generation and not _logged_in():
        now = utcnow()
        until = now + timedelta(seconds=current_app.config["PAGE_CACHE_MAX_AGE"])
        scheduled = next_due(generation, now)
        request.environ[STORE_UNTIL] = min(until, scheduled) if scheduled else until
        return response
    # Not stored (a visitor with a cookie, or the cache is off): validate here instead.
    response.add_etag()
    response.last_modified = utcnow().replace(microsecond=0)
    return response.make_conditional(request)


def register(app: Flask) -> None:
    """Install the response marking."""
    app.after_request(mark_response)
