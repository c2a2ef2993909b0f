"""Public reads of articles: the only way the public site loads them."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any

from flask import g
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Integer,
    Row,
    Select,
    String,
    and_,
    bindparam,
    cast,
    func,
    literal,
    literal_column,
    null,
    or_,
    select,
    true,
    union,
    union_all,
)
from sqlalchemy.orm import defer, joinedload, load_only
from sqlalchemy.orm.attributes import set_committed_value

from techpulse.clock import utcnow
from techpulse.extensions import db
from techpulse.models import (
    Article,
    ArticleCoauthor,
    Category,
    Image,
    SlugRedirect,
    Tag,
    User,
    article_tags,
)
from techpulse.models.types import UTCDateTime
from techpulse.services import listing_counts
from techpulse.services.listing_counts import in_scope
from techpulse.services.rows import Shape, core, detached, offsets
from techpulse.web.pagination import IndexedPagination

# A search hit names its section and author; a card and a story page every person in the
# byline (co-authors joined in the same statement: results are made unique).
HIT_LOADS = (joinedload(Article.category), joinedload(Article.banner), joinedload(Article.author))
CARD_LOADS = (*HIT_LOADS, joinedload(Article.coauthor_links))
STORY_LOADS = (*CARD_LOADS, joinedload(Article.social_image))
# A card or a row never shows the body: lists leave the big columns in the database.
CARD_COLUMNS = (defer(Article.body_md, raiseload=True), defer(Article.body_html, raiseload=True))
# How many of the newest stories in the category and in the tags are ranked as related.
RELATED_CANDIDATES = 24
# The statements public pages run on every cache miss are built once (functools.cache) and
# run with bound values (``now``, an id…): building a statement costs SQLAlchemy more than
# SQLite takes to answer it.
_NOW = bindparam("now")


def _card_query() -> Select[tuple[Article]]:
    """Articles with what a card shows (section and banner, never the author or the body)."""
    return select(Article).options(*CARD_LOADS, *CARD_COLUMNS)


def published_articles(
    page: int = 1,
    per_page: int = 10,
    *,
    category: Category | None = None,
    tag: Tag | None = None,
    author: User | None = None,
) -> Pagination:
    """One page of live articles, optionally within a category, tag or author.

    Its items are the stories' ids, newest first, read from the scope's index alone: pages
    show them as cards, and :func:`card_stories` loads only those not drawn already. The
    ids and the total come from one statement (one round trip).
    """
    kind, scope_id = "all", None
    for name, within in (("category", category), ("author", author), ("tag", tag)):
        if within is not None:
            kind, scope_id = name, within.id
    return _listing(kind, scope_id, page, per_page, hero=False)[1]


def home_listing(page: int, per_page: int) -> tuple[int | None, Pagination]:
    """The home page's hero (the newest live story marked featured, else the newest) and one
    page of the other live stories, in one statement: the hero is left out of every page,
    so no story shows up twice."""
    return _listing("all", None, page, per_page, hero=True)


def _listing(
    kind: str, scope_id: int | None, page: int, per_page: int, *, hero: bool
) -> tuple[int | None, Pagination]:
    scope = f"{kind}:{scope_id}" if scope_id is not None else kind
    statement, read = _listing_page(kind, hero=hero), {}

    def load(limit: int, offset: int) -> list[int]:
        values = {"scope": scope, "scope_id": scope_id, "ident": scope_id, "now": utcnow()}
        values |= {"limit": limit, "offset": offset, "window": limit + offset}
        rows = db.session.execute(statement, values).all()
        read["stored"], read["later"] = rows[0][0], rows[0][1]
        read["hero"] = rows[0][3] if hero else None
        return [row[2] for row in rows if row[2] is not None]

    def total() -> int:
        if read["stored"] is None:  # never counted: count exactly (listing_counts)
            live = listing_counts.live_total(scope)
        else:
            live = read["stored"] - read["later"]
        # The hero, left out, is always a live story in this scope.
        return max(0, live - (read["hero"] is not None))

    listing = IndexedPagination(
        page=page, per_page=per_page, error_out=False, load=load, counter=total
    )
    return read["hero"], listing


@cache
def _listing_page(kind: str, *, hero: bool) -> Select[Any]:
    """A page of one kind of list and the list's total, built once: every row carries the
    scope's stored total and how many of its stories are due later (``listing_counts``), a
    story's id (NULL for a page past the end: the totals still come back), and, for the
    home page, the hero's id."""
    counts = listing_counts.stored_and_due_later(kind).subquery()
    hero_id = _hero_id() if hero else None
    ids = _listing_ids(kind, hero_id).subquery()
    columns = [*counts.c, ids.c.id, *([hero_id.label("hero")] if hero_id is not None else [])]
    query = select(*columns).select_from(counts.outerjoin(ids, true()))
    return core(query.order_by(ids.c.at.desc(), ids.c.id.desc()))


