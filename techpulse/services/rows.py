"""Public reads as plain rows: Core statements, and model instances made from their rows.

Loading entities through the ORM (identity map, a loader per joined relationship, events)
costs a story page more CPU than SQLite takes to answer it, and even a statement of plain
columns runs through the ORM's compile and result machinery when it names them through a
model (``Article.id``: 30-50 µs a statement). A public page only reads what it shows, so
its statements run as Core (:func:`core`) and its rows become instances that belong to no
session (:func:`detached`): attributes read as usual, and one that was not loaded raises
(``DetachedInstanceError``) instead of running a query.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from functools import cache
from typing import Any, TypeVar

from sqlalchemy import Column, FromClause
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.sql.util import _deep_deannotate
from sqlalchemy.util import immutabledict

M = TypeVar("M")
S = TypeVar("S")


def core(statement: S) -> S:
    """``statement`` (built once, with model attributes) as the same SQL on table columns:
    the session runs it as Core, with every event, minus the ORM's per-run work. Only for
    statements of columns, never of entities (their rows would be tuples, not objects)."""
    plain = _deep_deannotate(statement)  # type: ignore[type-var]
    plain._propagate_attrs = immutabledict()  # what named the models: nothing now
    return plain


@cache
def columns(model: type[Any], leave_out: frozenset[str]) -> tuple[tuple[str, Column[Any]], ...]:
    """(attribute, table column) of every column ``model`` loads, but those left out."""
    mapper = model.__mapper__
    return tuple(
        (prop.key, prop.columns[0]) for prop in mapper.column_attrs if prop.key not in leave_out
    )


class Shape:
    """The columns of one model in a row, from a table or one of its aliases."""

    def __init__(
        self, model: type[Any], table: FromClause, leave_out: Collection[str] = ()
    ) -> None:
        self.model = model
        pairs = columns(model, frozenset(leave_out))
        self.keys = tuple(key for key, _ in pairs)
        self.columns = tuple(table.c[column.name] for _, column in pairs)
        primary = model.__mapper__.primary_key[0]
        self.key_at = next(n for n, (_, column) in enumerate(pairs) if column is primary)

    def values(self, row: Sequence[Any], start: int) -> dict[str, Any] | None:
        """The attributes whose columns begin at ``row[start]`` (None: an outer join's miss)."""
        values = row[start : start + len(self.keys)]
        if values[self.key_at] is None:
            return None
        return dict(zip(self.keys, values, strict=True))

    def read_one(self, row: Sequence[Any], start: int) -> Any | None:
        """The instance whose columns begin at ``row[start]`` (None: an outer join's miss)."""
        values = self.values(row, start)
        return None if values is None else detached(self.model, values)


def detached(model: type[M], values: dict[str, Any], **related: Any) -> M:
    """A ``model`` instance holding ``values`` (and ``related`` objects or lists), in no
    session, as if loaded: nothing is written, and nothing else is read.

    What ``make_transient_to_detached`` does for a new instance, for a fifth of its CPU: the
    identity key, and the columns not given marked expired (so reading one raises).
    """
    mapper = model.__mapper__
    instance = mapper.class_manager.new_instance()
    instance.__dict__.update(values)
    state = instance._sa_instance_state  # type: ignore[attr-defined]
    state.key = mapper.identity_key_from_primary_key([values[key] for key in _key_of(model)])
    state.expired_attributes.update(_not_given(model, frozenset(values)))
    for key, value in related.items():
        set_committed_value(instance, key, value)
    return instance


@cache
def _key_of(model: type[Any]) -> tuple[str, ...]:
    mapper = model.__mapper__
    return tuple(mapper.get_property_by_column(column).key for column in mapper.primary_key)


@cache
def _not_given(model: type[Any], given: frozenset[str]) -> frozenset[str]:
    """The column attributes of ``model`` not in ``given`` (relationships raise anyway)."""
    return frozenset(prop.key for prop in model.__mapper__.column_attrs) - given


def offsets(shapes: Sequence[Shape]) -> Iterator[int]:
    """Where each shape's columns begin in a row selecting them one after another."""
    start = 0
    for shape in shapes:
        yield start
        start += len(shape.keys)
