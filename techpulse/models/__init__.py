"""The data model; import models from here."""

from techpulse.models.accounts import Role, User
from techpulse.models.contact import ContactMessage, MessageStatus, NotificationStatus
from techpulse.models.content import (
    Article,
    ArticleCoauthor,
    Category,
    ListingCount,
    Page,
    Revision,
    SlugRedirect,
    Status,
    Tag,
    article_tags,
)
from techpulse.models.drafts import EditorDraft, article_images, page_images
from techpulse.models.imports import ImportJob, ImportRun, LegacyRedirect
from techpulse.models.links import article_links, page_links
from techpulse.models.media import Image, MediaBlob
from techpulse.models.newsroom import (
    ArticleComment,
    CommentKind,
    OutgoingMail,
    PreviewLink,
    StaffNotice,
)
from techpulse.models.old_addresses import WordPressPost
from techpulse.models.page_history import PageRevision
from techpulse.models.search import SearchDocument
from techpulse.models.security import RecoveryCode, StaffSession, ThrottleHit, TwoFactor
from techpulse.models.serving import PageCacheGeneration
from techpulse.models.site import AuditEvent, SiteSettings
from techpulse.models.stats import StatCount, StatSalt

__all__ = [
    "Article",
    "ArticleCoauthor",
    "ArticleComment",
    "CommentKind",
    "AuditEvent",
    "Category",
    "ContactMessage",
    "EditorDraft",
    "Image",
    "ImportJob",
    "ImportRun",
    "LegacyRedirect",
    "ListingCount",
    "MediaBlob",
    "MessageStatus",
    "NotificationStatus",
    "OutgoingMail",
    "Page",
    "PageCacheGeneration",
    "PageRevision",
    "PreviewLink",
    "RecoveryCode",
    "Revision",
    "Role",
    "SearchDocument",
    "SiteSettings",
    "StatCount",
    "StatSalt",
    "SlugRedirect",
    "StaffNotice",
    "StaffSession",
    "Status",
    "Tag",
    "ThrottleHit",
    "TwoFactor",
    "User",
    "WordPressPost",
    "article_images",
    "article_links",
    "page_images",
    "page_links",
    "article_tags",
]
