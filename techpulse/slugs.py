"""Readable, unique URL slugs."""

from __future__ import annotations

import re

from slugify import slugify as _slugify
from sqlalchemy import select
from sqlalchemy.orm import InstrumentedAttribute
from werkzeug.routing import BaseConverter, IntegerConverter

from techpulse.extensions import db

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def slugify(text: str, max_length: int = 80) -> str:
    """Lower-case ASCII words joined by hyphens ("AI & Tech" → "ai-tech"); "item" when empty."""
    return _slugify(text or "", max_length=max_length, word_boundary=True) or "item"


def is_valid_slug(slug: str) -> bool:
    """Whether ``slug`` is already in canonical slug form."""
    return bool(SLUG_PATTERN.fullmatch(slug))


def unique_slug(
    column: InstrumentedAttribute[str], text: str, *, exclude_id: int | None = None
) -> str:
    """``slugify(text)``, suffixed -2, -3… until no other row of ``column``'s table has it."""
    model = column.class_
    base = slugify(text)
    candidate, n = base, 1
    while True:
        query = select(model.id).where(column == candidate)
        if exclude_id is not None:
            query = query.where(model.id != exclude_id)
        if db.session.scalar(query.limit(1)) is None:
            return candidate
        n += 1
        candidate = f"{base}-{n}"


class SlugConverter(BaseConverter):
    """URL converter that only matches canonical slugs; anything else is a 404 at routing."""

    regex = r"[a-z0-9]+(?:-[a-z0-9]+)*"


MAX_ROW_ID = 2**31 - 1  # the largest id an INTEGER column holds on every database we support


def row_id(value: object) -> int:
    """Coerce a form value to a row id; ValueError (a form error) for anything else."""
    number = int(str(value))
    if not 0 <= number <= MAX_ROW_ID:
        raise ValueError("not a row id")
    return number


class IdConverter(IntegerConverter):
    """``<int:…>`` for row ids: a number no database column can hold is a 404, not a 500."""

    def __init__(self, map, *args, **kwargs) -> None:  # noqa: A002, ANN001, ANN002, ANN003
        kwargs.setdefault("max", MAX_ROW_ID)
        super().__init__(map, *args, **kwargs)