def _hero_id() -> ColumnElement[int | None]:
    """The newest live story marked featured, else the newest: the second choice is read
    only when there is no first."""
    choices = (
        _newest_first(select(Article.id).where(Article.live(_NOW), *featured)).limit(1)
        for featured in ((Article.featured.is_(True),), ())
    )
    return func.coalesce(*(choice.scalar_subquery() for choice in choices))


def _listing_ids(kind: str, left_out: ColumnElement[Any] | None) -> Select[tuple[int, Any]]:
    """The ids (``id``) of a page of one kind of list, with what orders them (``at``),
    ``limit`` and ``offset`` bound; ``left_out``: a story never listed (the hero)."""
    if kind == "author":
        return _author_ids()
    if kind == "tag":
        return _tag_ids()
    ids = select(Article.id.label("id"), Article.published_at.label("at"))
    ids = ids.where(Article.live(_NOW), in_scope(kind, bindparam("scope_id")))
    if left_out is not None:
        ids = ids.where(Article.id != left_out)
    return _newest_first(ids).limit(bindparam("limit")).offset(bindparam("offset"))


def _tag_ids() -> Select[tuple[int]]:
    """A tag's page: its links carry their stories' live dates (``services/tag_listing``),
    so the page is read newest first from the tag's own index, however rare the tag."""
    link = article_tags.c
    ids = select(link.article_id.label("id"), link.live_from.label("at")).where(
        link.tag_id == bindparam("scope_id"), link.live_from <= _NOW
    )
    ids = ids.order_by(link.live_from.desc(), link.article_id.desc())
    return ids.limit(bindparam("limit")).offset(bindparam("offset"))


def _author_ids() -> Select[tuple[int]]:
    """An author's page: their own stories and those they co-wrote, each side read newest
    first from its own index and cut at the page's end, then merged."""
    window = bindparam("window")
    own = select(Article.id, Article.published_at).where(
        Article.live(_NOW), Article.author_id == bindparam("scope_id")
    )
    cowritten = (
        select(Article.id, Article.published_at)
        .join(ArticleCoauthor, ArticleCoauthor.article_id == Article.id)
        .where(Article.live(_NOW), ArticleCoauthor.user_id == bindparam("scope_id"))
    )
    arms = [_newest_first(arm).limit(window).subquery() for arm in (own, cowritten)]
    merged = union(*(select(arm) for arm in arms)).subquery()
    ordered = select(merged.c.id, merged.c.published_at.label("at"))
    ordered = ordered.order_by(merged.c.published_at.desc(), merged.c.id.desc())
    return ordered.limit(bindparam("limit")).offset(bindparam("offset"))


def card_stories(ids: Collection[int]) -> list[Article]:
    """The stories ``ids`` (in no particular order) with what their cards show, in one query."""
    return list(db.session.scalars(_card_stories(), {"ids": list(ids)}).unique())


@cache
def _card_stories() -> Select[tuple[Article]]:
    return _card_query().where(Article.id.in_(bindparam("ids", expanding=True)))


def _newest_first(query: Select[Any]) -> Select[Any]:
    return query.order_by(Article.published_at.desc(), Article.id.desc())


def recent_articles(limit: int = 5, exclude_id: int | None = None) -> list[Article]:
    """The ``limit`` most recently published live articles, leaving out ``exclude_id``, with
    what a sidebar row shows (slug, title, date, banner) and nothing else."""
    if limit <= 0:
        return []
    ids = [ident for ident in newest_article_ids(limit + 1) if ident != exclude_id]
    return article_rows(ids[:limit])


