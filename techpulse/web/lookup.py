"""The one way a view loads a row or answers 404: ``or_404(service.thing_by_id(thing_id))``."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort, flash, redirect, url_for
from sqlalchemy.orm.exc import ObjectDeletedError, StaleDataError

from techpulse.extensions import db

Row = TypeVar("Row")
View = TypeVar("View", bound=Callable[..., Any])


def or_404(row: Row | None) -> Row:
    """``row``, or a 404 Not Found when the service found nothing."""
    if row is None:
        abort(404)
    return row


def deleted_meanwhile(kind: str, listing: str) -> Callable[[View], View]:
    """Decorate a view that changes one row: when someone else deletes that row while the
    request runs (a stale UPDATE, or a reload after commit finding nothing), roll back and
    go to ``listing`` saying so, instead of a 500."""

    def decorate(view: View) -> View:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            try:
                return view(*args, **kwargs)
            except (ObjectDeletedError, StaleDataError):
                db.session.rollback()
                flash(f"This {kind} was deleted by someone else meanwhile.", "error")
                return redirect(url_for(listing))

        return guarded  # type: ignore[return-value]

    return decorate
