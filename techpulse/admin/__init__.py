"""The staff area: one blueprint, one guard, a module of routes per resource."""

from techpulse.admin import (  # noqa: F401 - importing a module registers its routes
    articles,
    audit,
    calendar,
    dashboard,
    imports,
    media,
    messages,
    pages,
    preview_links,
    review,
    security,
    settings,
    statistics,
    taxonomy,
    trash,
    users,
)
from techpulse.admin.blueprint import bp
from techpulse.admin.editor import drafts, page_drafts  # noqa: F401 - registers the editor's routes

__all__ = ["bp"]