def article_rows(ids: Sequence[int]) -> list[Article]:
    """The stories ``ids``, in that order, with what a sidebar row shows.

    By primary key: SQLite keeps a story's later columns past its body, so a statement
    sorting the stories themselves would read every candidate's body from disk.
    """
    if not ids:
        return []
    found = {story.id: story for story in db.session.scalars(_rows(), {"ids": list(ids)})}
    return [found[ident] for ident in ids if ident in found]


@cache
def _rows() -> Select[tuple[Article]]:
    shown = load_only(
        Article.slug, Article.title, Article.published_at, Article.banner_id, raiseload=True
    )
    query = select(Article).options(shown, joinedload(Article.banner))
    return query.where(Article.id.in_(bindparam("ids", expanding=True)))


def newest_article_ids(limit: int) -> list[int]:
    """The ids of the ``limit`` newest live articles, from an index."""
    return list(db.session.scalars(_newest_ids(), {"limit": limit, "now": utcnow()}))


@cache
def _newest_ids() -> Select[tuple[int]]:
    query = select(Article.id).where(Article.live(_NOW))
    return core(_newest_first(query).limit(bindparam("limit")))


@dataclass(frozen=True)
class ArticleLookup:
    """The result of looking up a public article URL."""

    article: Article | None = None
    redirect_to: str | None = None


@cache
def _story_at_slug() -> tuple[Select[Any], tuple[Shape, ...], tuple[int, ...]]:
    """The live story at ``slug`` with what its page shows (STORY_LOADS, as plain columns:
    one row per co-author), the models in each row, and where each begins."""
    story, section, link = Article.__table__, Category.__table__, ArticleCoauthor.__table__
    banner, social = Image.__table__.alias("banner"), Image.__table__.alias("social_image")
    author, coauthor = User.__table__.alias("author"), User.__table__.alias("coauthor")
    shapes = (
        Shape(Article, story, leave_out={"body_md"}),
        Shape(Category, section),
        Shape(Image, banner),
        Shape(Image, social),
        Shape(User, author),
        Shape(ArticleCoauthor, link),
        Shape(User, coauthor),
    )
    joined = (
        story.outerjoin(section, section.c.id == story.c.category_id)
        .outerjoin(banner, banner.c.id == story.c.banner_id)
        .outerjoin(social, social.c.id == story.c.social_image_id)
        .outerjoin(author, author.c.id == story.c.author_id)
        .outerjoin(link, link.c.article_id == story.c.id)
        .outerjoin(coauthor, coauthor.c.id == link.c.user_id)
    )
    query = select(*(column for shape in shapes for column in shape.columns))
    query = query.select_from(joined).where(story.c.slug == bindparam("slug"), Article.live(_NOW))
    return core(query.order_by(link.c.position)), shapes, tuple(offsets(shapes))


def _story_from(rows: Sequence[Row[Any]]) -> Article:
    """The story of :func:`_story_at_slug`'s rows, its relationships set, in no session."""
    (story, section, banner, social, author, link, coauthor), at = _story_at_slug()[1:]
    first = rows[0]
    links = []
    for row in rows:
        if (found := link.values(row, at[5])) is not None:
            links.append(detached(ArticleCoauthor, found, user=coauthor.read_one(row, at[6])))
    return detached(
        Article,
        story.values(first, at[0]) or {},
        category=section.read_one(first, at[1]),
        banner=banner.read_one(first, at[2]),
        social_image=social.read_one(first, at[3]),
        author=author.read_one(first, at[4]),
        coauthor_links=links,
    )


@cache
def _story_tags() -> Select[Any]:
    tag = Tag.__table__
    query = select(tag).join(article_tags, article_tags.c.tag_id == tag.c.id)
    return query.where(article_tags.c.article_id == bindparam("id")).order_by(tag.c.name)


def article_by_slug(slug: str, *, tags: bool = True) -> ArticleLookup:
    """The live article at ``slug`` (with its tags), or the slug it moved to, or nothing.

    The article is read as plain rows and belongs to no session (``services/rows``):
    public pages only show it. ``tags=False`` leaves the tags to :func:`neighbours`, which
    reads them in its statement.
    """
    rows = db.session.execute(_story_at_slug()[0], {"slug": slug, "now": utcnow()}).all()
    if rows:
        article = _story_from(rows)
        if tags:
            found = db.session.execute(_story_tags(), {"id": article.id}).all()
            set_committed_value(article, "tags", [detached(Tag, row._asdict()) for row in found])
        return ArticleLookup(article=article)
    moved = select(Article.slug).join(SlugRedirect, SlugRedirect.article_id == Article.id)
    new_slug = db.session.scalar(moved.where(SlugRedirect.old_slug == slug, Article.live()))
    return ArticleLookup(redirect_to=new_slug)


