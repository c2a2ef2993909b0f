"""The staff area. Each module adds its routes to the one guarded blueprint."""

from techpulse.admin import (
    articles,  # noqa: F401 - registers routes
    audit,  # noqa: F401
    dashboard,  # noqa: F401 - registers routes
    imports,  # noqa: F401
    media,  # noqa: F401 - registers routes
    messages,  # noqa: F401
    pages,  # noqa: F401 - registers routes
    security,  # noqa: F401
    settings,  # noqa: F401
    taxonomy,  # noqa: F401 - registers routes
    users,  # noqa: F401
)
from techpulse.admin.blueprint import bp

__all__ = ["bp"]
