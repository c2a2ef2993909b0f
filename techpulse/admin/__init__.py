"""The staff area. Each module adds its routes to the one guarded blueprint."""

from techpulse.admin import dashboard  # noqa: F401 - registers routes
from techpulse.admin.blueprint import bp

__all__ = ["bp"]