@cache
def _related() -> Select[tuple[int]]:
    # The story's tags, read in the statement (a list of values would be spliced into the
    # SQL text on every call).
    tag_ids = select(article_tags.c.tag_id).where(article_tags.c.article_id == bindparam("id"))
    # Ids and dates come from the live indexes alone: no story row is read.
    newest = (
        select(Article.id, Article.published_at)
        .where(Article.live(_NOW), Article.id != bindparam("id"))
        .order_by(Article.published_at.desc(), Article.id.desc())
        .limit(RELATED_CANDIDATES)
    )
    arms = (
        newest.where(Article.category_id == bindparam("category_id")).subquery(),
        _newest_tagged().subquery(),
    )
    candidates = union(*(select(arm) for arm in arms)).subquery()
    shared_tags = (
        select(func.count())
        .select_from(article_tags)
        .where(article_tags.c.article_id == candidates.c.id, article_tags.c.tag_id.in_(tag_ids))
        .scalar_subquery()
    )
    shared = shared_tags.label("shared")
    query = select(candidates.c.id, shared, candidates.c.published_at)
    ranked = query.order_by(shared.desc(), candidates.c.published_at.desc())
    return core(ranked.limit(bindparam("limit")))


def _newest_tagged() -> Select[Any]:
    """The newest live stories sharing a tag with the story ``id``, each tag's read from its
    own links (``ix_article_tags_tag_live``): only its newest RELATED_CANDIDATES + 1 can be
    among the newest RELATED_CANDIDATES of them all. Walking the newest stories for one
    that has a rare tag read thousands of rows (100 ms at 1,000,000 stories)."""
    mine, link, other = (article_tags.alias(name) for name in ("mine", "link", "other"))
    floor = (
        select(other.c.live_from)
        .where(other.c.tag_id == mine.c.tag_id, other.c.live_from <= _NOW)
        .order_by(other.c.live_from.desc(), other.c.article_id.desc())
        .offset(RELATED_CANDIDATES)
        .limit(1)
        .scalar_subquery()
    )
    every = literal(datetime.min.replace(tzinfo=UTC), UTCDateTime())  # a tag of few stories
    tags = select(mine.c.tag_id, func.coalesce(floor, every).label("floor"))
    tags = tags.where(mine.c.article_id == bindparam("id")).subquery()
    within = and_(
        link.c.tag_id == tags.c.tag_id,
        link.c.live_from >= tags.c.floor,
        link.c.live_from <= _NOW,
        link.c.article_id != bindparam("id"),
    )
    shared = select(link.c.article_id.label("id"), link.c.live_from.label("published_at"))
    shared = shared.select_from(tags.join(link, within)).distinct()
    ordered = shared.order_by(link.c.live_from.desc(), link.c.article_id.desc())
    return ordered.limit(RELATED_CANDIDATES)


def related_article_ids(article: Article, limit: int = 3) -> list[int]:
    """Up to ``limit`` live articles sharing the category or a tag, most shared tags first.

    Only the newest stories of the category and of the tags are ranked, so the cost does
    not grow with the size of the site.
    """
    values = {"id": article.id, "category_id": article.category_id, "limit": limit}
    return list(db.session.scalars(_related(), {**values, "now": utcnow()}))


@dataclass(frozen=True)
class Neighbours:
    """What a story page links to besides itself: the stories just before and after it, and
    the related ones (ids, best first)."""

    older: Row[Any] | None
    newer: Row[Any] | None
    related: list[int]


@cache
def _neighbours() -> CompoundSelect:
    """:func:`_adjacent`, :func:`_related` and the story's tags as one statement (one round
    trip)."""
    nothing = (cast(null(), Integer), cast(null(), Integer), cast(null(), UTCDateTime()))
    sides = [
        select(side.c.slug, side.c.title, side.c.side, *nothing)
        for side in (arm.subquery() for arm in _adjacent_sides())
    ]
    related = _related().subquery()
    ranked = select(
        cast(null(), String), cast(null(), String), literal_column("'related'"),
        related.c.id, related.c.shared, related.c.published_at,
    )  # fmt: skip
    # The tags in the database's own name order (as the relationship orders them).
    order = func.row_number().over(order_by=Tag.name)
    tags = select(
        Tag.slug, Tag.name, literal_column("'tag'"), Tag.id, order, cast(null(), UTCDateTime())
    ).join(article_tags, article_tags.c.tag_id == Tag.id)
    tags = tags.where(article_tags.c.article_id == bindparam("id"))
    return core(union_all(*sides, ranked, tags))


