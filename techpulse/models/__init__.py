"""The data model; import models from here."""

from techpulse.models.accounts import Role, User
from techpulse.models.contact import ContactMessage, MessageStatus, NotificationStatus
from techpulse.models.content import (
    Article,
    Category,
    Page,
    Revision,
    SlugRedirect,
    Status,
    Tag,
    article_tags,
)
from techpulse.models.drafts import EditorDraft, article_images
from techpulse.models.media import Image
from techpulse.models.site import AuditEvent, SiteSettings

__all__ = [
    "Article",
    "AuditEvent",
    "Category",
    "ContactMessage",
    "EditorDraft",
    "Image",
    "MessageStatus",
    "NotificationStatus",
    "Page",
    "Revision",
    "Role",
    "SiteSettings",
    "SlugRedirect",
    "Status",
    "Tag",
    "User",
    "article_images",
    "article_tags",
]
