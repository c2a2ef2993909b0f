"""Reading and checking ``?page=N`` the same way on every list page."""

from __future__ import annotations

from collections.abc import Callable

from flask import abort, request
from flask_sqlalchemy.pagination import Pagination, SelectPagination


def requested_page() -> int:
    """The ``page`` query argument as a positive int; 404 when it is anything else."""
    raw = request.args.get("page", "1")
    if not raw.isascii() or not raw.isdigit() or len(raw) > 6 or int(raw) < 1:
        abort(404)
    return int(raw)


def ensure_page_exists(pagination: Pagination) -> Pagination:
    """404 for a page past the last one (page 1 of an empty list is fine)."""
    if pagination.page > 1 and pagination.page > pagination.pages:
        abort(404)
    return pagination


class CountedPagination(SelectPagination):
    """A page of a select whose total comes from ``counter`` instead of counting the rows."""

    def _query_count(self) -> int:
        counter: Callable[[], int] = self._query_args["counter"]
        return counter()
