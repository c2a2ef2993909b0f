"""The one way a view loads a row or answers 404: ``or_404(service.thing_by_id(thing_id))``."""

from __future__ import annotations

from typing import TypeVar

from flask import abort

Row = TypeVar("Row")


def or_404(row: Row | None) -> Row:
    """``row``, or a 404 Not Found when the service found nothing."""
    if row is None:
        abort(404)
    return row