def neighbours(article: Article, related: int = 3) -> Neighbours:
    """:func:`adjacent_articles` and :func:`related_article_ids` in one statement, which also
    reads the story's tags when :func:`article_by_slug` left them out."""
    values = {
        "published_at": article.published_at, "id": article.id, "now": utcnow(),
        "category_id": article.category_id, "limit": related,
    }  # fmt: skip
    rows = db.session.execute(_neighbours(), values).all()
    if "tags" not in article.__dict__:  # not read with the story (a loaded one is there)
        named = sorted((row for row in rows if row[2] == "tag"), key=lambda row: row[4])
        tags = [detached(Tag, {"id": row[3], "slug": row[0], "name": row[1]}) for row in named]
        set_committed_value(article, "tags", tags)
    found = {row[2]: row for row in rows if row[2] not in ("related", "tag")}
    ranked = sorted(
        (row for row in rows if row[2] == "related"),
        key=lambda row: (row[4], row[5]),
        reverse=True,
    )
    return Neighbours(found.get("older"), found.get("newer"), [row[3] for row in ranked])


def _adjacent_sides() -> list[Select[Any]]:
    when, ident = bindparam("published_at"), bindparam("id")
    story = select(Article.slug, Article.title).where(Article.live(_NOW))
    # The first condition alone is an index range; the second breaks ties on the id.
    older = story.where(
        Article.published_at <= when,
        or_(Article.published_at < when, and_(Article.published_at == when, Article.id < ident)),
    ).order_by(Article.published_at.desc(), Article.id.desc())
    newer = story.where(
        Article.published_at >= when,
        or_(Article.published_at > when, and_(Article.published_at == when, Article.id > ident)),
    ).order_by(Article.published_at, Article.id)
    return [
        select(side.add_columns(literal_column(f"'{name}'").label("side")).limit(1).subquery())
        for name, side in (("older", older), ("newer", newer))
    ]


@cache
def _adjacent() -> CompoundSelect:
    return core(union_all(*_adjacent_sides()))


def adjacent_articles(article: Article) -> tuple[Row[Any] | None, Row[Any] | None]:
    """(slug, title) of the live articles published just before and just after ``article``."""
    values = {"published_at": article.published_at, "id": article.id, "now": utcnow()}
    found = {row.side: row for row in db.session.execute(_adjacent(), values)}
    return found.get("older"), found.get("newer")


def category_by_slug(slug: str) -> Category | None:
    """The category at ``slug``."""
    return db.session.scalar(select(Category).where(Category.slug == slug))


def tag_by_slug(slug: str) -> Tag | None:
    """The tag at ``slug``."""
    return db.session.scalar(select(Tag).where(Tag.slug == slug))


def author_by_slug(slug: str) -> User | None:
    """The staff member at ``slug``."""
    return db.session.scalar(select(User).where(User.slug == slug))


def navigation_categories() -> Sequence[Row[tuple[str, str]]]:
    """(slug, name) of the categories with a live story, in navigation order.

    For the header and footer: loaded once per request (or shared by a generation:
    ``serving/fragments``).
    """
    if "navigation_categories" not in g:
        g.navigation_categories = load_navigation_categories()
    return g.navigation_categories


def load_navigation_categories() -> Sequence[Row[tuple[str, str]]]:
    """(slug, name) of the categories with a live story, read now."""
    return db.session.execute(_navigation_categories(), {"now": utcnow()}).all()


@cache
def _navigation_categories() -> Select[tuple[str, str]]:
    has_live = select(Article.id).where(Article.category_id == Category.id, Article.live(_NOW))
    query = select(Category.slug, Category.name).where(has_live.exists())
    return core(query.order_by(Category.position, Category.name))


def all_categories() -> list[Category]:
    """Every category in navigation order (position, then name)."""
    return list(db.session.scalars(select(Category).order_by(Category.position, Category.name)))
