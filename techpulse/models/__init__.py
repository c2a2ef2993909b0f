"""The data model; import models from here."""

from techpulse.models.accounts import Role, User
from techpulse.models.contact import ContactMessage, MessageStatus, NotificationStatus
from techpulse.models.content import (
    Article,
    Category,
    ListingCount,
    Page,
    Revision,
    SlugRedirect,
    Status,
    Tag,
    article_tags,
)
from techpulse.models.media import Image, MediaBlob
from techpulse.models.search import SearchDocument
from techpulse.models.site import AuditEvent, SiteSettings

__all__ = [
    "Article",
    "AuditEvent",
    "Category",
    "ContactMessage",
    "Image",
    "ListingCount",
    "MediaBlob",
    "MessageStatus",
    "NotificationStatus",
    "Page",
    "Revision",
    "Role",
    "SearchDocument",
    "SiteSettings",
    "SlugRedirect",
    "Status",
    "Tag",
    "User",
    "article_tags",
]
