"""The role policy: which role each staff view needs, enforced in one place."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import abort, current_app, request
from flask_login import current_user

from techpulse.models import Article, Role, Status

View = TypeVar("View", bound=Callable[..., object])


def requires(role: Role) -> Callable[[View], View]:
    """Mark a staff view as needing ``role`` or above (checked by :func:`enforce`)."""

    def mark(view: View) -> View:
        view.required_role = role  # type: ignore[attr-defined]
        return view

    return mark


def required_role(endpoint: str) -> Role:
    """The role a staff endpoint needs: its mark, else author (the least staff role)."""
    view = current_app.view_functions.get(endpoint)
    return getattr(view, "required_role", Role.AUTHOR)


def enforce() -> object | None:
    """Blueprint guard: anonymous users go to login, lesser roles get 403."""
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()
    if request.endpoint and not current_user.has_role(required_role(request.endpoint)):
        abort(403)
    return None


def can_edit(user: object, article: Article) -> bool:
    """Editors edit any article; authors only their own, and not once it is live."""
    if user.has_role(Role.EDITOR):  # type: ignore[attr-defined]
        return True
    return article.author_id == user.id and article.status in (  # type: ignore[attr-defined]
        Status.DRAFT,
        Status.REVIEW,
    )


def can_delete(user: object, article: Article) -> bool:
    """Editors delete any article; authors only their own drafts."""
    if user.has_role(Role.EDITOR):  # type: ignore[attr-defined]
        return True
    return article.author_id == user.id and article.status == Status.DRAFT  # type: ignore[attr-defined]


def can_publish(user: object) -> bool:
    """Publishing, scheduling and unpublishing are for editors and admins."""
    return user.has_role(Role.EDITOR)  # type: ignore[attr-defined]
