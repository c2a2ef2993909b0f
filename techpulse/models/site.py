"""Site-wide settings, edited by admins."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from techpulse.clock import utcnow
from techpulse.extensions import db
from techpulse.models.accounts import User
from techpulse.models.types import UTCDateTime

SOCIAL_NETWORKS = ("facebook", "linkedin", "x", "instagram", "github", "youtube")


class SiteSettings(db.Model):
    """The single row of site settings (id 1): names, the About blurb, contact, social links."""

    __tablename__ = "site_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    site_name: Mapped[str] = mapped_column(String(80), default="TechPulse")
    company_name: Mapped[str] = mapped_column(String(120), default="CodeDote Technologies")
    tagline: Mapped[str] = mapped_column(String(200), default="")
    about_blurb: Mapped[str] = mapped_column(Text, default="")
    city: Mapped[str] = mapped_column(String(80), default="")
    country: Mapped[str] = mapped_column(String(80), default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    facebook_url: Mapped[str] = mapped_column(String(300), default="")
    linkedin_url: Mapped[str] = mapped_column(String(300), default="")
    x_url: Mapped[str] = mapped_column(String(300), default="")
    instagram_url: Mapped[str] = mapped_column(String(300), default="")
    github_url: Mapped[str] = mapped_column(String(300), default="")
    youtube_url: Mapped[str] = mapped_column(String(300), default="")
    # Staff must set up two-factor login before using the staff area.
    require_two_factor: Mapped[bool] = mapped_column(Boolean, default=False)
    # How many stories the "Recent posts" sidebar widget lists; 0 hides the widget.
    recent_posts: Mapped[int] = mapped_column(Integer, default=5, server_default="5")

    def social_links(self) -> list[tuple[str, str]]:
        """(network, url) pairs for the networks that have a URL, in a fixed order."""
        pairs = ((name, getattr(self, f"{name}_url")) for name in SOCIAL_NETWORKS)
        return [(name, url) for name, url in pairs if url]


class AuditEvent(db.Model):
    """Who did what, when and from where: publishing, roles, settings, failed logins."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    action: Mapped[str] = mapped_column(String(60), index=True)
    target: Mapped[str] = mapped_column(String(200), default="")
    detail: Mapped[str] = mapped_column(String(500), default="")
    ip: Mapped[str] = mapped_column(String(45), default="")
    # What the event is about, for a link to it: ("article", 42), ("page", 3)…
    subject_kind: Mapped[str] = mapped_column(String(20), default="", server_default="")
    subject_id: Mapped[int | None] = mapped_column()

    actor: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<AuditEvent {self.action} {self.target}>"
