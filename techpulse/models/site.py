"""Site-wide settings, edited by admins."""

from __future__ import annotations

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from techpulse.extensions import db

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

    def social_links(self) -> list[tuple[str, str]]:
        """(network, url) pairs for the networks that have a URL, in a fixed order."""
        pairs = ((name, getattr(self, f"{name}_url")) for name in SOCIAL_NETWORKS)
        return [(name, url) for name, url in pairs if url]
