"""Categories and tags as staff manage them: counts, renames, re-slugs, deletes."""

from __future__ import annotations

from dataclasses import dataclass

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import delete, func, select, update

from techpulse.extensions import db
from techpulse.models import Article, Category, Tag, article_tags
from techpulse.services import audit
from techpulse.services.articles import all_categories
from techpulse.slugs import is_valid_slug, slug_rule, typed_slug
from techpulse.web.field_errors import FieldError

SLUG_RULE = slug_rule("cloud-computing")


@dataclass(frozen=True)
class CategoryFields:
    """What the category form edits."""

    name: str
    slug: str
    description: str = ""
    position: int = 0


def category_by_id(category_id: int) -> Category | None:
    """The category with this id."""
    return db.session.get(Category, category_id)


def tag_by_id(tag_id: int) -> Tag | None:
    """The tag with this id."""
    return db.session.get(Tag, tag_id)


def categories_with_counts() -> list[tuple[Category, int]]:
    """Every category in navigation order, with how many articles it files."""
    grouped = select(Article.category_id, func.count()).group_by(Article.category_id)
    counts = {category_id: number for category_id, number in db.session.execute(grouped)}
    return [(category, counts.get(category.id, 0)) for category in all_categories()]


def category_article_count(category: Category) -> int:
    """How many articles are filed under ``category``."""
    query = select(func.count()).where(Article.category_id == category.id)
    return db.session.scalar(query) or 0


def other_categories(category: Category) -> list[Category]:
    """The categories ``category``'s articles could move to."""
    return [other for other in all_categories() if other.id != category.id]


def _check_unique(model: type[Category] | type[Tag], fields: dict[str, str], own_id: int | None):
    """Raise FieldError when another row already has one of these values."""
    for field, value in fields.items():
        query = select(model.id).where(func.lower(getattr(model, field)) == value.lower())
        if own_id is not None:
            query = query.where(model.id != own_id)
        if db.session.scalar(query.limit(1)) is not None:
            kind = model.__name__.lower()
            raise FieldError(field, f"Another {kind} already uses this {field}.")


def _check_slug(slug: str) -> None:
    if not is_valid_slug(slug):
        raise FieldError("slug", SLUG_RULE)


def save_category(category: Category | None, fields: CategoryFields) -> Category:
    """Create (``category`` None) or update a category; commit. Raises FieldError."""
    name, slug = " ".join(fields.name.split()), typed_slug(fields.slug)
    _check_slug(slug)
    _check_unique(Category, {"name": name, "slug": slug}, category and category.id)
    if category is None:
        category = Category(name=name, slug=slug)
        db.session.add(category)
        audit.record("category.created", slug, name)
    _audit_identity("category", category, name, slug)
    category.name, category.slug = name, slug
    category.description = fields.description.strip()
    category.position = fields.position
    db.session.commit()
    return category


def _audit_identity(kind: str, row: Category | Tag, name: str, slug: str) -> None:
    """Record renames and re-slugs of an existing category or tag."""
    if row.id is None:
        return
    if row.name != name:
        audit.record(f"{kind}.renamed", slug, f"{row.name} → {name}")
    if row.slug != slug:
        audit.record(f"{kind}.reslugged", slug, f"{row.slug} → {slug}")


def delete_category(category: Category, move_to: Category | None = None) -> int:
    """Delete a category, first moving its articles to ``move_to``; return how many moved.

    Raises FieldError when articles use it and there is nowhere (valid) to move them.
    """
    in_use = category_article_count(category)
    if move_to is not None and move_to.id == category.id:
        raise FieldError("move_to", "Choose a different category to move the articles to.")
    if in_use and move_to is None:
        raise FieldError(
            "move_to",
            f"{in_use} article(s) are filed under “{category.name}”. "
            "Move them to another category first.",
        )
    if in_use and move_to is not None:
        db.session.execute(
            update(Article).where(Article.category_id == category.id).values(category_id=move_to.id)
        )
    detail = f"{in_use} article(s) moved to {move_to.slug}" if in_use and move_to else ""
    audit.record("category.deleted", category.slug, detail)
    db.session.delete(category)
    db.session.commit()
    return in_use


def tags_with_counts(page: int = 1, per_page: int = 50) -> tuple[Pagination, dict[int, int]]:
    """A page of tags by name, and the article count of each (one grouped query)."""
    listing = db.paginate(
        select(Tag).order_by(Tag.name), page=page, per_page=per_page, error_out=False
    )
    ids = [tag.id for tag in listing.items]
    query = (
        select(article_tags.c.tag_id, func.count())
        .where(article_tags.c.tag_id.in_(ids))
        .group_by(article_tags.c.tag_id)
    )
    counts = {tag_id: number for tag_id, number in db.session.execute(query)} if ids else {}
    return listing, {tag_id: counts.get(tag_id, 0) for tag_id in ids}


def tag_article_count(tag: Tag) -> int:
    """How many articles carry ``tag``."""
    query = select(func.count()).where(article_tags.c.tag_id == tag.id)
    return db.session.scalar(query) or 0


def save_tag(tag: Tag, name: str, slug: str) -> Tag:
    """Rename and/or re-slug a tag; commit. Raises FieldError."""
    name, slug = " ".join(name.split()), typed_slug(slug)
    _check_slug(slug)
    _check_unique(Tag, {"name": name, "slug": slug}, tag.id)
    _audit_identity("tag", tag, name, slug)
    tag.name, tag.slug = name, slug
    db.session.commit()
    return tag


def delete_tag(tag: Tag) -> int:
    """Delete a tag, removing it from every article; return how many articles had it."""
    used = tag_article_count(tag)
    db.session.execute(delete(article_tags).where(article_tags.c.tag_id == tag.id))
    audit.record("tag.deleted", tag.slug, f"removed from {used} article(s)")
    db.session.delete(tag)
    db.session.commit()
    return used
