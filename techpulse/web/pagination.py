"""Reading and checking ``?page=N`` the same way on every list page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort, request
from flask_sqlalchemy.pagination import Pagination


def requested_page() -> int:
    """The ``page`` query argument as a positive int; 404 when it is anything else."""
    args = request.args  # asked first: a MultiDict's get() raises and catches a missing key
    raw = args["page"] if "page" in args else "1"
    if not raw.isascii() or not raw.isdigit() or len(raw) > 6 or int(raw) < 1:
        abort(404)
    return int(raw)


def ensure_page_exists(pagination: Pagination) -> Pagination:
    """404 for a page past the last one (page 1 of an empty list is fine)."""
    if pagination.page > 1 and pagination.page > pagination.pages:
        abort(404)
    return pagination


class IndexedPagination(Pagination):
    """A page read in two steps: the ids from an index, then only those rows, and a total
    from ``counter`` rather than counting the table; so page 50 costs what page 1 does.

    ``load(limit, offset)`` returns the page's items, in order; ``counter()`` the total.
    """

    def _query_items(self) -> list[Any]:
        load: Callable[[int, int], list[Any]] = self._query_args["load"]
        return load(self.per_page, self._query_offset)

    def _query_count(self) -> int:
        counter: Callable[[], int] = self._query_args["counter"]
        return counter()
