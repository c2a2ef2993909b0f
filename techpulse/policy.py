"""The role policy: every rule about who may do what, for views, services and templates."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import abort, current_app, request
from flask_login import current_user

from techpulse.models import Article, Image, Page, Role, Status, User

View = TypeVar("View", bound=Callable[..., object])
REQUIRED_ROLE = "required_role"


def requires(role: Role) -> Callable[[View], View]:
    """Mark a staff view as needing ``role`` or above (checked by :func:`enforce`)."""

    def mark(view: View) -> View:
        setattr(view, REQUIRED_ROLE, role)
        return view

    return mark


def required_role(endpoint: str) -> Role:
    """The role a staff endpoint needs: its mark, else author (the least staff role)."""
    view = current_app.view_functions.get(endpoint)
    return getattr(view, REQUIRED_ROLE, Role.AUTHOR)


def enforce() -> object | None:
    """Staff blueprint guard: anonymous users go to login, lesser roles get 403."""
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()
    if request.endpoint and not can_visit(current_user, request.endpoint):
        abort(403)
    return None


def can_visit(user: User, endpoint: str) -> bool:
    """Whether ``user`` may open a staff endpoint."""
    return endpoint in current_app.view_functions and user.has_role(required_role(endpoint))


def can_edit(user: User, article: Article) -> bool:
    """Editors edit any article; authors only their own, and not once it is live.

    Nobody edits a story in the trash: it is restored first.
    """
    if article.status == Status.TRASHED:
        return False
    if user.has_role(Role.EDITOR):
        return True
    return article.author_id == user.id and article.status in (Status.DRAFT, Status.REVIEW)


def can_delete(user: User, article: Article) -> bool:
    """Editors delete (move to the trash) any article; authors only their own drafts."""
    if article.status == Status.TRASHED:
        return False
    if user.has_role(Role.EDITOR):
        return True
    return article.author_id == user.id and article.status == Status.DRAFT


def can_publish(user: User) -> bool:
    """Publishing, scheduling and unpublishing are for editors and admins."""
    return user.has_role(Role.EDITOR)


def can_review(user: User) -> bool:
    """Sending a story back to its author, approving it, setting bylines: editors and admins."""
    return user.has_role(Role.EDITOR)


def can_comment(user: User, article: Article) -> bool:
    """Review comments: editors on any story, authors on their own (never in the trash)."""
    if article.status == Status.TRASHED:
        return False
    return user.has_role(Role.EDITOR) or article.author_id == user.id


def can_share_preview(user: User, article: Article) -> bool:
    """Draft preview links: whoever may edit the story (and it is not in the trash)."""
    return article.status != Status.TRASHED and can_edit(user, article)


def can_trash(user: User, item: Article | Page | Image) -> bool:
    """Moving to the trash (and back): as deleting articles and images; pages for editors."""
    if isinstance(item, Article):
        return can_delete(user, item)
    if isinstance(item, Image):
        return can_manage_image(user, item)
    return user.has_role(Role.EDITOR)


def can_restore(user: User, item: Article | Page | Image) -> bool:
    """Bringing back from the trash: who could have put it there."""
    if isinstance(item, Article):
        own_draft = item.author_id == user.id and item.status_before_trash == Status.DRAFT
        return user.has_role(Role.EDITOR) or own_draft
    return can_trash(user, item)


def can_empty_trash(user: User) -> bool:
    """Deleting for good from the trash is for admins."""
    return user.has_role(Role.ADMIN)


def can_read_draft_page(user: User | None) -> bool:
    """Draft static pages: any signed-in staff member reads them; visitors get a 404."""
    return user is not None and user.has_role(Role.AUTHOR)


def can_manage_image(user: User, image: Image) -> bool:
    """Editors manage any image; authors only the ones they uploaded."""
    return user.has_role(Role.EDITOR) or image.uploaded_by_id == user.id


def signed_in_staff() -> User | None:
    """The logged-in user as a User row, or None for visitors."""
    if not current_user.is_authenticated:
        return None
    return current_user._get_current_object()  # the real User row


def template_globals() -> dict[str, Callable[..., Any]]:
    """The rules as templates ask them, about the current user."""

    def asks(rule: Callable[..., bool]) -> Callable[..., bool]:
        def ask(*args: Any) -> bool:
            user = signed_in_staff()
            return user is not None and rule(user, *args)

        return ask

    return {
        "can_visit": asks(can_visit),
        "can_edit": asks(can_edit),
        "can_delete": asks(can_delete),
        "can_publish": asks(can_publish),
        "can_manage_image": asks(can_manage_image),
        "can_review": asks(can_review),
        "can_comment": asks(can_comment),
        "can_share_preview": asks(can_share_preview),
        "can_trash": asks(can_trash),
        "can_restore": asks(can_restore),
        "can_empty_trash": asks(can_empty_trash),
    }
