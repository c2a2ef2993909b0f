"""The data model; import models from here."""

from techpulse.models.accounts import Role, User
from techpulse.models.content import (
    Article,
    Category,
    Page,
    SlugRedirect,
    Status,
    Tag,
    article_tags,
)
from techpulse.models.media import Image
from techpulse.models.site import SiteSettings

__all__ = [
    "Article",
    "Category",
    "Image",
    "Page",
    "Role",
    "SiteSettings",
    "SlugRedirect",
    "Status",
    "Tag",
    "User",
    "article_tags",
]
